//! Tests of the transform rules (`super`), kept apart from the rules themselves.

use super::*;
use crate::model::Timestamp;

/// 2024-03-01 00:00:00 UTC.
const T2024: Timestamp = Timestamp(1_709_251_200_000_000);

/// A coach with a name and a description (so no bio warning).
fn legacy_coach(id: i32, name: &str) -> LegacyCoach {
    LegacyCoach {
        id,
        name: Some(name.into()),
        description: Some("A coach.".into()),
        time_create: Some(T2024),
        ..Default::default()
    }
}

fn legacy_category(id: i32) -> LegacyCategory {
    LegacyCategory {
        id,
        name: Some(format!("Cat {id}")),
        ..Default::default()
    }
}

fn legacy_config(
    source: ConfigSource,
    id: i32,
    name: Option<&str>,
    value: Option<&str>,
) -> LegacyConfig {
    LegacyConfig {
        source,
        id,
        name: name.map(Into::into),
        value: value.map(Into::into),
        user: None,
        time_create: Some(T2024),
    }
}

// --- sex -------------------------------------------------------------

#[test]
fn default_sex_map() {
    let m = SexMap::default();
    let value = |raw: Option<&str>| m.map(raw).value;
    for raw in ["M", "male", " Man ", "MALE"] {
        assert_eq!(value(Some(raw)).as_deref(), Some("male"), "{raw}");
    }
    for raw in ["F", " f ", "Female", "woman"] {
        assert_eq!(value(Some(raw)).as_deref(), Some("female"), "{raw}");
    }
    for raw in ["N", "nb", "Non-Binary", "non_binary", "nonbinary"] {
        assert_eq!(value(Some(raw)).as_deref(), Some("non_binary"), "{raw}");
    }
    assert_eq!(
        m.map(None),
        SexOutcome {
            value: None,
            unknown: false
        }
    );
    assert_eq!(
        m.map(Some("  ")),
        SexOutcome {
            value: None,
            unknown: false
        }
    );
    assert_eq!(
        m.map(Some("")),
        SexOutcome {
            value: None,
            unknown: false
        }
    );
    for raw in ["X", "other", "prefer_not_to_say"] {
        assert_eq!(
            m.map(Some(raw)),
            SexOutcome {
                value: None,
                unknown: true
            },
            "{raw}"
        );
    }
}

#[test]
fn sex_map_from_pairs_replaces_the_defaults() {
    let m = SexMap::from_pairs([
        ("M".to_string(), Some("male".to_string())),
        ("F".to_string(), Some("female".to_string())),
        ("N".to_string(), None),
    ])
    .unwrap();
    assert_eq!(m.map(Some("m")).value.as_deref(), Some("male"));
    assert_eq!(
        m.map(Some(" N ")),
        SexOutcome {
            value: None,
            unknown: false
        },
        "explicit null is not unknown"
    );
    assert_eq!(
        m.map(Some("male")),
        SexOutcome {
            value: None,
            unknown: true
        },
        "defaults are gone"
    );
}

#[test]
fn sex_map_refuses_targets_outside_the_constraint() {
    let e = SexMap::from_pairs([("M".to_string(), Some("Male".to_string()))]).unwrap_err();
    assert!(e.contains("'Male'"), "{e}");
    assert!(
        e.contains("male, female, non_binary, other, prefer_not_to_say"),
        "{e}"
    );
    let e = SexMap::from_pairs([
        ("m".to_string(), Some("male".into())),
        ("M ".to_string(), Some("female".into())),
    ])
    .unwrap_err();
    assert!(e.contains("twice"), "{e}");
    assert!(SexMap::from_pairs([
        ("m".to_string(), Some("male".into())),
        ("M".to_string(), Some("male".into()))
    ])
    .is_ok());
}

// --- birth year ------------------------------------------------------

