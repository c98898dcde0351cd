//! Pure functions that turn legacy `tls_*` rows into target rows.
//!
//! Nothing here touches a database or the clock: the reference year for ages
//! comes from [`Options`] or from the row itself, so a rerun gives the same
//! result. Everything the transform had to fix is reported as a [`Warning`].
//!
//! Where we knowingly differ from the legacy TypeScript tool, the function's
//! documentation says so.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::json;

use crate::ids;
use crate::model::{
    Category, Coach, ConfigRow, ConfigSource, LegacyCategory, LegacyCoach, LegacyConfig,
};

/// `categories.max_questions` default (HEAD schema), used for NULL and 0.
pub const DEFAULT_MAX_QUESTIONS: i32 = 5;
/// Allowed range of `max_questions`; values outside are clamped.
pub const MAX_QUESTIONS_RANGE: std::ops::RangeInclusive<i32> = 1..=20;
/// `categories.show_checkin_history` default, used for NULL.
pub const DEFAULT_SHOW_CHECKIN_HISTORY: bool = false;
/// `categories.checkin_enabled` default, used for NULL.
pub const DEFAULT_CHECKIN_ENABLED: bool = true;
/// `categories.followup_chat_enabled` default, used for NULL.
pub const DEFAULT_FOLLOWUP_CHAT_ENABLED: bool = false;
/// The values the widest `coaches.sex` CHECK constraint accepts (NULL aside).
pub const SEX_VALUES: [&str; 5] = ["male", "female", "non_binary", "other", "prefer_not_to_say"];
/// The `app_config` key the signup trigger reads the default coach from.
pub const DEFAULT_COACH_KEY: &str = "default_coach";

/// Knobs of the transform (from the profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Year that ages in intros count back from; None = each coach's own
    /// `time_create` year.
    pub reference_year: Option<i32>,
    /// Legacy `sex` → target value.
    pub sex_map: SexMap,
    /// Which coach becomes `default_coach` (`etl.totalis.default_coach`).
    pub default_coach: CoachSelector,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reference_year: None,
            sex_map: SexMap::default(),
            default_coach: CoachSelector::Name("Daniel".into()),
        }
    }
}

/// How the default coach is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoachSelector {
    /// `tls_coach.id`.
    LegacyId(i32),
    /// `tls_coach.name` exactly as stored: no trimming, case-sensitive.
    Name(String),
}

impl fmt::Display for CoachSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoachSelector::LegacyId(id) => write!(f, "legacy id {id}"),
            CoachSelector::Name(name) => write!(f, "name {name:?}"),
        }
    }
}

/// Something the transform changed or could not use, one line per item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// "coach", "category", "prompt", "variable" or "system".
    pub entity: &'static str,
    /// The id in the legacy table.
    pub legacy_id: i32,
    /// What was changed and why, e.g. "max_questions 25 clamped to 20".
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.entity, self.legacy_id, self.message)
    }
}

fn warn(warnings: &mut Vec<Warning>, entity: &'static str, legacy_id: i32, message: String) {
    warnings.push(Warning {
        entity,
        legacy_id,
        message,
    });
}

/// Trimmed text, or None if NULL or blank.
fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Legacy image ids use 0 (and NULL) for "none"; negatives are nonsense too.
fn image(id: Option<i32>) -> Option<i32> {
    id.filter(|&i| i > 0)
}

// ---------------------------------------------------------------------------
// Sex

/// Legacy `sex` values → target values, looked up trimmed and case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SexMap {
    /// Normalised legacy value → target (None = NULL).
    entries: BTreeMap<String, Option<String>>,
}

/// The result of mapping one legacy `sex` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SexOutcome {
    /// The target value (None = NULL).
    pub value: Option<String>,
    /// True if a non-blank value was not in the map (and so became NULL).
    pub unknown: bool,
}

fn normalise_sex(raw: &str) -> String {
    raw.trim().to_lowercase()
}

