//! From an operation's outcome to an HTTP response: the one table from
//! [`Status`] to an HTTP status, and the bodies (raw secret bytes, or one
//! line of error detail).

use crate::error::Error;
use crate::names::UserId;
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

/// A failure: its status and one line of detail, as the command line
/// prints it, except that a user id from the `user-id` header is replaced
/// (the header may carry an identity the client keeps out of URLs and
/// logs).
pub(crate) fn failure(error: &Error, user: Option<&UserId>) -> Answer {
    let status = error.status();
    let mut r = text(http_status(status), format!("{}\n", detail(error, user)));
    if status == Status::Temporary {
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

/// The error's detail on one line, without the user id.
pub(crate) fn detail(error: &Error, user: Option<&UserId>) -> String {
    let line = error
        .detail()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match user {
        Some(u) => line.replace(&format!("{u:?}"), "(user-id)"),
        None => line,
    }
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
    fn errors_hide_the_user_id() {
        let user = UserId::new("alice@example.com").unwrap();
        let e = Error::NotFound(format!("no SSO secret for user {user:?} of app \"demo\""));
        assert_eq!(
            detail(&e, Some(&user)),
            "no SSO secret for user (user-id) of app \"demo\""
        );
        assert_eq!(failure(&e, Some(&user)).status().as_u16(), 404);
        let busy = failure(&Error::Temporary("vault busy".into()), None);
        assert_eq!(busy.status().as_u16(), 503);
        assert_eq!(busy.headers()[RETRY_AFTER], "1");
    }
}
