//! Timestamps in the one format git chant writes (`completed_at`, note events, logs):
//! UTC, `YYYY-MM-DDTHH:MM:SSZ`.

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

#[cfg(test)]
mod tests {
    #[test]
    fn unix_seconds_format_as_utc() {
        assert_eq!(super::from_unix(1_770_042_473), "2026-02-02T14:27:53Z");
        assert_eq!(super::today().len(), 10);
    }
}