impl Default for SexMap {
    /// M/male/man → male, F/female/woman → female,
    /// N/nb/non-binary/non_binary/nonbinary → non_binary; anything else → NULL.
    fn default() -> Self {
        let groups: [(&[&str], &str); 3] = [
            (&["m", "male", "man"], "male"),
            (&["f", "female", "woman"], "female"),
            (
                &["n", "nb", "non-binary", "non_binary", "nonbinary"],
                "non_binary",
            ),
        ];
        let entries = groups
            .iter()
            .flat_map(|(keys, target)| {
                keys.iter()
                    .map(move |k| (k.to_string(), Some(target.to_string())))
            })
            .collect();
        SexMap { entries }
    }
}

impl SexMap {
    /// A map with exactly these pairs (the defaults are dropped), e.g. from the
    /// profile's `sex_map: {M: male, F: female, N: null}`. Keys are matched
    /// trimmed and case-insensitively; targets must be one of [`SEX_VALUES`]
    /// or None (NULL).
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, Option<String>)>,
    ) -> Result<SexMap, String> {
        let mut entries = BTreeMap::new();
        for (legacy, target) in pairs {
            if let Some(t) = &target {
                if !SEX_VALUES.contains(&t.as_str()) {
                    return Err(format!(
                        "sex_map: '{t}' (for '{legacy}') is not an allowed value; use one of {} or null",
                        SEX_VALUES.join(", ")
                    ));
                }
            }
            let key = normalise_sex(&legacy);
            if let Some(previous) = entries.insert(key, target.clone()) {
                if previous != target {
                    return Err(format!(
                        "sex_map: '{legacy}' is listed twice with different values"
                    ));
                }
            }
        }
        Ok(SexMap { entries })
    }

    /// The target value of a legacy value. NULL and blank give NULL silently
    /// (unless the map lists ''); other values not in the map give NULL and
    /// `unknown`.
    pub fn map(&self, raw: Option<&str>) -> SexOutcome {
        let Some(raw) = raw else {
            return SexOutcome {
                value: None,
                unknown: false,
            };
        };
        let key = normalise_sex(raw);
        match self.entries.get(&key) {
            Some(value) => SexOutcome {
                value: value.clone(),
                unknown: false,
            },
            None => SexOutcome {
                value: None,
                unknown: !key.is_empty(),
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Birth year

/// A token of an intro text. Whitespace, `:` and `-` only separate tokens
/// ("Age: 38", "38-year-old"); any other punctuation is kept as `Other`, so
/// phrases do not match across sentences ("where I was born. In 1978 …").
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    /// A run of ASCII digits; `bounded` is false when it touches a letter or
    /// is part of a decimal ("3rd", "age19", "38.5").
    Number {
        digits: String,
        bounded: bool,
    },
    Other,
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: isize| {
        if i < 0 {
            None
        } else {
            chars.get(i as usize).copied()
        }
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() || c == ':' || c == '-' {
            i += 1;
        } else if c.is_alphabetic() {
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            tokens.push(Token::Word(
                chars[start..i].iter().collect::<String>().to_lowercase(),
            ));
        } else if c.is_ascii_digit() {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let (before, after) = (start as isize - 1, i as isize);
            let decimal = |sep: Option<char>, digit: Option<char>| {
                matches!(sep, Some('.' | ',')) && digit.is_some_and(|d| d.is_ascii_digit())
            };
            let bounded = !at(before).is_some_and(char::is_alphanumeric)
                && !at(after).is_some_and(char::is_alphanumeric)
                && !decimal(at(before), at(before - 1))
                && !decimal(at(after), at(after + 1));
            tokens.push(Token::Number {
                digits: chars[start..i].iter().collect(),
                bounded,
            });
        } else {
            tokens.push(Token::Other);
            i += 1;
        }
    }
    tokens
}

/// One element of a phrase pattern.
enum P {
    /// This exact word (lowercase).
    W(&'static str),
    /// The number the phrase is about.
    N,
}

/// Phrases that state a birth year (the number must be a 4-digit year).
const BIRTH_YEAR_PHRASES: &[&[P]] = &[
    &[P::W("born"), P::W("in"), P::N],
    &[P::W("born"), P::N],
    &[P::W("birth"), P::W("year"), P::N],
    &[P::W("year"), P::W("of"), P::W("birth"), P::N],
    &[P::N, P::W("birth")],
];

/// Phrases that state an age (the number must be 1..=120).
const AGE_PHRASES: &[&[P]] = &[
    &[P::W("age"), P::N],
    &[P::W("age"), P::W("of"), P::N],
    &[P::W("aged"), P::N],
    &[P::N, P::W("years"), P::W("old")],
    &[P::N, P::W("year"), P::W("old")],
];

/// The digits of the number if `phrase` matches at `tokens[start..]`.
fn match_phrase<'t>(tokens: &'t [Token], start: usize, phrase: &[P]) -> Option<&'t str> {
    let mut number = None;
    for (k, element) in phrase.iter().enumerate() {
        match (element, tokens.get(start + k)?) {
            (P::W(w), Token::Word(t)) if t == w => {}
            (
                P::N,
                Token::Number {
                    digits,
                    bounded: true,
                },
            ) => number = Some(digits.as_str()),
            _ => return None,
        }
    }
    number
}

/// The first number, in text order, that one of `phrases` states and `accept`
/// turns into a year.
fn first_match(
    tokens: &[Token],
    phrases: &[&[P]],
    accept: impl Fn(&str) -> Option<i32>,
) -> Option<i32> {
    (0..tokens.len()).find_map(|start| {
        phrases
            .iter()
            .find_map(|phrase| match_phrase(tokens, start, phrase).and_then(&accept))
    })
}

/// The year of birth stated in a coach's intro, or None.
///
/// 1. An explicit birth year wins: "born in 1978", "born 1978", "birth year:
///    1985", "year of birth 1985", "1982 birth". It must have exactly four
///    digits and lie in `1900..=reference_year`.
/// 2. Otherwise an age: "age 38", "age: 38", "at the age of 38", "aged 38",
///    "38 years old", "38-year-old" gives `reference_year - age`, for ages
///    1..=120. "I am 38" alone is too ambiguous and is ignored.
///
/// All words must be whole words, so "manage 3", "stage: 12" or "page 4" are
/// not ages; and unlike the legacy tool there is no "second 4-digit number"
/// rule and a 4-digit number is never read as an age.
pub fn birth_year(intro: &str, reference_year: i32) -> Option<i32> {
    let tokens = tokenize(intro);
    let as_year = |digits: &str| {
        let year: i32 = digits.parse().ok()?;
        (digits.len() == 4 && (1900..=reference_year).contains(&year)).then_some(year)
    };
    let as_age = |digits: &str| {
        let age: i32 = digits.parse().ok()?;
        (digits.len() <= 3 && (1..=120).contains(&age)).then_some(reference_year - age)
    };
    first_match(&tokens, BIRTH_YEAR_PHRASES, as_year)
        .or_else(|| first_match(&tokens, AGE_PHRASES, as_age))
}

// ---------------------------------------------------------------------------
// Coaches

/// `name` lowercased, whitespace runs → `_`, plus `_m`, `_f` or `_nb` (any
/// other sex, NULL included, as the legacy tool did).
fn voice_id(name: &str, sex: Option<&str>) -> String {
    let base = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase();
    let suffix = match sex {
        Some("male") => "m",
        Some("female") => "f",
        _ => "nb",
    };
    format!("{base}_{suffix}")
}

/// One `coaches` row from a `tls_coach` row.
///
/// - name: trimmed; blank or NULL → `Coach <legacy id>` (warning).
/// - bio: description, else intro (both trimmed), else the legacy tool's
///   sentence `<name> is here to help with your wellness journey.` (kept for
///   compatibility with what the app showed so far; warning).
/// - sex: through `opts.sex_map`; unknown values → NULL (warning).
/// - year_of_birth: [`birth_year`] of the intro, counting ages from
///   `opts.reference_year` or else the row's `time_create` year (None if
///   neither is known).
/// - voice_id: from the **trimmed** name (the legacy tool used the raw one,
///   so `" Daniel "` gave `_daniel__m`); None when the name is a fallback.
/// - prompt: kept (trimmed, blank → NULL); the legacy tool dropped it.
/// - photo: the first positive of image_id, image60_id, image45_id,
///   image30_id; small/medium/large: image30/45/60_id.
pub fn coach(row: &LegacyCoach, opts: &Options, warnings: &mut Vec<Warning>) -> Coach {
    let id = row.id;
    let trimmed_name = clean(&row.name);
    let name = trimmed_name.clone().unwrap_or_else(|| {
        let fallback = format!("Coach {id}");
        warn(
            warnings,
            "coach",
            id,
            format!("name is empty → '{fallback}'"),
        );
        fallback
    });

    let bio = clean(&row.description)
        .or_else(|| clean(&row.intro))
        .unwrap_or_else(|| {
            warn(
                warnings,
                "coach",
                id,
                "no description or intro → default bio sentence".into(),
            );
            format!("{name} is here to help with your wellness journey.")
        });

    let sex = opts.sex_map.map(row.sex.as_deref());
    if sex.unknown {
        let raw = row.sex.as_deref().unwrap_or_default();
        warn(
            warnings,
            "coach",
            id,
            format!("unknown sex value '{raw}' → NULL"),
        );
    }

    let reference = opts
        .reference_year
        .or_else(|| row.time_create.map(|t| t.year()));
    let year_of_birth = match (row.intro.as_deref(), reference) {
        (Some(intro), Some(year)) => birth_year(intro, year),
        _ => None,
    };

    Coach {
        id: ids::coach_id(id),
        legacy_id: id,
        legacy_name: row.name.clone(),
        voice_id: trimmed_name
            .as_deref()
            .map(|n| voice_id(n, sex.value.as_deref())),
        name,
        bio: Some(bio),
        sex: sex.value,
        year_of_birth,
        prompt: clean(&row.prompt),
        photo_image: [row.image_id, row.image60_id, row.image45_id, row.image30_id]
            .into_iter()
            .find_map(image),
        small_image: image(row.image30_id),
        medium_image: image(row.image45_id),
        large_image: image(row.image60_id),
        created_at: row.time_create,
    }
}

// ---------------------------------------------------------------------------
// Categories

/// `max_questions`: NULL or 0 → the column default; else clamped into 1..=20.
fn max_questions(raw: Option<i32>, id: i32, warnings: &mut Vec<Warning>) -> i32 {
    match raw {
        None | Some(0) => DEFAULT_MAX_QUESTIONS,
        Some(v) => {
            let clamped = v.clamp(*MAX_QUESTIONS_RANGE.start(), *MAX_QUESTIONS_RANGE.end());
            if clamped != v {
                warn(
                    warnings,
                    "category",
                    id,
                    format!("max_questions {v} clamped to {clamped}"),
                );
            }
            clamped
        }
    }
}

/// `followup_timer` (minutes): kept, 0 included; negative → NULL.
fn followup_timer(raw: Option<i32>, id: i32, warnings: &mut Vec<Warning>) -> Option<i32> {
    match raw {
        Some(v) if v < 0 => {
            warn(
                warnings,
                "category",
                id,
                format!("followup_timer {v} is negative → NULL"),
            );
            None
        }
        other => other,
    }
}

/// One `categories` row from a `tls_category` row.
///
/// - parent: the deterministic id of a positive `parent_id`, else root.
///   Orphans, self-parents and cycles are left as they are: the validation
///   gate refuses them (the legacy tool silently made them roots).
/// - name: trimmed; blank → `Category <legacy id>` (warning).
/// - texts and colours: trimmed, blank → NULL; colours are not validated.
/// - sort_order: NULL → 0; negatives kept (they only order siblings; the
///   legacy tool made them 0).
/// - max_questions: NULL or 0 → [`DEFAULT_MAX_QUESTIONS`] (the legacy tool
///   wrote NULL); else clamped into 1..=20 (warning).
/// - followup_timer: 0 kept (the legacy tool made it NULL); negative → NULL
///   (warning).
/// - booleans: NULL → the column defaults; `followup_chat_enabled` is kept
///   (the legacy tool dropped it).
/// - icons: positive `icon_id` and `icon_id_secondary`, separately.
pub fn category(row: &LegacyCategory, warnings: &mut Vec<Warning>) -> Category {
    let id = row.id;
    let parent = row.parent_id.filter(|&p| p > 0);
    let name = clean(&row.name).unwrap_or_else(|| {
        let fallback = format!("Category {id}");
        warn(
            warnings,
            "category",
            id,
            format!("name is empty → '{fallback}'"),
        );
        fallback
    });
    Category {
        id: ids::category_id(id),
        legacy_id: id,
        parent_id: parent.map(ids::category_id),
        parent_legacy_id: parent,
        name,
        name_short: clean(&row.name_short),
        description: clean(&row.description),
        icon_image: image(row.icon_id),
        icon_secondary_image: image(row.icon_id_secondary),
        sort_order: row.sort_order.unwrap_or(0),
        primary_color: clean(&row.primary_color),
        secondary_color: clean(&row.secondary_color),
        show_checkin_history: row
            .show_checkin_history
            .unwrap_or(DEFAULT_SHOW_CHECKIN_HISTORY),
        checkin_enabled: row.checkin_enabled.unwrap_or(DEFAULT_CHECKIN_ENABLED),
        followup_chat_enabled: row
            .followup_chat_enabled
            .unwrap_or(DEFAULT_FOLLOWUP_CHAT_ENABLED),
        followup_timer: followup_timer(row.followup_timer, id, warnings),
        prompt_checkin: clean(&row.prompt_checkin),
        prompt_checkin_2: clean(&row.prompt_checkin_2),
        guidelines_file_text: clean(&row.guidelines_file_text),
        max_questions: max_questions(row.max_questions, id, warnings),
        scope: clean(&row.scope),
        created_at: row.time_create,
    }
}

// ---------------------------------------------------------------------------
// app_config

/// A legacy config name as a key part: lowercase, every character outside
/// `[a-z0-9_]` → `_`, runs of `_` collapsed, one leading and one trailing `_`
/// stripped. "Check-In Prompt" → "check_in_prompt", "Über" → "ber".
pub fn sanitize_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.to_lowercase().chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.strip_prefix('_').unwrap_or(&out);
    out.strip_suffix('_').unwrap_or(out).to_string()
}

