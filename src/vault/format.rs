//! Vault file format: the prefix, the header and its key slot table. No keys
//! here. Version 3 is written; version 2 is read and written (by root
//! writers, keeping its format); version 1 is still parsed, for reading and
//! for `vault upgrade`.
//!
//! ```text
//! file    = prefix header signature [records_len:u32 record*] bucket*   (records: v3)
//! prefix  = "SSOSVLT\0" version:u16 header_len:u32
//! header  = vault_id:16 flags:u8 created:u64 generation:u64
//!           table_len:u32 table                                    (v2, v3)
//!           writer_count:u32 (kind:u8 tag:16 write_key:32)*        (v3)
//!           bucket_count:u32 (count:u32 len:u32 sha256:32)*
//! table   = epoch:16 slot_count:u16 (slot slot_sig:64)* revoked_count:u16 slot_id:16*
//! signature = Ed25519 (data key) over prefix||header (64 bytes)
//! ```
//! In version 1 the table has no epoch and no signatures of its own. The
//! records (one per listed writer scope) are in [`super::record`]. See
//! `docs/FORMAT.md` for every field and the reasons behind it.

pub use super::audit_block::{AUDIT_TAG, Anchor, AuditBlock};
pub use super::bucket::*;
use super::codec::{Put, Reader};
use crate::crypto::{KdfParams, SIG_LEN};
use crate::error::{Error, Result};

/// First eight bytes of every vault.
pub const MAGIC: &[u8; 8] = b"SSOSVLT\0";
/// The format version this build writes.
pub const VERSION: u16 = 3;
/// The previous version: read, and written by root writers as it is.
pub const VERSION_2: u16 = 2;
/// The oldest version this build still reads.
pub const VERSION_1: u16 = 1;
/// Bytes before the header: magic, version, header length.
pub const PREFIX_LEN: usize = 14;
/// Header flag: the vault is set read-only.
pub const FLAG_READ_ONLY: u8 = 1;

/// Most access tokens a vault holds; creation beyond it is refused (exit 1).
/// Unit tests reach the limit itself with a smaller value: issuing each
/// token checks every existing one, and a thousand of them take a minute
/// in a debug build.
pub const MAX_TOKENS: usize = if cfg!(test) { 40 } else { 1000 };
/// Revoked slot ids remembered (older ones then answer "unknown": still 403).
pub const MAX_REVOKED: usize = 4096;
pub(crate) const MAX_BUCKETS: u32 = 1 << 20;
/// Upper bound on a header (slots and bucket table), so a hostile length
/// field cannot make us allocate gigabytes before authenticating anything.
pub const MAX_HEADER_LEN: u32 = 64 << 20;
/// Smallest encoded slot (id, lock type, nonce, length): bounds slot counts
/// against the bytes that follow before anything is allocated.
const MIN_SLOT_LEN: usize = 16 + 1 + 12 + 4;

/// The header; in v2 its slot table carries the passphrase holder's signature.
#[derive(Debug, Clone)]
pub struct Header {
    /// 1 or 2.
    pub version: u16,
    /// Random per vault; bound into every slot and entry so nothing can be
    /// moved between vaults.
    pub vault_id: [u8; 16],
    /// `FLAG_*` bits.
    pub flags: u8,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Incremented on every write.
    pub generation: u64,
    /// Random per key epoch (renewed by every rekey); every keyring names the
    /// epoch it belongs to, so a table from another epoch is refused. Zero in v1.
    pub epoch: [u8; 16],
    /// Key slots: one passphrase slot first, then token slots.
    pub slots: Vec<Slot>,
    /// Slot ids of revoked tokens, checked before any slot is looked at.
    pub revoked: Vec<[u8; 16]>,
    /// Scopes that have scoped writers (v3), sorted by (kind, tag), each
    /// with the public half of its write key. A listed scope's entries live
    /// in its own partition (a [`super::record::Record`] after the
    /// signature), never in the base buckets below.
    pub writers: Vec<Writer>,
    /// Length and SHA-256 of each base bucket, in file order.
    pub buckets: Vec<BucketRef>,
    /// The audit trail's switch, key and anchor (v3, after the revoked
    /// list; absent until `vault audit on`).
    pub audit: Option<AuditBlock>,
}

