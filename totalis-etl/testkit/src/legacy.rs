//! A generator of synthetic legacy Totalis databases (the `tls_*` tables of
//! `sql/legacy_schema.sql`), for the import's tests, the demo and load runs.
//!
//! The content follows reference/totalis.md §7: production's shape (8
//! coaches, 89 categories, 16 config rows, 179 images at scale 1)
//! with every edge case the import has to survive. Everything but the image
//! bytes is fixed; the bytes come from a small inline PRNG seeded by
//! [`Options::seed`] and the image id, so a seed always gives the same
//! database. Sizes do not depend on the seed, so `Summary::image_bytes` is
//! the same for every seed at a given scale.
//!
//! # Copies (`scale`)
//!
//! Scale N writes N copies of the scale-1 data. Copy `c` (1-based) adds
//! `(c - 1) * COPY_STRIDE` to every id of every table (parent and image
//! references included), so each copy has its own roots and images and
//! the hierarchy stays valid. Every base id is below 900, so copies never
//! meet the defect ids. Copies after the first get a suffix ` c` on their
//! names ("Daniel 2", "check_in_prompt_2"), except the name-trap rows
//! listed below, which keep their exact names in every copy. So exactly one
//! coach is named exactly `Daniel` at every scale, and config keys stay
//! unique after sanitizing.
//!
//! # Scale-1 content (ids of copy 1)
//!
//! **tls_coach** (8 rows; birth years as the original extractor gives them,
//! with a reference year Y for the age rules):
//!
//! | id | name | sex | images main/30/45/60 | intro → year_of_birth | notes |
//! |---|---|---|---|---|---|
//! | 1 | `Daniel` | `M` | 18/19/20/21 | "born in 1978" → 1978 | the default coach; prompt filled |
//! | 2 | `Sarah` | `F` | 22/23/24/25 | "Birth year: 1985" → 1985 | time_create 2023-12-31 23:59:30 |
//! | 3 | `Michael` | `male` | 26/27/28/29 | "1982 birth" → 1982 | 27 is WEBP |
//! | 4 | `Emma O'Brien` | `Female` | 30/31/32/33 | "I am 45 years old" → Y−45 | 31 PNG, 32 NULL extension |
//! | 5 | `Anna Maria` | `' f '` | 34/35/36/37 | no numbers → NULL | 34 is also a category icon; 35 is PNG labelled `jpe` |
//! | 6 | `José` | NULL | 0/38/NULL/0 | "I manage 3 teams … Age: 38" → Y−3 (the "man*age*" false positive wins) | description `''`: bio falls back to the intro; only image30_id |
//! | 7 | `"  Daniel Jr. "` | `X` | 0/NULL/0/NULL | NULL → NULL | description blank (`'   '`) and intro NULL: the default bio; no image; prompt NULL |
//! | 8 | `Danielle` | `N` | 18/39/40/41 | "Born in 1915 … since 2005, certified in 2010" → 2005 (1915 rejected, then the second 4-digit number) | main image 18 shared with Daniel |
//!
//! Name traps kept in every copy: `"  Daniel Jr. "`, `Danielle`, `José`,
//! `Emma O'Brien`, `Anna Maria`. `Daniel`, `Sarah` and `Michael` (which
//! clash with the target's seed coaches) get the suffix in later copies.
//!
//! **tls_category** (89 rows): 7 roots (id 1 `Mental Health` has parent_id
//! 0, the others NULL), 22 areas, 60 topics (three levels). Ids are the
//! depth-first position `i` mapped to `(i * 37) % 89 + 1`, so many children
//! have lower ids than their parents. `Stress Management` is an area under
//! both `Mental Health` and `Work & Career`; names with quotes and non-ASCII
//! (`Schlaf & Erholung`, `Café 'Zen'`, `Conflict "Fair Fight" Rules`,
//! `Achtsamkeit im Alltag`, `Naïve Curiosity`) and one padded name
//! (`"  Posture  "`) keep their names in every copy. sort_order has ties,
//! negatives, 0 and NULL; max_questions NULL/0/1/3/5/10/25/−3;
//! followup_timer NULL/−5/0/30/60/1440; the three booleans true/false/NULL;
//! colours `#4CAF50`, `' 4CAF50 '`, `''`, NULL; long multiline prompts and
//! guidelines (tabs, backslashes, CRLF, 4-byte UTF-8); icons: both, icon_id
//! only, icon_id_secondary only, neither (0 or NULL). One category uses
//! coach image [`COACH_AND_CATEGORY_IMAGE`] as its icon.
//!
//! **tls_prompt** (7), **tls_variable** (6), **tls_system** (3): see
//! `PROMPTS`, `VARIABLES`, `SYSTEMS` below. No two names of one table
//! collide after sanitizing (lowercase, non-`[a-z0-9_]` → `_`, runs
//! collapsed, one leading and trailing `_` stripped) at any scale, and no
//! name is only punctuation. Prompt 6 has a NULL prompt; `Über Prompt`
//! sanitizes to `ber_prompt`; variables hold `'196'`, `'true'`, `'{"a":1}'`,
//! a JSON string, and NULL, with `"user"` true, false and NULL.
//!
//! **tls_image** (179 rows, 2.1 MB per copy): coach photos 18–41 (24
//! images: JPEG main photos of 80–200 KB with extensions `jpe`, `jpg`,
//! `JPG`; 30/45/60 px variants of 1–6 KB, among them the WEBP, a PNG, the
//! NULL extension and the PNG labelled `jpe`), 8 old photos 42–49 that
//! nothing references, and 147 category icons (ids 1–17 and 50–179: PNG
//! labelled `png` or `.png`, a few `jpg` JPEGs, one SVG [`SVG_IMAGE`], one
//! GIF [`GIF_IMAGE`]; most of 1–13 KB, some of 30–50 KB; 179 is referenced
//! by nothing). The categories reference 147 distinct images: 146 icons
//! plus coach image [`COACH_AND_CATEGORY_IMAGE`]. At scale 100: 17,900
//! images, 210 MB.
//!
//! # Defects (`defects: true`)
//!
//! Added once (not per copy), with these fixed ids; each must stop an import
//! at its pre-load gates:
//!
//! | constant | table | row |
//! |---|---|---|
//! | [`DEFECT_ORPHAN_CATEGORY`] (901) | tls_category | parent_id [`DEFECT_MISSING_PARENT`] (950), which does not exist |
//! | [`DEFECT_SELF_PARENT_CATEGORY`] (902) | tls_category | its own parent |
//! | [`DEFECT_CYCLE_CATEGORY_A`] (903), [`DEFECT_CYCLE_CATEGORY_B`] (904) | tls_category | 903 → 904 → 903 |
//! | [`DEFECT_EMPTY_ICON_CATEGORY`] (905) | tls_category | a root whose icon_id is [`DEFECT_EMPTY_IMAGE`] |
//! | [`DEFECT_EMPTY_IMAGE`] (991) | tls_image | extension `png`, zero-length data |
//! | [`DEFECT_COACH_MISSING_IMAGE`] (901) | tls_coach | `Ghost Coach`, image_id [`DEFECT_MISSING_IMAGE`] (990), absent from tls_image |
//! | [`DEFECT_PROMPT_CHECK_IN`] (901), [`DEFECT_PROMPT_CHECK_IN_2`] (902) | tls_prompt | `Check-In` and `check in`: both become `prompt_check_in` |

use std::io::Write;

use totalis_etl::model::{ConfigSource, LegacyCategory, LegacyCoach, LegacyConfig, Timestamp};

/// DDL of the legacy source tables.
pub const LEGACY_SCHEMA: &str = include_str!("../sql/legacy_schema.sql");

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of copies of the scale-1 data (0 writes only the defects, if any).
    pub scale: u32,
    /// Add the rows that must stop an import (see the module docs).
    pub defects: bool,
    /// Seed of the image bytes.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { scale: 1, defects: false, seed: 42 }
    }
}

/// Rows written per table, and the images' total size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub coaches: u64,
    pub categories: u64,
    pub prompts: u64,
    pub variables: u64,
    pub systems: u64,
    pub images: u64,
    pub image_bytes: u64,
}

/// Id offset between copies.
pub const COPY_STRIDE: i32 = 1000;
/// The largest scale whose ids fit in an INTEGER.
pub const MAX_SCALE: u32 = (i32::MAX / COPY_STRIDE) as u32 - 1;

/// Coach `Daniel` (copy 1), the default coach.
pub const DANIEL_COACH: i32 = 1;
/// Coach `Sarah`, created 2023-12-31 23:59:30 (already 2024 in any time zone east of UTC).
pub const NEAR_MIDNIGHT_COACH: i32 = 2;
/// Root category `Mental Health`, stored with parent_id 0.
pub const ROOT_WITH_PARENT_ZERO: i32 = 1;
/// Main photo of both Daniel and Danielle.
pub const SHARED_COACH_IMAGE: i32 = 18;
/// Anna Maria's main photo, also a category icon.
pub const COACH_AND_CATEGORY_IMAGE: i32 = 34;
/// PNG bytes with extension `jpe` (Anna Maria's 30 px photo).
pub const PNG_LABELLED_JPE_IMAGE: i32 = 35;
/// JPEG bytes with a NULL extension (Emma's 45 px photo).
pub const NULL_EXTENSION_IMAGE: i32 = 32;
/// The WEBP image (Michael's 30 px photo).
pub const WEBP_IMAGE: i32 = 27;
/// The SVG category icon.
pub const SVG_IMAGE: i32 = 5;
/// The GIF category icon.
pub const GIF_IMAGE: i32 = 11;

