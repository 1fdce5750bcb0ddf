//! Rekeying: `token revoke`, `vault passwd`, `vault rotate` and `vault
//! upgrade` all renew every key (a new epoch, table key, data signing key,
//! roots, names key and escrow key) and re-encrypt every secret. They differ
//! in which tokens survive and whether the passphrase changes.

use super::admin::{TokenInfo, new_admin_keys, passphrase_slot, seal_slot, sign_table};
use super::format::{MAX_REVOKED, SlotLock, VERSION};
use super::keys::Scope;
use super::listing::OnFailure;
use super::unlock::escrow_aad;
use super::{Vault, format};
use crate::crypto::{self, KdfParams};
use crate::error::{Error, Result};
use crate::secret::SecretString;
use std::sync::Arc;

/// Which token slots a rekey keeps.
enum Keep<'a> {
    /// All but the one with this name (`token revoke`).
    AllBut(&'a str),
    /// All (`vault passwd`, `vault upgrade` from format 2).
    All,
    /// None (`vault rotate`, `vault upgrade` from format 1).
    None,
}

/// Whether the token named `name` survives this rekey.
fn keeps(keep: &Keep<'_>, name: &str) -> bool {
    match keep {
        Keep::AllBut(n) => *n != name,
        Keep::All => true,
        Keep::None => false,
    }
}

impl Vault {
    /// Renews every key and re-encrypts every readable entry; returns the
    /// names of the tokens dropped. Token slots and single entries that fail
    /// authentication are dropped and reported; a failing partition or base
    /// bucket is salvaged entry by entry when the rekey drops a token, and
    /// stops it otherwise (see [`OnFailure`]).
    fn rekey(
        &mut self,
        keep: Keep<'_>,
        new_pass: Option<(&SecretString, KdfParams)>,
    ) -> Result<Vec<TokenInfo>> {
        self.rekey_with(keep, new_pass, false)
    }

    /// [`Vault::rekey`]; `repairing` (a confirmed `vault check --repair`)
    /// salvages what fails as a rekey that drops a token does.
    fn rekey_with(
        &mut self,
        keep: Keep<'_>,
        new_pass: Option<(&SecretString, KdfParams)>,
        repairing: bool,
    ) -> Result<Vec<TokenInfo>> {
        self.require_admin()?;
        let tokens = self.token_slots()?;
        // A rekey that drops a token must not be stopped by what a token
        // wrote (no token may block its own revocation): from a place that
        // fails authentication it keeps each entry that authenticates on
        // its own, unless a credential that may not write that entry's
        // scope holds its key (it could have sealed the entry). One that
        // drops none (`passwd`, `upgrade` of format 2) stops instead, and
        // leaves the choice to `vault check --repair`.
        let readers = self.read_only_keyrings()?;
        let trusted = |scope: &Scope| {
            readers
                .as_ref()
                .is_some_and(|r| !r.iter().any(|k| k.covers(scope)))
        };
        let on = if repairing || !matches!(keep, Keep::All) {
            OnFailure::Salvage(&trusted)
        } else {
            OnFailure::Stop
        };
        let entries = self.entries_with(on)?;
        let admin = new_admin_keys(self.keys.created)?;
        let escrow = admin
            .escrow_key
            .clone()
            .ok_or_else(|| Error::failure("internal: admin keyring without escrow key"))?;
        let vid = self.header.vault_id;

        let me = &self.header.slots[self.slot];
        let mut slots = Vec::with_capacity(self.header.slots.len());
        slots.push(match new_pass {
            Some((pass, kdf)) => passphrase_slot(&vid, pass, kdf, &admin)?,
            // Same passphrase: same Argon2 salt and key, resealed over the
            // new keyring (a second Argon2 run would buy nothing).
            None => seal_slot(&vid, me.id, me.lock.clone(), &self.slot_key, &admin)?,
        });
        let mut dropped = Vec::new();
        let mut written = Vec::new();
        let mut revoked = self.header.revoked.clone();
        // Ids of slots that failed authentication are revoked too, so a
        // planted slot cannot come back under its id.
        for (i, s) in self.header.slots.iter().enumerate() {
            let id_in_use = tokens.iter().any(|t| self.header.slots[t.index].id == s.id);
            if matches!(s.lock, SlotLock::Token { .. })
                && !tokens.iter().any(|t| t.index == i)
                && !id_in_use
                && !revoked.contains(&s.id)
            {
                revoked.push(s.id);
            }
        }
        for t in &tokens {
            let s = &self.header.slots[t.index];
            let kept = keeps(&keep, &t.keys.name);
            if !kept {
                dropped.push(TokenInfo::of(&t.keys));
                revoked.push(s.id);
                continue;
            }
            let SlotLock::Token { salt, check, .. } = &s.lock else {
                continue;
            };
            // The token's secret (so its slot key) is unchanged; only the
            // new escrow key wraps it now.
            let escrow_nonce = crypto::random()?;
            let lock = SlotLock::Token {
                salt: *salt,
                check: *check,
                escrow_nonce,
                escrow: crypto::seal(
                    &escrow,
                    escrow_nonce,
                    &escrow_aad(&vid, &s.id),
                    t.key.expose(),
                ),
            };
            let keys = t.keys.rekeyed(&admin)?;
            if keys.write {
                for (scope, _) in keys.scoped_keys() {
                    if !written.contains(&scope) {
                        written.push(scope);
                    }
                }
            }
            slots.push(seal_slot(&vid, s.id, lock, &t.key, &keys)?);
        }
        if revoked.len() > MAX_REVOKED {
            revoked.drain(..revoked.len() - MAX_REVOKED);
        }
        // The audit key stays (the trail stays readable), wrapped anew.
        self.rewrap_audit(&escrow)?;
        Arc::make_mut(&mut self.header).version = VERSION;
        Arc::make_mut(&mut self.header).slots = slots;
        Arc::make_mut(&mut self.header).revoked = revoked;
        self.slot = 0;
        self.keys = admin;
        sign_table(Arc::make_mut(&mut self.header), &self.keys)?;
        self.resign_audit_anchor()?;

        self.clear_entries()?;
        // The scopes kept scoped write tokens write get their partitions
        // again, under the new write keys.
        for s in written {
            self.list_writer(&s)?;
        }
        for (scope, entry) in &entries {
            let sk = self.scope(scope)?;
            self.reseal(&sk, entry)?;
        }
        self.mark_root();
        Ok(dropped)
    }

