//! The vault's lifecycle and settings: init, list, read-only mode,
//! passphrase change, info.

use super::{Ctx, Need, Outcome};
use crate::crypto::KdfParams;
use crate::error::{Error, Result};
use crate::vault::keys::{Scope, State};
use crate::vault::{self, Vault};
use serde::Serialize;
use std::path::Path;

/// `init`: create a vault protected by a new passphrase.
pub fn init(ctx: &Ctx<'_>, kdf: KdfParams) -> Result<Outcome> {
    kdf.check().map_err(Error::Usage)?;
    if ctx.read_only {
        return Err(Error::writes_disabled());
    }
    let pass = ctx.sources.init_passphrase()?;
    vault::create(&*ctx.config().store()?, &pass, kdf, ctx.lock_timeout)?;
    Ok(Outcome::Created {
        vault: ctx.vault.to_string(),
    })
}

/// One row of `list`. Never a value.
#[derive(Debug, Serialize)]
pub struct ListItem {
    /// "sso" or "did".
    pub kind: &'static str,
    /// App name (SSO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// User id (SSO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// DID text (DID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// Secret name (DID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// "active" or "deactivated".
    pub state: &'static str,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub updated: String,
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Active => "active",
        State::Deactivated => "deactivated",
    }
}

/// `list`: the entries the credential may see.
pub fn list(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::default(), |v| {
        let items = v
            .entries()?
            .into_iter()
            .map(|(scope, e)| {
                let (kind, app, user_id, did, name) = match scope {
                    Scope::App(a) => ("sso", Some(a), Some(e.key.clone()), None, None),
                    Scope::Did(d) => ("did", None, None, Some(d), Some(e.key.clone())),
                };
                ListItem {
                    kind,
                    app,
                    user_id,
                    did,
                    name,
                    state: state_name(e.state),
                    created: crate::time::rfc3339(e.created),
                    updated: crate::time::rfc3339(e.updated),
                }
            })
            .collect();
        Ok(Outcome::List(items))
    })
}

/// `vault read-only on|off`.
pub fn vault_read_only(ctx: &Ctx<'_>, on: bool) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    let need = Need {
        ignores_read_only_flag: !on,
        ..Need::admin()
    };
    ctx.write(&u, need, |v| {
        v.set_read_only(on);
        Ok(Outcome::Done)
    })
}

/// `vault passwd`.
pub fn vault_passwd(
    ctx: &Ctx<'_>,
    new_file: Option<&Path>,
    memory: Option<u32>,
    iterations: Option<u32>,
) -> Result<Outcome> {
    let u = ctx.passphrase_unlocker()?;
    // Check the current passphrase before asking for a new one (twice);
    // the Argon2 result is cached, so the write below does not repeat it.
    ctx.read(&u, Need::admin(), |_| Ok(()))?;
    let new = ctx.sources.new_passphrase(new_file, None)?;
    ctx.write(&u, Need::admin(), |v| {
        let old = v.kdf().unwrap_or(KdfParams::DEFAULT);
        let kdf = KdfParams {
            memory_mib: memory.unwrap_or(old.memory_mib),
            iterations: iterations.unwrap_or(old.iterations),
        };
        v.change_passphrase(&new, kdf)?;
        Ok(Outcome::Done)
    })?;
    ctx.warnings
        .borrow_mut()
        .extend(ctx.sources.stale_passphrase_warning());
    Ok(Outcome::Done)
}

/// `vault info`.
#[derive(Debug, Serialize)]
pub struct Info {
    /// Vault path.
    pub path: String,
    /// Format version.
    pub format_version: u16,
    /// KDF algorithm.
    pub kdf: &'static str,
    /// Argon2id memory.
    pub kdf_memory_mib: u32,
    /// Argon2id iterations.
    pub kdf_iterations: u32,
    /// SSO secrets.
    pub sso_secrets: usize,
    /// DID secrets.
    pub did_secrets: usize,
    /// Read-only flag.
    pub read_only: bool,
    /// Access tokens.
    pub tokens: usize,
    /// Writes of the header since creation (root writers: the passphrase
    /// and unscoped write tokens; a scoped token's writes leave it as is).
    pub generation: u64,
    /// Scopes that scoped write tokens write (each in its own partition).
    pub write_scopes: usize,
}

/// `vault info`.
pub fn vault_info(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::default(), |v: &Vault| {
        let (sso, did) = v.counts()?;
        if v.version() == vault::format::VERSION_2 {
            ctx.warnings.borrow_mut().push(
                "note: this vault is in format 2, where a scoped write token can sign the whole vault; `sso-secrets vault upgrade` (passphrase; every token keeps working) confines it to its own scopes".into(),
            );
        }
        let kdf = v.kdf().unwrap_or(KdfParams::DEFAULT);
        Ok(Outcome::Info(Info {
            path: ctx.vault.to_string(),
            format_version: v.version(),
            kdf: "argon2id",
            kdf_memory_mib: kdf.memory_mib,
            kdf_iterations: kdf.iterations,
            sso_secrets: sso,
            did_secrets: did,
            read_only: v.header.read_only(),
            tokens: v.token_count(),
            generation: v.header.generation,
            write_scopes: v.header.writers.len(),
        }))
    })
}