/// Per-source naming: (entity for warnings, legacy table, key prefix, description label).
fn source_names(source: ConfigSource) -> (&'static str, &'static str, &'static str, &'static str) {
    match source {
        ConfigSource::Prompt => ("prompt", "tls_prompt", "prompt_", "Prompt"),
        ConfigSource::Variable => ("variable", "tls_variable", "var_", "Variable"),
        ConfigSource::System => ("system", "tls_system", "system_", "System"),
    }
}

/// The `app_config` key of a legacy config row (`prompt_`, `var_` or
/// `system_` + [`sanitize_key`] of the name), or why it has none: a NULL name,
/// or a name with nothing left after sanitizing (the legacy tool wrote
/// `prompt_` for "!!!").
pub fn config_key(row: &LegacyConfig) -> Result<String, String> {
    let (_, table, prefix, _) = source_names(row.source);
    let Some(name) = &row.name else {
        return Err(format!(
            "{table} {} has no name, so it gets no app_config key",
            row.id
        ));
    };
    let part = sanitize_key(name);
    if part.is_empty() {
        return Err(format!(
            "{table} {} name {name:?} leaves nothing for an app_config key after sanitizing",
            row.id
        ));
    }
    Ok(format!("{prefix}{part}"))
}

/// One `app_config` row from a legacy prompt, variable or system row, or None
/// (with a warning) if it has no usable key; see [`config_key`].
///
/// value = `{"content": <value trimmed, NULL → "">}` (always a string);
/// is_public = `tls_variable."user"` (NULL → false), false for the others;
/// description = `Prompt: <name>` / `Variable: <name>` / `System: <name>`.
pub fn config(row: &LegacyConfig, warnings: &mut Vec<Warning>) -> Option<ConfigRow> {
    let (entity, _, _, label) = source_names(row.source);
    let key = match config_key(row) {
        Ok(key) => key,
        Err(why) => {
            warn(warnings, entity, row.id, why);
            return None;
        }
    };
    let content = row.value.as_deref().map(str::trim).unwrap_or("");
    Some(ConfigRow {
        key,
        value: json!({ "content": content }),
        description: Some(format!(
            "{label}: {}",
            row.name.as_deref().unwrap_or_default()
        )),
        is_public: row.source == ConfigSource::Variable && row.user.unwrap_or(false),
        created_at: row.time_create,
        source: Some((row.source, row.id)),
    })
}