/// A scope that scoped tokens may write, listed in the signed header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    /// Entry kind of the scope (`KIND_SSO` for an app, `KIND_DID`).
    pub kind: u8,
    /// The scope's tag (as its entries carry it).
    pub tag: [u8; 16],
    /// Public half of the scope's write key: its partition's record must
    /// carry a signature by it (or by the data key).
    pub key: [u8; 32],
}

/// A bucket's place in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketRef {
    /// Number of entries.
    pub count: u32,
    /// Length in bytes.
    pub len: u32,
    /// SHA-256 of the bucket's bytes.
    pub hash: [u8; 32],
}

/// A key slot: a sealed [`super::keys::Keyring`] and what is needed to find
/// the key that opens it.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Random slot id (a token names its slot by this id).
    pub id: [u8; 16],
    /// How the slot key is derived.
    pub lock: SlotLock,
    /// AES-GCM nonce of `sealed` (random; a slot is resealed rarely).
    pub nonce: [u8; 12],
    /// The sealed keyring.
    pub sealed: Vec<u8>,
    /// Ed25519 signature of the slot by the passphrase holder's table key
    /// (v2 only): each slot is authenticated on its own, so one planted or
    /// altered slot is skipped without distrusting the others.
    pub sig: [u8; SIG_LEN],
}

/// How a slot's key is derived.
#[derive(Debug, Clone)]
pub enum SlotLock {
    /// Argon2id over the passphrase.
    Passphrase {
        /// Argon2id parameters.
        kdf: KdfParams,
        /// Argon2id salt.
        salt: [u8; 16],
    },
    /// HKDF over a token's 256 random bits.
    Token {
        /// HKDF salt.
        salt: [u8; 16],
        /// A verifier derived from the token, compared in constant time.
        check: [u8; 32],
        /// Nonce of `escrow`.
        escrow_nonce: [u8; 12],
        /// The slot key sealed under the passphrase holder's escrow key,
        /// so token slots can be rewrapped when keys rotate.
        escrow: Vec<u8>,
    },
}

const LOCK_PASSPHRASE: u8 = 1;
const LOCK_TOKEN: u8 = 2;

impl Slot {
    /// The slot's clear fields, bound as AAD when sealing its keyring.
    pub fn aad(&self, version: u16, vault_id: &[u8; 16]) -> Vec<u8> {
        let mut a = Vec::with_capacity(96);
        // The keyring's layout depends on the version: each version seals
        // under its own label, so a slot never opens as another version's.
        a.put(match version {
            VERSION_1 => b"sso-secrets slot v1",
            VERSION_2 => b"sso-secrets slot v2",
            _ => b"sso-secrets slot v3",
        });
        a.put(vault_id);
        a.put(&self.id);
        self.put_lock(&mut a, false);
        a
    }

    /// The lock fields; the escrow is left out of the AAD (it is sealed
    /// under its own key and bound to the slot id there).
    fn put_lock(&self, w: &mut Vec<u8>, with_escrow: bool) {
        match &self.lock {
            SlotLock::Passphrase { kdf, salt } => {
                w.put_u8(LOCK_PASSPHRASE);
                w.put_u32(kdf.memory_mib);
                w.put_u32(kdf.iterations);
                w.put(salt);
            }
            SlotLock::Token {
                salt,
                check,
                escrow_nonce,
                escrow,
            } => {
                w.put_u8(LOCK_TOKEN);
                w.put(salt);
                w.put(check);
                if with_escrow {
                    w.put(escrow_nonce);
                    w.put_bytes16(escrow);
                }
            }
        }
    }

    fn encode(&self, w: &mut Vec<u8>) {
        w.put(&self.id);
        self.put_lock(w, true);
        w.put(&self.nonce);
        w.put_bytes32(&self.sealed);
    }

    /// What the table key signs for this slot: the slot, bound to the
    /// vault, the epoch and the revoked list (by its digest), so that a
    /// reader checks all three with one signature, its own slot's.
    pub fn message(&self, vault_id: &[u8; 16], epoch: &[u8; 16], list: &[u8; 32]) -> Vec<u8> {
        let mut m = Vec::with_capacity(160 + self.sealed.len());
        m.put(b"sso-secrets slot sig v2");
        m.put(vault_id);
        m.put(epoch);
        m.put(list);
        self.encode(&mut m);
        m
    }