/// Every row of the reference's §3.2 examples table, reference year 2025.
/// `legacy` is what the original tool gave; where we differ, the reason.
#[test]
fn birth_year_on_the_reference_examples() {
    let cases: &[(&str, Option<i32>, Option<i32>, &str)] = &[
        (
            "Hi, I'm Daniel. I was born in 1978 in Prague.",
            Some(1978),
            Some(1978),
            "",
        ),
        (
            "Born in 1915, I have seen a lot.",
            Some(1915),
            None,
            "our floor is 1900; legacy's was 1920",
        ),
        ("Birth year: 1985", Some(1985), Some(1985), ""),
        ("birth year 1990", Some(1990), Some(1990), ""),
        ("1982 birth cohort", Some(1982), Some(1982), ""),
        (
            "I am 45 years old and love running.",
            Some(1980),
            Some(1980),
            "",
        ),
        ("Age: 38", Some(1987), Some(1987), ""),
        (
            "age 100",
            Some(1925),
            Some(2015),
            "ages have up to 3 digits; legacy read '10'",
        ),
        (
            "I manage 3 teams of coaches.",
            None,
            Some(2022),
            "'age' must be a whole word",
        ),
        (
            "On stage: 12 years",
            None,
            Some(2013),
            "'age' must be a whole word",
        ),
        ("Coaching since 2005.", None, None, ""),
        (
            "Coaching since 2005, certified in 2010.",
            None,
            Some(2010),
            "no second-number rule",
        ),
        (
            "Between 1999 and 2024 I worked in 3 countries.",
            None,
            None,
            "",
        ),
        (
            "I am 45 years old, born in 1980",
            Some(1980),
            Some(1980),
            "",
        ),
        (
            "born in 0042",
            None,
            Some(1983),
            "a 4-digit year below 1900 is not an age",
        ),
        ("Hello! I'm here to help you.", None, None, ""),
    ];
    for &(intro, ours, legacy, why) in cases {
        assert_eq!(birth_year(intro, 2025), ours, "{intro:?}");
        assert_eq!(
            ours != legacy,
            !why.is_empty(),
            "{intro:?}: a difference must have a reason"
        );
    }
}

#[test]
fn birth_year_phrases_and_word_boundaries() {
    assert_eq!(birth_year("born 1978", 2025), Some(1978));
    assert_eq!(birth_year("Year of birth 1985.", 2025), Some(1985));
    assert_eq!(birth_year("BIRTH-YEAR: 1970", 2025), Some(1970));
    assert_eq!(birth_year("aged 38", 2025), Some(1987));
    assert_eq!(birth_year("a 38-year-old coach", 2025), Some(1987));
    assert_eq!(birth_year("at the age of 40", 2020), Some(1980));
    assert_eq!(birth_year("I am 38", 2025), None, "too ambiguous");
    assert_eq!(birth_year("see page 4", 2025), None);
    assert_eq!(birth_year("we engage 30 clients", 2025), None);
    assert_eq!(birth_year("age19", 2025), None, "number glued to the word");
    assert_eq!(
        birth_year("reborn in 1978", 2025),
        None,
        "'born' is a whole word"
    );
    assert_eq!(birth_year("born in 1978s", 2025), None);
    assert_eq!(
        birth_year("38.5 years old", 2025),
        None,
        "decimals are not ages"
    );
    assert_eq!(
        birth_year("where I was born. 1978 was", 2025),
        None,
        "no match across sentences"
    );
    assert_eq!(birth_year("", 2025), None);
}

#[test]
fn birth_year_ranges() {
    assert_eq!(birth_year("born in 1900", 2025), Some(1900));
    assert_eq!(birth_year("born in 1899", 2025), None);
    assert_eq!(birth_year("born in 2025", 2025), Some(2025));
    assert_eq!(
        birth_year("born in 2026", 2025),
        None,
        "after the reference year"
    );
    assert_eq!(birth_year("born in 19780", 2025), None, "five digits");
    assert_eq!(birth_year("age 120", 2025), Some(1905));
    assert_eq!(birth_year("age 121", 2025), None);
    assert_eq!(birth_year("age 0", 2025), None);
    assert_eq!(birth_year("age 038", 2025), Some(1987));
}