/// Category whose parent_id ([`DEFECT_MISSING_PARENT`]) does not exist.
pub const DEFECT_ORPHAN_CATEGORY: i32 = 901;
/// The absent parent id of [`DEFECT_ORPHAN_CATEGORY`].
pub const DEFECT_MISSING_PARENT: i32 = 950;
/// Category that is its own parent.
pub const DEFECT_SELF_PARENT_CATEGORY: i32 = 902;
/// First member of the 2-cycle (its parent is [`DEFECT_CYCLE_CATEGORY_B`]).
pub const DEFECT_CYCLE_CATEGORY_A: i32 = 903;
/// Second member of the 2-cycle (its parent is [`DEFECT_CYCLE_CATEGORY_A`]).
pub const DEFECT_CYCLE_CATEGORY_B: i32 = 904;
/// Root category whose icon is the zero-length [`DEFECT_EMPTY_IMAGE`].
pub const DEFECT_EMPTY_ICON_CATEGORY: i32 = 905;
/// Image with zero-length data.
pub const DEFECT_EMPTY_IMAGE: i32 = 991;
/// Coach whose image_id ([`DEFECT_MISSING_IMAGE`]) is absent from tls_image.
pub const DEFECT_COACH_MISSING_IMAGE: i32 = 901;
/// The absent image id of [`DEFECT_COACH_MISSING_IMAGE`].
pub const DEFECT_MISSING_IMAGE: i32 = 990;
/// Prompt `Check-In` (key `prompt_check_in`).
pub const DEFECT_PROMPT_CHECK_IN: i32 = 901;
/// Prompt `check in`, colliding with [`DEFECT_PROMPT_CHECK_IN`] after sanitizing.
pub const DEFECT_PROMPT_CHECK_IN_2: i32 = 902;

/// What the bytes of an image are (the extension may say otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
    Svg,
    /// Zero-length data.
    Empty,
}

/// One `tls_image` row without its bytes ([`image_data`] makes them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSpec {
    pub id: i32,
    pub extension: Option<String>,
    pub format: ImageFormat,
    /// Exact length of the data.
    pub byte_size: usize,
    pub width: u16,
    pub height: u16,
    pub time_create: Option<Timestamp>,
}

/// Every row [`generate`] writes, in memory (image bytes excepted).
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub coaches: Vec<LegacyCoach>,
    pub categories: Vec<LegacyCategory>,
    /// tls_prompt, tls_variable and tls_system rows.
    pub configs: Vec<LegacyConfig>,
    pub images: Vec<ImageSpec>,
}

/// All the rows of `opts` (copies in order, then the defects).
pub fn dataset(opts: &Options) -> Dataset {
    check_scale(opts);
    let mut d = Dataset::default();
    for copy in 1..=opts.scale {
        d.coaches.extend(coaches(copy));
        d.categories.extend(categories(copy));
        d.configs.extend(configs(copy));
        d.images.extend(images(copy));
    }
    if opts.defects {
        let x = defects();
        d.coaches.extend(x.coaches);
        d.categories.extend(x.categories);
        d.configs.extend(x.configs);
        d.images.extend(x.images);
    }
    d
}

/// Create the tls_* tables (sql/legacy_schema.sql via include_str!) in the connected database (fails if they exist) and fill them.
///
/// Everything happens in one transaction with binary COPY, so a failure
/// leaves nothing behind. Panics if `opts.scale` exceeds [`MAX_SCALE`].
pub fn generate(client: &mut postgres::Client, opts: &Options) -> Result<Summary, postgres::Error> {
    check_scale(opts);
    let mut tx = client.transaction()?;
    tx.batch_execute(LEGACY_SCHEMA)?;
    let mut s = Summary::default();
    let extra = if opts.defects { Some(defects()) } else { None };
    let copies = 1..=opts.scale;

    // tls_image, one image in memory at a time.
    {
        let mut c = Copy::start(&mut tx, "tls_image (id, extension, data, time_create)")?;
        let specs = copies.clone().flat_map(images).chain(extra.iter().flat_map(|x| x.images.clone()));
        for spec in specs {
            let data = image_data(opts.seed, &spec);
            s.images += 1;
            s.image_bytes += data.len() as u64;
            c.row(4).int4(Some(spec.id)).text(spec.extension.as_deref()).bytes(Some(&data)).ts(spec.time_create);
            c.maybe_send()?;
        }
        c.finish()?;
    }

    {
        let mut c = Copy::start(
            &mut tx,
            "tls_coach (id, name, description, image_id, image30_id, image45_id, image60_id, sex, intro, prompt, time_create)",
        )?;
        let rows = copies.clone().flat_map(coaches).chain(extra.iter().flat_map(|x| x.coaches.clone()));
        for r in rows {
            s.coaches += 1;
            c.row(11)
                .int4(Some(r.id))
                .text(r.name.as_deref())
                .text(r.description.as_deref())
                .int4(r.image_id)
                .int4(r.image30_id)
                .int4(r.image45_id)
                .int4(r.image60_id)
                .text(r.sex.as_deref())
                .text(r.intro.as_deref())
                .text(r.prompt.as_deref())
                .ts(r.time_create);
            c.maybe_send()?;
        }
        c.finish()?;
    }

    {
        let mut c = Copy::start(
            &mut tx,
            "tls_category (id, parent_id, name, name_short, description, icon_id, icon_id_secondary, sort_order, \
             primary_color, secondary_color, show_checkin_history, checkin_enabled, followup_chat_enabled, \
             followup_timer, prompt_checkin, prompt_checkin_2, guidelines_file_text, max_questions, scope, time_create)",
        )?;
        let rows = copies.clone().flat_map(categories).chain(extra.iter().flat_map(|x| x.categories.clone()));
        for r in rows {
            s.categories += 1;
            c.row(20)
                .int4(Some(r.id))
                .int4(r.parent_id)
                .text(r.name.as_deref())
                .text(r.name_short.as_deref())
                .text(r.description.as_deref())
                .int4(r.icon_id)
                .int4(r.icon_id_secondary)
                .int4(r.sort_order)
                .text(r.primary_color.as_deref())
                .text(r.secondary_color.as_deref())
                .bool(r.show_checkin_history)
                .bool(r.checkin_enabled)
                .bool(r.followup_chat_enabled)
                .int4(r.followup_timer)
                .text(r.prompt_checkin.as_deref())
                .text(r.prompt_checkin_2.as_deref())
                .text(r.guidelines_file_text.as_deref())
                .int4(r.max_questions)
                .text(r.scope.as_deref())
                .ts(r.time_create);
            c.maybe_send()?;
        }
        c.finish()?;
    }

    let all_configs: Vec<LegacyConfig> =
        copies.flat_map(configs).chain(extra.iter().flat_map(|x| x.configs.clone())).collect();
    for (source, table) in [
        (ConfigSource::Prompt, "tls_prompt (id, name, prompt, time_create)"),
        (ConfigSource::Variable, "tls_variable (id, name, value, \"user\", time_create)"),
        (ConfigSource::System, "tls_system (id, name, value, time_create)"),
    ] {
        let mut c = Copy::start(&mut tx, table)?;
        for r in all_configs.iter().filter(|r| r.source == source) {
            match source {
                ConfigSource::Prompt => s.prompts += 1,
                ConfigSource::Variable => s.variables += 1,
                ConfigSource::System => s.systems += 1,
            }
            let n = if source == ConfigSource::Variable { 5 } else { 4 };
            c.row(n).int4(Some(r.id)).text(r.name.as_deref()).text(r.value.as_deref());
            if source == ConfigSource::Variable {
                c.bool(r.user);
            }
            c.ts(r.time_create);
        }
        c.finish()?;
    }

    tx.commit()?;
    Ok(s)
}

fn check_scale(opts: &Options) {
    assert!(opts.scale <= MAX_SCALE, "legacy::generate: scale {} is above the maximum {MAX_SCALE}", opts.scale);
}

// ---------------------------------------------------------------------------
// Copies and names
// ---------------------------------------------------------------------------

/// Id offset of copy `copy` (1-based).
fn offset(copy: u32) -> i32 {
    (copy as i32 - 1) * COPY_STRIDE
}

/// Shift a reference by the copy offset, keeping NULL and 0 ("none").
fn shift(v: Option<i32>, copy: u32) -> Option<i32> {
    v.map(|x| if x > 0 { x + offset(copy) } else { x })
}

