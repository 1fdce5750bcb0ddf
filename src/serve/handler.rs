//! One HTTP request: route it, parse it into an operation, take the Bearer
//! token as the credential, and let the local backend answer. A put's body
//! is read only once its token has opened its slot and may write the
//! scope, and only until the request's one deadline. Reads run on the
//! request's task (they are short and touch only the page cache); writes
//! go to the group-commit writer.

use super::answer::{self, Answer};
use super::audit::{Auditor, Note};
use super::log::{Entry, Log};
use super::metrics::{self, Metrics};
use super::reason;
use super::route::{self, BodyForm, Miss, Target};
use super::writer::Writer;
use crate::audit::AuditSeen;
use crate::credentials::MAX_BODY;
use crate::error::{Error, Result};
use crate::local::{LocalVault, Need, Session, VaultConfig, scope_of};
use crate::ops::{Backend, Principal};
use crate::secret::{SecretBytes, SecretString};
use crate::vault::{Credential, Unlocker};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{
    ALLOW, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue,
};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What every request task shares.
pub(crate) struct State {
    pub vault: VaultConfig,
    pub writes: Writer,
    pub log: Log,
    /// How long a request may take to arrive, head and body together,
    /// counted from its first byte.
    pub request_timeout: Duration,
    pub metrics: Arc<Metrics>,
    /// Whether `/metrics` is answered here (not with `--metrics-listen`).
    pub metrics_here: bool,
    /// Appends every request's audit record (when the trail is on).
    pub audit: Auditor,
}

/// Room for the JSON around a 1 MiB secret and a few escapes in it; a
/// larger body is refused as an oversized secret without being read.
const JSON_SLACK: usize = 4096;

/// Largest buffer reserved for a body before its bytes arrive: a declared
/// length is a promise, not yet memory worth holding.
const RESERVE: usize = 64 * 1024;

/// Answers one request from `peer`, whose first byte came at `began`,
/// logs it and counts it.
pub(crate) async fn handle(
    state: &State,
    req: hyper::Request<Incoming>,
    began: Instant,
    peer: IpAddr,
) -> Answer {
    let start = Instant::now();
    let method = req.method().clone();
    let (route, outcome) = match route::find(&method, req.uri().path()) {
        Err(Miss::NotFound) => (None, no_route()),
        Err(Miss::MethodNotAllowed(allow)) => {
            let mut r = answer::text(405, format!("method not allowed; use {allow}\n"));
            if let Ok(v) = HeaderValue::from_str(&allow) {
                r.headers_mut().insert(ALLOW, v);
            }
            (
                None,
                Outcome::anonymous(r).because("method_not_allowed", None),
            )
        }
        Ok(m) => {
            let deadline = began + state.request_timeout;
            (
                Some(m.template),
                operation(state, &m, req, deadline, peer).await,
            )
        }
    };
    let Outcome {
        principal,
        mut response,
        reason,
        detail,
    } = outcome;
    let status = response.status().as_u16();
    // Every failure says why in one word, also one no branch above named.
    let reason = reason.or_else(|| (status >= 400).then(|| fallback_reason(status)));
    // A refused or too slow client gets no second request on this
    // connection (and hyper reads no more of a body left unread).
    if matches!(response.status().as_u16(), 403 | 408) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let duration = start.elapsed();
    state.metrics.request(
        route.unwrap_or("unmatched"),
        metrics::method_label(&method),
        status,
        duration,
    );
    if let Some(r) = reason.filter(|r| reason::is_store_error(r)) {
        state.metrics.store_error(r);
    }
    state.log.request(&Entry {
        peer,
        method: method.as_str(),
        route,
        status,
        duration,
        principal: &principal,
        reason,
        detail: detail.as_deref(),
    });
    response
}

fn no_route() -> Outcome {
    Outcome::anonymous(answer::text(404, "no such route\n")).because("no_route", None)
}

/// The reason of a failure no branch named (none should reach this).
fn fallback_reason(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        403 => "unauthorized",
        404 => "not_found",
        408 => "timeout",
        503 => "unavailable",
        _ => "error",
    }
}

/// `/metrics` here, or 404 when it has its own listener.
fn metrics_page(state: &State) -> Outcome {
    if state.metrics_here {
        Outcome::anonymous(metrics_answer(&state.metrics))
    } else {
        no_route()
    }
}

