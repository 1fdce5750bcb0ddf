//! One function per operation: typed arguments in, a typed [`Outcome`] out.
//! Commands never print and never exit; `run` does both.

mod admin;
#[cfg(feature = "apihub")]
pub mod apihub;
mod audit;
pub mod exec;
mod lifecycle;
pub mod offline;
mod tokens;
mod transfer;

pub use admin::{vault_check, vault_copy, vault_rotate, vault_upgrade};
pub use audit::{audit_list, audit_prune, audit_verify, vault_audit};
pub use lifecycle::{Info, ListItem, init, list, vault_info, vault_passwd, vault_read_only};
pub use tokens::{token_create, token_list, token_revoke};
pub use transfer::{ExportLine, export, import};

pub use crate::local::Need;

use crate::credentials::Sources;
use crate::error::{Error, Result};
use crate::local::{History, LocalVault, Present, Session, VaultConfig};
use crate::ops::{Backend, Event, Observer, Reply, Request};
#[cfg(feature = "remote")]
use crate::remote::RemoteBackend;
use crate::secret::{SecretBytes, SecretString};
use crate::status::Status;
use crate::vault::store::Location;
use crate::vault::{TokenInfo, Unlocker, Vault};
use std::cell::{Cell, RefCell};
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
    /// `init`: the vault that was created (said on stderr, not stdout).
    Created {
        /// Its path.
        vault: String,
    },
    /// A plain value for stdout; `key` names it in JSON output.
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
    /// `import --apihub` / `export --apihub`: counts, and a dry run's names.
    #[cfg(feature = "apihub")]
    Apihub(apihub::Report),
    /// `exec`: the command to replace this process with.
    Exec(exec::Launch),
    /// `audit`: the trail's records, opened.
    Audit(Vec<crate::audit::verify::Opened>),
}

/// Everything a command may use besides its own arguments.
pub struct Ctx<'a> {
    /// Where the vault is.
    pub vault: Location,
    /// `--read-only` or SSO_SECRETS_READ_ONLY.
    pub read_only: bool,
    /// `--lock-timeout`.
    pub lock_timeout: Duration,
    /// Credential and body sources.
    pub sources: Sources<'a>,
    /// `--remote`: the RFC operations go to this server instead.
    #[cfg(feature = "remote")]
    pub remote: Option<crate::remote::Options>,
    /// Sees every RFC operation's principal and final status.
    pub observer: &'a dyn Observer,
    /// Warnings for stderr, collected as commands run.
    pub warnings: RefCell<Vec<String>>,
    /// Where this machine remembers what the passphrase saw of each vault
    /// (the user's state directory; `None`: nowhere).
    pub history: Option<History>,
    /// What the command's vault sessions learnt of the audit trail.
    pub audit_seen: RefCell<Option<crate::audit::AuditSeen>>,
    /// The command appended its own records (RFC operations, `exec`).
    pub audited: Cell<bool>,
    /// The vault's presence, checked before the credential was resolved,
    /// until the command's first open uses it.
    pub present: RefCell<Option<Present>>,
}