/// `name` with ` <copy>` added before any trailing whitespace (copies after the first).
fn copy_name(name: &str, copy: u32) -> String {
    if copy <= 1 {
        return name.to_string();
    }
    let core_end = name.trim_end().len();
    format!("{} {copy}{}", &name[..core_end], &name[core_end..])
}

/// Names that keep their exact spelling in every copy.
fn is_trap_name(name: &str) -> bool {
    name == "Stress Management" || !name.is_ascii() || name.contains(['\'', '"']) || name.trim() != name
}

fn name_in_copy(name: &str, copy: u32) -> String {
    if is_trap_name(name) {
        name.to_string()
    } else {
        copy_name(name, copy)
    }
}

// ---------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A legacy TIMESTAMP (read as UTC).
fn at(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Timestamp {
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Timestamp(secs * 1_000_000)
}

fn plus_seconds(t: Timestamp, s: i64) -> Timestamp {
    Timestamp(t.0 + s * 1_000_000)
}

// ---------------------------------------------------------------------------
// Coaches
// ---------------------------------------------------------------------------

struct CoachDef {
    id: i32,
    name: &'static str,
    description: Option<&'static str>,
    /// image_id, image30_id, image45_id, image60_id
    images: [Option<i32>; 4],
    sex: Option<&'static str>,
    intro: Option<&'static str>,
    prompt: Option<&'static str>,
    time_create: (i64, i64, i64, i64, i64, i64),
}

const COACHES: [CoachDef; 8] = [
    CoachDef {
        id: 1,
        name: "Daniel",
        description: Some("Daniel is a calm, structured coach who helps you turn stress into small, doable steps."),
        images: [Some(18), Some(19), Some(20), Some(21)],
        sex: Some("M"),
        intro: Some("Hi, I'm Daniel. I was born in 1978 in Prague and have coached teams and individuals for years."),
        prompt: Some("You are Daniel, a calm and structured wellness coach.\nKeep answers under 120 words.\nAsk one question at a time."),
        time_create: (2023, 2, 14, 9, 30, 0),
    },
    CoachDef {
        id: 2,
        name: "Sarah",
        description: Some("Sarah teaches mindfulness and keeps every check-in short and kind."),
        images: [Some(22), Some(23), Some(24), Some(25)],
        sex: Some("F"),
        intro: Some("Birth year: 1985. Mindfulness teacher and former nurse."),
        prompt: Some("You are Sarah, a gentle mindfulness coach. Offer one short exercise per conversation."),
        time_create: (2023, 12, 31, 23, 59, 30),
    },
    CoachDef {
        id: 3,
        name: "Michael",
        description: Some("Michael focuses on movement, energy and sleep."),
        images: [Some(26), Some(27), Some(28), Some(29)],
        sex: Some("male"),
        intro: Some("1982 birth cohort, former rower, now a fitness coach."),
        prompt: Some("You are Michael, an upbeat fitness coach. Suggest realistic, low-barrier activities."),
        time_create: (2023, 6, 1, 12, 0, 0),
    },
    CoachDef {
        id: 4,
        name: "Emma O'Brien",
        description: Some("Emma helps with work-life balance and saying no without guilt."),
        images: [Some(30), Some(31), Some(32), Some(33)],
        sex: Some("Female"),
        intro: Some("I am 45 years old and love running, gardening and bad puns."),
        prompt: Some("You are Emma, a warm coach for work-life balance. Use the user's own words back to them."),
        time_create: (2023, 9, 18, 16, 45, 10),
    },
    CoachDef {
        id: 5,
        name: "Anna Maria",
        description: Some("Anna Maria is a nutrition coach with a soft spot for slow breakfasts."),
        images: [Some(34), Some(35), Some(36), Some(37)],
        sex: Some(" f "),
        intro: Some("Hello! I'm here to help you eat well without counting anything."),
        prompt: Some("You are Anna Maria, a nutrition coach. Never give medical advice; suggest seeing a doctor when in doubt."),
        time_create: (2024, 1, 8, 7, 5, 0),
    },
    CoachDef {
        id: 6,
        name: "José",
        description: Some(""),
        images: [Some(0), Some(38), None, Some(0)],
        sex: None,
        intro: Some("I manage 3 teams of coaches. Age: 38. ¡Vamos!"),
        prompt: Some("Eres José, un coach motivador. Answer in the user's language."),
        time_create: (2024, 3, 29, 10, 20, 0),
    },
    CoachDef {
        id: 7,
        name: "  Daniel Jr. ",
        description: Some("   "),
        images: [Some(0), None, Some(0), None],
        sex: Some("X"),
        intro: None,
        prompt: None,
        time_create: (2024, 7, 4, 18, 0, 0),
    },
    CoachDef {
        id: 8,
        name: "Danielle",
        description: Some("Danielle coaches resilience after setbacks."),
        images: [Some(18), Some(39), Some(40), Some(41)],
        sex: Some("N"),
        intro: Some("Born in 1915? Not quite. Coaching since 2005, certified in 2010."),
        prompt: Some("You are Danielle, a resilience coach. Name one strength the user showed today."),
        time_create: (2024, 11, 30, 21, 15, 45),
    },
];

/// Coach names kept exactly in every copy.
const COACH_NAME_TRAPS: [&str; 5] = ["  Daniel Jr. ", "Danielle", "José", "Emma O'Brien", "Anna Maria"];

fn coaches(copy: u32) -> Vec<LegacyCoach> {
    COACHES
        .iter()
        .map(|c| {
            let (y, mo, d, h, mi, s) = c.time_create;
            LegacyCoach {
                id: c.id + offset(copy),
                name: Some(if COACH_NAME_TRAPS.contains(&c.name) {
                    c.name.to_string()
                } else {
                    copy_name(c.name, copy)
                }),
                description: c.description.map(str::to_string),
                image_id: shift(c.images[0], copy),
                image30_id: shift(c.images[1], copy),
                image45_id: shift(c.images[2], copy),
                image60_id: shift(c.images[3], copy),
                sex: c.sex.map(str::to_string),
                intro: c.intro.map(str::to_string),
                prompt: c.prompt.map(str::to_string),
                time_create: Some(at(y, mo, d, h, mi, s)),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------

type Area = (&'static str, &'static [&'static str]);

/// root → areas → topics, in depth-first order.
const TREE: &[(&str, &[Area])] = &[
    (
        "Mental Health",
        &[
            ("Stress Management", &["Breathing Exercises", "Time Pressure", "Worry Journal"]),
            ("Anxiety", &["Panic Moments", "Social Anxiety", "Exam Nerves"]),
            ("Mood", &["Low Energy Days", "Gratitude Practice", "Self-Compassion", "Motivation"]),
            ("Resilience", &["Bouncing Back", "Coping Skills"]),
        ],
    ),
    (
        "Physical Health",
        &[
            ("Fitness", &["Running", "Strength Training", "Stretching", "Yoga"]),
            ("Pain & Recovery", &["Back Pain", "Injury Recovery"]),
            ("Habits", &["Daily Steps", "  Posture  ", "Screen Time"]),
        ],
    ),
    (
        "Schlaf & Erholung",
        &[
            ("Sleep Hygiene", &["Evening Routine", "Bedroom Setup", "Caffeine Timing"]),
            ("Insomnia", &["Falling Asleep", "Waking at Night", "Racing Thoughts"]),
            ("Rest & Recharge", &["Power Naps", "Weekend Recovery"]),
        ],
    ),
    (
        "Nutrition",
        &[
            ("Healthy Eating", &["Meal Planning", "Mindful Eating", "Snacking"]),
            ("Hydration", &["Water Intake", "Café 'Zen'"]),
            ("Weight", &["Portion Size", "Emotional Eating", "Cravings"]),
        ],
    ),
    (
        "Relationships",
        &[
            ("Family", &["Parenting", "Caring for Parents", "Siblings"]),
            ("Partnership", &["Communication", "Conflict \"Fair Fight\" Rules"]),
            ("Friendship", &["Making Friends", "Loneliness"]),
        ],
    ),
    (
        "Work & Career",
        &[
            ("Stress Management", &["Deadlines", "Burnout Prevention", "Saying No"]),
            ("Productivity", &["Focus Blocks", "Procrastination", "Email Overload"]),
            ("Leadership", &["Difficult Conversations", "Feedback"]),
        ],
    ),
    (
        "Mindfulness",
        &[
            ("Meditation", &["Body Scan", "Loving-Kindness", "Breath Counting"]),
            ("Journaling", &["Morning Pages", "Reflection", "Gratitude Letters"]),
            ("Achtsamkeit im Alltag", &["Gehmeditation", "Naïve Curiosity"]),
        ],
    ),
];

/// Number of categories per copy.
const CATEGORY_COUNT: i32 = 89;
/// Depth-first position → id: a permutation of 1..=89 (37 is coprime with 89).
fn category_id(pos: i32) -> i32 {
    (pos * 37) % CATEGORY_COUNT + 1
}

/// Category icon ids: 1–17, then 50 onwards (18–49 are coach photos).
fn icon_id(j: i32) -> i32 {
    if j < 17 {
        j + 1
    } else {
        50 + (j - 17)
    }
}

/// Number of category icons per copy: the ones the categories take, plus
/// one spare that nothing references.
fn icon_count() -> i32 {
    let taken: i32 = (0..CATEGORY_COUNT)
        .map(|i| match icon_use(i) {
            IconUse::Both => 2,
            IconUse::PrimaryOnly | IconUse::SecondaryOnly => 1,
            IconUse::Neither(_) => 0,
        })
        .sum();
    taken + 1
}
/// The depth-first position of the category that uses coach image 34 as its icon.
const COACH_ICON_POS: i32 = 10;

struct Node {
    name: &'static str,
    parent_pos: Option<i32>,
    depth: u8,
    sibling: i32,
}

fn tree_nodes() -> Vec<Node> {
    let mut out = Vec::new();
    for (r, (root, areas)) in TREE.iter().enumerate() {
        let root_pos = out.len() as i32;
        out.push(Node { name: root, parent_pos: None, depth: 0, sibling: r as i32 });
        for (a, (area, topics)) in areas.iter().enumerate() {
            let area_pos = out.len() as i32;
            out.push(Node { name: area, parent_pos: Some(root_pos), depth: 1, sibling: a as i32 });
            for (t, topic) in topics.iter().enumerate() {
                out.push(Node { name: topic, parent_pos: Some(area_pos), depth: 2, sibling: t as i32 });
            }
        }
    }
    out
}

/// Which icons a category has: (icon_id, icon_id_secondary) as pool positions or "none".
#[derive(Clone, Copy)]
enum IconUse {
    Both,
    PrimaryOnly,
    SecondaryOnly,
    /// neither; the flag says whether "none" is stored as 0 (else NULL)
    Neither(bool),
}

fn icon_use(pos: i32) -> IconUse {
    match pos % 11 {
        8 => IconUse::PrimaryOnly,
        9 => IconUse::SecondaryOnly,
        10 => IconUse::Neither(pos % 2 == 0),
        _ => IconUse::Both,
    }
}

fn categories(copy: u32) -> Vec<LegacyCategory> {
    let nodes = tree_nodes();
    debug_assert_eq!(nodes.len() as i32, CATEGORY_COUNT);
    let off = offset(copy);
    let mut next_icon = 0;
    let mut take_icon = || {
        let id = icon_id(next_icon);
        next_icon += 1;
        Some(id + off)
    };
    let base_time = at(2023, 1, 5, 8, 0, 0);
    let mut out = Vec::with_capacity(nodes.len());
    for (p, n) in nodes.iter().enumerate() {
        let i = p as i32;
        let id = category_id(i) + off;
        let parent_id = match n.parent_pos {
            Some(pp) => Some(category_id(pp) + off),
            None if i == 0 => Some(0),
            None => None,
        };
        let (mut icon, secondary) = match icon_use(i) {
            IconUse::Both => (take_icon(), take_icon()),
            IconUse::PrimaryOnly => (take_icon(), None),
            IconUse::SecondaryOnly => (None, take_icon()),
            IconUse::Neither(zero) => (if zero { Some(0) } else { None }, if zero { None } else { Some(0) }),
        };
        if i == COACH_ICON_POS {
            icon = Some(COACH_AND_CATEGORY_IMAGE + off);
        }
        let default_order = (n.sibling + 1) * 10;
        let sort_order = match i % 12 {
            3 => None,
            7 => Some(-5 - n.sibling),
            10 => Some(0),
            // a tie with the first sibling
            _ if n.sibling == 1 && i % 4 == 1 => Some(10),
            _ => Some(default_order),
        };
        let name = name_in_copy(n.name, copy);
        let trimmed = n.name.trim();
        let tri = |k: i32| [Some(true), Some(false), None][k.rem_euclid(3) as usize];
        out.push(LegacyCategory {
            id,
            parent_id,
            name: Some(name),
            name_short: match (n.depth, i % 6) {
                (_, 5) => None,
                (2, 4) => Some(String::new()),
                _ => Some(trimmed.split_whitespace().next().unwrap_or(trimmed).to_string()),
            },
            description: match i % 5 {
                0 => None,
                1 => Some(String::new()),
                2 => Some(format!("  Support and ideas for {trimmed}.  ")),
                _ => Some(format!("Everything about {trimmed}: short check-ins, tips and follow-ups.")),
            },
            icon_id: icon,
            icon_id_secondary: secondary,
            sort_order,
            primary_color: [Some("#4CAF50"), Some(" 4CAF50 "), Some("#2196F3"), None, Some("")][(i % 5) as usize]
                .map(str::to_string),
            secondary_color: [Some("#FFFFFF"), None, Some("#ff9800"), Some(" #E91E63")][(i % 4) as usize]
                .map(str::to_string),
            show_checkin_history: tri(i),
            checkin_enabled: tri(i / 3),
            followup_chat_enabled: tri(i + 1),
            followup_timer: [None, Some(-5), Some(0), Some(60), Some(30), Some(1440), None][(i % 7) as usize],
            prompt_checkin: match i % 3 {
                0 => Some(long_checkin_prompt(trimmed, i)),
                1 => Some(format!("Ask how {trimmed} went today, in one friendly sentence.")),
                _ => None,
            },
            prompt_checkin_2: match i % 4 {
                0 => Some(format!("Now ask what would make {trimmed} 10% easier tomorrow.")),
                1 => Some("   ".to_string()),
                _ => None,
            },
            guidelines_file_text: match i % 4 {
                0 => Some(long_guidelines(trimmed, i)),
                1 => Some(String::new()),
                _ => None,
            },
            max_questions: [Some(5), None, Some(0), Some(3), Some(25), Some(-3), Some(10), Some(1)][(i % 8) as usize],
            scope: [Some("global"), Some("personal"), None][(i % 3) as usize].map(str::to_string),
            time_create: Some(plus_seconds(base_time, i as i64 * 8 * 86_400 + (i as i64 * 3607) % 86_400)),
        });
    }
    debug_assert_eq!(next_icon, icon_count() - 1);
    out
}

const SENTENCES: &[&str] = &[
    "Start with a warm greeting and use the user's first name if you know it.",
    "Ask exactly one question per message and wait for the answer.",
    "Reflect the user's words back before offering any suggestion.",
    "If the user mentions self-harm, stop the check-in and show the crisis resources.",
    "Prefer concrete, small actions (\"drink a glass of water\") over general advice.",
    "Keep every message under 80 words; no lists longer than three items.",
    "Rate the answer on a scale from 1 to 10 internally, but never show the number.",
    "Do not diagnose. You are a coach, not a clinician.",
    "Erkläre Übungen Schritt für Schritt – kurz, freundlich, ohne Fachjargon.",
    "Close with one sentence that summarises what the user wants to try next. 🙂",
];

fn long_checkin_prompt(name: &str, i: i32) -> String {
    let mut s = format!("You are running a short check-in about \"{name}\".\n\nGoals:\n");
    for k in 0..6 {
        s.push_str("- ");
        s.push_str(SENTENCES[((i + k) as usize) % SENTENCES.len()]);
        s.push('\n');
    }
    s.push_str("\nFormat:\n\tquestion -> answer -> reflection\n\tpaths use backslashes, e.g. C:\\Totalis\\prompts\\checkin.txt\n");
    for k in 0..(4 + i % 5) {
        s.push_str(&format!("\nStep {}: {}", k + 1, SENTENCES[((i * 3 + k) as usize) % SENTENCES.len()]));
    }
    s.push('\n');
    if i % 9 == 0 {
        s = s.replace('\n', "\r\n");
    }
    s
}

fn long_guidelines(name: &str, i: i32) -> String {
    let mut s = format!("# Guidelines: {name}\n\nThese guidelines are given to the AI as context for every check-in in this category.\n");
    let sections = 8 + (i % 12);
    for k in 0..sections {
        s.push_str(&format!(
            "\n## {}. {}\n\n",
            k + 1,
            ["Tone", "Questions", "Safety", "Follow-up", "Examples"][(k % 5) as usize]
        ));
        for m in 0..5 {
            s.push_str(SENTENCES[((i + k * 5 + m) as usize) % SENTENCES.len()]);
            s.push(if m % 2 == 0 { ' ' } else { '\n' });
        }
    }
    s
}

// ---------------------------------------------------------------------------
// Config tables
// ---------------------------------------------------------------------------

const PROMPTS: [(i32, &str, Option<&str>); 7] = [
    (
        1,
        "Check-In Prompt",
        Some(
            "You are a Totalis coach running a daily check-in.\n\n1. Ask how the user feels today (1-10).\n2. Ask what influenced it most.\n3. Offer one small, concrete next step.\n\nNever give medical advice.",
        ),
    ),
    (2, "Follow-up Prompt", Some("Ask whether the user tried the step from the last check-in and how it went.")),
    (3, "Über Prompt", Some("Antworte auf Deutsch, wenn der Nutzer Deutsch schreibt. Größe, Übung, Maß.")),
    (4, "Recommendation Prompt", Some("Turn the check-in answers into at most three recommendations as JSON: [{\"title\": \"...\", \"why\": \"...\"}].")),
    (5, "Summary Prompt", Some("  Summarise the conversation in two sentences.  ")),
    (6, "Welcome Message", None),
    (7, "  Coach Intro  ", Some("Introduce yourself in one sentence and ask what the user wants to work on.")),
];

/// (id, name, value, "user")
const VARIABLES: [(i32, &str, Option<&str>, Option<bool>); 6] = [
    (1, "MAX__Questions ", Some("5"), Some(false)),
    (2, "Daily Message Limit", Some("196"), Some(true)),
    (3, "voice_enabled", Some("true"), Some(true)),
    (4, "Feature Flags", Some("{\"a\":1}"), None),
    (5, "App Version", Some("\"4.1.3\""), Some(false)),
    (6, "Maintenance Note", None, None),
];

const SYSTEMS: [(i32, &str, &str); 3] = [
    (1, "AI Model", "gpt-4o"),
    (2, "Voice Model", "eleven_multilingual_v2"),
    (3, "Embedding Model", "text-embedding-3-small"),
];

fn configs(copy: u32) -> Vec<LegacyConfig> {
    let off = offset(copy);
    let t = |table: i64, id: i32| Some(plus_seconds(at(2023, 3, 1, 10, 0, 0), (table * 40 + id as i64) * 86_400 + 17));
    let mut out = Vec::new();
    for (id, name, prompt) in PROMPTS {
        out.push(LegacyConfig {
            source: ConfigSource::Prompt,
            id: id + off,
            name: Some(copy_name(name, copy)),
            value: prompt.map(str::to_string),
            user: None,
            time_create: t(0, id),
        });
    }
    for (id, name, value, user) in VARIABLES {
        out.push(LegacyConfig {
            source: ConfigSource::Variable,
            id: id + off,
            name: Some(copy_name(name, copy)),
            value: value.map(str::to_string),
            user,
            time_create: t(1, id),
        });
    }
    for (id, name, value) in SYSTEMS {
        out.push(LegacyConfig {
            source: ConfigSource::System,
            id: id + off,
            name: Some(copy_name(name, copy)),
            value: Some(value.to_string()),
            user: None,
            time_create: t(2, id),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------

/// A fixed hash of an id (for sizes, which do not depend on the seed).
fn mix(x: u64) -> u64 {
    Rng::new(x ^ 0x7074_6c73_5f69_6d67).next_u64()
}

fn sized(id: i32, lo: usize, span: usize) -> usize {
    lo + (mix(id as u64) % span as u64) as usize
}

fn images(copy: u32) -> Vec<ImageSpec> {
    let off = offset(copy);
    let mut out = Vec::new();
    let spec = |id: i32, ext: Option<&str>, format: ImageFormat, byte_size: usize, px: u16| ImageSpec {
        id: id + off,
        extension: ext.map(str::to_string),
        format,
        byte_size,
        width: px,
        height: px,
        time_create: Some(plus_seconds(at(2022, 11, 2, 8, 0, 0), id as i64 * 3 * 86_400 + id as i64 * 61)),
    };
    // Coach photos: main, 30, 45, 60 per coach (see COACHES).
    for c in &COACHES {
        for (slot, img) in c.images.iter().enumerate() {
            let Some(id) = img.filter(|&v| v > 0) else { continue };
            if out.iter().any(|s: &ImageSpec| s.id == id + off) {
                continue; // shared
            }
            let (ext, format) = match id {
                22 => (Some("jpg"), ImageFormat::Jpeg),
                26 => (Some("JPG"), ImageFormat::Jpeg),
                WEBP_IMAGE => (Some("webp"), ImageFormat::Webp),
                31 => (Some("png"), ImageFormat::Png),
                NULL_EXTENSION_IMAGE => (None, ImageFormat::Jpeg),
                PNG_LABELLED_JPE_IMAGE => (Some("jpe"), ImageFormat::Png),
                _ => (Some("jpe"), ImageFormat::Jpeg),
            };
            let (size, px) = match slot {
                0 => (sized(id, 80_000, 120_000), 1024),
                1 => (sized(id, 900, 800), 30),
                2 => (sized(id, 1_800, 1_500), 45),
                _ => (sized(id, 3_000, 3_000), 60),
            };
            // WEBP needs an even length (RIFF padding).
            let size = if format == ImageFormat::Webp { size & !1 } else { size };
            out.push(spec(id, ext, format, size, px));
        }
    }
    // Old photos nobody references any more.
    for id in 42..=49 {
        let ext = if id % 3 == 0 { "jpg" } else { "jpe" };
        out.push(spec(id, Some(ext), ImageFormat::Jpeg, sized(id, 20_000, 40_000), 512));
    }
    // Category icons.
    for j in 0..icon_count() {
        let id = icon_id(j);
        let (ext, format, size) = match id {
            SVG_IMAGE => (Some("svg"), ImageFormat::Svg, sized(id, 1_200, 1_000)),
            GIF_IMAGE => (Some("gif"), ImageFormat::Gif, sized(id, 1_500, 2_500)),
            _ if j % 19 == 8 => (Some("jpg"), ImageFormat::Jpeg, sized(id, 2_000, 8_000)),
            _ if j % 7 == 3 => (Some(".png"), ImageFormat::Png, sized(id, 1_000, 12_000)),
            _ if j % 20 == 13 => (Some("png"), ImageFormat::Png, sized(id, 30_000, 20_000)),
            _ => (Some("png"), ImageFormat::Png, sized(id, 1_000, 12_000)),
        };
        out.push(spec(id, ext, format, size, 128));
    }
    out.sort_by_key(|s| s.id);
    out
}

/// The bytes of one image: deterministic in `seed` and `spec`, exactly
/// `spec.byte_size` long, starting with the format's magic bytes.
pub fn image_data(seed: u64, spec: &ImageSpec) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ (spec.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let n = spec.byte_size;
    let (w, h) = (spec.width, spec.height);
    match spec.format {
        ImageFormat::Empty => Vec::new(),
        ImageFormat::Jpeg => jpeg(&mut rng, n, w, h),
        ImageFormat::Png => png(&mut rng, n, w, h),
        ImageFormat::Gif => gif(&mut rng, n, w, h),
        ImageFormat::Webp => webp(&mut rng, n, w, h),
        ImageFormat::Svg => svg(&mut rng, n, w, h),
    }
}

fn jpeg(rng: &mut Rng, n: usize, w: u16, h: u16) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    // SOI, APP0 (JFIF 1.1, 72 dpi)
    v.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]);
    v.extend_from_slice(b"JFIF\0");
    v.extend_from_slice(&[0x01, 0x01, 0x01, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]);
    // DQT: one 8-bit table
    v.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    for _ in 0..64 {
        v.push(1 + (rng.next_u64() % 60) as u8);
    }
    // SOF0: 8 bit, h x w, 3 components
    v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00]);
    // SOS
    v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00]);
    // Entropy-coded data without markers (no 0xFF), then EOI.
    let body = n.saturating_sub(v.len() + 2);
    let start = v.len();
    v.resize(start + body, 0);
    rng.fill_without_ff(&mut v[start..]);
    v.extend_from_slice(&[0xFF, 0xD9]);
    v.truncate(n.max(4));
    v
}

fn png_chunk(v: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    v.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let from = v.len();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    let crc = crc32(&v[from..]);
    v.extend_from_slice(&crc.to_be_bytes());
}

fn png(rng: &mut Rng, n: usize, w: u16, h: u16) -> Vec<u8> {
    const FIXED: usize = 8 + 25 + 12 + 12; // signature, IHDR, IDAT framing, IEND
    let mut v = Vec::with_capacity(n);
    v.extend_from_slice(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&u32::from(w).to_be_bytes());
    ihdr.extend_from_slice(&u32::from(h).to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    png_chunk(&mut v, b"IHDR", &ihdr);
    let mut idat = vec![0u8; n.saturating_sub(FIXED)];
    if idat.len() >= 2 {
        rng.fill(&mut idat[2..]);
        idat[0] = 0x78; // zlib header
        idat[1] = 0x9C;
    }
    png_chunk(&mut v, b"IDAT", &idat);
    png_chunk(&mut v, b"IEND", &[]);
    v
}

fn gif(rng: &mut Rng, n: usize, w: u16, h: u16) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    v.extend_from_slice(b"GIF89a");
    v.extend_from_slice(&w.to_le_bytes());
    v.extend_from_slice(&h.to_le_bytes());
    v.extend_from_slice(&[0xF7, 0x00, 0x00]); // global colour table of 256 entries
    let start = v.len();
    v.resize(start + 768, 0);
    rng.fill(&mut v[start..]);
    v.extend_from_slice(&[0x2C, 0, 0, 0, 0]);
    v.extend_from_slice(&w.to_le_bytes());
    v.extend_from_slice(&h.to_le_bytes());
    v.extend_from_slice(&[0x00, 0x08]); // no local table; LZW minimum code size 8
                                        // Data sub-blocks, then the block terminator (0) and the trailer (;).
    let mut left = n.saturating_sub(v.len() + 2);
    while left >= 2 {
        let mut len = (left - 1).min(255);
        if left - (len + 1) == 1 {
            len -= 1; // never leave a single byte
        }
        v.push(len as u8);
        let at = v.len();
        v.resize(at + len, 0);
        rng.fill(&mut v[at..]);
        left -= len + 1;
    }
    if left == 1 {
        v.extend_from_slice(&[0x01, 0x00]); // cannot happen; keeps the file valid
    }
    v.extend_from_slice(&[0x00, 0x3B]);
    v
}

fn webp(rng: &mut Rng, n: usize, w: u16, h: u16) -> Vec<u8> {
    let n = n.max(30) & !1;
    let mut v = Vec::with_capacity(n);
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&((n - 8) as u32).to_le_bytes());
    v.extend_from_slice(b"WEBPVP8 ");
    v.extend_from_slice(&((n - 20) as u32).to_le_bytes());
    // VP8 key frame tag, start code, size
    v.extend_from_slice(&[0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A]);
    v.extend_from_slice(&w.to_le_bytes());
    v.extend_from_slice(&h.to_le_bytes());
    let start = v.len();
    v.resize(n, 0);
    rng.fill(&mut v[start..]);
    v
}

fn svg(rng: &mut Rng, n: usize, w: u16, h: u16) -> Vec<u8> {
    const CLOSE: &str = "</svg>\n";
    let mut s =
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n");
    const COLOURS: [&str; 4] = ["#4CAF50", "#2196F3", "#ff9800", "#E91E63"];
    loop {
        let r = rng.next_u64();
        let shape = format!(
            "  <circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" opacity=\"0.{}\"/>\n",
            r % u64::from(w),
            (r >> 16) % u64::from(h),
            2 + (r >> 32) % 20,
            COLOURS[((r >> 40) % 4) as usize],
            1 + (r >> 48) % 9
        );
        if s.len() + shape.len() + CLOSE.len() > n {
            break;
        }
        s.push_str(&shape);
    }
    while s.len() + CLOSE.len() < n {
        s.push(' ');
    }
    s.push_str(CLOSE);
    s.into_bytes()
}

/// CRC-32 (IEEE) lookup table.
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 (IEEE), as PNG chunks use it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// splitmix64: tiny, fast and good enough for filler bytes.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        self.fill_with(buf, |w| w);
    }

    /// Like `fill`, with every 0xFF byte turned into 0xFE (JPEG entropy data
    /// without markers), a word at a time.
    fn fill_without_ff(&mut self, buf: &mut [u8]) {
        self.fill_with(buf, |w| {
            const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
            let t = !w; // 0x00 bytes of t are the 0xFF bytes of w
            let nonzero = ((t & LOW7).wrapping_add(LOW7) | t) & !LOW7;
            w ^ ((!nonzero & !LOW7) >> 7)
        });
    }

    fn fill_with(&mut self, buf: &mut [u8], f: impl Fn(u64) -> u64) {
        let mut chunks = buf.chunks_exact_mut(8);
        for c in &mut chunks {
            c.copy_from_slice(&f(self.next_u64()).to_le_bytes());
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let x = f(self.next_u64()).to_le_bytes();
            let len = rest.len();
            rest.copy_from_slice(&x[..len]);
        }
    }
}

// ---------------------------------------------------------------------------
// Defects
// ---------------------------------------------------------------------------

fn defects() -> Dataset {
    let t = Some(at(2024, 12, 1, 12, 0, 0));
    let cat = |id: i32, parent_id: Option<i32>, name: &str, icon_id: Option<i32>| LegacyCategory {
        id,
        parent_id,
        name: Some(name.to_string()),
        icon_id,
        sort_order: Some(10),
        checkin_enabled: Some(true),
        max_questions: Some(5),
        time_create: t,
        ..LegacyCategory::default()
    };
    Dataset {
        coaches: vec![LegacyCoach {
            id: DEFECT_COACH_MISSING_IMAGE,
            name: Some("Ghost Coach".to_string()),
            description: Some("A coach whose photo was deleted from tls_image.".to_string()),
            image_id: Some(DEFECT_MISSING_IMAGE),
            sex: Some("F".to_string()),
            intro: Some("Birth year: 1990".to_string()),
            time_create: t,
            ..LegacyCoach::default()
        }],
        categories: vec![
            cat(DEFECT_ORPHAN_CATEGORY, Some(DEFECT_MISSING_PARENT), "Orphan Topic", None),
            cat(DEFECT_SELF_PARENT_CATEGORY, Some(DEFECT_SELF_PARENT_CATEGORY), "Self Parent", None),
            cat(DEFECT_CYCLE_CATEGORY_A, Some(DEFECT_CYCLE_CATEGORY_B), "Cycle A", None),
            cat(DEFECT_CYCLE_CATEGORY_B, Some(DEFECT_CYCLE_CATEGORY_A), "Cycle B", None),
            cat(DEFECT_EMPTY_ICON_CATEGORY, None, "Empty Icon", Some(DEFECT_EMPTY_IMAGE)),
        ],
        configs: [(DEFECT_PROMPT_CHECK_IN, "Check-In"), (DEFECT_PROMPT_CHECK_IN_2, "check in")]
            .into_iter()
            .map(|(id, name)| LegacyConfig {
                source: ConfigSource::Prompt,
                id,
                name: Some(name.to_string()),
                value: Some(format!("{name}: how are you today?")),
                user: None,
                time_create: t,
            })
            .collect(),
        images: vec![ImageSpec {
            id: DEFECT_EMPTY_IMAGE,
            extension: Some("png".to_string()),
            format: ImageFormat::Empty,
            byte_size: 0,
            width: 0,
            height: 0,
            time_create: t,
        }],
    }
}

// ---------------------------------------------------------------------------
// Binary COPY
// ---------------------------------------------------------------------------

/// Microseconds between 1970-01-01 and 2000-01-01 (PostgreSQL's epoch).
const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;
const SEND_AT: usize = 1 << 20;

/// Rows of one `COPY … FROM STDIN (FORMAT binary)`, sent in 1 MB pieces.
struct Copy<'a> {
    writer: postgres::CopyInWriter<'a>,
    buf: Vec<u8>,
}

