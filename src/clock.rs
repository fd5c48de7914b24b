//! Timestamps in the one format git chant writes (`completed_at`, note events, logs):
//! UTC, `YYYY-MM-DDTHH:MM:SSZ`; and reading the times people type (`--since 2h`).

use time::OffsetDateTime;

/// Now, UTC.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Now, as a time to compute with (leases, expiry).
pub fn now_time() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Today's date in UTC, `YYYY-MM-DD`, for new ids.
pub fn today() -> String {
    now()[..10].to_owned()
}

/// Seconds since the Unix epoch, UTC; the epoch itself for an out-of-range value.
pub fn from_unix(seconds: i64) -> String {
    format(OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

/// A time in that format, converted to UTC.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// When `--since` starts: `<N>m`, `<N>h`, `<N>d` or `<N>w` before `now`, a date
/// (`YYYY-MM-DD`, its midnight UTC) or an RFC 3339 time. `None` for anything else.
pub fn since(text: &str, now: time::OffsetDateTime) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if let Some(unit) = text.chars().last().filter(|c| "mhdw".contains(*c)) {
        // The unit is one ASCII byte, so the cut is at a character boundary.
        if let Ok(n) = text[..text.len() - 1].parse::<u32>() {
            let minutes = match unit {
                'm' => 1,
                'h' => 60,
                'd' => 60 * 24,
                _ => 60 * 24 * 7,
            };
            let span = time::Duration::minutes(i64::from(n) * minutes);
            return now.checked_sub(span).map(format);
        }
    }
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(format(t));
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &day).ok()?;
    Some(format(date.midnight().assume_utc()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn unix_seconds_format_as_utc() {
        assert_eq!(super::from_unix(1_770_042_473), "2026-02-02T14:27:53Z");
        assert_eq!(super::today().len(), 10);
    }

    #[test]
    fn since_reads_spans_dates_and_times() {
        let now = time::macros::datetime!(2026-02-02 14:00 UTC);
        assert_eq!(
            super::since("2h", now).as_deref(),
            Some("2026-02-02T12:00:00Z")
        );
        assert_eq!(
            super::since("1w", now).as_deref(),
            Some("2026-01-26T14:00:00Z")
        );
        assert_eq!(
            super::since("2026-01-05", now).as_deref(),
            Some("2026-01-05T00:00:00Z")
        );
        assert_eq!(
            super::since("2026-01-05T10:00:00+02:00", now).as_deref(),
            Some("2026-01-05T08:00:00Z")
        );
        assert_eq!(super::since("soon", now), None);
        assert_eq!(super::since("h", now), None);
        assert_eq!(super::since("-2h", now), None);
    }
}