/// The exposition as an answer.
pub(crate) fn metrics_answer(metrics: &Metrics) -> Answer {
    let mut r = answer::text(200, metrics.encode());
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(metrics::CONTENT_TYPE),
    );
    r
}

/// 200 only while the vault opens and its head parses (for a database:
/// the database answers, or answered within 100 ms); else 503 with one
/// word, which is also the log's reason. The server holds no key, so this
/// cannot verify the head's signatures: a request with a token does that.
fn health(vault: &VaultConfig) -> Outcome {
    use crate::status::Status;
    match vault.store().and_then(|s| s.head().map(drop)) {
        Ok(()) => Outcome::anonymous(answer::text(200, "ok\n")),
        Err(e) => {
            let word = match e.status() {
                Status::Temporary => "unreachable",
                Status::WrongFormat => "corrupt",
                _ => "missing",
            };
            Outcome::anonymous(answer::text(503, format!("{word}\n")))
                .because(word, Some(e.detail()))
        }
    }
}

/// How a request ended: who made it, the answer, and for a failure the
/// detail for the log (the answer carries only a generic reason).
struct Outcome {
    principal: Principal,
    response: Answer,
    /// One word for the log and the metrics (see [`reason`]).
    reason: Option<&'static str>,
    detail: Option<String>,
}

impl Outcome {
    fn anonymous(response: Answer) -> Outcome {
        Outcome {
            principal: Principal::Unknown,
            response,
            reason: None,
            detail: None,
        }
    }

    fn because(self, reason: &'static str, detail: Option<String>) -> Outcome {
        Outcome {
            reason: Some(reason),
            detail,
            ..self
        }
    }

    /// A failure before any slot was opened, with its detail for the log
    /// (already free of the request's names).
    fn refused(error: &Error, detail: String) -> Outcome {
        Outcome {
            principal: Principal::Unknown,
            response: answer::failure(error, None),
            reason: Some(reason::of(error, None)),
            detail: Some(detail),
        }
    }
}

async fn operation(
    state: &State,
    m: &route::Matched,
    req: hyper::Request<Incoming>,
    deadline: Instant,
    peer: IpAddr,
) -> Outcome {
    let (head, body) = req.into_parts();
    let user_header = head.headers.get("user-id").map(HeaderValue::as_bytes);
    let (parts, form) = match m.parse(user_header) {
        Ok(Target::Health) => return health(&state.vault),
        Ok(Target::Metrics) => return metrics_page(state),
        Ok(Target::Ready(parts)) => (parts, None),
        Ok(Target::Put(parts, form)) => (parts, Some(form)),
        Err(bad) => {
            return Outcome::anonymous(answer::bad_request(bad.0))
                .because("bad_request", Some(bad.0.into()));
        }
    };
    let token = match bearer(&head.headers) {
        Ok(t) => t,
        Err(e) => {
            let refused = Outcome::refused(&e, e.detail());
            return audited_refusal(state, &parts, None, peer, refused, &e).await;
        }
    };
    let body = match form {
        None => None,
        Some(form) => {
            // Whoever may not write here never gets to send a body: the
            // slot is opened and the scope and write right checked first.
            let (principal, seen, checked) = may_write(&state.vault, &token, &parts);
            if let Err(e) = checked {
                let refused = Outcome {
                    principal,
                    response: answer::failure(&e, None),
                    reason: Some(reason::of(&e, None)),
                    detail: Some(parts.redact(&e.detail())),
                };
                return audited_refusal(state, &parts, seen, peer, refused, &e).await;
            }
            match read_body(&head.headers, body, form, deadline).await {
                Ok(b) => Some(b),
                Err((response, word, why)) => {
                    return Outcome {
                        principal,
                        response,
                        reason: Some(word),
                        detail: Some(why),
                    };
                }
            }
        }
    };
    let body_len = body.as_ref().map(SecretBytes::len);
    // Kept to take the request's names out of an error's detail.
    let names = parts.clone();
    let request = match parts.into_request(body.unwrap_or_default()) {
        Ok(r) => r,
        Err(e) => return Outcome::refused(&e, names.redact(&e.detail())),
    };
    let credential = Credential::Token(token);
    let op = request.operation().rfc_name();
    let target = crate::audit::target_of(&request);
    let (principal, seen, result) = if request.operation().is_write() {
        state.writes.write(credential, request).await
    } else {
        let local = LocalVault::new(state.vault.clone(), credential);
        let result = local.call(request);
        (local.principal(), local.audit_seen(), result)
    };
    // The record first: no record, no answer (and no secret sent).
    let note = Note { op, target, seen };
    let status = crate::commands::status_code(&result);
    let result = match state.audit.record(note, peer, status).await {
        Ok(()) => result,
        Err(e) => Err(e),
    };
    match result {
        Ok(reply) => Outcome {
            principal,
            response: answer::success(reply),
            reason: None,
            detail: None,
        },
        Err(e) => Outcome {
            principal,
            response: answer::failure(&e, body_len),
            reason: Some(reason::of(&e, body_len)),
            detail: Some(names.redact(&e.detail())),
        },
    }
}

