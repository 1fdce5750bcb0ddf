//! The vault's side of the audit trail: turning it on and off, the sealed
//! audit key, and the anchor a passphrase write signs (see
//! [`super::audit_block`] for the bytes, `crate::audit` for the trail).

use super::Vault;
use super::admin::sign_table;
use super::audit_block::{Anchor, AuditBlock, genesis, wrap_aad, wrap_key};
use crate::crypto;
use crate::error::{Error, Result};
use crate::secret::Key32;
use std::sync::Arc;

/// What a credential that opened the vault knows of its audit trail: enough
/// to seal a record to it, never enough to open one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTarget {
    /// The vault (bound into every record).
    pub vault_id: [u8; 16],
    /// The trail is on.
    pub on: bool,
    /// The public key records are sealed to.
    pub seal_key: [u8; 32],
    /// Where the trail's chain stands when it holds no record: the anchor.
    pub empty: (u64, [u8; 32]),
}

/// The X25519 private key of a trail (the passphrase holder's), zeroized on
/// drop.
pub struct AuditSecret(pub(crate) x25519_dalek::StaticSecret);

impl std::fmt::Debug for AuditSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditSecret(redacted)")
    }
}

fn public_of(secret: &Key32) -> [u8; 32] {
    let s = x25519_dalek::StaticSecret::from(*secret.expose());
    x25519_dalek::PublicKey::from(&s).to_bytes()
}

fn wrap(escrow: &Key32, vault_id: &[u8; 16], secret: &Key32) -> Result<([u8; 12], Vec<u8>)> {
    let seal_key = public_of(secret);
    let nonce = crypto::random()?;
    let ct = crypto::seal(
        &wrap_key(escrow, vault_id),
        nonce,
        &wrap_aad(vault_id, &seal_key),
        secret.expose(),
    );
    Ok((nonce, ct))
}

fn unwrap(escrow: &Key32, vault_id: &[u8; 16], a: &AuditBlock) -> Result<Key32> {
    let plain = crypto::open(
        &wrap_key(escrow, vault_id),
        a.wrap_nonce,
        &wrap_aad(vault_id, &a.seal_key),
        &a.wrapped,
    )
    .ok_or_else(|| Error::corrupt("the audit key does not open"))?;
    let bytes: [u8; 32] = plain
        .expose()
        .try_into()
        .map_err(|_| Error::corrupt("the audit key is not 32 bytes"))?;
    let key = Key32::new(bytes);
    if public_of(&key) != a.seal_key {
        return Err(Error::corrupt(
            "the audit key does not match its public half",
        ));
    }
    Ok(key)
}

impl Vault {
    /// The audit trail as this vault's (verified) slot table states it;
    /// `None` when it was never turned on.
    pub fn audit_target(&self) -> Option<AuditTarget> {
        self.header.audit.as_ref().map(|a| AuditTarget {
            vault_id: self.header.vault_id,
            on: a.on,
            seal_key: a.seal_key,
            empty: (a.anchor.seq, a.anchor.hash),
        })
    }

    /// [`Vault::audit_target`], or, for a vault whose trail was never
    /// turned on, a target that says so (off, no key): a credential that
    /// opened the vault has verified that there is nothing to record, and
    /// need not look at the header again, unverified, to find out.
    pub fn audit_target_or_off(&self) -> AuditTarget {
        self.audit_target().unwrap_or(AuditTarget {
            vault_id: self.header.vault_id,
            on: false,
            seal_key: [0; 32],
            empty: (0, [0; 32]),
        })
    }

    /// Adds a warning for the user.
    pub fn warn_public(&self, w: String) {
        self.warn(w);
    }

    /// The id of the slot this credential opened (a token's id).
    pub fn slot_id(&self) -> [u8; 16] {
        self.header.slots[self.slot].id
    }

    /// The anchor, if the table has an audit block.
    pub fn audit_anchor(&self) -> Option<&Anchor> {
        self.header.audit.as_ref().map(|a| &a.anchor)
    }

    /// True when the anchor carries the table key's signature.
    pub fn audit_anchor_verifies(&self) -> bool {
        match (self.audit_anchor(), self.keys.table_key) {
            (Some(a), Some(k)) => a.verifies(&k, &self.header.vault_id, &self.header.epoch),
            _ => false,
        }
    }

