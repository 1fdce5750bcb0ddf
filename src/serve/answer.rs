//! From an operation's outcome to an HTTP response: the one table from
//! [`Status`] to an HTTP status, and the bodies (raw secret bytes, or a
//! short generic reason for a failure).

use crate::error::Error;
use crate::ops::MAX_BODY;
use crate::ops::Reply;
use crate::status::Status;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};

/// The response type of every route.
pub(crate) type Answer = Response<Full<Bytes>>;

/// The HTTP status for an outcome. Usage errors are malformed requests
/// (400); a busy vault is worth retrying (503); anything else outside the
/// RFC is the server's failure (500).
pub(crate) fn http_status(status: Status) -> u16 {
    match status {
        Status::Usage => 400,
        Status::Temporary => 503,
        Status::Failure => 500,
        rfc => rfc.rfc_status().unwrap_or(500),
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// A response with `code` and a text body.
pub(crate) fn text(code: u16, body: impl Into<String>) -> Answer {
    let mut r = Response::new(Full::new(Bytes::from(body.into())));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(TEXT));
    r
}

/// A successful operation: a get answers the stored bytes exactly, a write
/// an empty body.
pub(crate) fn success(reply: Reply) -> Answer {
    match reply {
        Reply::Done => text(200, ""),
        Reply::Secret(secret) => {
            let kind = if std::str::from_utf8(secret.expose()).is_ok() {
                TEXT
            } else {
                "application/octet-stream"
            };
            let mut r = Response::new(Full::new(Bytes::copy_from_slice(secret.expose())));
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(kind));
            r
        }
    }
}

/// A failure: its status and a short generic reason. The error's own
/// detail is written for the command line (paths, file modes, flags,
/// commands to run, whether a token id is unknown or revoked) and goes to
/// the server's log instead. `body_len` is the length of the secret a put
/// sent, which says what was wrong with it.
pub(crate) fn failure(error: &Error, body_len: Option<usize>) -> Answer {
    let status = error.status();
    let mut r = text(
        http_status(status),
        format!("{}\n", reason(error, body_len)),
    );
    if status == Status::Temporary {
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

/// What an HTTP client is told about `error`.
fn reason(error: &Error, body_len: Option<usize>) -> &'static str {
    match error {
        Error::Unauthorized(_) => "access denied",
        Error::NotFound(_) => "no such secret",
        Error::WrongFormat(_) if error.fails_authentication() => "vault failed authentication",
        Error::WrongFormat(_) => match body_len {
            Some(0) => "secret refused: empty",
            Some(n) if n > MAX_BODY => "secret refused: larger than 1 MiB",
            _ => "secret refused",
        },
        Error::ReadOnly(_) => "writes are disabled",
        Error::Temporary(_) => "vault busy, retry",
        Error::Failure(_) => "internal server error",
        Error::Usage(_) => "bad request",
    }
}

/// 400, with what is wrong in the request (never a value from it).
pub(crate) fn bad_request(reason: &str) -> Answer {
    text(400, format!("{reason}\n"))
}

/// 500 for a putSSOSecret body that is not `{"secret":"…"}`.
pub(crate) fn not_json() -> Answer {
    text(500, "secret refused: the body is not {\"secret\":\"…\"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretBytes;

    #[test]
    fn every_status_has_its_http_code() {
        let rows = [
            (Status::Ok, 200),
            (Status::Unauthorized, 403),
            (Status::NotFound, 404),
            (Status::WrongFormat, 500),
            (Status::ReadOnly, 555),
            (Status::Temporary, 503),
            (Status::Failure, 500),
            (Status::Usage, 400),
        ];
        for (s, code) in rows {
            assert_eq!(http_status(s), code, "{s:?}");
        }
    }

    #[test]
    fn gets_say_what_the_bytes_are() {
        let r = success(Reply::Secret(SecretBytes::new(b"s3cret".to_vec())));
        assert_eq!(r.headers()[CONTENT_TYPE], TEXT);
        let r = success(Reply::Secret(SecretBytes::new(vec![0xff, 0])));
        assert_eq!(r.headers()[CONTENT_TYPE], "application/octet-stream");
    }

    #[test]
    fn failures_say_a_generic_reason_and_keep_their_status() {
        let path = "/home/alice/.local/share/sso-secrets/vault";
        let rows = [
            (
                Error::Unauthorized(format!(
                    "this access token has been revoked (warning: vault {path} is readable \
                     by group or others (mode 640); run: chmod 600 {path})"
                )),
                None,
                403,
                "access denied",
            ),
            (
                Error::NotFound("no SSO secret for user \"alice\" of app \"demo\"".into()),
                None,
                404,
                "no such secret",
            ),
            (
                Error::corrupt("the key slot fails (run `sso-secrets vault check`)"),
                None,
                500,
                "vault failed authentication",
            ),
            (
                Error::WrongFormat("the secret is empty".into()),
                Some(0),
                500,
                "secret refused: empty",
            ),
            (
                Error::WrongFormat("the secret is larger than 1 MiB".into()),
                Some(MAX_BODY + 1),
                500,
                "secret refused: larger than 1 MiB",
            ),
            (Error::writes_disabled(), None, 555, "writes are disabled"),
            (
                Error::Temporary(format!("vault busy: {path} (see --lock-timeout)")),
                None,
                503,
                "vault busy, retry",
            ),
            (
                Error::failure(format!("cannot read vault {path}")),
                None,
                500,
                "internal server error",
            ),
        ];
        for (e, len, code, want) in rows {
            assert_eq!(reason(&e, len), want, "{e:?}");
            assert_eq!(failure(&e, len).status().as_u16(), code, "{e:?}");
        }
        let busy = failure(&Error::Temporary("vault busy".into()), None);
        assert_eq!(busy.headers()[RETRY_AFTER], "1");
    }
}
