//! The local vault file as a [`Backend`], and the one place where the
//! contract's order of checks is applied to every operation on it:
//! vault present (1), credential (43, or 500 for a vault failing
//! authentication), scope (43), read-only (555), body (500), existence (404).
//!
//! The order is a chain of types (`session.rs`): [`VaultConfig::present`],
//! then [`Present::unlock`] (or [`Present::lock`] to write),
//! [`Unlocked::admit`] and [`Admitted::writable`]. Administration commands
//! (`list`, tokens, `vault …`) take the same steps, through
//! [`VaultConfig::read`] / [`VaultConfig::write`] with a [`Need`], so they
//! inherit the same order.

mod apply;
mod batch;
mod history;
mod session;
#[cfg(test)]
mod tests;

#[cfg(feature = "serve")]
pub use apply::apply;
pub use apply::{apply_from, scope_of};
pub use batch::same_error;
#[cfg(test)]
pub use batch::write_batch;
#[cfg(feature = "serve")]
pub use batch::write_batch_seen;
pub use history::History;
pub use session::{Need, Opening, Present, Session, VaultConfig, Writable};

use apply::apply_read;

use crate::error::Result;
#[cfg(any(test, feature = "test-support"))]
use crate::ops::Credential;
use crate::ops::{Backend, Principal, Reply, Request};
use crate::vault::Unlocker;
use std::cell::RefCell;

/// The local vault, used with one credential.
pub struct LocalVault {
    config: VaultConfig,
    unlocker: Unlocker,
    session: RefCell<Session>,
    /// The vault's presence as checked before the credential was resolved,
    /// until the first call opens it.
    present: RefCell<Option<Present>>,
}

impl LocalVault {
    #[cfg(any(test, feature = "test-support"))]
    /// A backend for `config` acting with `credential`. The passphrase's
    /// Argon2 key is cached, so any number of calls costs one run.
    pub fn new(config: VaultConfig, credential: Credential) -> Self {
        LocalVault {
            config,
            unlocker: Unlocker::new(credential),
            session: RefCell::default(),
            present: RefCell::default(),
        }
    }

    /// A backend for `config` acting with an unlocker already built (and
    /// perhaps already checked, for a passphrase typed at the terminal).
    pub fn with_unlocker(config: VaultConfig, unlocker: Unlocker) -> Self {
        LocalVault {
            config,
            unlocker,
            session: RefCell::default(),
            present: RefCell::default(),
        }
    }

    /// Compares what the passphrase opens with what this machine saw of
    /// the vault, and records it (see [`History`]).
    pub fn remembering(self, history: Option<History>) -> Self {
        LocalVault {
            session: RefCell::new(Session::remembering(history)),
            ..self
        }
    }

    /// The first call opens the head `present` read, instead of reading
    /// the vault again.
    pub fn with_present(self, present: Present) -> Self {
        LocalVault {
            present: RefCell::new(Some(present)),
            ..self
        }
    }

    /// How many times the credential ran Argon2 (one per process is the goal).
    #[cfg(any(test, feature = "test-support"))]
    pub fn kdf_runs(&self) -> u32 {
        self.unlocker.kdf_runs()
    }

    /// Step 1 of the checks: as done before the credential was resolved,
    /// else now.
    fn present(&self) -> Result<Present> {
        match self.present.take() {
            Some(p) => Ok(p),
            None => self.config.present(),
        }
    }
}

impl Backend for LocalVault {
    fn call(&self, request: Request) -> Result<Reply> {
        apply_from(
            &self.config,
            self.present()?,
            &self.unlocker,
            &mut self.session.borrow_mut(),
            request,
        )
    }

    fn principal(&self) -> Principal {
        self.session
            .borrow()
            .principal
            .clone()
            .unwrap_or(Principal::Unknown)
    }

    fn audit_seen(&self) -> Option<crate::audit::AuditSeen> {
        self.session.borrow().audit.clone()
    }

    fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.session.borrow_mut().warnings)
    }

    /// Reads from one open of the vault: the vault and credential checks
    /// once, then each request's scope and existence on its own.
    fn call_all(&self, requests: Vec<Request>) -> Vec<Result<Reply>> {
        if requests.iter().any(|r| r.operation().is_write()) {
            return requests.into_iter().map(|r| self.call(r)).collect();
        }
        let n = requests.len();
        let seen = &mut self.session.borrow_mut();
        let unlocked = match self.present().and_then(|p| p.unlock(&self.unlocker, seen)) {
            Ok(u) => u,
            Err(e) => return (0..n).map(|_| Err(same_error(&e))).collect(),
        };
        let answers = requests
            .into_iter()
            .map(|r| {
                let v = unlocked.admit_read(&Need::read(vec![scope_of(&r)]))?;
                apply_read(v, r)
            })
            .collect();
        // Entries or slots skipped while answering are reported too.
        seen.learn(unlocked.vault());
        answers
    }
}
