//! From what the server (or the network) answered to the contract's
//! statuses: the one table for `--remote`.

use crate::error::Error;
use rustls::CertificateError as Cert;
use std::path::Path;

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
/// certificate is not, because retrying cannot fix it. `cacert`: the
/// `--cacert` file, if one was given, for the advice on certificates.
pub fn transport_error(e: ureq::Error, host: &str, cacert: Option<&Path>) -> Error {
    use ureq::Error as U;
    let tls = |why: String| Error::failure(format!("TLS with {host} failed: {why}"));
    match e {
        U::Timeout(t) => Error::Temporary(format!("{host} did not answer in time ({t})")),
        U::HostNotFound => Error::Temporary(format!("cannot resolve the host name {host}")),
        U::ConnectionFailed => Error::Temporary(format!("cannot connect to {host}")),
        U::Rustls(r) => tls(tls_words(&r, host, cacert)),
        // rustls may report a refusal through the stream's io::Error.
        U::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            Some(r) => tls(tls_words(r, host, cacert)),
            None => Error::Temporary(format!("connection to {host} failed: {io}")),
        },
        U::ConnectProxyFailed(why) => {
            Error::Temporary(format!("the proxy did not connect to {host}: {why}"))
        }
        U::Protocol(p) => Error::Temporary(format!("{host} broke the HTTP exchange: {p}")),
        U::BodyStalled => Error::Temporary(format!("{host} stopped sending its answer")),
        U::Tls(r) => tls(r.to_string()),
        other => Error::failure(format!("request to {host} failed: {other}")),
    }
}

/// A TLS failure in words: what is wrong, then what to do about it.
fn tls_words(e: &rustls::Error, host: &str, cacert: Option<&Path>) -> String {
    use rustls::Error as T;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let san = if bare.parse::<std::net::IpAddr>().is_ok() {
        format!("IP:{bare}")
    } else {
        format!("DNS:{bare}")
    };
    let date = |t: &rustls::pki_types::UnixTime| crate::time::rfc3339(t.as_secs());
    let cert = match e {
        T::InvalidCertificate(c) => c,
        T::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            return "it does not answer in TLS; if it serves plain http, use http:// (on \
                    loopback only, or with --insecure-http)"
                .into();
        }
        T::PeerIncompatible(why) => {
            return format!(
                "it has no TLS version or cipher suite in common with this client ({why:?}); \
                 the server needs TLS 1.2 or 1.3 with a current cipher suite"
            );
        }
        T::AlertReceived(alert) => {
            return format!("it ended the TLS handshake ({alert:?})");
        }
        other => return other.to_string(),
    };
    match cert {
        Cert::UnknownIssuer => match cacert {
            Some(path) => format!(
                "its certificate is not signed by a CA in --cacert {}; give --cacert with the CA \
                 that signed it (or with the certificate the server presents)",
                path.display()
            ),
            None => "its certificate is signed by a CA this machine does not trust; give \
                     --cacert with the CA that signed it (or with the certificate the server \
                     presents)"
                .into(),
        },
        Cert::NotValidForNameContext { presented, .. } if presented.is_empty() => format!(
            "its certificate names no host (no subjectAltName; a CN alone is not used); make \
             one with subjectAltName={san}"
        ),
        Cert::NotValidForNameContext { presented, .. } => {
            let names: Vec<String> = presented.iter().map(|n| general_name(n)).collect();
            format!(
                "its certificate is for {}, not {host}; use a name it holds in --remote, or make \
                 one with subjectAltName={san}",
                super::shorten(&names.join(", "))
            )
        }
        Cert::NotValidForName => format!(
            "its certificate is not for {host}; use a name it holds in --remote, or make one \
             with subjectAltName={san}"
        ),
        Cert::ExpiredContext { not_after, .. } => format!(
            "its certificate expired at {}; renew it on the server (or check this machine's \
             clock)",
            date(not_after)
        ),
        Cert::Expired => {
            "its certificate has expired; renew it on the server (or check this machine's clock)"
                .into()
        }
        Cert::NotValidYetContext { not_before, .. } => format!(
            "its certificate is valid only from {}; check the clocks of this machine and the \
             server",
            date(not_before)
        ),
        Cert::NotValidYet => {
            "its certificate is not valid yet; check the clocks of this machine and the server"
                .into()
        }
        Cert::InvalidPurpose | Cert::InvalidPurposeContext { .. } => {
            "its certificate is not for TLS servers (its extendedKeyUsage lacks serverAuth); \
             make one with extendedKeyUsage=serverAuth, or none"
                .into()
        }
        Cert::BadSignature => {
            let trusted = match cacert {
                Some(path) => format!("--cacert {}", path.display()),
                None => "this machine's roots".into(),
            };
            format!(
                "its certificate is not signed by the key of the CA it names (the CA of that name \
                 in {trusted} is another one); give --cacert with the CA that signed it"
            )
        }
        Cert::BadEncoding => "its certificate cannot be read (bad DER)".into(),
        Cert::Other(other) => {
            // webpki's reasons arrive as text only: rustls passes them on
            // as `OtherError`, and this crate does not depend on webpki.
            let why = format!("{other:?}");
            if why.contains("CaUsedAsEndEntity") {
                "it presents a CA certificate (CA:TRUE) as its own; give --cacert with that \
                 certificate to trust it as itself, or serve a certificate that this CA signed"
                    .into()
            } else if why.contains("EndEntityUsedAsCa") {
                "a certificate in its chain acts as a CA but is not one (CA:FALSE); serve a \
                 chain whose issuers are CA certificates"
                    .into()
            } else {
                format!("its certificate was refused: {why}")
            }
        }
        other => format!("its certificate was refused: {other:?}"),
    }
}