/// Whether `token` opens its slot and may write the scope of the put in
/// `parts`: the checks the write itself makes first, on a read of the
/// vault, so that a refused client's body is never read. The write checks
/// again (the token may be revoked meanwhile), and then the read-only flag.
fn may_write(
    vault: &VaultConfig,
    token: &SecretString,
    parts: &route::RequestParts,
) -> (Principal, Option<AuditSeen>, Result<()>) {
    let probe = match parts.clone().into_request(SecretBytes::default()) {
        Ok(r) => r,
        Err(e) => return (Principal::Unknown, None, Err(e)),
    };
    let unlocker = Unlocker::new(Credential::Token(token.clone()));
    let need = Need::write(vec![scope_of(&probe)]);
    let mut session = Session::default();
    let checked = vault.read(&unlocker, &need, &mut session, |_| Ok(()));
    (
        session.principal.unwrap_or(Principal::Unknown),
        session.audit,
        checked,
    )
}

/// A request refused before it reached the vault's operation, recorded
/// (when the trail is on) before the refusal is sent.
async fn audited_refusal(
    state: &State,
    parts: &route::RequestParts,
    seen: Option<AuditSeen>,
    peer: IpAddr,
    refused: Outcome,
    error: &Error,
) -> Outcome {
    let Ok(probe) = parts.clone().into_request(SecretBytes::default()) else {
        return refused;
    };
    let note = Note {
        op: probe.operation().rfc_name(),
        target: crate::audit::target_of(&probe),
        seen,
    };
    let status = error.status();
    let status = status.rfc_status().unwrap_or(u16::from(status.exit_code()));
    match state.audit.record(note, peer, status).await {
        Ok(()) => refused,
        Err(e) => Outcome {
            principal: refused.principal,
            response: answer::failure(&e, None),
            reason: Some(reason::of(&e, None)),
            detail: Some(e.detail()),
        },
    }
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(headers: &HeaderMap) -> Result<SecretString> {
    let value = headers.get(AUTHORIZATION).ok_or_else(|| {
        Error::Unauthorized("missing header Authorization: Bearer <token>".into())
    })?;
    let text = value
        .to_str()
        .map_err(|_| Error::Unauthorized("malformed Authorization header".into()))?;
    let token = match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(Error::Unauthorized(
                "the Authorization header must be Bearer <token>".into(),
            ));
        }
    };
    if token.is_empty() {
        return Err(Error::Unauthorized("empty Bearer token".into()));
    }
    Ok(SecretString::new(token.to_string()))
}

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
type BodyFailure = (Answer, &'static str, String);

/// The secret of a put: the raw body, or the `secret` of a JSON body,
/// read until `deadline` (then 408).
async fn read_body(
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
    fn bearer_tokens_are_parsed_strictly() {
        let mut h = HeaderMap::new();
        assert!(bearer(&h).is_err());
        for bad in ["Basic abc", "Bearer", "Bearer ", "ssos_abc"] {
            h.insert(AUTHORIZATION, HeaderValue::from_static(bad));
            assert!(bearer(&h).is_err(), "{bad}");
        }
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer ssos_abc"));
        assert!(matches!(bearer(&h), Ok(t) if t.expose() == "ssos_abc"));
    }

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
