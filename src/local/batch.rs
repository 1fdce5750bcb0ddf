//! Group commit for `serve`: many callers' writes in as few commits as
//! possible, each checked as a single call would be.

use super::apply::{apply_write, scope_of};
use super::session::{Need, Opening, Session, VaultConfig};
use crate::audit::AuditSeen;
use crate::error::{Error, Result};
use crate::ops::Credential;
use crate::ops::{Principal, Reply, Request};
use crate::vault::Unlocker;

/// [`write_batch_seen`] without what the sessions learnt, for tests.
#[cfg(test)]
pub fn write_batch(
    config: &VaultConfig,
    batch: Vec<(Credential, Request)>,
) -> Vec<(Principal, Result<Reply>)> {
    write_batch_seen(config, batch)
        .into_iter()
        .map(|(p, _, r)| (p, r))
        .collect()
}

/// Writes from many callers applied in as few commits as possible (group
/// commit, for `serve`), with what each request's session learnt of the
/// audit trail (for its record). Each request is checked exactly as a
/// single [`Backend::call`] would check it, and a failing request does not
/// stop the others. Requests that share a credential share one locked,
/// atomic, durable commit: every `Ok` answer is on disk when this returns.
/// Answers come back in the order of `batch`.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
pub fn write_batch_seen(
    config: &VaultConfig,
    batch: Vec<(Credential, Request)>,
) -> Vec<(Principal, Option<AuditSeen>, Result<Reply>)> {
    let n = batch.len();
    // A vault session opens one slot, so requests are grouped by credential.
    let mut groups: Vec<(Credential, Vec<(usize, Request)>)> = Vec::new();
    for (i, (cred, req)) in batch.into_iter().enumerate() {
        match groups.iter_mut().find(|(c, _)| same_credential(c, &cred)) {
            Some((_, reqs)) => reqs.push((i, req)),
            None => groups.push((cred, vec![(i, req)])),
        }
    }
    type Answer = (Principal, Option<AuditSeen>, Result<Reply>);
    let mut answers: Vec<Option<Answer>> = (0..n).map(|_| None).collect();
    for (cred, reqs) in groups {
        let u = Unlocker::new(cred);
        let mut seen = Session::default();
        for (i, result) in commit_group(config, &u, &mut seen, reqs) {
            let who = seen.principal.clone().unwrap_or(Principal::Unknown);
            answers[i] = Some((who, seen.audit.clone(), result));
        }
    }
    answers
        .into_iter()
        .map(|a| {
            a.unwrap_or((
                Principal::Unknown,
                None,
                Err(Error::failure("internal: no answer")),
            ))
        })
        .collect()
}

/// Constant time: credentials are secrets.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
fn same_credential(a: &Credential, b: &Credential) -> bool {
    use subtle::ConstantTimeEq;
    match (a, b) {
        (Credential::Passphrase(x), Credential::Passphrase(y))
        | (Credential::Token(x), Credential::Token(y)) => {
            bool::from(x.expose().as_bytes().ct_eq(y.expose().as_bytes()))
        }
        _ => false,
    }
}

/// One credential's writes: the vault's presence and the credential once,
/// then each request's scope, read-only and operation on its own, and one
/// commit for those that passed.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
fn commit_group(
    config: &VaultConfig,
    u: &Unlocker,
    seen: &mut Session,
    reqs: Vec<(usize, Request)>,
) -> Vec<(usize, Result<Reply>)> {
    let opened = config
        .present()
        .and_then(|p| p.lock(config, u, seen, Opening::Strict));
    let mut group = match opened {
        Ok(g) => g,
        Err(e) => {
            return reqs
                .into_iter()
                .map(|(i, _)| (i, Err(same_error(&e))))
                .collect();
        }
    };
    let mut out = Vec::with_capacity(reqs.len());
    let mut applied = Vec::new();
    for (i, req) in reqs {
        match group
            .admit_write(&Need::write(vec![scope_of(&req)]))
            .and_then(|v| apply_write(v, req))
        {
            Ok(reply) => applied.push((i, reply)),
            Err(e) => out.push((i, Err(e))),
        }
    }
    match group.into_vault().commit() {
        Ok(()) => out.extend(applied.into_iter().map(|(i, r)| (i, Ok(r)))),
        Err(e) => out.extend(applied.into_iter().map(|(i, _)| (i, Err(same_error(&e))))),
    }
    out
}

/// Errors are not `Clone` (a failure holds its cause chain); callers of one
/// failed commit each get the same status and text.
pub fn same_error(e: &Error) -> Error {
    match e {
        Error::Unauthorized(d) => Error::Unauthorized(d.clone()),
        Error::NotFound(d) => Error::NotFound(d.clone()),
        Error::WrongFormat(d) => Error::WrongFormat(d.clone()),
        Error::ReadOnly(d) => Error::ReadOnly(d.clone()),
        Error::Temporary(d) => Error::Temporary(d.clone()),
        Error::Usage(d) => Error::Usage(d.clone()),
        Error::Failure(f) => Error::failure(format!("{f:#}")),
    }
}