/// webpki's `DnsName("a.example")` / `IpAddress(127.0.0.1)` as the name.
fn general_name(presented: &str) -> String {
    presented
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|n| n.strip_suffix(')'))
        })
        .unwrap_or(presented)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use rustls::pki_types::{ServerName, UnixTime};
    use std::time::Duration;

    #[test]
    fn tls_failures_are_said_with_their_fix() {
        let w = |c: Cert, cacert: Option<&Path>| {
            tls_words(&rustls::Error::InvalidCertificate(c), "h.example", cacert)
        };
        let unknown = w(Cert::UnknownIssuer, None);
        assert!(
            unknown.contains("a CA this machine does not trust")
                && unknown.contains("give --cacert with the CA that signed it"),
            "{unknown}"
        );
        let unknown = w(Cert::UnknownIssuer, Some(Path::new("/x/ca.pem")));
        assert!(
            unknown.contains("not signed by a CA in --cacert /x/ca.pem"),
            "{unknown}"
        );
        let names = w(
            Cert::NotValidForNameContext {
                expected: ServerName::try_from("h.example").unwrap().to_owned(),
                presented: vec![
                    "DnsName(\"a.example\")".into(),
                    "IpAddress(10.0.0.1)".into(),
                ],
            },
            None,
        );
        assert!(
            names.contains("its certificate is for a.example, 10.0.0.1, not h.example")
                && names.contains("subjectAltName=DNS:h.example"),
            "{names}"
        );
        let at = |s| UnixTime::since_unix_epoch(Duration::from_secs(s));
        let expired = w(
            Cert::ExpiredContext {
                time: at(1_700_000_000),
                not_after: at(1_600_000_000),
            },
            None,
        );
        assert!(
            expired.contains("expired at 2020-09-13T12:26:40Z") && expired.contains("renew"),
            "{expired}"
        );
        let plain = tls_words(
            &rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            "h",
            None,
        );
        assert!(plain.contains("use http://"), "{plain}");
        let e = transport_error(
            ureq::Error::Rustls(rustls::Error::InvalidCertificate(Cert::UnknownIssuer)),
            "h",
            None,
        );
        assert_eq!(e.status(), Status::Failure, "retrying cannot fix it");
        assert!(e.detail().starts_with("TLS with h failed: its certificate"));
    }

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
