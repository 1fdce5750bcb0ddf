//! Vault sessions: where the vault is, what a command needs of the
//! credential, and the contract's order of checks as a chain of types,
//! each step returning the next:
//!
//! ```text
//! VaultConfig::present  vault present (exit 1): the store opened and its head read, once
//! Present::unlock       credential (403; 500 for a vault that fails authentication)
//!   or Present::lock    the same for a write: Argon2, the writer lock, the head under it
//! Unlocked::admit       scope and rights (403)
//! Admitted::writable    read-only: --read-only, a read-only store, the vault's flag (555)
//! ```
//!
//! Body (500) and existence (404) are the operation's own (`apply.rs`).
//! Every read, write, group commit and administration command goes
//! through these steps, so none can take them in another order.

use super::batch::same_error;
use super::history::{Before, History};
use crate::error::{Error, Result};
use crate::ops::Principal;
use crate::vault::keys::Scope;
use crate::vault::store::{self, Location, Snapshot, Store};
use crate::vault::{self, HeadId, Unlocker, Vault};
use std::ops::{Deref, DerefMut};
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

fn authorize(v: &Vault, need: &Need) -> Result<()> {
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

    /// Step 1: the vault is there, or exit 1. Checked before any
    /// credential is resolved (nobody should be asked for a passphrase to
    /// a vault that is not there), and it reads the head the first open
    /// then uses: the file's checks run once.
    pub fn present(&self) -> Result<Present> {
        let store = self.store()?;
        let head = match store.head() {
            Ok(s) => Ok(s),
            Err(e) => {
                // Only the store's own checks are exit 1 here; a head that
                // does not parse ranks with authentication, after the
                // credential (and `vault check --repair` stays reachable).
                store.check_present()?;
                Err(e)
            }
        };
        Ok(Present { store, head })
    }

    #[cfg(any(test, feature = "test-support"))]
    /// Opens the vault for reading and checks `need`, then runs `f`.
    /// `seen` learns who the credential is as soon as it is known.
    pub fn read<T>(
        &self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        self.present()?.read(u, need, seen, f)
    }

    #[cfg(any(test, feature = "test-support"))]
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
        self.write_from(self.present()?, u, need, seen, f)
    }

    /// [`VaultConfig::write`] on a vault whose presence was checked.
    pub fn write_from<T>(
        &self,
        present: Present,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = present
            .lock(self, u, seen, Opening::Strict)?
            .admit(need)?
            .writable()?;
        let out = f(&mut v);
        if out.is_ok() && !seen.anchor_went_back {
            self.anchor_audit(&mut v)?;
        }
        seen.learn(&v);
        let out = out?;
        seen.wrote(&v.into_vault().commit_head()?);
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
}

/// How a slot table that fails authentication, or an old format, is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Refused: every command but the two below.
    Strict,
    /// Reported, and any format version opens: `vault check` and `vault
    /// upgrade`, with the passphrase only.
    Admin,
}

/// Step 1 passed: the vault is there. Holds its store and the head the
/// check read, which the next step opens instead of reading it again.
pub struct Present {
    store: Arc<dyn Store>,
    /// The head as read. A file that passed its own checks but whose head
    /// does not parse waits here until the credential is known.
    head: Result<Snapshot>,
}

impl Present {
    /// Whether `u` opens its own key slot, and nothing more, in the head
    /// already read: a passphrase typed at the terminal is checked so that
    /// a typo can be typed again (see [`vault::check_credential`]).
    pub fn check_credential(&self, u: &Unlocker) -> Result<()> {
        match &self.head {
            Ok(s) => vault::check_credential_at(s, u),
            Err(e) => Err(same_error(e)),
        }
    }

    /// Step 2, for a read: the credential opens its slot in the head as
    /// read (403; 500 for a vault that fails authentication).
    pub fn unlock(self, u: &Unlocker, seen: &mut Session) -> Result<Unlocked> {
        self.unlock_as(u, seen, Opening::Strict)
    }

    /// [`Present::unlock`], meeting a failing slot table as `opening` says.
    pub fn unlock_as(self, u: &Unlocker, seen: &mut Session, opening: Opening) -> Result<Unlocked> {
        let head = seen.look_back_at(u, self.head?, &*self.store)?;
        let v = match opening {
            Opening::Strict => Vault::open_from(head, u)?,
            Opening::Admin => Vault::open_for_admin_from(head, u)?,
        };
        seen.learn(&v);
        Ok(Unlocked {
            vault: v,
            access: Access::Read,
        })
    }

    /// Step 2, for a write: Argon2 on the head already read (so writers
    /// queue for milliseconds, not for one another's key derivations),
    /// then the writer lock, and the credential opens its slot in the head
    /// as it is under the lock. A write refused before the lock
    /// (`--read-only`) or by it (a read-only file system) opens the head
    /// as read instead: credential and scope outrank the refusal, which
    /// [`Admitted::writable`] reports (555).
    pub fn lock(
        self,
        config: &VaultConfig,
        u: &Unlocker,
        seen: &mut Session,
        opening: Opening,
    ) -> Result<Unlocked> {
        let refusal = if config.read_only {
            Error::writes_disabled()
        } else {
            if let Ok(head) = &self.head {
                vault::prepare_at(head, u);
            }
            seen.look_back(u);
            match store::lock(&*self.store, config.lock_timeout)? {
                Ok(lock) => {
                    let v = match opening {
                        Opening::Strict => Vault::open_for_write(lock, u)?,
                        Opening::Admin => Vault::open_for_admin_write(lock, u)?,
                    };
                    seen.learn(&v);
                    return Ok(Unlocked {
                        vault: v,
                        access: Access::Write,
                    });
                }
                Err(refusal) => refusal,
            }
        };
        let mut unlocked = self.unlock_as(u, seen, opening)?;
        unlocked.access = Access::Refused(refusal);
        Ok(unlocked)
    }