    /// Revokes a token and rotates every key: all secrets are re-encrypted
    /// under new roots, every signing key changes, and the passphrase and
    /// the remaining tokens are rewrapped so they keep working.
    pub fn revoke_token(&mut self, name: &str) -> Result<()> {
        self.require_admin()?;
        self.require_current_version()?;
        if !self.token_slots()?.iter().any(|t| t.keys.name == name) {
            return Err(Error::NotFound(format!(
                "no access token named {}",
                crate::text::quote(name)
            )));
        }
        self.rekey(Keep::AllBut(name), None).map(|_| ())
    }

    /// Replaces the passphrase slot and renews every key (so an old copy of
    /// the file opened with the old passphrase holds none of the new keys).
    /// Tokens keep working; after a leak use [`Vault::rotate`] instead.
    pub fn change_passphrase(&mut self, new: &SecretString, kdf: KdfParams) -> Result<()> {
        self.require_admin()?;
        self.require_current_version()?;
        kdf.check().map_err(Error::Usage)?;
        self.rekey(Keep::All, Some((new, kdf))).map(|_| ())
    }

    /// `vault rotate`: renews every key, re-encrypts every secret, drops
    /// every token (returned, sorted, for reissue) and optionally sets a new
    /// passphrase.
    pub fn rotate(&mut self, new: Option<(&SecretString, KdfParams)>) -> Result<Vec<TokenInfo>> {
        self.require_admin()?;
        self.require_current_version()?;
        if let Some((_, kdf)) = new {
            kdf.check().map_err(Error::Usage)?;
        }
        let mut dropped = self.rekey(Keep::None, new)?;
        dropped.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(dropped)
    }

    /// Rotation after the slot table failed authentication (`vault check
    /// --repair`): no token slot is trusted, so none is kept.
    pub(super) fn rotate_untrusted(&mut self) -> Result<Vec<TokenInfo>> {
        self.rekey_with(Keep::None, None, true)
    }

    /// `vault upgrade`: converts a version 1 vault to the current format
    /// with a full rotation (tokens are dropped and returned for reissue:
    /// version 1 token slots cannot be trusted to say their own scope), and
    /// a version 2 vault by renewing every key and keeping every token (its
    /// slot table is authenticated; scoped write tokens lose the data key
    /// and get write keys for their own scopes).
    pub fn upgrade(&mut self) -> Result<Vec<TokenInfo>> {
        self.require_admin()?;
        match self.header.version {
            format::VERSION_1 => {
                let mut dropped = self.rekey(Keep::None, None)?;
                dropped.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(dropped)
            }
            format::VERSION_2 => {
                self.upgrade_keeping_tokens()?;
                Ok(Vec::new())
            }
            v => Err(Error::failure(format!(
                "this vault is already in format version {v}"
            ))),
        }
    }

    /// Renews every key, keeping every token (`vault audit on|off`: the
    /// switch changes in a new key epoch).
    pub(super) fn rekey_keeping_tokens(&mut self) -> Result<()> {
        if !self.table_ok {
            return Err(Error::corrupt(
                "the key slot table fails authentication; run `sso-secrets vault check --repair` first",
            ));
        }
        self.rekey(Keep::All, None).map(|_| ())
    }

    /// Converts a version 2 vault to version 3, keeping every token.
    pub(super) fn upgrade_keeping_tokens(&mut self) -> Result<()> {
        if !self.table_ok {
            return Err(Error::corrupt(
                "the key slot table fails authentication; run `sso-secrets vault check --repair` first",
            ));
        }
        self.rekey(Keep::All, None).map(|_| ())
    }
}