#[test]
fn birth_year_prefers_years_and_then_text_order() {
    assert_eq!(
        birth_year("Age 38. Born in 1980.", 2025),
        Some(1980),
        "year beats earlier age"
    );
    assert_eq!(
        birth_year("born in 2090, no: born in 1970", 2025),
        Some(1970),
        "invalid year skipped"
    );
    assert_eq!(
        birth_year("age 30, later aged 40", 2025),
        Some(1995),
        "first age"
    );
    assert_eq!(
        birth_year("born in 1850; age 40", 2025),
        Some(1985),
        "invalid year falls back to age"
    );
}

// --- coaches ---------------------------------------------------------

#[test]
fn coach_full_row() {
    let row = LegacyCoach {
        id: 1,
        name: Some("Daniel".into()),
        description: Some("  Calm coach.  ".into()),
        image_id: Some(18),
        image30_id: Some(19),
        image45_id: Some(20),
        image60_id: Some(21),
        sex: Some("M".into()),
        intro: Some("I was born in 1978.".into()),
        prompt: Some("  You are Daniel.\n".into()),
        time_create: Some(T2024),
    };
    let mut w = Vec::new();
    let c = coach(&row, &Options::default(), &mut w);
    assert_eq!(
        c,
        Coach {
            id: "0d33d926-1ff8-45a4-8e96-bc45b919a131".into(),
            legacy_id: 1,
            legacy_name: Some("Daniel".into()),
            name: "Daniel".into(),
            bio: Some("Calm coach.".into()),
            sex: Some("male".into()),
            year_of_birth: Some(1978),
            voice_id: Some("daniel_m".into()),
            prompt: Some("You are Daniel.".into()),
            photo_image: Some(18),
            small_image: Some(19),
            medium_image: Some(20),
            large_image: Some(21),
            created_at: Some(T2024),
        }
    );
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn coach_name_and_voice_id() {
    let mut w = Vec::new();
    let opts = Options::default();
    let mut row = legacy_coach(3, "Anna  Maria");
    row.sex = Some("Female".into());
    assert_eq!(
        coach(&row, &opts, &mut w).voice_id.as_deref(),
        Some("anna_maria_f")
    );

    // Trimmed name for voice_id (legacy gave "_daniel__m").
    let mut row = legacy_coach(4, " Daniel ");
    row.sex = Some("m".into());
    let c = coach(&row, &opts, &mut w);
    assert_eq!(
        (c.name.as_str(), c.voice_id.as_deref()),
        ("Daniel", Some("daniel_m"))
    );
    assert_eq!(c.legacy_name.as_deref(), Some(" Daniel "));

    let mut row = legacy_coach(5, "José");
    row.sex = Some("N".into());
    assert_eq!(
        coach(&row, &opts, &mut w).voice_id.as_deref(),
        Some("josé_nb")
    );
    row.sex = None;
    assert_eq!(
        coach(&row, &opts, &mut w).voice_id.as_deref(),
        Some("josé_nb")
    );
    assert!(w.is_empty(), "{w:?}");

    let mut row = legacy_coach(7, "   ");
    row.description = Some("d".into());
    let c = coach(&row, &opts, &mut w);
    assert_eq!((c.name.as_str(), c.voice_id.as_deref()), ("Coach 7", None));
    row.name = None;
    assert_eq!(coach(&row, &opts, &mut w).name, "Coach 7");
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].to_string(), "coach 7: name is empty → 'Coach 7'");
}

#[test]
fn coach_bio_falls_back_to_intro_then_the_sentence() {
    let mut w = Vec::new();
    let mut row = legacy_coach(2, "Sarah");
    row.description = Some("   ".into());
    row.intro = Some(" Hi, I am Sarah. ".into());
    assert_eq!(
        coach(&row, &Options::default(), &mut w).bio.as_deref(),
        Some("Hi, I am Sarah.")
    );
    assert!(w.is_empty());
    row.intro = Some("\n".into());
    let c = coach(&row, &Options::default(), &mut w);
    assert_eq!(
        c.bio.as_deref(),
        Some("Sarah is here to help with your wellness journey.")
    );
    assert_eq!(w.len(), 1);
}

