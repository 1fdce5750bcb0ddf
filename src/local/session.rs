//! Vault sessions: where the vault is, what a command needs of the
//! credential, and the checks, in the contract's order, before any work.

use super::history::{Before, History};
use crate::error::{Error, Result};
use crate::ops::Principal;
use crate::vault::keys::Scope;
use crate::vault::store::{self, Location, Store};
use crate::vault::{self, HeadId, Unlocker, Vault};
use std::sync::Arc;
use std::time::Duration;

/// Where the vault is and how it may be used; no credential.
#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// Where the vault is (a file's symlinks already resolved).
    pub location: Location,
    /// `--read-only` or SSO_SECRETS_READ_ONLY: every write answers 555.
    pub read_only: bool,
    /// How long a writer waits for another (then exit 75).
    pub lock_timeout: Duration,
}

/// What a session needs of the credential.
#[derive(Debug, Default)]
pub struct Need {
    pub(crate) scopes: Vec<Scope>,
    pub(crate) write: bool,
    pub(crate) admin: bool,
    /// `vault read-only off` must work on a read-only vault.
    pub(crate) ignores_read_only_flag: bool,
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
    /// Read with the passphrase only (`export`, `token list`).
    pub fn admin_read() -> Self {
        Need {
            admin: true,
            ..Need::default()
        }
    }
}

/// Who an opened vault says the credential is.
pub fn principal_of(v: &Vault) -> Principal {
    if v.is_admin() {
        Principal::Passphrase
    } else {
        Principal::Token(v.keys.name.clone())
    }
}

/// Who an opened vault says the credential is, as an audit record names it.
pub fn who_of(v: &Vault) -> crate::audit::Who {
    if v.is_admin() {
        crate::audit::Who::Passphrase
    } else {
        crate::audit::Who::Token {
            id: crate::text::hex(&v.slot_id()),
            name: v.keys.name.clone(),
        }
    }
}

pub(super) fn authorize(v: &Vault, need: &Need) -> Result<()> {
    if need.admin && !v.is_admin() {
        return Err(Error::admin_only());
    }
    for s in &need.scopes {
        v.check_scope(s)?;
    }
    if need.write && !v.keys.write {
        return Err(Error::token_read_only(&v.keys.name));
    }
    Ok(())
}

impl VaultConfig {
    /// The store that holds the vault.
    pub fn store(&self) -> Result<Arc<dyn Store>> {
        self.location.open()
    }

    /// Fails with exit 1 when there is no usable vault. Checked before any
    /// credential is resolved: nobody should be asked for a passphrase to a
    /// vault that is not there.
    pub fn check_present(&self) -> Result<()> {
        self.store()?.check_present().map(drop)
    }

    /// Opens the vault for reading and checks `need`, then runs `f`.
    /// `seen` learns who the credential is as soon as it is known.
    pub fn read<T>(
        &self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        let store = self.store()?;
        seen.look_back(u);
        let v = Vault::open(&*store, u)?;
        seen.learn(&v);
        authorize(&v, need)?;
        let out = f(&v);
        // Entries or slots skipped while `f` ran are reported too.
        seen.learn(&v);
        out
    }

    /// A read-modify-write under the writer lock, committed atomically and
    /// durably. Checks come in the contract's order: credential, scope,
    /// read-only, then whatever `f` checks (body, existence).
    pub fn write<T>(
        &self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = match self.open_for_write(u, seen)? {
            Ok(v) => v,
            // Refused before opening (555): authentication and scope still
            // outrank it, so they are checked on a read first.
            Err(refusal) => return self.read(u, need, seen, |_| Err(refusal)),
        };
        admit(&v, need)?;
        let out = f(&mut v);
        if out.is_ok() && !seen.anchor_went_back {
            self.anchor_audit(&mut v)?;
        }
        seen.learn(&v);
        let out = out?;
        seen.wrote(&v.commit_head()?);
        Ok(out)
    }

    /// Every write by the passphrase that changes the vault signs the
    /// trail's last record into the header (the anchor): from then on no
    /// record up to it can change unnoticed.
    pub(crate) fn anchor_audit(&self, v: &mut Vault) -> Result<()> {
        if !v.is_dirty() || !v.is_admin() {
            return Ok(());
        }
        let (Some(t), Some(anchor)) = (v.audit_target(), v.audit_anchor().cloned()) else {
            return Ok(());
        };
        let trail = crate::audit::trail(&self.location)?;
        match crate::audit::next_anchor(&*trail, &t.vault_id, &anchor)? {
            Ok(last) => v.anchor_audit(last, None),
            Err(why) => {
                v.warn_public(format!(
                    "warning: the audit trail was changed since the passphrase last anchored it ({why}); the anchor stays where it was: run `sso-secrets audit verify`"
                ));
                Ok(())
            }
        }
    }