    fn parse(r: &mut Reader<'_>) -> Result<Self> {
        let id = r.array()?;
        let lock = match r.u8()? {
            LOCK_PASSPHRASE => {
                let kdf = KdfParams {
                    memory_mib: r.u32()?,
                    iterations: r.u32()?,
                };
                // Checked here, before anything could run Argon2 on them.
                kdf.check().map_err(Error::corrupt)?;
                SlotLock::Passphrase {
                    kdf,
                    salt: r.array()?,
                }
            }
            LOCK_TOKEN => SlotLock::Token {
                salt: r.array()?,
                check: r.array()?,
                escrow_nonce: r.array()?,
                escrow: r.bytes16()?.to_vec(),
            },
            other => return Err(Error::corrupt(format!("unknown key slot type {other}"))),
        };
        Ok(Slot {
            id,
            lock,
            nonce: r.array()?,
            sealed: r.bytes32()?.to_vec(),
            sig: [0; SIG_LEN],
        })
    }
}

fn count_u16(n: usize) -> Result<u16> {
    u16::try_from(n).map_err(|_| Error::failure(format!("internal: {n} items in a u16 count")))
}

fn count_u32(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::failure(format!("internal: {n} items in a u32 count")))
}

impl Header {
    /// The slot table's bytes (v2): what the table signature covers, after
    /// a domain label and the vault id.
    pub fn encode_table(&self) -> Result<Vec<u8>> {
        let mut t = Vec::with_capacity(64 + self.slots.len() * 512 + self.revoked.len() * 16);
        t.put(&self.epoch);
        t.put_u16(count_u16(self.slots.len())?);
        for s in &self.slots {
            s.encode(&mut t);
            t.put(&s.sig);
        }
        t.put_u16(count_u16(self.revoked.len())?);
        for id in &self.revoked {
            t.put(id);
        }
        if let Some(a) = &self.audit {
            a.encode(&mut t);
        }
        Ok(t)
    }

    /// SHA-256 of the revoked list and the audit configuration (when the
    /// table has one), which every slot signature covers: only the table
    /// key can change either.
    pub fn list_digest(&self) -> Result<[u8; 32]> {
        let mut m = Vec::with_capacity(32 + self.revoked.len() * 16);
        m.put(b"sso-secrets revoked list v2");
        m.put_u16(count_u16(self.revoked.len())?);
        for id in &self.revoked {
            m.put(id);
        }
        if let Some(a) = &self.audit {
            m.put(b"audit v1");
            a.put_config(&mut m);
        }
        Ok(crate::crypto::sha256(&m))
    }

    /// Encodes prefix and header in the header's own version (2 or 3; a
    /// version 1 file is never written): the bytes the data signature covers.
    pub fn encode(&self) -> Result<Vec<u8>> {
        if self.version != VERSION && self.version != VERSION_2 {
            return Err(Error::failure(format!(
                "internal: writing a format {} header",
                self.version
            )));
        }
        if self.version == VERSION_2 && (!self.writers.is_empty() || self.audit.is_some()) {
            return Err(Error::failure(
                "internal: scope writers or an audit block in a format 2 header",
            ));
        }
        let table = self.encode_table()?;
        let mut body = Vec::with_capacity(
            128 + table.len() + self.buckets.len() * 40 + self.writers.len() * 49,
        );
        body.put(&self.vault_id);
        body.put_u8(self.flags);
        body.put_u64(self.created);
        body.put_u64(self.generation);
        body.put_u32(count_u32(table.len())?);
        body.put(&table);
        if self.version == VERSION {
            body.put_u32(count_u32(self.writers.len())?);
            for w in &self.writers {
                body.put_u8(w.kind);
                body.put(&w.tag);
                body.put(&w.key);
            }
        }
        put_bucket_table(&mut body, &self.buckets)?;
        let mut out = Vec::with_capacity(PREFIX_LEN + body.len());
        out.put(MAGIC);
        out.put_u16(self.version);
        out.put_u32(count_u32(body.len())?);
        out.put(&body);
        Ok(out)
    }