#[test]
fn coach_unknown_sex_is_null_with_a_warning() {
    let mut w = Vec::new();
    let mut row = legacy_coach(6, "Emma");
    row.description = Some("d".into());
    row.sex = Some("X".into());
    let c = coach(&row, &Options::default(), &mut w);
    assert_eq!((c.sex, c.voice_id.as_deref()), (None, Some("emma_nb")));
    assert_eq!(
        w,
        vec![Warning {
            entity: "coach",
            legacy_id: 6,
            message: "unknown sex value 'X' → NULL".into()
        }]
    );
}

#[test]
fn coach_year_of_birth_uses_the_reference_year_or_time_create() {
    let mut w = Vec::new();
    let mut row = legacy_coach(1, "Daniel");
    row.intro = Some("Age: 38".into());
    assert_eq!(
        coach(&row, &Options::default(), &mut w).year_of_birth,
        Some(2024 - 38),
        "time_create year"
    );
    let fixed = Options {
        reference_year: Some(2025),
        ..Options::default()
    };
    assert_eq!(coach(&row, &fixed, &mut w).year_of_birth, Some(1987));
    row.time_create = None;
    assert_eq!(
        coach(&row, &Options::default(), &mut w).year_of_birth,
        None,
        "no reference at all"
    );
    assert_eq!(coach(&row, &fixed, &mut w).year_of_birth, Some(1987));
    row.intro = None;
    assert_eq!(coach(&row, &fixed, &mut w).year_of_birth, None);
}

#[test]
fn coach_images_skip_zero_and_negative() {
    let mut w = Vec::new();
    let mut row = legacy_coach(1, "A");
    row.image_id = Some(0);
    row.image60_id = Some(-1);
    row.image45_id = None;
    row.image30_id = Some(30);
    let c = coach(&row, &Options::default(), &mut w);
    assert_eq!(
        (c.photo_image, c.small_image, c.medium_image, c.large_image),
        (Some(30), Some(30), None, None)
    );
    row.image45_id = Some(45);
    assert_eq!(
        coach(&row, &Options::default(), &mut w).photo_image,
        Some(45),
        "60 before 45 before 30"
    );
    let none = coach(&legacy_coach(2, "B"), &Options::default(), &mut w);
    assert_eq!(none.photo_image, None);
    assert_eq!(none.prompt, None);
}

// --- categories ------------------------------------------------------

#[test]
fn category_defaults_for_nulls() {
    let mut w = Vec::new();
    let c = category(&legacy_category(1), &mut w);
    assert_eq!(
        c,
        Category {
            id: "e28a1646-906d-41b7-a87c-6e01e5f8ddc4".into(),
            legacy_id: 1,
            parent_id: None,
            parent_legacy_id: None,
            name: "Cat 1".into(),
            name_short: None,
            description: None,
            icon_image: None,
            icon_secondary_image: None,
            sort_order: 0,
            primary_color: None,
            secondary_color: None,
            show_checkin_history: false,
            checkin_enabled: true,
            followup_chat_enabled: false,
            followup_timer: None,
            prompt_checkin: None,
            prompt_checkin_2: None,
            guidelines_file_text: None,
            max_questions: DEFAULT_MAX_QUESTIONS,
            scope: None,
            created_at: None,
        }
    );
    assert!(w.is_empty());
}