    /// `vault audit on|off` (passphrase). The first `on` makes the audit
    /// key; `off` keeps it, so the trail stays readable. Every key is renewed
    /// (a new key epoch, as `vault passwd` does; tokens keep working): the
    /// switch is part of what each slot signature covers, and no slot
    /// signed before the switch changed may verify after it.
    pub fn set_audit(&mut self, on: bool) -> Result<()> {
        self.require_admin()?;
        if matches!(&self.header.audit, Some(a) if a.on == on) {
            return Ok(());
        }
        if self.header.version != super::format::VERSION {
            return Err(Error::failure(format!(
                "the audit trail needs format version {}; run `sso-secrets vault upgrade` (passphrase) first",
                super::format::VERSION
            )));
        }
        // A new key epoch first (the slots are checked, and kept, under the
        // switch they were signed with): every slot signed before the
        // switch changed (over the old switch, or no audit block at all)
        // is then of an epoch that is over, so an unscoped write token
        // cannot put an older slot table back to turn the trail off. Only
        // the state below, with the new switch, is ever written in it.
        self.rekey_keeping_tokens()?;
        let escrow = self.require_admin()?.clone();
        let vid = self.header.vault_id;
        let block = match self.header.audit.clone() {
            Some(a) => AuditBlock { on, ..a },
            None => {
                let secret = crypto::random_key()?;
                let (wrap_nonce, wrapped) = wrap(&escrow, &vid, &secret)?;
                let start = genesis(&vid);
                AuditBlock {
                    on,
                    seal_key: public_of(&secret),
                    wrap_nonce,
                    wrapped,
                    anchor: Anchor {
                        start_seq: 1,
                        start_prev: start,
                        seq: 0,
                        hash: start,
                        time: crypto_now(),
                        sig: [0; crypto::SIG_LEN],
                    },
                }
            }
        };
        Arc::make_mut(&mut self.header).audit = Some(block);
        sign_table(Arc::make_mut(&mut self.header), &self.keys)?;
        self.sign_anchor()?;
        self.mark_root();
        Ok(())
    }

    /// The audit private key (passphrase only).
    pub fn audit_secret(&self) -> Result<AuditSecret> {
        let escrow = self.require_admin()?;
        let a = self.header.audit.as_ref().ok_or_else(|| {
            Error::failure("the audit trail was never turned on (`sso-secrets vault audit on`)")
        })?;
        let key = unwrap(escrow, &self.header.vault_id, a)?;
        Ok(AuditSecret(x25519_dalek::StaticSecret::from(*key.expose())))
    }

    /// Moves the anchor to the trail's last record `(seq, hash)` and, after
    /// a prune, to its new start (passphrase only). A no-op without an
    /// audit block.
    pub fn anchor_audit(
        &mut self,
        last: (u64, [u8; 32]),
        start: Option<(u64, [u8; 32])>,
    ) -> Result<()> {
        self.require_admin()?;
        let Some(a) = Arc::make_mut(&mut self.header).audit.as_mut() else {
            return Ok(());
        };
        if let Some((seq, prev)) = start {
            a.anchor.start_seq = seq;
            a.anchor.start_prev = prev;
        }
        a.anchor.seq = last.0;
        a.anchor.hash = last.1;
        a.anchor.time = crypto_now();
        self.sign_anchor()?;
        self.mark_root();
        Ok(())
    }

    fn sign_anchor(&mut self) -> Result<()> {
        let seed = self
            .keys
            .table_seed
            .clone()
            .ok_or_else(|| Error::failure("internal: anchoring without the table key"))?;
        let (vid, epoch) = (self.header.vault_id, self.header.epoch);
        if let Some(a) = Arc::make_mut(&mut self.header).audit.as_mut() {
            a.anchor.sign(&seed, &vid, &epoch)?;
        }
        Ok(())
    }

    /// During a rekey, before the new admin keyring replaces `self.keys`:
    /// the audit key, unwrapped with the old escrow key, is wrapped under
    /// the new one. The key itself stays, so the trail stays readable.
    pub(super) fn rewrap_audit(&mut self, new_escrow: &Key32) -> Result<()> {
        let vid = self.header.vault_id;
        let Some(a) = self.header.audit.clone() else {
            return Ok(());
        };
        let old = self.require_admin()?;
        let secret = unwrap(old, &vid, &a)?;
        let (wrap_nonce, wrapped) = wrap(new_escrow, &vid, &secret)?;
        Arc::make_mut(&mut self.header).audit = Some(AuditBlock {
            wrap_nonce,
            wrapped,
            ..a
        });
        Ok(())
    }

    /// After a rekey signed the new table: the anchor, under the new table
    /// key.
    pub(super) fn resign_audit_anchor(&mut self) -> Result<()> {
        self.sign_anchor()
    }
}

fn crypto_now() -> u64 {
    super::now()
}
