//! The seven RFC-134 operations.

use super::{Ctx, Need, Outcome};
use crate::credentials::check_body;
use crate::did::{self, check_label};
use crate::error::{Error, Result};
use crate::vault::keys::{Entry, Scope, State};
use crate::vault::now;
use std::path::Path;

fn app_scope(app: &str) -> Result<Scope> {
    check_label("app name", app)?;
    Ok(Scope::App(app.to_string()))
}

fn did_scope(did_b58: &str) -> Result<Scope> {
    Ok(Scope::Did(did::decode_did(did_b58)?))
}

/// The user id addressed by `<DID>` or `--user-id`.
fn user_of(app: &str, did_b58: Option<&str>, user_id: Option<&str>) -> Result<String> {
    let user = match (did_b58, user_id) {
        (Some(d), None) => did::user_id_for(app, &did::decode_did(d)?),
        (None, Some(u)) => u.to_string(),
        _ => {
            return Err(Error::Usage(
                "give either a <DID> or --user-id, not both".into(),
            ));
        }
    };
    check_label("user id", &user)?;
    Ok(user)
}

fn sso_missing(app: &str, user: &str) -> Error {
    Error::NotFound(format!("no SSO secret for user {user:?} of app {app:?}"))
}

fn did_missing(did: &str, name: &str) -> Error {
    Error::NotFound(format!("no DID secret {name:?} for {did}"))
}

/// 1. Get SSO Secret.
pub fn get_sso(ctx: &Ctx<'_>, app: &str, user: &str) -> Result<Outcome> {
    let scope = app_scope(app)?;
    check_label("user id", user)?;
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::read(vec![scope.clone()]), |v| {
        match v.get(&v.scope(&scope)?, user)? {
            None => Err(sso_missing(app, user)),
            Some(e) if e.state == State::Deactivated => Err(Error::NotFound(format!(
                "the SSO secret for user {user:?} of app {app:?} is deactivated (put-sso re-activates it)"
            ))),
            Some(e) => Ok(Outcome::Secret(e.value)),
        }
    })
}

fn put(ctx: &Ctx<'_>, scope: Scope, key: &str, file: Option<&Path>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    let body = ctx.sources.body(file)?;
    ctx.write(&u, Need::write(vec![scope.clone()]), |v| {
        check_body(&body)?;
        let sk = v.scope(&scope)?;
        let t = now();
        let created = v.get(&sk, key)?.map_or(t, |e| e.created);
        let entry = Entry {
            state: State::Active,
            created,
            updated: t,
            key: key.to_string(),
            value: body,
        };
        v.put(&sk, &entry)?;
        Ok(Outcome::Done)
    })
}

/// 2. Put SSO Secret (also re-activates a deactivated one).
pub fn put_sso(ctx: &Ctx<'_>, app: &str, user: &str, file: Option<&Path>) -> Result<Outcome> {
    let scope = app_scope(app)?;
    check_label("user id", user)?;
    put(ctx, scope, user, file)
}

/// 3. Deactivate SSO Secret.
pub fn deactivate_sso(
    ctx: &Ctx<'_>,
    app: &str,
    did_b58: Option<&str>,
    user_id: Option<&str>,
) -> Result<Outcome> {
    let scope = app_scope(app)?;
    let user = user_of(app, did_b58, user_id)?;
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::write(vec![scope.clone()]), |v| {
        let sk = v.scope(&scope)?;
        let mut e = v.get(&sk, &user)?.ok_or_else(|| sso_missing(app, &user))?;
        if e.state == State::Active {
            e.state = State::Deactivated;
            e.updated = now();
            v.put(&sk, &e)?;
        }
        Ok(Outcome::Done)
    })
}

/// 4. Remove SSO Secret.
pub fn remove_sso(
    ctx: &Ctx<'_>,
    app: &str,
    did_b58: Option<&str>,
    user_id: Option<&str>,
) -> Result<Outcome> {
    let scope = app_scope(app)?;
    let user = user_of(app, did_b58, user_id)?;
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::write(vec![scope.clone()]), |v| {
        if v.delete(&v.scope(&scope)?, &user)? {
            Ok(Outcome::Done)
        } else {
            Err(sso_missing(app, &user))
        }
    })
}

/// 5. Put DID Secret.
pub fn put_did(ctx: &Ctx<'_>, did_b58: &str, name: &str, file: Option<&Path>) -> Result<Outcome> {
    let scope = did_scope(did_b58)?;
    check_label("secret name", name)?;
    put(ctx, scope, name, file)
}

/// 6. Get DID Secret.
pub fn get_did(ctx: &Ctx<'_>, did_b58: &str, name: &str) -> Result<Outcome> {
    let scope = did_scope(did_b58)?;
    check_label("secret name", name)?;
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::read(vec![scope.clone()]), |v| {
        match v.get(&v.scope(&scope)?, name)? {
            Some(e) => Ok(Outcome::Secret(e.value)),
            None => Err(did_missing(scope.name(), name)),
        }
    })
}

/// 7. Delete DID Secret.
pub fn delete_did(ctx: &Ctx<'_>, did_b58: &str, name: &str) -> Result<Outcome> {
    let scope = did_scope(did_b58)?;
    check_label("secret name", name)?;
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::write(vec![scope.clone()]), |v| {
        if v.delete(&v.scope(&scope)?, name)? {
            Ok(Outcome::Done)
        } else {
            Err(did_missing(scope.name(), name))
        }
    })
}
