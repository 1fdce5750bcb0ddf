//! Access tokens: create, list, revoke (the passphrase only).

use super::{Ctx, Need, Outcome};
use crate::did::check_label;
use crate::error::Result;
use crate::names::{AppName, Did};
use crate::vault::keys::Scope;

/// `token create`.
pub fn token_create(
    ctx: &Ctx<'_>,
    name: &str,
    apps: &[AppName],
    dids: &[Did],
    write: bool,
    expires_in: Option<std::time::Duration>,
) -> Result<Outcome> {
    check_label("token name", name)?;
    let mut scopes: Vec<Scope> = apps
        .iter()
        .map(|a| Scope::App(a.as_str().to_string()))
        .chain(dids.iter().map(|d| Scope::Did(d.text().to_string())))
        .collect();
    scopes.sort();
    scopes.dedup();
    let u = ctx.unlocker()?;
    // The lifetime starts with the token's creation time, which the vault
    // takes after the passphrase's key derivation and the writer lock: a
    // time taken here, before both, would cut a short lifetime shorter.
    let lifetime = expires_in.map(|d| d.as_secs());
    let token = ctx.write(&u, Need::admin(), |v| {
        v.create_token_lasting(name, &scopes, write, lifetime)
    })?;
    if lifetime.is_none() {
        ctx.warnings.borrow_mut().push(format!(
            "warning: token \"{name}\" never expires; pass --expires-in (e.g. 90d) to limit a \
             leak, or revoke it with `sso-secrets token revoke {name}`"
        ));
    }
    Ok(Outcome::Token(token))
}

/// `token list`.
pub fn token_list(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::admin_read(), |v| Ok(Outcome::Tokens(v.tokens()?)))
}

/// `token revoke`.
pub fn token_revoke(ctx: &Ctx<'_>, name: &str) -> Result<Outcome> {
    check_label("token name", name)?;
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::admin(), |v| {
        v.revoke_token(name)?;
        Ok(Outcome::Done)
    })
}