impl<'a> Copy<'a> {
    fn start(tx: &'a mut postgres::Transaction<'_>, table_and_columns: &str) -> Result<Self, postgres::Error> {
        let writer = tx.copy_in(format!("COPY {table_and_columns} FROM STDIN (FORMAT binary)").as_str())?;
        let mut buf = Vec::with_capacity(SEND_AT + 256 * 1024);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0u32.to_be_bytes()); // flags
        buf.extend_from_slice(&0u32.to_be_bytes()); // header extension length
        Ok(Copy { writer, buf })
    }

    fn row(&mut self, fields: i16) -> &mut Self {
        self.buf.extend_from_slice(&fields.to_be_bytes());
        self
    }

    fn field(&mut self, v: Option<&[u8]>) -> &mut Self {
        match v {
            None => self.buf.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(b) => {
                self.buf.extend_from_slice(&(b.len() as i32).to_be_bytes());
                self.buf.extend_from_slice(b);
            }
        }
        self
    }

    fn int4(&mut self, v: Option<i32>) -> &mut Self {
        self.field(v.map(i32::to_be_bytes).as_ref().map(|b| &b[..]))
    }

    fn bool(&mut self, v: Option<bool>) -> &mut Self {
        self.field(v.map(|b| [u8::from(b)]).as_ref().map(|b| &b[..]))
    }

    fn text(&mut self, v: Option<&str>) -> &mut Self {
        self.field(v.map(str::as_bytes))
    }

    fn bytes(&mut self, v: Option<&[u8]>) -> &mut Self {
        self.field(v)
    }

    fn ts(&mut self, v: Option<Timestamp>) -> &mut Self {
        self.field(v.map(|t| (t.0 - PG_EPOCH_OFFSET_MICROS).to_be_bytes()).as_ref().map(|b| &b[..]))
    }

    fn maybe_send(&mut self) -> Result<(), postgres::Error> {
        if self.buf.len() >= SEND_AT {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<(), postgres::Error> {
        self.writer.write_all(&self.buf).map_err(copy_error)?;
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<u64, postgres::Error> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.send()?;
        self.writer.finish()
    }
}

/// The postgres error inside a failed COPY write (CopyInWriter wraps it in io::Error).
fn copy_error(e: std::io::Error) -> postgres::Error {
    match e.into_inner().map(|inner| inner.downcast::<postgres::Error>()) {
        Some(Ok(pg)) => *pg,
        Some(Err(other)) => panic!("COPY into the legacy database failed: {other}"),
        None => panic!("COPY into the legacy database failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn sanitize(name: &str) -> String {
        let lower = name.to_lowercase();
        let mut s = String::new();
        for ch in lower.chars() {
            let ch = if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' { ch } else { '_' };
            if !(ch == '_' && s.ends_with('_')) {
                s.push(ch);
            }
        }
        let s = s.strip_prefix('_').unwrap_or(&s);
        s.strip_suffix('_').unwrap_or(s).to_string()
    }

    fn opts(scale: u32, defects: bool) -> Options {
        Options { scale, defects, seed: 42 }
    }

    #[test]
    fn prng_is_deterministic_and_seeded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let xs: Vec<u64> = (0..16).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..16).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..16).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        // splitmix64 reference value for seed 0
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        let spec = &images(1)[0];
        assert_eq!(image_data(1, spec), image_data(1, spec));
        assert_ne!(image_data(1, spec), image_data(2, spec));
    }

    #[test]
    fn fill_without_ff_only_changes_ff_bytes() {
        let mut a = Rng::new(3);
        let mut b = Rng::new(3);
        let mut x = vec![0u8; 100_003];
        let mut y = vec![0u8; 100_003];
        a.fill(&mut x);
        b.fill_without_ff(&mut y);
        assert!(x.contains(&0xFF));
        assert!(!y.contains(&0xFF));
        for (p, q) in x.iter().zip(&y) {
            assert_eq!(*q, if *p == 0xFF { 0xFE } else { *p });
        }
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // The IEND chunk's well-known CRC.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn images_have_their_magic_bytes_and_exact_sizes() {
        let d = dataset(&opts(2, true));
        let mut seen = HashSet::new();
        for spec in &d.images {
            let data = image_data(42, spec);
            assert_eq!(data.len(), spec.byte_size, "image {}", spec.id);
            seen.insert(spec.format);
            match spec.format {
                ImageFormat::Jpeg => {
                    assert!(data.starts_with(&[0xFF, 0xD8, 0xFF]), "image {}", spec.id);
                    assert!(data.ends_with(&[0xFF, 0xD9]));
                }
                ImageFormat::Png => {
                    assert!(data.starts_with(&[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
                    assert!(data.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
                }
                ImageFormat::Gif => {
                    assert!(data.starts_with(b"GIF89a"));
                    assert_eq!(data.last(), Some(&0x3B));
                }
                ImageFormat::Webp => {
                    assert!(data.starts_with(b"RIFF") && &data[8..12] == b"WEBP");
                    let riff = u32::from_le_bytes(data[4..8].try_into().unwrap()) as usize;
                    assert_eq!(riff + 8, data.len());
                }
                ImageFormat::Svg => {
                    let text = std::str::from_utf8(&data).unwrap();
                    assert!(text.starts_with("<svg xmlns="));
                    assert!(text.trim_end().ends_with("</svg>"));
                }
                ImageFormat::Empty => assert!(data.is_empty()),
            }
        }
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn image_catalogue_covers_the_cases() {
        let imgs = images(1);
        let by_id: HashMap<i32, &ImageSpec> = imgs.iter().map(|s| (s.id, s)).collect();
        assert_eq!(by_id.len(), imgs.len(), "unique ids");
        let ext = |id: i32| by_id[&id].extension.clone();
        assert_eq!(ext(18).as_deref(), Some("jpe"));
        assert_eq!(by_id[&1].format, ImageFormat::Png);
        assert_eq!(by_id[&100].format, ImageFormat::Png);
        assert_eq!(by_id[&SVG_IMAGE].format, ImageFormat::Svg);
        assert_eq!(by_id[&GIF_IMAGE].format, ImageFormat::Gif);
        assert_eq!(by_id[&WEBP_IMAGE].format, ImageFormat::Webp);
        assert_eq!(ext(NULL_EXTENSION_IMAGE), None);
        assert_eq!(
            (by_id[&PNG_LABELLED_JPE_IMAGE].format, ext(PNG_LABELLED_JPE_IMAGE).as_deref()),
            (ImageFormat::Png, Some("jpe"))
        );
        let exts: HashSet<Option<String>> = imgs.iter().map(|s| s.extension.clone()).collect();
        for e in ["jpe", "jpg", "JPG", "png", ".png", "svg", "webp", "gif"] {
            assert!(exts.contains(&Some(e.to_string())), "{e}");
        }
        // Sizes: from about 1 KB to about 200 KB, a few MB per copy.
        let total: usize = imgs.iter().map(|s| s.byte_size).sum();
        assert!(imgs.iter().any(|s| s.byte_size < 1_500));
        assert!(imgs.iter().any(|s| s.byte_size > 150_000));
        assert!(total < 4_000_000, "{total} bytes per copy");
        assert!(imgs.iter().all(|s| s.byte_size <= 200_000));
        // References: every coach and category image (but the defects) exists.
        let cats = categories(1);
        let coach_refs: HashSet<i32> = coaches(1)
            .iter()
            .flat_map(|c| [c.image_id, c.image30_id, c.image45_id, c.image60_id])
            .flatten()
            .filter(|&v| v > 0)
            .collect();
        let cat_refs: HashSet<i32> =
            cats.iter().flat_map(|c| [c.icon_id, c.icon_id_secondary]).flatten().filter(|&v| v > 0).collect();
        assert!(coach_refs.iter().chain(&cat_refs).all(|id| by_id.contains_key(id)));
        assert_eq!(coach_refs.len(), 24);
        assert!((140..=155).contains(&cat_refs.len()), "{}", cat_refs.len());
        assert!(coach_refs.contains(&COACH_AND_CATEGORY_IMAGE) && cat_refs.contains(&COACH_AND_CATEGORY_IMAGE));
        let unreferenced = by_id.keys().filter(|id| !coach_refs.contains(id) && !cat_refs.contains(id)).count();
        assert_eq!(unreferenced, 9, "8 old photos and one spare icon");
        let sharing = coaches(1).iter().filter(|c| c.image_id == Some(SHARED_COACH_IMAGE)).count();
        assert_eq!(sharing, 2);
    }

    #[test]
    fn coaches_cover_the_cases() {
        let cs = coaches(1);
        assert_eq!(cs.len(), 8);
        let sexes: HashSet<Option<&str>> = cs.iter().map(|c| c.sex.as_deref()).collect();
        for s in [Some("M"), Some("F"), Some("N"), None, Some("male"), Some("Female"), Some(" f "), Some("X")] {
            assert!(sexes.contains(&s), "{s:?}");
        }
        assert!(cs.iter().any(|c| c.name.as_deref() == Some("  Daniel Jr. ")));
        assert!(cs.iter().any(|c| c.name.as_deref().is_some_and(|n| n.contains('\''))));
        assert!(cs.iter().any(|c| c.description.as_deref() == Some("") && c.intro.is_some()));
        assert!(cs.iter().any(|c| c.description.as_deref().is_some_and(|d| d.trim().is_empty()) && c.intro.is_none()));
        let only30 = cs.iter().filter(|c| {
            c.image30_id.is_some_and(|v| v > 0)
                && [c.image_id, c.image45_id, c.image60_id].iter().all(|v| v.unwrap_or(0) == 0)
        });
        assert_eq!(only30.count(), 1);
        let none = cs
            .iter()
            .filter(|c| [c.image_id, c.image30_id, c.image45_id, c.image60_id].iter().all(|v| v.unwrap_or(0) == 0));
        assert_eq!(none.count(), 1);
        let sarah = &cs[(NEAR_MIDNIGHT_COACH - 1) as usize];
        assert_eq!(sarah.time_create, Some(at(2023, 12, 31, 23, 59, 30)));
        assert!(cs.iter().all(|c| (2023..=2024).contains(&c.time_create.unwrap().year())));
    }

    #[test]
    fn exactly_one_daniel_at_every_scale() {
        for scale in [1, 2, 5] {
            let d = dataset(&opts(scale, true));
            assert_eq!(d.coaches.iter().filter(|c| c.name.as_deref() == Some("Daniel")).count(), 1);
            assert_eq!(d.coaches.len() as u32, 8 * scale + 1);
            let ids: HashSet<i32> = d.coaches.iter().map(|c| c.id).collect();
            assert_eq!(ids.len(), d.coaches.len());
        }
        let d = dataset(&opts(3, false));
        assert_eq!(d.coaches.iter().filter(|c| c.name.as_deref() == Some("Danielle")).count(), 3);
        assert!(d.coaches.iter().any(|c| c.name.as_deref() == Some("Sarah 3")));
    }

    /// Roots reachable by walking parents; None for a category in or under a cycle or orphan.
    fn root_of(by_id: &HashMap<i32, &LegacyCategory>, id: i32) -> Option<i32> {
        let mut cur = id;
        for _ in 0..100 {
            match by_id[&cur].parent_id {
                None | Some(0) => return Some(cur),
                Some(p) => {
                    by_id.get(&p)?;
                    cur = p;
                }
            }
        }
        None
    }

    #[test]
    fn categories_form_a_valid_three_level_tree() {
        let cats = categories(1);
        assert_eq!(cats.len(), 89);
        let by_id: HashMap<i32, &LegacyCategory> = cats.iter().map(|c| (c.id, c)).collect();
        assert_eq!(by_id.len(), 89);
        assert!((1..=89).all(|id| by_id.contains_key(&id)));
        let roots: Vec<_> = cats.iter().filter(|c| matches!(c.parent_id, None | Some(0))).collect();
        assert_eq!(roots.len(), 7);
        assert_eq!(roots.iter().filter(|c| c.parent_id == Some(0)).count(), 1);
        assert_eq!(by_id[&ROOT_WITH_PARENT_ZERO].parent_id, Some(0));
        let depth = |id: i32| {
            let mut d = 0;
            let mut cur = id;
            while let Some(p) = by_id[&cur].parent_id.filter(|&p| p != 0) {
                cur = p;
                d += 1;
            }
            d
        };
        let mut hist = [0; 3];
        for c in &cats {
            assert!(root_of(&by_id, c.id).is_some());
            hist[depth(c.id)] += 1;
        }
        assert_eq!(hist, [7, 22, 60]);
        assert!(cats.iter().any(|c| c.parent_id.is_some_and(|p| p > c.id)), "a child with a lower id");
        let stress: Vec<_> = cats.iter().filter(|c| c.name.as_deref() == Some("Stress Management")).collect();
        assert_eq!(stress.len(), 2);
        assert_ne!(stress[0].parent_id, stress[1].parent_id);
        for name in ["Schlaf & Erholung", "Café 'Zen'"] {
            assert!(cats.iter().any(|c| c.name.as_deref() == Some(name)), "{name}");
        }
        let has = |f: &dyn Fn(&LegacyCategory) -> bool| cats.iter().any(f);
        for v in [None, Some(0), Some(3), Some(25), Some(-3)] {
            assert!(has(&|c| c.max_questions == v), "max_questions {v:?}");
        }
        for v in [None, Some(-5), Some(0), Some(60)] {
            assert!(has(&|c| c.followup_timer == v), "followup_timer {v:?}");
        }
        for v in [None, Some(true), Some(false)] {
            assert!(has(&|c| c.show_checkin_history == v));
            assert!(has(&|c| c.checkin_enabled == v));
            assert!(has(&|c| c.followup_chat_enabled == v));
        }
        assert!(has(&|c| c.sort_order.is_none()));
        assert!(has(&|c| c.sort_order.is_some_and(|s| s < 0)));
        let mut ties = HashMap::new();
        for c in &cats {
            *ties.entry((c.parent_id, c.sort_order)).or_insert(0) += 1;
        }
        assert!(ties.iter().any(|((_, s), n)| s.is_some() && *n > 1), "a sort_order tie among siblings");
        assert!(has(&|c| c.primary_color.as_deref() == Some("#4CAF50")));
        assert!(has(&|c| c.primary_color.as_deref() == Some(" 4CAF50 ")));
        assert!(has(&|c| c.prompt_checkin.as_deref().is_some_and(|p| p.len() > 800 && p.lines().count() > 10)));
        assert!(has(&|c| c.guidelines_file_text.as_deref().is_some_and(|p| p.len() > 3000)));
        let some = |v: Option<i32>| v.is_some_and(|x| x > 0);
        assert!(has(&|c| some(c.icon_id) && some(c.icon_id_secondary)));
        assert!(has(&|c| some(c.icon_id) && !some(c.icon_id_secondary)));
        assert!(has(&|c| !some(c.icon_id) && some(c.icon_id_secondary)));
        assert!(has(&|c| !some(c.icon_id) && !some(c.icon_id_secondary)));
        assert!(cats.iter().all(|c| (2023..=2024).contains(&c.time_create.unwrap().year())));
    }

    #[test]
    fn copies_keep_the_hierarchy_and_ids_unique() {
        let d = dataset(&opts(4, false));
        assert_eq!(d.categories.len(), 4 * 89);
        let by_id: HashMap<i32, &LegacyCategory> = d.categories.iter().map(|c| (c.id, c)).collect();
        assert_eq!(by_id.len(), d.categories.len());
        for c in &d.categories {
            let root = root_of(&by_id, c.id).expect("reaches a root");
            assert_eq!(root / COPY_STRIDE, c.id / COPY_STRIDE, "stays in its copy");
        }
        let imgs: HashSet<i32> = d.images.iter().map(|s| s.id).collect();
        assert_eq!(imgs.len(), d.images.len());
        for c in &d.categories {
            for id in [c.icon_id, c.icon_id_secondary].into_iter().flatten().filter(|&v| v > 0) {
                assert!(imgs.contains(&id));
            }
        }
        assert!(d.categories.iter().all(|c| c.id % COPY_STRIDE < 900));
        assert!(d.images.iter().all(|c| c.id % COPY_STRIDE < 900));
        assert_eq!(d.categories.iter().filter(|c| c.name.as_deref() == Some("Stress Management")).count(), 8);
        assert!(d.categories.iter().any(|c| c.name.as_deref() == Some("Running 2")));
        assert!(d.categories.iter().any(|c| c.name.as_deref() == Some("  Posture  ")));
    }

    #[test]
    fn config_names_never_collide_after_sanitizing() {
        let d = dataset(&opts(12, false));
        for source in [ConfigSource::Prompt, ConfigSource::Variable, ConfigSource::System] {
            let rows: Vec<_> = d.configs.iter().filter(|c| c.source == source).collect();
            let keys: HashSet<String> = rows.iter().map(|c| sanitize(c.name.as_deref().unwrap())).collect();
            assert_eq!(keys.len(), rows.len(), "{source:?}");
            assert!(keys.iter().all(|k| !k.is_empty()));
        }
        let one = configs(1);
        let keys: Vec<String> = one
            .iter()
            .filter(|c| c.source == ConfigSource::Prompt)
            .map(|c| sanitize(c.name.as_deref().unwrap()))
            .collect();
        assert!(keys.contains(&"ber_prompt".to_string()));
        assert!(keys.contains(&"coach_intro".to_string()));
        assert_eq!(sanitize("MAX__Questions "), "max_questions");
        assert!(one.iter().any(|c| c.source == ConfigSource::Prompt && c.value.is_none()));
        let users: HashSet<Option<bool>> =
            one.iter().filter(|c| c.source == ConfigSource::Variable).map(|c| c.user).collect();
        assert_eq!(users.len(), 3);
        for v in ["196", "true", "{\"a\":1}"] {
            assert!(one.iter().any(|c| c.value.as_deref() == Some(v)), "{v}");
        }
        assert_eq!(one.iter().filter(|c| c.source == ConfigSource::System).count(), 3);
    }

    #[test]
    fn defects_are_added_only_on_request_and_collide() {
        let plain = dataset(&opts(1, false));
        let with = dataset(&opts(1, true));
        assert_eq!(with.coaches.len(), plain.coaches.len() + 1);
        assert_eq!(with.categories.len(), plain.categories.len() + 5);
        assert_eq!(with.images.len(), plain.images.len() + 1);
        let cat = |id: i32| with.categories.iter().find(|c| c.id == id).unwrap();
        assert!(with.categories.iter().all(|c| c.id != DEFECT_MISSING_PARENT));
        assert_eq!(cat(DEFECT_ORPHAN_CATEGORY).parent_id, Some(DEFECT_MISSING_PARENT));
        assert_eq!(cat(DEFECT_SELF_PARENT_CATEGORY).parent_id, Some(DEFECT_SELF_PARENT_CATEGORY));
        assert_eq!(cat(DEFECT_CYCLE_CATEGORY_A).parent_id, Some(DEFECT_CYCLE_CATEGORY_B));
        assert_eq!(cat(DEFECT_CYCLE_CATEGORY_B).parent_id, Some(DEFECT_CYCLE_CATEGORY_A));
        assert_eq!(cat(DEFECT_EMPTY_ICON_CATEGORY).icon_id, Some(DEFECT_EMPTY_IMAGE));
        assert!(with.images.iter().any(|s| s.id == DEFECT_EMPTY_IMAGE && s.byte_size == 0));
        assert!(with.images.iter().all(|s| s.id != DEFECT_MISSING_IMAGE));
        let ghost = with.coaches.iter().find(|c| c.id == DEFECT_COACH_MISSING_IMAGE).unwrap();
        assert_eq!(ghost.image_id, Some(DEFECT_MISSING_IMAGE));
        let name = |id: i32| {
            with.configs.iter().find(|c| c.source == ConfigSource::Prompt && c.id == id).unwrap().name.clone().unwrap()
        };
        assert_eq!(sanitize(&name(DEFECT_PROMPT_CHECK_IN)), sanitize(&name(DEFECT_PROMPT_CHECK_IN_2)));
    }

    #[test]
    fn copy_names_and_timestamps() {
        assert_eq!(copy_name("  Coach Intro  ", 2), "  Coach Intro 2  ");
        assert_eq!(copy_name("Daniel", 1), "Daniel");
        assert_eq!(at(1970, 1, 1, 0, 0, 0), Timestamp(0));
        assert_eq!(at(2000, 1, 1, 0, 0, 0).0, PG_EPOCH_OFFSET_MICROS);
        assert_eq!(at(2024, 12, 31, 23, 59, 59).year(), 2024);
        assert_eq!(at(2025, 1, 1, 0, 0, 0).year(), 2025);
        assert!(MAX_SCALE as i64 * COPY_STRIDE as i64 + 1000 < i32::MAX as i64);
    }
}
