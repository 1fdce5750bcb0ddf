//! The local vault file as a [`Backend`], and the one place where the
//! contract's order of checks is applied to every operation on it:
//! vault present (1), credential (43, or 500 for a vault failing
//! authentication), scope (43), read-only (555), body (500), existence (404).
//!
//! Administration commands (`list`, tokens, `vault …`) use the same
//! [`VaultConfig::read`] / [`VaultConfig::write`] sessions with a [`Need`],
//! so they inherit the same order.

mod apply;
mod batch;
mod history;
mod session;
#[cfg(test)]
mod tests;

pub use apply::{apply, scope_of};
pub use batch::{same_error, write_batch, write_batch_seen};
pub use history::History;
pub use session::{Need, Session, VaultConfig, principal_of, who_of};

use apply::apply_read;
use session::authorize;

use crate::error::Result;
use crate::ops::Credential;
use crate::ops::{Backend, Principal, Reply, Request};
use crate::vault::Unlocker;
use std::cell::RefCell;

/// The local vault, used with one credential.
pub struct LocalVault {
    config: VaultConfig,
    unlocker: Unlocker,
    session: RefCell<Session>,
}

impl LocalVault {
    /// A backend for `config` acting with `credential`. The passphrase's
    /// Argon2 key is cached, so any number of calls costs one run.
    pub fn new(config: VaultConfig, credential: Credential) -> Self {
        LocalVault {
            config,
            unlocker: Unlocker::new(credential),
            session: RefCell::default(),
        }
    }

    /// A backend for `config` acting with an unlocker already built (and
    /// perhaps already checked, for a passphrase typed at the terminal).
    pub fn with_unlocker(config: VaultConfig, unlocker: Unlocker) -> Self {
        LocalVault {
            config,
            unlocker,
            session: RefCell::default(),
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

    /// How many times the credential ran Argon2 (one per process is the goal).
    pub fn kdf_runs(&self) -> u32 {
        self.unlocker.kdf_runs()
    }
}

impl Backend for LocalVault {
    fn call(&self, request: Request) -> Result<Reply> {
        apply(
            &self.config,
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
        let answers = self
            .config
            .read(&self.unlocker, &Need::default(), seen, |v| {
                Ok(requests
                    .into_iter()
                    .map(|r| {
                        authorize(v, &Need::read(vec![scope_of(&r)]))?;
                        apply_read(v, r)
                    })
                    .collect::<Vec<_>>())
            });
        match answers {
            Ok(answers) => answers,
            Err(e) => (0..n).map(|_| Err(same_error(&e))).collect(),
        }
    }
}
