//! From what the server (or the network) answered to the contract's
//! statuses: the one table for `--remote`.

use crate::error::Error;

/// The error for a non-2xx HTTP status. `body` is the server's text, used
/// as the detail so that a server's own explanation reaches the user.
pub fn status_error(status: u16, body: &[u8], host: &str, location: Option<&str>) -> Error {
    let text = super::shorten(&String::from_utf8_lossy(body));
    let said = |fallback: String| {
        if text.is_empty() {
            fallback
        } else {
            text.clone()
        }
    };
    let plain = format!("{host} answered {status}{}", reason(status));
    match status {
        400 => Error::Usage(said(format!("{plain} (bad request)"))),
        401 | 403 => Error::Unauthorized(said(plain)),
        404 => Error::NotFound(said(plain)),
        500 => Error::WrongFormat(said(plain)),
        // 405 is APIHub's read-only mode ("read only mode is active").
        405 | 555 => Error::ReadOnly(said(plain)),
        429 | 502 | 503 | 504 => Error::Temporary(if text.is_empty() {
            plain
        } else {
            format!("{plain}: {text}")
        }),
        300..=399 => Error::failure(format!(
            "{plain}, a redirect{}; give the final URL with --remote (a token is never sent \
             on to another address)",
            location
                .map(|l| format!(" to {}", super::shorten(l)))
                .unwrap_or_default()
        )),
        _ => Error::failure(if text.is_empty() {
            plain
        } else {
            format!("{plain}: {text}")
        }),
    }
}

fn reason(status: u16) -> String {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// The error for a request that got no HTTP answer. Whatever may be gone
/// a moment later (refused or reset connections, timeouts, name lookups,
/// a proxy that failed) is temporary (exit 75); a TLS failure or a bad
/// certificate is not, because retrying cannot fix it.
pub fn transport_error(e: ureq::Error, host: &str) -> Error {
    use ureq::Error as U;
    match e {
        U::Timeout(t) => Error::Temporary(format!("{host} did not answer in time ({t})")),
        U::HostNotFound => Error::Temporary(format!("cannot resolve the host name {host}")),
        U::ConnectionFailed => Error::Temporary(format!("cannot connect to {host}")),
        // rustls reports a refused certificate through the stream's io::Error.
        U::Io(io) if io.get_ref().is_some_and(|e| e.is::<rustls::Error>()) => {
            Error::failure(format!("TLS with {host} failed: {io}"))
        }
        U::Io(io) => Error::Temporary(format!("connection to {host} failed: {io}")),
        U::ConnectProxyFailed(why) => {
            Error::Temporary(format!("the proxy did not connect to {host}: {why}"))
        }
        U::Protocol(p) => Error::Temporary(format!("{host} broke the HTTP exchange: {p}")),
        U::BodyStalled => Error::Temporary(format!("{host} stopped sending its answer")),
        U::Rustls(r) => Error::failure(format!("TLS with {host} failed: {r}")),
        U::Tls(r) => Error::failure(format!("TLS with {host} failed: {r}")),
        other => Error::failure(format!("request to {host} failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;

    #[test]
    fn every_status_maps_as_the_contract_says() {
        let table = [
            (400, Status::Usage),
            (401, Status::Unauthorized),
            (403, Status::Unauthorized),
            (404, Status::NotFound),
            (405, Status::ReadOnly),
            (500, Status::WrongFormat),
            (555, Status::ReadOnly),
            (429, Status::Temporary),
            (502, Status::Temporary),
            (503, Status::Temporary),
            (504, Status::Temporary),
            (301, Status::Failure),
            (418, Status::Failure),
            (501, Status::Failure),
        ];
        for (code, want) in table {
            assert_eq!(status_error(code, b"", "h", None).status(), want, "{code}");
        }
    }

    #[test]
    fn the_body_is_the_detail_shortened_and_escaped() {
        let e = status_error(404, b"Fail", "h", None);
        assert_eq!(e.detail(), "Fail");
        let e = status_error(404, b"", "h", None);
        assert_eq!(e.detail(), "h answered 404 Not Found");
        let e = status_error(405, b"read only mode is active", "h", None);
        assert_eq!(e.detail(), "read only mode is active");
        let e = status_error(500, b"line1\nline2\x1b[31m\r\n", "h", None);
        assert_eq!(e.detail(), "line1\\nline2\\u{1b}[31m");
        let long = "x".repeat(1000);
        let e = status_error(403, long.as_bytes(), "h", None);
        assert!(e.detail().chars().count() <= 201);
        assert!(e.detail().ends_with('…'));
        let e = status_error(503, b"busy", "h", None);
        assert_eq!(e.detail(), "h answered 503 Service Unavailable: busy");
        let e = status_error(301, b"moved", "h", Some("https://elsewhere/"));
        assert!(
            e.detail().contains("redirect to https://elsewhere/"),
            "{}",
            e.detail()
        );
    }
}
