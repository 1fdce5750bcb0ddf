//! The secret of a put: the raw body, or the `secret` of putSSOSecret's
//! JSON, read up to its limit and until the request's deadline, never
//! quoted in an error.

use super::answer::{self, Answer};
use super::route::BodyForm;
use crate::error::{Error, Result};
use crate::ops::MAX_BODY;
use crate::secret::SecretBytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use std::time::Instant;

/// Room for the JSON around a 1 MiB secret and a few escapes in it; a
/// larger body is refused as an oversized secret without being read.
const JSON_SLACK: usize = 4096;

/// Largest buffer reserved for a body before its bytes arrive: a declared
/// length is a promise, not yet memory worth holding.
const RESERVE: usize = 64 * 1024;

fn is_octet_stream(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/octet-stream"))
}

/// A body the backend will refuse as larger than 1 MiB, after its
/// credential, scope and read-only checks (which outrank the body's).
fn oversized() -> SecretBytes {
    SecretBytes::new(vec![0; MAX_BODY + 1])
}

/// A request whose body could not be used: the answer, and the reason and
/// detail for the log.
pub(crate) type BodyFailure = (Answer, &'static str, String);

/// The secret of a put: the raw body, or the `secret` of a JSON body,
/// read until `deadline` (then 408).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Incoming,
    form: BodyForm,
    deadline: Instant,
) -> std::result::Result<SecretBytes, BodyFailure> {
    let raw = form == BodyForm::Raw || is_octet_stream(headers);
    let cap = if raw { MAX_BODY } else { MAX_BODY + JSON_SLACK };
    let collected = tokio::time::timeout_at(deadline.into(), collect(headers, body, cap)).await;
    let Ok(collected) = collected else {
        return Err((
            answer::text(408, "the request came too slowly\n"),
            "timeout",
            "the request was not complete within --header-timeout".into(),
        ));
    };
    let Some(bytes) = collected? else {
        return Ok(oversized());
    };
    if raw {
        return Ok(bytes);
    }
    json_secret(&bytes).map_err(|e| (answer::not_json(), "not_json", e.detail()))
}

/// Reads at most `cap` bytes; `None` when the body is longer (the rest is
/// never read).
async fn collect(
    headers: &HeaderMap,
    mut body: Incoming,
    cap: usize,
) -> std::result::Result<Option<SecretBytes>, BodyFailure> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return Ok(None);
    }
    let reserve = declared.map_or(0, |n| usize::try_from(n).unwrap_or(RESERVE).min(RESERVE));
    let mut out = SecretBytes::new(Vec::with_capacity(reserve));
    loop {
        let frame = match body.frame().await {
            None => return Ok(Some(out)),
            Some(Err(e)) => {
                return Err((
                    answer::bad_request("cannot read the request body"),
                    "bad_request",
                    format!("cannot read the request body: {e}"),
                ));
            }
            Some(Ok(frame)) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > cap {
                return Ok(None);
            }
            out.expose_mut().extend_from_slice(&data);
        }
    }
}

/// putSSOSecret's JSON: `{"secret":"…"}`. Errors never quote the body.
fn json_secret(body: &SecretBytes) -> Result<SecretBytes> {
    #[derive(serde::Deserialize)]
    struct Put {
        secret: String,
    }
    match serde_json::from_slice::<Put>(body.expose()) {
        Ok(p) => Ok(SecretBytes::new(p.secret.into_bytes())),
        Err(e) if e.classify() == serde_json::error::Category::Data => Err(Error::WrongFormat(
            "the body must be a JSON object with a string field \"secret\" \
             (or send the raw secret with Content-Type: application/octet-stream)"
                .into(),
        )),
        Err(e) => Err(Error::WrongFormat(format!(
            "the body is not JSON (line {}, column {}); send {{\"secret\":\"…\"}} \
             or the raw secret with Content-Type: application/octet-stream",
            e.line(),
            e.column()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_never_echo_the_body() {
        let s = |b: &str| json_secret(&SecretBytes::new(b.as_bytes().to_vec()));
        assert_eq!(s(r#"{"secret":"a\nb"}"#).unwrap().expose(), b"a\nb");
        for bad in [
            r#"{"secret":12345}"#,
            r#"{"secret":{"x":"hunter2"}}"#,
            "hunter2",
            "{}",
        ] {
            let e = s(bad).unwrap_err();
            assert!(matches!(e, Error::WrongFormat(_)), "{bad}");
            assert!(!e.detail().contains("hunter2") && !e.detail().contains("12345"));
        }
    }
}