    /// Takes the writer lock and opens the vault under it. The inner error
    /// is a refusal to write (555) that the caller reports only after the
    /// credential and scope checks.
    pub(super) fn open_for_write(&self, u: &Unlocker, seen: &mut Session) -> Result<Result<Vault>> {
        if self.read_only {
            return Ok(Err(Error::writes_disabled()));
        }
        let store = self.store()?;
        store.check_present()?;
        // Argon2 before the lock, so writers queue for milliseconds, not
        // for one another's key derivations.
        vault::prepare(&*store, u);
        seen.look_back(u);
        let lock = match store::lock(&*store, self.lock_timeout)? {
            Ok(l) => l,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let v = Vault::open_for_write(lock, u)?;
        seen.learn(&v);
        Ok(Ok(v))
    }
}

/// Credential, scope and rights, then the vault's own read-only flag.
pub(super) fn admit(v: &Vault, need: &Need) -> Result<()> {
    authorize(v, need)?;
    if v.header.read_only() && !need.ignores_read_only_flag {
        return Err(Error::ReadOnly(
            "the vault is set read-only (`sso-secrets vault read-only off` allows writes)".into(),
        ));
    }
    Ok(())
}

/// What a session learnt while opening the vault: who the credential is,
/// and warnings for the user (a vault file others can read, a vault that
/// went back since this machine's passphrase last opened it).
#[derive(Debug, Default)]
pub struct Session {
    /// Who acted; [`Principal::Unknown`] until a slot opened.
    pub principal: Option<Principal>,
    /// The audit trail and who the credential is, once a slot opened
    /// (`on` stays true once seen on: `vault audit off` is recorded).
    pub audit: Option<crate::audit::AuditSeen>,
    /// Warnings for stderr.
    pub warnings: Vec<String>,
    /// Where this machine remembers the vaults its passphrase opened
    /// (`None`: nowhere; a server's sessions, tests).
    history: Option<History>,
    /// What that said before the vault was read, until compared.
    before: Option<Before>,
    /// The vault's audit anchor is earlier than the one this machine saw:
    /// a write keeps it where it is (its evidence), rather than anchoring
    /// whatever the trail now holds after it.
    anchor_went_back: bool,
}

impl Session {
    /// A session that compares what the passphrase opens with `history`,
    /// and records it there.
    pub fn remembering(history: Option<History>) -> Self {
        Session {
            history,
            ..Session::default()
        }
    }

    /// Before the head is read: what this machine saw last (passphrase
    /// only; a token holder's machine keeps nothing).
    pub(crate) fn look_back(&mut self, u: &Unlocker) {
        if let Some(h) = self.history.as_ref().filter(|_| u.is_passphrase()) {
            self.before = Some(h.before());
        }
    }

    /// After an open: who the credential is, the vault's warnings, and
    /// (once, for the passphrase) whether the vault went back.
    pub(crate) fn learn(&mut self, v: &Vault) {
        let mut target = v.audit_target_or_off();
        match &mut self.audit {
            // Opened again (after `f`, or a write's second open) with the
            // same credential: the same principal; only the trail may have
            // changed (`vault audit on`).
            Some(seen) if self.principal.is_some() => {
                target.on |= seen.target.on;
                seen.target = target;
            }
            _ => {
                self.principal = Some(principal_of(v));
                self.audit = Some(crate::audit::AuditSeen {
                    target,
                    who: who_of(v),
                });
            }
        }
        for w in v.take_warnings() {
            self.say(w);
        }
        if let Some(before) = self.before.take()
            && let Some(h) = self.history.clone().filter(|_| v.is_admin())
        {
            let head = v.head_id();
            self.anchor_went_back = History::anchor_went_back(&before, &head);
            if let Some(w) = History::compare(&before, &head) {
                self.say(w);
            }
            h.record(&head, vault::now());
        }
    }

    /// Adds a warning, once: a command that opens the vault twice says
    /// each thing once.
    pub fn say(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// After a commit by the passphrase: the head it published is the one
    /// this machine saw last.
    pub(crate) fn wrote(&mut self, head: &HeadId) {
        if let Some(h) = self
            .history
            .as_ref()
            .filter(|_| self.principal == Some(Principal::Passphrase))
        {
            h.record(head, vault::now());
        }
    }
}
