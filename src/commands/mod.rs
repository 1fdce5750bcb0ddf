//! One function per operation: typed arguments in, a typed [`Outcome`] out.
//! Commands never print and never exit; `run` does both.

mod manage;
mod rfc;

pub use manage::{
    ExportLine, Info, ListItem, export, import, init, list, token_create, token_list, token_revoke,
    vault_info, vault_passwd, vault_read_only,
};
pub use rfc::{deactivate_sso, delete_did, get_did, get_sso, put_did, put_sso, remove_sso};

use crate::credentials::Sources;
use crate::error::{Error, Result};
use crate::secret::{SecretBytes, SecretString};
use crate::vault::keys::Scope;
use crate::vault::{self, TokenInfo, Unlocker, Vault, store};
use std::path::PathBuf;
use std::time::Duration;

/// What a successful command produced.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to print.
    Done,
    /// A secret value (`get-*`).
    Secret(SecretBytes),
    /// A new access token, shown once.
    Token(SecretString),
    /// A plain value; `key` names it in JSON output.
    Value {
        /// JSON field name.
        key: &'static str,
        /// The value.
        value: String,
    },
    /// A count; `key` names it (`imported`), in JSON and at a terminal.
    Count {
        /// JSON field name.
        key: &'static str,
        /// How many.
        n: usize,
    },
    /// `list`.
    List(Vec<ListItem>),
    /// `token list`.
    Tokens(Vec<TokenInfo>),
    /// `vault info`.
    Info(Info),
    /// `export`: JSON Lines, in clear.
    Export(Vec<ExportLine>),
}

/// What a command needs of the credential.
#[derive(Debug, Default)]
pub struct Need {
    scopes: Vec<Scope>,
    write: bool,
    admin: bool,
    /// `vault read-only off` must work on a read-only vault.
    ignores_read_only_flag: bool,
}

impl Need {
    /// Read secrets of these scopes.
    pub fn read(scopes: Vec<Scope>) -> Self {
        Need {
            scopes,
            ..Need::default()
        }
    }
    /// Write secrets of these scopes.
    pub fn write(scopes: Vec<Scope>) -> Self {
        Need {
            scopes,
            write: true,
            ..Need::default()
        }
    }
    /// The passphrase.
    pub fn admin() -> Self {
        Need {
            admin: true,
            write: true,
            ..Need::default()
        }
    }
}

/// Everything a command may use besides its own arguments.
pub struct Ctx<'a> {
    /// Vault file.
    pub vault: PathBuf,
    /// `--read-only` or SSO_SECRETS_READ_ONLY.
    pub read_only: bool,
    /// `--lock-timeout`.
    pub lock_timeout: Duration,
    /// Credential and body sources.
    pub sources: Sources<'a>,
    /// Warnings for stderr, collected as commands run.
    pub warnings: std::cell::RefCell<Vec<String>>,
}

fn authorize(v: &Vault, need: &Need) -> Result<()> {
    if need.admin && !v.is_admin() {
        return Err(Error::Unauthorized(
            "access tokens cannot manage tokens, export, or change vault settings; use the passphrase".into(),
        ));
    }
    for s in &need.scopes {
        v.scope(s)?;
    }
    if need.write && !v.keys.write {
        return Err(Error::Unauthorized(format!(
            "access token {:?} is read-only (issue one with --write to allow writes)",
            v.keys.name
        )));
    }
    Ok(())
}

impl Ctx<'_> {
    /// Resolves the credential (may prompt). A missing or unusable vault
    /// is reported first: it outranks authentication, and nobody should be
    /// asked for a passphrase to a vault that is not there.
    pub fn unlocker(&self) -> Result<Unlocker> {
        store::open_vault(&self.vault)?;
        self.sources.unlock_with(false, Unlocker::new, |u| self.check(u))
    }

    /// The passphrase alone (`vault passwd`), after the same vault check.
    pub fn passphrase_unlocker(&self) -> Result<Unlocker> {
        store::open_vault(&self.vault)?;
        self.sources.unlock_with(true, Unlocker::new, |u| self.check(u))
    }

    /// Opens the vault with a typed passphrase, so a typo can be retried;
    /// the Argon2 result stays in the unlocker for the real open.
    fn check(&self, u: &Unlocker) -> Result<()> {
        Vault::open(&self.vault, u).map(drop)
    }

    fn keep_warnings(&self, v: &mut Vault) {
        self.warnings.borrow_mut().append(&mut v.warnings);
    }

    /// Opens the vault for reading and checks `need`.
    pub fn read<T>(
        &self,
        u: &Unlocker,
        need: Need,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = Vault::open(&self.vault, u)?;
        self.keep_warnings(&mut v);
        authorize(&v, &need)?;
        f(&v)
    }

    /// A read-modify-write under the writer lock, committed atomically.
    /// Checks come in the contract's order: credential, scope, read-only,
    /// then whatever `f` checks (body, existence).
    pub fn write<T>(
        &self,
        u: &Unlocker,
        need: Need,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return self.read(u, need, |_| {
                Err(Error::ReadOnly(
                    "writes are disabled by --read-only or SSO_SECRETS_READ_ONLY".into(),
                ))
            });
        }
        // A missing vault is "no vault" (exit 1); don't leave a lock file.
        store::open_vault(&self.vault)?;
        // Argon2 before the lock, so writers queue for milliseconds, not
        // for one another's key derivations.
        vault::prepare(&self.vault, u);
        let lock = match store::lock(&self.vault, self.lock_timeout) {
            Ok(l) => l,
            Err(store::LockError::ReadOnlyFs) => {
                return self.read(u, need, |_| {
                    Err(Error::ReadOnly(format!(
                        "{} is on a read-only file system",
                        self.vault.display()
                    )))
                });
            }
            Err(store::LockError::Other(e)) => return Err(e),
        };
        let mut v = Vault::open_for_write(&self.vault, u, lock)?;
        self.keep_warnings(&mut v);
        authorize(&v, &need)?;
        if v.header.read_only() && !need.ignores_read_only_flag {
            return Err(Error::ReadOnly(
                "the vault is set read-only (`sso-secrets vault read-only off` allows writes)"
                    .into(),
            ));
        }
        let out = f(&mut v)?;
        v.commit()?;
        Ok(out)
    }
}