/// The `default_coach` row in the shape the signup trigger reads
/// (`value->>'default_coach_id'`).
pub fn default_coach_row(coach_id: &str) -> ConfigRow {
    ConfigRow {
        key: DEFAULT_COACH_KEY.to_string(),
        value: json!({ "default_coach_id": coach_id, "description": "Default coach assigned to new users" }),
        description: Some("Default coach for new users".to_string()),
        is_public: false,
        created_at: None,
        source: None,
    }
}

/// The one coach `sel` picks. Zero or several matches are errors that say what
/// is available and how to choose (`etl.totalis.default_coach` in the profile).
/// Unlike the legacy tool there is no substring match ("Danielle" is not
/// "Daniel") and no fallback to the first coach.
pub fn choose_default_coach<'a>(
    coaches: &'a [Coach],
    sel: &CoachSelector,
) -> Result<&'a Coach, String> {
    let matches: Vec<&Coach> = coaches
        .iter()
        .filter(|c| match sel {
            CoachSelector::LegacyId(id) => c.legacy_id == *id,
            CoachSelector::Name(name) => c.legacy_name.as_deref() == Some(name.as_str()),
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = coaches.iter().take(10).map(describe_coach).collect();
            let more = coaches.len().saturating_sub(10);
            let available = match (names.is_empty(), more) {
                (true, _) => "there are no coaches".to_string(),
                (false, 0) => format!("available: {}", names.join(", ")),
                (false, n) => format!("available: {} and {n} more", names.join(", ")),
            };
            Err(format!(
                "no coach matches the default-coach {sel} (exact, case-sensitive); {available}; \
                 pick another with etl.totalis.default_coach in the profile (a legacy id or an exact name)"
            ))
        }
        several => {
            let ids: Vec<String> = several.iter().map(|c| c.legacy_id.to_string()).collect();
            Err(format!(
                "{} coaches match the default-coach {sel} (legacy ids {}); \
                 pick one by legacy id with etl.totalis.default_coach in the profile",
                several.len(),
                ids.join(", ")
            ))
        }
    }
}

/// `"Daniel" (legacy id 1)` for error messages; Debug quoting shows padding.
fn describe_coach(c: &Coach) -> String {
    match &c.legacy_name {
        Some(name) => format!("{name:?} (legacy id {})", c.legacy_id),
        None => format!("NULL (legacy id {})", c.legacy_id),
    }
}

#[cfg(test)]
mod tests;
