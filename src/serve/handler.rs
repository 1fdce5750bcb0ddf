//! One HTTP request: route it, parse it into an operation, take the Bearer
//! token as the credential (or, for a request without one from a trusted
//! front, the server's token: [`super::front`]), and let the local backend
//! answer. A put's body
//! is read only once its token has opened its slot and may write the
//! scope, and only until the request's one deadline. Reads run on the
//! request's task (they are short and touch only the page cache); writes
//! go to the group-commit writer.

use super::answer::{self, Answer};
use super::audit::{Auditor, Note};
use super::front::{Front, Refusal};
use super::listen::Peer;
use super::log::{Entry, Log};
use super::metrics::{self, Metrics};
use super::reason;
use super::route::{self, BodyForm, Miss, Target, redact};
use super::writer::Writer;
use crate::audit::{AuditSeen, Who};
use crate::error::{Error, Result};
use crate::local::{Need, Session, VaultConfig, scope_of};
use crate::ops::{Credential, Principal, Request};
use crate::secret::{SecretBytes, SecretString};
use crate::vault::Unlocker;
use hyper::body::Incoming;
use hyper::header::{ALLOW, AUTHORIZATION, CONNECTION, CONTENT_TYPE, HeaderMap, HeaderValue};
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
    /// `--trusted-front`.
    pub front: Option<Front>,
    /// Appends every request's audit record (when the trail is on).
    pub audit: Auditor,
}

/// Answers one request from `peer`, whose first byte came at `began`,
/// logs it and counts it.
pub(crate) async fn handle(
    state: &State,
    req: hyper::Request<Incoming>,
    began: Instant,
    peer: Peer,
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
            let user = req.headers().get("user-id").map(HeaderValue::as_bytes);
            let target = m.parse(user);
            (
                Some(m.template),
                operation(state, target, req, deadline, peer).await,
            )
        }
    };
    let Outcome {
        principal,
        caller,
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
        caller: caller.as_deref(),
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
    /// A front request: `front:<marker>` for the log.
    caller: Option<String>,
    response: Answer,
    /// One word for the log and the metrics (see [`reason`]).
    reason: Option<&'static str>,
    detail: Option<String>,
}

impl Outcome {
    fn anonymous(response: Answer) -> Outcome {
        Outcome {
            principal: Principal::Unknown,
            caller: None,
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
            caller: None,
            response: answer::failure(error, None),
            reason: Some(reason::of(error, None)),
            detail: Some(detail),
        }
    }
}

async fn operation(
    state: &State,
    target: std::result::Result<Target, route::BadRequest>,
    req: hyper::Request<Incoming>,
    deadline: Instant,
    peer: Peer,
) -> Outcome {
    let (head, body) = req.into_parts();
    let (request, form) = match target {
        Ok(Target::Health) => return health(&state.vault),
        Ok(Target::Metrics) => return metrics_page(state),
        Ok(Target::Operation(request, form)) => (request, form),
        Err(bad) => {
            return Outcome::anonymous(answer::bad_request(bad.0))
                .because("bad_request", Some(bad.0.into()));
        }
    };
    // No Authorization, from a trusted front: the server's token, for the
    // user the front named. Anything else: the request's own Bearer token.
    let front = state
        .front
        .as_ref()
        .filter(|f| !head.headers.contains_key(AUTHORIZATION) && f.trusts(peer));
    let Some(front) = front else {
        let token = match bearer(&head.headers) {
            Ok(t) => t,
            Err(e) => {
                let refused = Outcome::refused(&e, e.detail());
                return audited_refusal(state, &request, None, peer, refused, &e).await;
            }
        };
        let by = By { peer, front: None };
        return perform(state, request, form, head, body, deadline, token, by).await;
    };
    // A browser behind the front sends a GET on any site's say (an image, a
    // link), with the front's login attached: through the front, only a
    // DELETE deletes (the RFC's `GET /deleteDIDSecret` spelling is for
    // clients with their own token).
    if head.method == hyper::Method::GET && request.operation().is_write() {
        let mut r = answer::text(405, "method not allowed; use DELETE\n");
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("DELETE"));
        return Outcome::anonymous(r).because("method_not_allowed", None);
    }
    let header = head.headers.get("user-id").map(HeaderValue::as_bytes);
    let (user, out) = match front.user_of(header, &request) {
        Ok(user) => {
            let token = front.token();
            let by = By {
                peer,
                front: Some(user.as_ref().map(|u| u.as_str().to_string())),
            };
            (
                user,
                perform(state, request, form, head, body, deadline, token, by).await,
            )
        }
        Err(Refusal::BadRequest(why)) => (
            None,
            Outcome::anonymous(answer::bad_request(why)).because("bad_request", Some(why.into())),
        ),
        Err(Refusal::Denied(e, user)) => {
            let refused = Outcome::refused(&e, e.detail());
            let out = audited_refusal(state, &request, None, peer, refused, &e).await;
            (user, out)
        }
    };
    Outcome {
        principal: front.principal(&out.principal, user.clone()),
        caller: Some(front.caller(user.as_ref())),
        ..out
    }
}