impl Ctx<'_> {
    /// The vault and how it may be used.
    pub fn config(&self) -> VaultConfig {
        VaultConfig {
            location: self.vault.clone(),
            read_only: self.read_only,
            lock_timeout: self.lock_timeout,
        }
    }

    /// True with `--remote`: the RFC operations go to a server.
    pub fn is_remote(&self) -> bool {
        #[cfg(feature = "remote")]
        return self.remote.is_some();
        #[cfg(not(feature = "remote"))]
        false
    }

    /// The backend the RFC operations go to, with the credential resolved
    /// (may prompt): the server of `--remote`, else the local vault. A
    /// missing or unusable vault is reported first: it outranks
    /// authentication.
    pub fn backend(&self) -> Result<Box<dyn Backend>> {
        #[cfg(feature = "remote")]
        if let Some(remote) = &self.remote {
            return Ok(Box::new(RemoteBackend::connect(remote, &self.sources)?));
        }
        let unlocker = self.unlocker()?;
        Ok(Box::new(
            LocalVault::with_unlocker(self.config(), unlocker)
                .remembering(self.history.clone())
                .with_present(self.present()?),
        ))
    }

    /// Runs one RFC operation: resolves the backend, builds the request
    /// (reading a body only once the credential is known), calls it, and
    /// reports the principal and the final status to the observer. Every
    /// RFC command of the command line passes through here.
    pub fn rfc(&self, build: impl FnOnce(&Self) -> Result<Request>) -> Result<Outcome> {
        let backend = self.backend()?;
        let request = build(self)?;
        let operation = request.operation();
        let target = crate::audit::target_of(&request);
        let result = backend.call(request);
        self.warnings.borrow_mut().extend(backend.take_warnings());
        self.observer.observe(&Event {
            operation,
            principal: backend.principal(),
            status: result.as_ref().map_or_else(Error::status, |_| Status::Ok),
        });
        // Before anything is released: no record, no answer.
        // (An operation that failed keeps its own error: it released
        // nothing either way.)
        let audited = self.audit(
            backend.audit_seen(),
            vec![(
                operation.rfc_name().to_string(),
                crate::ops::status_code(&result),
                target,
            )],
        );
        let result = result?;
        audited?;
        Ok(match result {
            Reply::Done => Outcome::Done,
            Reply::Secret(s) => Outcome::Secret(s),
        })
    }

    /// Resolves the credential (may prompt), after checking that the vault
    /// is there.
    pub fn unlocker(&self) -> Result<Unlocker> {
        self.unlock_with(false)
    }

    /// The passphrase alone (`vault passwd`), after the same vault check.
    pub fn passphrase_unlocker(&self) -> Result<Unlocker> {
        self.unlock_with(true)
    }

    /// Step 1 of the checks, then the credential: a passphrase typed at
    /// the terminal is checked against its key slot in the head the first
    /// step read, so that a typo can be retried. That step is kept for the
    /// command's first open.
    fn unlock_with(&self, passphrase_only: bool) -> Result<Unlocker> {
        let present = self.config().present()?;
        let u = self
            .sources
            .unlock_with(passphrase_only, Unlocker::new, |u| {
                present.check_credential(u)
            })?;
        *self.present.borrow_mut() = Some(present);
        Ok(u)
    }

    /// Step 1 of the checks: as done before the credential was resolved,
    /// else now.
    pub(crate) fn present(&self) -> Result<Present> {
        match self.present.take() {
            Some(p) => Ok(p),
            None => self.config().present(),
        }
    }

    /// A session's warnings, each once per command (`vault rotate` opens
    /// the vault twice).
    fn said(&self, seen: Session) {
        if let Some(mut a) = seen.audit {
            let mut mine = self.audit_seen.borrow_mut();
            a.target.on |= mine.as_ref().is_some_and(|m| m.target.on);
            *mine = Some(a);
        }
        let mut w = self.warnings.borrow_mut();
        for line in seen.warnings {
            if !w.contains(&line) {
                w.push(line);
            }
        }
    }

    /// A session that remembers what the passphrase saw (see [`History`]).
    pub fn session(&self) -> Session {
        Session::remembering(self.history.clone())
    }

    /// Opens the vault for reading and checks `need`.
    pub fn read<T>(
        &self,
        u: &Unlocker,
        need: Need,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        let mut seen = self.session();
        let out = self.present().and_then(|p| p.read(u, &need, &mut seen, f));
        self.said(seen);
        out
    }

    /// A read-modify-write under the writer lock, committed atomically, with
    /// the checks in the contract's order (see [`VaultConfig::write`]).
    pub fn write<T>(
        &self,
        u: &Unlocker,
        need: Need,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let mut seen = self.session();
        let out = self
            .present()
            .and_then(|p| self.config().write_from(p, u, &need, &mut seen, f));
        self.said(seen);
        out
    }
}
