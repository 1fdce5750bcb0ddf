//! Time as the user reads and writes it: RFC 3339 timestamps and durations
//! such as `30s`, `2h30m`, `1w`, through `humantime`. Lowest layer: no
//! other module of the crate is used here.

use std::time::{Duration, UNIX_EPOCH};

/// Formats Unix seconds as RFC 3339 UTC (`2026-11-26T14:19:37Z`).
pub fn rfc3339(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// Parses a token lifetime for clap: `30s`, `15m`, `12h`, `7d`, `1w`,
/// `2h30m` (a bare number is seconds). Zero and more than 100 years are
/// refused.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad =
        |why: &str| format!("{why}; use a number with s, m, h, d or w, e.g. 12h, 2h30m or 1w");
    let d = match s.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => humantime::parse_duration(s).map_err(|_| bad("not a duration"))?,
    };
    if d.is_zero() {
        return Err(bad("a duration must be longer than zero"));
    }
    if d > Duration::from_secs(100 * 365 * 86_400) {
        return Err(bad("a duration must be shorter than 100 years"));
    }
    Ok(d)
}

/// Parses a date (`2026-01-01`, midnight UTC) or an RFC 3339 time
/// (`2026-01-01T12:00:00Z`) into Unix seconds, for clap.
pub fn parse_date(s: &str) -> Result<u64, String> {
    let text = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    humantime::parse_rfc3339(&text)
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .ok_or_else(|| "not a date; use 2026-01-01 or 2026-01-01T12:00:00Z (UTC)".to_string())
}

/// Formats seconds as a duration [`parse_duration`] reads back, largest
/// units first: `90` is `1m30s`, `612000` is `7d2h`.
pub fn format_duration(secs: u64) -> String {
    let mut out = String::new();
    let mut rest = secs;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_702_777), "2026-11-26T14:19:37Z");
    }

    #[test]
    fn durations() {
        let secs = |s: &str| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(secs("30s"), Ok(30));
        assert_eq!(secs("15m"), Ok(900));
        assert_eq!(secs("12h"), Ok(43_200));
        assert_eq!(secs("7d"), Ok(604_800));
        assert_eq!(secs("1w"), Ok(604_800));
        assert_eq!(secs("2h30m"), Ok(9_000));
        assert_eq!(secs("45"), Ok(45));
        for n in [
            1, 59, 60, 90, 3_599, 3_600, 86_399, 86_400, 612_000, 2_592_001,
        ] {
            assert_eq!(secs(&format_duration(n)), Ok(n), "{}", format_duration(n));
        }
        assert_eq!(format_duration(612_000), "7d2h");
        assert_eq!(format_duration(90), "1m30s");
        for bad in ["", "0", "0s", "x", "12x", "-5m", "1000y"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
