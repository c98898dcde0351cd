//! The rows the import reads (legacy `tls_*`) and writes (`totalis` schema).
//! Plain data shared by extract, transform, validate and load.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A legacy `TIMESTAMP` (without time zone), read as UTC: microseconds since
/// 1970-01-01 00:00:00 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The calendar year (UTC).
    pub fn year(self) -> i32 {
        let days = self.0.div_euclid(86_400_000_000);
        civil_year(days)
    }

    pub fn to_system_time(self) -> SystemTime {
        if self.0 >= 0 {
            UNIX_EPOCH + Duration::from_micros(self.0 as u64)
        } else {
            UNIX_EPOCH - Duration::from_micros(self.0.unsigned_abs())
        }
    }

    pub fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp(d.as_micros() as i64),
            Err(e) => Timestamp(-(e.duration().as_micros() as i64)),
        }
    }
}

/// Year of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_year(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

/// One `tls_coach` row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegacyCoach {
    pub id: i32,
    pub name: Option<String>,
    pub description: Option<String>,
    pub image_id: Option<i32>,
    pub image30_id: Option<i32>,
    pub image45_id: Option<i32>,
    pub image60_id: Option<i32>,
    pub sex: Option<String>,
    pub intro: Option<String>,
    pub prompt: Option<String>,
    pub time_create: Option<Timestamp>,
}

/// One `tls_category` row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegacyCategory {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub name: Option<String>,
    pub name_short: Option<String>,
    pub description: Option<String>,
    pub icon_id: Option<i32>,
    pub icon_id_secondary: Option<i32>,
    pub sort_order: Option<i32>,
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
    pub show_checkin_history: Option<bool>,
    pub checkin_enabled: Option<bool>,
    pub followup_chat_enabled: Option<bool>,
    pub followup_timer: Option<i32>,
    pub prompt_checkin: Option<String>,
    pub prompt_checkin_2: Option<String>,
    pub guidelines_file_text: Option<String>,
    pub max_questions: Option<i32>,
    pub scope: Option<String>,
    pub time_create: Option<Timestamp>,
}

/// Which legacy table a config row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigSource {
    /// `tls_prompt` (name, prompt) → `prompt_<name>`
    Prompt,
    /// `tls_variable` (name, value, "user") → `var_<name>`
    Variable,
    /// `tls_system` (name, value) → `system_<name>`
    System,
}

/// One row of `tls_prompt`, `tls_variable` or `tls_system`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyConfig {
    pub source: ConfigSource,
    pub id: i32,
    pub name: Option<String>,
    /// `prompt` for tls_prompt, `value` otherwise.
    pub value: Option<String>,
    /// `tls_variable."user"`; always None for the other two tables.
    pub user: Option<bool>,
    pub time_create: Option<Timestamp>,
}

/// A `tls_image` row without its bytes (they are streamed one image at a time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyImage {
    pub id: i32,
    pub extension: Option<String>,
    pub byte_size: i64,
    pub time_create: Option<Timestamp>,
}

/// A `coaches` row as the import writes it. Image columns hold legacy image
/// ids here; the load fills the URL columns from the image map by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coach {
    pub id: String,
    pub legacy_id: i32,
    /// The legacy name exactly as stored (for the default-coach choice).
    pub legacy_name: Option<String>,
    pub name: String,
    pub bio: Option<String>,
    pub sex: Option<String>,
    pub year_of_birth: Option<i32>,
    pub voice_id: Option<String>,
    pub prompt: Option<String>,
    /// photo_url: the first of image_id, image60_id, image45_id, image30_id.
    pub photo_image: Option<i32>,
    /// image_small_url (image30_id), image_medium_url (image45_id), image_large_url (image60_id).
    pub small_image: Option<i32>,
    pub medium_image: Option<i32>,
    pub large_image: Option<i32>,
    pub created_at: Option<Timestamp>,
}

/// A `categories` row as the import writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub legacy_id: i32,
    pub parent_id: Option<String>,
    pub parent_legacy_id: Option<i32>,
    pub name: String,
    pub name_short: Option<String>,
    pub description: Option<String>,
    /// icon and icon_url (icon_id), icon_secondary_url (icon_id_secondary).
    pub icon_image: Option<i32>,
    pub icon_secondary_image: Option<i32>,
    pub sort_order: i32,
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
    pub show_checkin_history: bool,
    pub checkin_enabled: bool,
    pub followup_chat_enabled: bool,
    pub followup_timer: Option<i32>,
    pub prompt_checkin: Option<String>,
    pub prompt_checkin_2: Option<String>,
    pub guidelines_file_text: Option<String>,
    pub max_questions: i32,
    pub scope: Option<String>,
    pub created_at: Option<Timestamp>,
}

/// An `app_config` row as the import writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigRow {
    pub key: String,
    pub value: serde_json::Value,
    pub description: Option<String>,
    pub is_public: bool,
    pub created_at: Option<Timestamp>,
    /// Where it came from (None for `default_coach`).
    pub source: Option<(ConfigSource, i32)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_timestamps() {
        assert_eq!(Timestamp(0).year(), 1970);
        assert_eq!(Timestamp(-1).year(), 1969);
        // 2024-12-31 23:59:59.999999 UTC and one microsecond later.
        assert_eq!(Timestamp(1_735_689_599_999_999).year(), 2024);
        assert_eq!(Timestamp(1_735_689_600_000_000).year(), 2025);
        // 2000-02-29 12:00 UTC
        assert_eq!(Timestamp(951_825_600_000_000).year(), 2000);
        let t = Timestamp(1_700_000_000_123_456);
        assert_eq!(Timestamp::from_system_time(t.to_system_time()), t);
    }
}