#[test]
fn category_fields_are_trimmed_and_kept() {
    let mut w = Vec::new();
    let row = LegacyCategory {
        id: 89,
        parent_id: Some(2),
        name: Some("  Stress Management ".into()),
        name_short: Some(" Stress ".into()),
        description: Some("".into()),
        icon_id: Some(100),
        icon_id_secondary: Some(101),
        sort_order: Some(-2),
        primary_color: Some(" #4CAF50 ".into()),
        secondary_color: Some(" 4CAF50".into()),
        show_checkin_history: Some(true),
        checkin_enabled: Some(false),
        followup_chat_enabled: Some(true),
        followup_timer: Some(60),
        prompt_checkin: Some("Line 1\nLine 2\n".into()),
        prompt_checkin_2: Some("  ".into()),
        guidelines_file_text: Some(" g ".into()),
        max_questions: Some(3),
        scope: Some(" s ".into()),
        time_create: Some(T2024),
    };
    let c = category(&row, &mut w);
    assert_eq!(c.id, "7789dfe6-65d0-4a0f-bd39-56c675dc1927");
    assert_eq!(
        c.parent_id.as_deref(),
        Some("504df835-5b69-4e05-b264-5c31318de4b7")
    );
    assert_eq!(c.parent_legacy_id, Some(2));
    assert_eq!(c.name, "Stress Management");
    assert_eq!(
        (c.name_short.as_deref(), c.description.as_deref()),
        (Some("Stress"), None)
    );
    assert_eq!(
        (c.icon_image, c.icon_secondary_image),
        (Some(100), Some(101))
    );
    assert_eq!(c.sort_order, -2, "negative kept");
    assert_eq!(
        (c.primary_color.as_deref(), c.secondary_color.as_deref()),
        (Some("#4CAF50"), Some("4CAF50"))
    );
    assert_eq!(
        (
            c.show_checkin_history,
            c.checkin_enabled,
            c.followup_chat_enabled
        ),
        (true, false, true)
    );
    assert_eq!((c.followup_timer, c.max_questions), (Some(60), 3));
    assert_eq!(c.prompt_checkin.as_deref(), Some("Line 1\nLine 2"));
    assert_eq!(
        (
            c.prompt_checkin_2,
            c.guidelines_file_text.as_deref(),
            c.scope.as_deref()
        ),
        (None, Some("g"), Some("s"))
    );
    assert_eq!(c.created_at, Some(T2024));
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn category_parent_root_encodings() {
    let mut w = Vec::new();
    for parent in [None, Some(0), Some(-4)] {
        let row = LegacyCategory {
            parent_id: parent,
            ..legacy_category(5)
        };
        let c = category(&row, &mut w);
        assert_eq!(
            (c.parent_id, c.parent_legacy_id),
            (None, None),
            "{parent:?}"
        );
    }
    // A self-parent is kept for the validation gate to refuse.
    let c = category(
        &LegacyCategory {
            parent_id: Some(5),
            ..legacy_category(5)
        },
        &mut w,
    );
    assert_eq!(c.parent_id, Some(c.id.clone()));
}

#[test]
fn category_max_questions_and_followup_timer() {
    let mq = |v: Option<i32>| {
        let mut w = Vec::new();
        let c = category(
            &LegacyCategory {
                max_questions: v,
                ..legacy_category(9)
            },
            &mut w,
        );
        (
            c.max_questions,
            w.into_iter().map(|w| w.message).collect::<Vec<_>>(),
        )
    };
    assert_eq!(mq(None), (5, vec![]));
    assert_eq!(mq(Some(0)), (5, vec![]));
    assert_eq!(mq(Some(3)), (3, vec![]));
    assert_eq!(mq(Some(20)), (20, vec![]));
    assert_eq!(
        mq(Some(25)),
        (20, vec!["max_questions 25 clamped to 20".to_string()])
    );
    assert_eq!(
        mq(Some(-3)),
        (1, vec!["max_questions -3 clamped to 1".to_string()])
    );

    let ft = |v: Option<i32>| {
        let mut w = Vec::new();
        let c = category(
            &LegacyCategory {
                followup_timer: v,
                ..legacy_category(9)
            },
            &mut w,
        );
        (c.followup_timer, w.len())
    };
    assert_eq!(ft(None), (None, 0));
    assert_eq!(ft(Some(0)), (Some(0), 0), "0 kept");
    assert_eq!(ft(Some(60)), (Some(60), 0));
    assert_eq!(ft(Some(-5)), (None, 1));
}

#[test]
fn category_blank_name_falls_back() {
    let mut w = Vec::new();
    let c = category(
        &LegacyCategory {
            name: Some(" ".into()),
            ..legacy_category(12)
        },
        &mut w,
    );
    assert_eq!(c.name, "Category 12");
    assert_eq!(
        w[0].to_string(),
        "category 12: name is empty → 'Category 12'"
    );
}

// --- config ----------------------------------------------------------

#[test]
fn sanitize_key_examples() {
    assert_eq!(sanitize_key("Check-In Prompt"), "check_in_prompt");
    assert_eq!(sanitize_key("MAX__Questions "), "max_questions");
    assert_eq!(sanitize_key("Über"), "ber");
    assert_eq!(sanitize_key("!!!"), "");
    assert_eq!(sanitize_key("__a__"), "a");
    assert_eq!(sanitize_key("gpt-4o model"), "gpt_4o_model");
    assert_eq!(sanitize_key(""), "");
}

#[test]
fn config_keys_and_refusals() {
    let key = |src, name| config_key(&legacy_config(src, 1, name, None));
    assert_eq!(
        key(ConfigSource::Prompt, Some("Check-In")),
        Ok("prompt_check_in".into())
    );
    assert_eq!(
        key(ConfigSource::Prompt, Some("check in")),
        Ok("prompt_check_in".into()),
        "collision is the gate's job"
    );
    assert_eq!(
        key(ConfigSource::Variable, Some("MAX__Questions ")),
        Ok("var_max_questions".into())
    );
    assert_eq!(
        key(ConfigSource::System, Some("Model")),
        Ok("system_model".into())
    );
    let e = key(ConfigSource::Prompt, None).unwrap_err();
    assert!(e.contains("tls_prompt 1") && e.contains("no name"), "{e}");
    let e = key(ConfigSource::System, Some("!!!")).unwrap_err();
    assert!(e.contains("tls_system 1") && e.contains("\"!!!\""), "{e}");
}

#[test]
fn config_rows_per_source() {
    let mut w = Vec::new();
    let p = config(
        &legacy_config(
            ConfigSource::Prompt,
            3,
            Some("Check-In Prompt"),
            Some("  Ask how they feel. "),
        ),
        &mut w,
    )
    .unwrap();
    assert_eq!(
        p,
        ConfigRow {
            key: "prompt_check_in_prompt".into(),
            value: json!({ "content": "Ask how they feel." }),
            description: Some("Prompt: Check-In Prompt".into()),
            is_public: false,
            created_at: Some(T2024),
            source: Some((ConfigSource::Prompt, 3)),
        }
    );
    let empty = config(
        &legacy_config(ConfigSource::Prompt, 4, Some("Empty"), None),
        &mut w,
    )
    .unwrap();
    assert_eq!(empty.value, json!({ "content": "" }));

    let mut var = legacy_config(ConfigSource::Variable, 5, Some("Max Q"), Some("12"));
    let v = config(&var, &mut w).unwrap();
    assert_eq!(
        (v.key.as_str(), v.is_public),
        ("var_max_q", false),
        "NULL user → private"
    );
    assert_eq!(v.value, json!({ "content": "12" }), "numbers stay strings");
    assert_eq!(v.description.as_deref(), Some("Variable: Max Q"));
    var.user = Some(true);
    assert!(config(&var, &mut w).unwrap().is_public);

    let mut sys = legacy_config(ConfigSource::System, 6, Some("Model"), Some("gpt"));
    sys.user = Some(true); // never set for systems, and ignored if it were
    let s = config(&sys, &mut w).unwrap();
    assert_eq!(
        (s.is_public, s.description.as_deref()),
        (false, Some("System: Model"))
    );
    assert!(w.is_empty());

    assert_eq!(
        config(
            &legacy_config(ConfigSource::Prompt, 7, Some("!!!"), Some("x")),
            &mut w
        ),
        None
    );
    assert_eq!(
        config(
            &legacy_config(ConfigSource::Variable, 8, None, Some("x")),
            &mut w
        ),
        None
    );
    assert_eq!(
        (w[0].entity, w[0].legacy_id, w[1].entity, w[1].legacy_id),
        ("prompt", 7, "variable", 8)
    );
}

#[test]
fn default_coach_row_shape() {
    let r = default_coach_row("0d33d926-1ff8-45a4-8e96-bc45b919a131");
    assert_eq!(r.key, "default_coach");
    assert_eq!(
        r.value["default_coach_id"],
        "0d33d926-1ff8-45a4-8e96-bc45b919a131"
    );
    assert_eq!(
        r.value["description"],
        "Default coach assigned to new users"
    );
    assert_eq!(
        r.description.as_deref(),
        Some("Default coach for new users")
    );
    assert_eq!((r.is_public, r.created_at, r.source), (false, None, None));
}

// --- default coach ---------------------------------------------------

fn coaches(names: &[(i32, Option<&str>)]) -> Vec<Coach> {
    let mut w = Vec::new();
    names
        .iter()
        .map(|&(id, name)| {
            coach(
                &LegacyCoach {
                    id,
                    name: name.map(Into::into),
                    ..Default::default()
                },
                &Options::default(),
                &mut w,
            )
        })
        .collect()
}

#[test]
fn choose_default_coach_by_exact_name_or_id() {
    let cs = coaches(&[
        (1, Some("Danielle")),
        (2, Some(" Daniel ")),
        (3, Some("Daniel")),
        (4, Some("daniel")),
    ]);
    let by_name = choose_default_coach(&cs, &CoachSelector::Name("Daniel".into())).unwrap();
    assert_eq!(by_name.legacy_id, 3);
    assert_eq!(
        choose_default_coach(&cs, &CoachSelector::Name(" Daniel ".into()))
            .unwrap()
            .legacy_id,
        2
    );
    assert_eq!(
        choose_default_coach(&cs, &CoachSelector::LegacyId(4))
            .unwrap()
            .id,
        ids::coach_id(4)
    );
}

#[test]
fn choose_default_coach_explains_no_match() {
    let cs = coaches(&[(1, Some("Sarah")), (2, None)]);
    let e = choose_default_coach(&cs, &CoachSelector::Name("Daniel".into())).unwrap_err();
    assert!(e.contains("name \"Daniel\""), "{e}");
    assert!(
        e.contains("\"Sarah\" (legacy id 1)") && e.contains("NULL (legacy id 2)"),
        "{e}"
    );
    assert!(e.contains("etl.totalis.default_coach"), "{e}");
    let e = choose_default_coach(&cs, &CoachSelector::LegacyId(9)).unwrap_err();
    assert!(e.contains("legacy id 9"), "{e}");
    let e = choose_default_coach(&[], &CoachSelector::LegacyId(9)).unwrap_err();
    assert!(e.contains("there are no coaches"), "{e}");

    let many: Vec<(i32, Option<&str>)> = (1..=12).map(|i| (i, Some("X"))).collect();
    let e =
        choose_default_coach(&coaches(&many), &CoachSelector::Name("Y".into())).unwrap_err();
    assert!(
        e.contains("(legacy id 10)")
            && !e.contains("(legacy id 11)")
            && e.contains("and 2 more"),
        "{e}"
    );
}

#[test]
fn choose_default_coach_refuses_several_matches() {
    let cs = coaches(&[(1, Some("Daniel")), (2, Some("Sarah")), (5, Some("Daniel"))]);
    let e = choose_default_coach(&cs, &CoachSelector::Name("Daniel".into())).unwrap_err();
    assert!(
        e.contains("2 coaches") && e.contains("legacy ids 1, 5"),
        "{e}"
    );
    assert!(e.contains("etl.totalis.default_coach"), "{e}");
}

#[test]
fn options_default() {
    let o = Options::default();
    assert_eq!(o.reference_year, None);
    assert_eq!(o.sex_map, SexMap::default());
    assert_eq!(o.default_coach, CoachSelector::Name("Daniel".into()));
}