    /// The whole chain for a read: unlock, admit `need`, run `f`.
    pub fn read<T>(
        self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        let v = self.unlock(u, seen)?.admit(need)?;
        let out = f(&v);
        // Entries or slots skipped while `f` ran are reported too.
        seen.learn(&v);
        out
    }
}

/// What an opened vault may be used for.
enum Access {
    /// Opened for reading, without the writer lock.
    Read,
    /// Opened under the writer lock.
    Write,
    /// Opened for reading because writing was refused (555).
    Refused(Error),
}

/// Step 2 passed: the credential opened its slot.
pub struct Unlocked {
    vault: Vault,
    access: Access,
}

impl Unlocked {
    /// Step 3: the credential's scope and rights cover `need` (403).
    pub fn admit(self, need: &Need) -> Result<Admitted> {
        authorize(&self.vault, need)?;
        Ok(Admitted {
            ignores_read_only_flag: need.ignores_read_only_flag,
            unlocked: self,
        })
    }

    /// Step 3 for one of several reads answered from this open (`exec`'s
    /// secrets): each its own verdict.
    pub fn admit_read(&self, need: &Need) -> Result<&Vault> {
        authorize(&self.vault, need)?;
        Ok(&self.vault)
    }

    /// Steps 3 and 4 for one of several writes in this open (a group
    /// commit): each its own verdict.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    pub fn admit_write(&mut self, need: &Need) -> Result<&mut Vault> {
        authorize(&self.vault, need)?;
        may_write(&self.vault, &self.access, need.ignores_read_only_flag)?;
        Ok(&mut self.vault)
    }

    /// The vault as opened, before any verdict (who the credential is, its
    /// format version).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The vault, to commit what the writes admitted by
    /// [`Unlocked::admit_write`] changed.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    pub fn into_vault(self) -> Vault {
        self.vault
    }
}

/// Step 3 passed: the credential may do what was asked. Reads use the
/// vault from here.
pub struct Admitted {
    unlocked: Unlocked,
    ignores_read_only_flag: bool,
}

impl Admitted {
    /// Step 4 asked ahead, on a vault opened for reading: whether
    /// `--read-only` or the vault's own flag would refuse a write (555).
    /// `serve` asks before it reads a put's body, so that a malformed body
    /// (500) is never reported before the refusal the contract ranks first;
    /// the write asks again under the lock (a read-only file system is
    /// found only there).
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    pub fn would_be_writable(&self, config: &VaultConfig) -> Result<()> {
        if config.read_only {
            return Err(Error::writes_disabled());
        }
        flag_allows_writes(&self.unlocked.vault, self.ignores_read_only_flag)
    }

    /// Step 4: the vault may be written (555 otherwise).
    pub fn writable(self) -> Result<Writable> {
        let Unlocked { vault, access } = self.unlocked;
        may_write(&vault, &access, self.ignores_read_only_flag)?;
        Ok(Writable(vault))
    }
}

impl Deref for Admitted {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.unlocked.vault
    }
}

/// Step 4 passed: a vault open under the writer lock that the credential
/// may change; [`Vault::commit_head`] publishes it.
pub struct Writable(Vault);

impl Writable {
    /// The vault, to commit.
    pub fn into_vault(self) -> Vault {
        self.0
    }
}

impl Deref for Writable {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.0
    }
}

impl DerefMut for Writable {
    fn deref_mut(&mut self) -> &mut Vault {
        &mut self.0
    }
}

/// A refusal to write (`--read-only`, a read-only store), then the vault's
/// own read-only flag.
fn may_write(v: &Vault, access: &Access, ignores_read_only_flag: bool) -> Result<()> {
    match access {
        Access::Write => {}
        Access::Refused(refusal) => return Err(same_error(refusal)),
        Access::Read => {
            return Err(Error::failure(
                "internal: a write on a vault opened for reading",
            ));
        }
    }
    flag_allows_writes(v, ignores_read_only_flag)
}

/// The vault's own read-only flag (555), unless the command is the one
/// that turns it off.
fn flag_allows_writes(v: &Vault, ignores_read_only_flag: bool) -> Result<()> {
    if v.header.read_only() && !ignores_read_only_flag {
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

    /// [`Session::look_back`] for a head read before it (by the presence
    /// check). Should what this machine saw object to that head, the head
    /// may only predate a write another process recorded meanwhile: it is
    /// read again, after, as an open would have read it.
    fn look_back_at(
        &mut self,
        u: &Unlocker,
        head: Snapshot,
        store: &dyn Store,
    ) -> Result<Snapshot> {
        self.look_back(u);
        match &self.before {
            Some(before) if History::objects(before, &head.head_id()) => store.head(),
            _ => Ok(head),
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
