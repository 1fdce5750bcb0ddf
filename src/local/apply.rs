//! The seven RFC operations on an open vault session.

use super::session::{Need, Present, Session, VaultConfig};
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::ops::check_body;
use crate::ops::{Reply, Request};
use crate::vault::keys::{Entry, Scope, State};
use crate::vault::{self, Unlocker, Vault, now};

/// Performs one request as `u`: the check order for every RFC operation.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
pub fn apply(
    config: &VaultConfig,
    u: &Unlocker,
    seen: &mut Session,
    request: Request,
) -> Result<Reply> {
    apply_from(config, config.present()?, u, seen, request)
}

/// [`apply`] on a vault whose presence was checked (before the credential
/// was resolved).
pub fn apply_from(
    config: &VaultConfig,
    present: Present,
    u: &Unlocker,
    seen: &mut Session,
    request: Request,
) -> Result<Reply> {
    if request.operation().is_write() {
        let need = Need::write(vec![scope_of(&request)]);
        config.write_from(present, u, &need, seen, |v| apply_write(v, request))
    } else {
        let need = Need::read(vec![scope_of(&request)]);
        present.read(u, &need, seen, |v| apply_read(v, request))
    }
}

/// The scope a request touches.
pub fn scope_of(request: &Request) -> Scope {
    match request {
        Request::GetSso { app, .. }
        | Request::PutSso { app, .. }
        | Request::DeactivateSso { app, .. }
        | Request::RemoveSso { app, .. } => Scope::App(app.as_str().to_string()),
        Request::PutDid { did, .. }
        | Request::GetDid { did, .. }
        | Request::DeleteDid { did, .. } => Scope::Did(did.text().to_string()),
    }
}

fn sso_missing(app: &AppName, user: &UserId) -> Error {
    Error::NotFound(format!("no SSO secret for user {user:?} of app {app:?}"))
}

fn did_missing(did: &Did, name: &SecretName) -> Error {
    Error::NotFound(format!("no DID secret {name:?} for {did}"))
}

pub(super) fn apply_read(v: &Vault, request: Request) -> Result<Reply> {
    let sk = v.scope(&scope_of(&request))?;
    match request {
        Request::GetSso { app, user } => match v.get(&sk, user.as_str())? {
            None => Err(sso_missing(&app, &user)),
            Some(e) if e.state == State::Deactivated => Err(Error::NotFound(format!(
                "the SSO secret for user {user:?} of app {app:?} is deactivated (put-sso re-activates it)"
            ))),
            Some(e) => Ok(Reply::Secret(e.value)),
        },
        Request::GetDid { did, name } => match v.get(&sk, name.as_str())? {
            Some(e) => Ok(Reply::Secret(e.value)),
            None => Err(did_missing(&did, &name)),
        },
        _ => Err(Error::failure("internal: a write passed as a read")),
    }
}

pub(super) fn apply_write(v: &mut Vault, request: Request) -> Result<Reply> {
    let sk = v.scope(&scope_of(&request))?;
    match request {
        Request::PutSso { user, body, .. } => put(v, &sk, user.as_str(), body),
        Request::PutDid { name, body, .. } => put(v, &sk, name.as_str(), body),
        Request::DeactivateSso { app, user } => {
            let user = user.resolve(&app)?;
            let mut e = v
                .get(&sk, user.as_str())?
                .ok_or_else(|| sso_missing(&app, &user))?;
            if e.state == State::Active {
                e.state = State::Deactivated;
                e.updated = now();
                v.put(&sk, &e)?;
            }
            Ok(Reply::Done)
        }
        Request::RemoveSso { app, user } => {
            let user = user.resolve(&app)?;
            if v.delete(&sk, user.as_str())? {
                Ok(Reply::Done)
            } else {
                Err(sso_missing(&app, &user))
            }
        }
        Request::DeleteDid { did, name } => {
            if v.delete(&sk, name.as_str())? {
                Ok(Reply::Done)
            } else {
                Err(did_missing(&did, &name))
            }
        }
        Request::GetSso { .. } | Request::GetDid { .. } => {
            Err(Error::failure("internal: a read passed as a write"))
        }
    }
}

fn put(
    v: &mut Vault,
    sk: &vault::keys::ScopeKeys,
    key: &str,
    body: crate::secret::SecretBytes,
) -> Result<Reply> {
    check_body(&body)?;
    let t = now();
    let created = v.get(sk, key)?.map_or(t, |e| e.created);
    let entry = Entry {
        state: State::Active,
        created,
        updated: t,
        key: key.to_string(),
        value: body,
    };
    v.put(sk, &entry)?;
    Ok(Reply::Done)
}