    /// Parses the header body (after the prefix) of a `version` file.
    pub fn parse(version: u16, body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body, "vault header");
        let vault_id = r.array()?;
        let flags = r.u8()?;
        let created = r.u64()?;
        let generation = r.u64()?;
        let (epoch, slots, revoked, audit) = if version == VERSION_1 {
            let (slots, revoked) = parse_slots(&mut r, false)?;
            ([0; 16], slots, revoked, None)
        } else {
            let table = r.bytes32()?;
            let mut t = Reader::new(table, "key slot table");
            let epoch = t.array()?;
            let (slots, revoked) = parse_slots(&mut t, true)?;
            let audit = if version == VERSION && !t.is_empty() {
                match t.u8()? {
                    AUDIT_TAG => Some(AuditBlock::parse(&mut t)?),
                    other => {
                        return Err(Error::corrupt(format!(
                            "unknown block {other:#04x} in the key slot table"
                        )));
                    }
                }
            } else {
                None
            };
            t.finish()?;
            (epoch, slots, revoked, audit)
        };
        let writers = if version == VERSION {
            parse_writers(&mut r)?
        } else {
            Vec::new()
        };
        let buckets = parse_bucket_table(&mut r)?;
        r.finish()?;
        let h = Header {
            version,
            vault_id,
            flags,
            created,
            generation,
            epoch,
            slots,
            revoked,
            writers,
            buckets,
            audit,
        };
        h.data_len()?;
        h.total_entries()?;
        Ok(h)
    }

    /// Total bytes of the base buckets; an error when the sum overflows.
    fn data_len(&self) -> Result<u64> {
        table_len(&self.buckets)
    }

    /// Number of entries the (signed) base bucket table counts.
    pub fn total_entries(&self) -> Result<usize> {
        table_entries(&self.buckets)
    }

    /// The listed writer scope `(kind, tag)`, by its index in the list.
    pub fn writer_of(&self, kind: u8, tag: &[u8; 16]) -> Option<usize> {
        self.writers
            .binary_search_by(|w| (w.kind, &w.tag).cmp(&(kind, tag)))
            .ok()
    }

    /// True when the audit trail is on.
    #[cfg(test)]
    pub fn audit_on(&self) -> bool {
        self.audit.as_ref().is_some_and(|a| a.on)
    }

    /// True when the vault is set read-only.
    pub fn read_only(&self) -> bool {
        self.flags & FLAG_READ_ONLY != 0
    }

    /// The passphrase slot's index (the parser guarantees exactly one).
    pub fn passphrase_slot(&self) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| matches!(s.lock, SlotLock::Passphrase { .. }))
    }
}

/// Total bytes of a bucket table's buckets; an error when the sum overflows.
pub fn table_len(buckets: &[BucketRef]) -> Result<u64> {
    buckets.iter().try_fold(0u64, |acc, b| {
        acc.checked_add(u64::from(b.len))
            .ok_or_else(|| Error::corrupt("bucket lengths overflow"))
    })
}

/// Number of entries a bucket table counts; an error when the sum overflows.
pub fn table_entries(buckets: &[BucketRef]) -> Result<usize> {
    buckets.iter().try_fold(0usize, |acc, b| {
        acc.checked_add(b.count as usize)
            .ok_or_else(|| Error::corrupt("bucket entry counts overflow"))
    })
}

/// `bucket_count:u32 (count:u32 len:u32 sha256:32)*`
pub fn put_bucket_table(w: &mut Vec<u8>, buckets: &[BucketRef]) -> Result<()> {
    w.put_u32(count_u32(buckets.len())?);
    for b in buckets {
        w.put_u32(b.count);
        w.put_u32(b.len);
        w.put(&b.hash);
    }
    Ok(())
}