/// Where a request came from, for its audit record: the peer, and for a
/// request served on behalf of a trusted front's user, that user (`Some(None)`:
/// the front named none).
struct By {
    peer: Peer,
    front: Option<Option<String>>,
}

impl By {
    /// What the session learnt, with the front's user added to the
    /// principal.
    fn seen(&self, seen: Option<AuditSeen>) -> Option<AuditSeen> {
        let (Some(mut s), Some(user)) = (seen.clone(), &self.front) else {
            return seen;
        };
        if let Who::Token { id, name } = s.who {
            s.who = Who::Front {
                id,
                name,
                user: user.clone(),
            };
        }
        Some(s)
    }
}

/// `request` with `token`: a put's body read once the token may write
/// there, then the backend's answer, which is sent only once its audit
/// record is durable.
#[allow(clippy::too_many_arguments)]
// NOTE: one call site each for a Bearer token and a trusted front; a struct
// for these would only rename them.
async fn perform(
    state: &State,
    request: Request,
    form: Option<BodyForm>,
    head: hyper::http::request::Parts,
    body: Incoming,
    deadline: Instant,
    token: SecretString,
    by: By,
) -> Outcome {
    let peer = by.peer;
    let body = match form {
        None => None,
        Some(form) => {
            // Whoever may not write here never gets to send a body: the
            // slot is opened and the scope and write right checked first.
            let (principal, seen, checked) = may_write(&state.vault, &token, &request);
            if let Err(e) = checked {
                let refused = Outcome {
                    principal,
                    caller: None,
                    response: answer::failure(&e, None),
                    reason: Some(reason::of(&e, None)),
                    detail: Some(redact(&request, &e.detail())),
                };
                return audited_refusal(state, &request, by.seen(seen), peer, refused, &e).await;
            }
            match super::body::read_body(&head.headers, body, form, deadline).await {
                Ok(b) => Some(b),
                Err((response, word, why)) => {
                    return Outcome {
                        principal,
                        caller: None,
                        response,
                        reason: Some(word),
                        detail: Some(why),
                    };
                }
            }
        }
    };
    let body_len = body.as_ref().map(SecretBytes::len);
    // Kept to take the request's names out of an error's detail (a put's
    // body is not in it yet).
    let names = route::names_of(&request);
    let request = match body {
        Some(body) => route::with_body(request, body),
        None => request,
    };
    let credential = Credential::Token(token);
    let op = request.operation().rfc_name();
    let target = crate::audit::target_of(&request);
    let (principal, seen, result) = if request.operation().is_write() {
        state.writes.write(credential, request).await
    } else {
        let mut session = Session::default();
        let unlocker = Unlocker::new(credential);
        let result = crate::local::apply(&state.vault, &unlocker, &mut session, request);
        let who = session.principal.unwrap_or(Principal::Unknown);
        (who, session.audit, result)
    };
    // The record first: no record, no answer (and no secret sent).
    let seen = by.seen(seen);
    let note = Note { op, target, seen };
    let status = crate::ops::status_code(&result);
    // A failed operation keeps its own answer: it sends nothing either way.
    let result = match state.audit.record(note, peer, status).await {
        Err(e) if result.is_ok() => Err(e),
        _ => result,
    };
    match result {
        Ok(reply) => Outcome {
            principal,
            caller: None,
            response: answer::success(reply),
            reason: None,
            detail: None,
        },
        Err(e) => Outcome {
            principal,
            caller: None,
            response: answer::failure(&e, body_len),
            reason: Some(reason::of(&e, body_len)),
            detail: Some(redact(&names, &e.detail())),
        },
    }
}

/// Whether `token` opens its slot and may write the scope of `put`, and the
/// vault may be written: the checks the write itself makes first, on a
/// read of the vault, so that a refused client's body is never read (nor
/// judged before a read-only refusal). The write checks again under the
/// lock (the token may be revoked meanwhile).
fn may_write(
    vault: &VaultConfig,
    token: &SecretString,
    put: &Request,
) -> (Principal, Option<AuditSeen>, Result<()>) {
    let unlocker = Unlocker::new(Credential::Token(token.clone()));
    let need = Need::write(vec![scope_of(put)]);
    let mut session = Session::default();
    let checked = vault
        .present()
        .and_then(|p| p.unlock(&unlocker, &mut session))
        .and_then(|u| u.admit(&need))
        .and_then(|a| a.would_be_writable(vault));
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
    request: &Request,
    seen: Option<AuditSeen>,
    peer: Peer,
    refused: Outcome,
    error: &Error,
) -> Outcome {
    let note = Note {
        op: request.operation().rfc_name(),
        target: crate::audit::target_of(request),
        seen,
    };
    let status = error.status();
    let status = status.rfc_status().unwrap_or(u16::from(status.exit_code()));
    // The refusal stands whether or not its record could be written: it
    // sends nothing either way (the log says when the record failed).
    match state.audit.record(note, peer, status).await {
        Ok(()) => refused,
        Err(e) => Outcome {
            detail: Some(format!(
                "{}; {}",
                refused.detail.unwrap_or_default(),
                e.detail()
            )),
            ..refused
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
}
