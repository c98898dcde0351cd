//! Durations as operators write them in profiles: `10s`, `500ms`, `5min`, `1h`.

use std::time::Duration;

/// The longest timeout PostgreSQL accepts (`INT_MAX` milliseconds, 24.8 days).
pub const PG_MAX: Duration = Duration::from_millis(i32::MAX as u64);

/// Parse `<number><unit>` with unit ms, s, min (or m), h, d; a bare number is
/// milliseconds, as in PostgreSQL's own `lock_timeout`. Errors never quote
/// the text (a `${VAR}` may have put anything there).
pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| "is not a duration; write it like 10s, 500ms, 5min or 1h".to_string())?;
    let ms = match unit.trim() {
        "" | "ms" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000.0,
        "h" | "hour" | "hours" => 3_600_000.0,
        "d" | "day" | "days" => 86_400_000.0,
        _ => return Err("has an unknown unit; use ms, s, min, h or d (for example 10s)".to_string()),
    };
    let total = (value * ms).round();
    if !total.is_finite() || total > PG_MAX.as_millis() as f64 {
        return Err("is longer than PostgreSQL accepts (24 days); give at most a day".to_string());
    }
    Ok(Duration::from_millis(total as u64))
}

/// The value for PostgreSQL's `SET lock_timeout` / `statement_timeout`.
pub fn as_pg_setting(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

/// Short human form for reports: `312 ms`, `4.20 s`.
pub fn human(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_units_profiles_use() {
        assert_eq!(parse("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse("5min").unwrap(), Duration::from_secs(300));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("1500").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse(" 2 s ").unwrap(), Duration::from_secs(2));
    }

    #[test]
    fn rejects_nonsense_with_a_hint() {
        assert!(parse("soon").unwrap_err().contains("10s"));
        assert!(parse("3 fortnights").unwrap_err().contains("unknown unit"));
        assert!(parse("99999999999h").unwrap_err().contains("longer than"));
        assert!(parse(&"9".repeat(400)).unwrap_err().contains("longer than"));
    }
}