/// A bucket table: a power-of-two count from 1 to 2^20, checked against the
/// bytes that follow before anything is reserved.
pub fn parse_bucket_table(r: &mut Reader<'_>) -> Result<Vec<BucketRef>> {
    let bucket_count = r.u32()?;
    if bucket_count == 0 || bucket_count > MAX_BUCKETS || !bucket_count.is_power_of_two() {
        return Err(Error::corrupt(format!("bad bucket count {bucket_count}")));
    }
    if (bucket_count as usize).saturating_mul(40) > r.remaining() {
        return Err(Error::corrupt(
            "the bucket table's length does not match its count",
        ));
    }
    let buckets = (0..bucket_count)
        .map(|_| {
            Ok(BucketRef {
                count: r.u32()?,
                len: r.u32()?,
                hash: r.array()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    table_len(&buckets)?;
    table_entries(&buckets)?;
    Ok(buckets)
}

/// The writer list: sorted by (kind, tag), no duplicates, kinds known.
fn parse_writers(r: &mut Reader<'_>) -> Result<Vec<Writer>> {
    let n = r.u32()? as usize;
    if n.saturating_mul(49) > r.remaining() {
        return Err(Error::corrupt(format!("{n} scope writers")));
    }
    let mut out: Vec<Writer> = Vec::with_capacity(n);
    for _ in 0..n {
        let w = Writer {
            kind: r.u8()?,
            tag: r.array()?,
            key: r.array()?,
        };
        if w.kind != KIND_SSO && w.kind != KIND_DID {
            return Err(Error::corrupt(format!("unknown scope kind {}", w.kind)));
        }
        if out
            .last()
            .is_some_and(|p| (p.kind, &p.tag) >= (w.kind, &w.tag))
        {
            return Err(Error::corrupt("the scope writer list is out of order"));
        }
        out.push(w);
    }
    Ok(out)
}

/// Slots and revoked ids, with every count checked against the bytes that
/// follow and exactly one passphrase slot. Duplicate or revoked ids are not
/// refused here: a slot someone planted is skipped when its signature fails,
/// so it cannot make the whole vault unreadable.
fn parse_slots(r: &mut Reader<'_>, signed: bool) -> Result<(Vec<Slot>, Vec<[u8; 16]>)> {
    let slot_count = usize::from(r.u16()?);
    let min = MIN_SLOT_LEN + if signed { SIG_LEN } else { 0 };
    // Counts are bounded by the bytes that follow (and the header by 64
    // MiB), not by the token limit: a file someone padded with slots must
    // still open for `vault check --repair`.
    if slot_count.saturating_mul(min) > r.remaining() {
        return Err(Error::corrupt(format!("{slot_count} key slots")));
    }
    let slots = (0..slot_count)
        .map(|_| {
            let mut s = Slot::parse(r)?;
            if signed {
                s.sig = r.array()?;
            }
            Ok(s)
        })
        .collect::<Result<Vec<_>>>()?;
    let revoked_count = usize::from(r.u16()?);
    if revoked_count.saturating_mul(16) > r.remaining() {
        return Err(Error::corrupt(format!("{revoked_count} revoked ids")));
    }
    let revoked = (0..revoked_count)
        .map(|_| r.array())
        .collect::<Result<Vec<[u8; 16]>>>()?;
    let passphrases = slots
        .iter()
        .filter(|s| matches!(s.lock, SlotLock::Passphrase { .. }))
        .count();
    if passphrases != 1 {
        return Err(Error::corrupt(format!(
            "{passphrases} passphrase slots (exactly one is allowed)"
        )));
    }
    Ok((slots, revoked))
}

/// Reads the 14-byte prefix: the version and the header length.
pub fn parse_prefix(prefix: &[u8]) -> Result<(u16, u32)> {
    let mut r = Reader::new(prefix, "vault prefix");
    if r.take(MAGIC.len())? != MAGIC {
        return Err(Error::corrupt("not an sso-secrets vault (bad magic bytes)"));
    }
    let version = r.u16()?;
    if !(VERSION_1..=VERSION).contains(&version) {
        return Err(Error::corrupt(format!(
            "vault format version {version}; this build reads versions 1 to {VERSION}"
        )));
    }
    let len = r.u32()?;
    if len > MAX_HEADER_LEN {
        return Err(Error::corrupt(format!(
            "header length {len} is implausible"
        )));
    }
    Ok((version, len))
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
