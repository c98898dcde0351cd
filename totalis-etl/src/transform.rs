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
mod tests {
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
}
