//! The audit block of the slot table (format 3, optional): the audit switch,
//! the public key that every audit record is sealed to, that key's private
//! half wrapped for the passphrase holder, and the anchor of the trail's hash
//! chain.
//!
//! ```text
//! audit  = tag u8 (0xA1) config anchor            (after the revoked list)
//! config = flags u8 (bit 0: on) seal_key (32) wrap_nonce (12) wrapped u16-prefixed
//! anchor = start_seq u64 start_prev (32) seq u64 hash (32) time u64 sig (64)
//! ```
//! Every slot signature covers the config (through the list digest), so only
//! the passphrase holder (the table key) can turn the trail off, swap its key
//! or remove the block: any other change fails every slot's signature. The
//! anchor is signed on its own by the table key, so a root write by the
//! passphrase can move it without re-signing every slot.

use super::codec::{Put, Reader};
use crate::crypto::{self, SIG_LEN, Signer};
use crate::error::{Error, Result};
use crate::secret::Key32;

/// The byte that starts an audit block after the revoked list.
pub const AUDIT_TAG: u8 = 0xA1;
const FLAG_ON: u8 = 1;
/// Length of the wrapped X25519 secret (32 bytes and the GCM tag).
const WRAPPED_LEN: usize = 48;

/// The audit configuration, as the slot table carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBlock {
    /// The trail is on: every operation must append a record.
    pub on: bool,
    /// X25519 public key every record's content is sealed to.
    pub seal_key: [u8; 32],
    /// Nonce of `wrapped`.
    pub wrap_nonce: [u8; 12],
    /// The X25519 private key, sealed under a key derived from the
    /// passphrase keyring's escrow key.
    pub wrapped: Vec<u8>,
    /// The chain's head as the passphrase last signed it.
    pub anchor: Anchor,
}

/// A point of the trail's hash chain, signed by the table key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The first record the trail keeps (1, or the first after a prune).
    pub start_seq: u64,
    /// The chain value before it (the genesis value, or the hash of the
    /// last record a prune dropped).
    pub start_prev: [u8; 32],
    /// The last record anchored (`start_seq - 1` when none).
    pub seq: u64,
    /// Its chain hash (`start_prev` when none).
    pub hash: [u8; 32],
    /// When this anchor was signed, Unix seconds.
    pub time: u64,
    /// Ed25519 by the table key over [`Anchor::message`].
    pub sig: [u8; SIG_LEN],
}

impl Anchor {
    /// What the table key signs.
    pub fn message(&self, vault_id: &[u8; 16], epoch: &[u8; 16]) -> Vec<u8> {
        let mut m = Vec::with_capacity(160);
        m.put(b"sso-secrets audit anchor v1");
        m.put(vault_id);
        m.put(epoch);
        m.put_u64(self.start_seq);
        m.put(&self.start_prev);
        m.put_u64(self.seq);
        m.put(&self.hash);
        m.put_u64(self.time);
        m
    }

    /// Signs the anchor with the table key.
    pub fn sign(
        &mut self,
        table_seed: &Key32,
        vault_id: &[u8; 16],
        epoch: &[u8; 16],
    ) -> Result<()> {
        self.sig = Signer::from_seed(table_seed)?.sign(&self.message(vault_id, epoch));
        Ok(())
    }

    /// True when the table key `table_key` signed this anchor.
    pub fn verifies(&self, table_key: &[u8; 32], vault_id: &[u8; 16], epoch: &[u8; 16]) -> bool {
        crypto::verify(table_key, &self.message(vault_id, epoch), &self.sig)
    }
}

/// The chain value before the first record of a vault's trail.
pub fn genesis(vault_id: &[u8; 16]) -> [u8; 32] {
    let mut m = Vec::with_capacity(48);
    m.put(b"sso-secrets audit genesis v1");
    m.put(vault_id);
    crypto::sha256(&m)
}

/// The key that wraps the audit private key: only the passphrase keyring
/// holds the escrow key it comes from.
pub fn wrap_key(escrow: &Key32, vault_id: &[u8; 16]) -> Key32 {
    crypto::derive(escrow, &[b"sso-secrets audit wrap v1", vault_id])
}

/// AAD of the wrapped private key.
pub fn wrap_aad(vault_id: &[u8; 16], seal_key: &[u8; 32]) -> Vec<u8> {
    let mut a = Vec::with_capacity(64);
    a.put(b"sso-secrets audit key v1");
    a.put(vault_id);
    a.put(seal_key);
    a
}

impl AuditBlock {
    /// The part every slot signature covers: everything but the anchor.
    pub fn put_config(&self, w: &mut Vec<u8>) {
        w.put_u8(if self.on { FLAG_ON } else { 0 });
        w.put(&self.seal_key);
        w.put(&self.wrap_nonce);
        w.put_bytes16(&self.wrapped);
    }

    /// Encodes the block, its tag first.
    pub fn encode(&self, w: &mut Vec<u8>) {
        w.put_u8(AUDIT_TAG);
        self.put_config(w);
        let a = &self.anchor;
        w.put_u64(a.start_seq);
        w.put(&a.start_prev);
        w.put_u64(a.seq);
        w.put(&a.hash);
        w.put_u64(a.time);
        w.put(&a.sig);
    }

    /// Parses a block whose tag has been read.
    pub fn parse(r: &mut Reader<'_>) -> Result<Self> {
        let flags = r.u8()?;
        if flags & !FLAG_ON != 0 {
            return Err(Error::corrupt(format!("unknown audit flags {flags:#04x}")));
        }
        let seal_key = r.array()?;
        let wrap_nonce = r.array()?;
        let wrapped = r.bytes16()?.to_vec();
        if wrapped.len() != WRAPPED_LEN {
            return Err(Error::corrupt("the audit key is not 48 bytes"));
        }
        let anchor = Anchor {
            start_seq: r.u64()?,
            start_prev: r.array()?,
            seq: r.u64()?,
            hash: r.array()?,
            time: r.u64()?,
            sig: r.array()?,
        };
        Ok(AuditBlock {
            on: flags & FLAG_ON != 0,
            seal_key,
            wrap_nonce,
            wrapped,
            anchor,
        })
    }
}
