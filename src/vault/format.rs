//! Vault file format v1: byte layout, parsing and encoding. No keys here.
//!
//! ```text
//! file    = prefix header signature bucket*
//! prefix  = "SSOSVLT\0" version:u16 header_len:u32
//! header  = vault_id:16 flags:u8 created:u64 generation:u64
//!           slot_count:u16 slot* revoked_count:u16 slot_id:16*
//!           bucket_count:u32 (count:u32 len:u32 sha256:32)*
//! signature = Ed25519 over prefix||header (64 bytes)
//! bucket  = entry*   (sorted by lookup id; each entry in the bucket its id selects)
//! ```
//! See `docs/FORMAT.md` for every field and the reasons behind it.

use super::codec::{Put, Reader};
use crate::crypto::{KdfParams, SIG_LEN};
use crate::error::{Error, Result};

/// First eight bytes of every vault.
pub const MAGIC: &[u8; 8] = b"SSOSVLT\0";
/// The format version this build writes.
pub const VERSION: u16 = 1;
/// Bytes before the header: magic, version, header length.
pub const PREFIX_LEN: usize = 14;
/// Header flag: the vault is set read-only.
pub const FLAG_READ_ONLY: u8 = 1;

const MAX_SLOTS: u16 = 4096;
const MAX_BUCKETS: u32 = 1 << 20;
/// Upper bound on a header (slots and bucket table), so a hostile length
/// field cannot make us allocate gigabytes before authenticating anything.
pub const MAX_HEADER_LEN: u32 = 64 << 20;

/// The authenticated header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Random per vault; bound into every slot and entry so nothing can be
    /// moved between vaults.
    pub vault_id: [u8; 16],
    /// `FLAG_*` bits.
    pub flags: u8,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Incremented on every write.
    pub generation: u64,
    /// Key slots: one passphrase slot, then token slots.
    pub slots: Vec<Slot>,
    /// Slot ids of revoked tokens, so they hear "revoked", not "unknown".
    pub revoked: Vec<[u8; 16]>,
    /// Length and SHA-256 of each bucket, in file order.
    pub buckets: Vec<BucketRef>,
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
    pub fn aad(&self, vault_id: &[u8; 16]) -> Vec<u8> {
        let mut a = Vec::with_capacity(96);
        a.put(b"sso-secrets slot v1");
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

    fn parse(r: &mut Reader<'_>) -> Result<Self> {
        let id = r.array()?;
        let lock = match r.u8()? {
            LOCK_PASSPHRASE => {
                let kdf = KdfParams {
                    memory_mib: r.u32()?,
                    iterations: r.u32()?,
                };
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
        })
    }
}

impl Header {
    /// Encodes prefix and header: the bytes the signature covers.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(64 + self.slots.len() * 512 + self.buckets.len() * 40);
        body.put(&self.vault_id);
        body.put_u8(self.flags);
        body.put_u64(self.created);
        body.put_u64(self.generation);
        body.put_u16(u16::try_from(self.slots.len()).unwrap_or(u16::MAX));
        for s in &self.slots {
            s.encode(&mut body);
        }
        body.put_u16(u16::try_from(self.revoked.len()).unwrap_or(u16::MAX));
        for id in &self.revoked {
            body.put(id);
        }
        body.put_u32(u32::try_from(self.buckets.len()).unwrap_or(u32::MAX));
        for b in &self.buckets {
            body.put_u32(b.count);
            body.put_u32(b.len);
            body.put(&b.hash);
        }
        let mut out = Vec::with_capacity(PREFIX_LEN + body.len());
        out.put(MAGIC);
        out.put_u16(VERSION);
        out.put_u32(u32::try_from(body.len()).unwrap_or(u32::MAX));
        out.put(&body);
        out
    }

    /// Parses the header body (after the prefix).
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body, "vault header");
        let vault_id = r.array()?;
        let flags = r.u8()?;
        let created = r.u64()?;
        let generation = r.u64()?;
        let slot_count = r.u16()?;
        if slot_count > MAX_SLOTS {
            return Err(Error::corrupt(format!("{slot_count} key slots")));
        }
        let slots = (0..slot_count)
            .map(|_| Slot::parse(&mut r))
            .collect::<Result<Vec<_>>>()?;
        let revoked_count = r.u16()?;
        let revoked = (0..revoked_count)
            .map(|_| r.array())
            .collect::<Result<Vec<_>>>()?;
        let bucket_count = r.u32()?;
        if bucket_count == 0 || bucket_count > MAX_BUCKETS || !bucket_count.is_power_of_two() {
            return Err(Error::corrupt(format!("bad bucket count {bucket_count}")));
        }
        if (bucket_count as usize) * 40 > r.remaining() {
            return Err(Error::corrupt("vault header is truncated"));
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
        r.finish()?;
        Ok(Header {
            vault_id,
            flags,
            created,
            generation,
            slots,
            revoked,
            buckets,
        })
    }

    /// Total length of a file with this header: what the file size must be.
    pub fn file_len(&self, header_bytes_len: usize) -> u64 {
        let data: u64 = self.buckets.iter().map(|b| u64::from(b.len)).sum();
        (header_bytes_len + SIG_LEN) as u64 + data
    }

    /// Byte offset of bucket `i` from the start of the file.
    pub fn bucket_offset(&self, header_bytes_len: usize, i: usize) -> u64 {
        let before: u64 = self.buckets[..i].iter().map(|b| u64::from(b.len)).sum();
        (header_bytes_len + SIG_LEN) as u64 + before
    }

    /// True when the vault is set read-only.
    pub fn read_only(&self) -> bool {
        self.flags & FLAG_READ_ONLY != 0
    }
}

/// Reads the 14-byte prefix and returns the header length.
pub fn parse_prefix(prefix: &[u8]) -> Result<u32> {
    let mut r = Reader::new(prefix, "vault prefix");
    if r.take(MAGIC.len())? != MAGIC {
        return Err(Error::corrupt("not an sso-secrets vault (bad magic bytes)"));
    }
    let version = r.u16()?;
    if version != VERSION {
        return Err(Error::corrupt(format!(
            "vault format version {version}; this build reads version {VERSION}"
        )));
    }
    let len = r.u32()?;
    if len > MAX_HEADER_LEN {
        return Err(Error::corrupt(format!(
            "header length {len} is implausible"
        )));
    }
    Ok(len)
}

/// One encrypted secret as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// Keyed hash of (scope, user id or name): where the entry sorts and
    /// which bucket it lives in. Reveals nothing without the scope key.
    pub lookup: [u8; 32],
    /// 1 = SSO, 2 = DID.
    pub kind: u8,
    /// Keyed tag of the scope, so a scoped token can find its entries
    /// without trial decryption. Equal for entries of one app or DID.
    pub tag: [u8; 16],
    /// Per-entry random salt: every write of an entry derives fresh keys.
    pub salt: [u8; 24],
    /// The scope name (app or DID text), sealed for root-key holders.
    pub scope_ct: Vec<u8>,
    /// The sealed body (state, times, user id or name, value).
    pub body_ct: Vec<u8>,
}

impl RawEntry {
    fn encode(&self, w: &mut Vec<u8>) {
        w.put(&self.lookup);
        w.put_u8(self.kind);
        w.put(&self.tag);
        w.put(&self.salt);
        w.put_bytes16(&self.scope_ct);
        w.put_bytes32(&self.body_ct);
    }

    fn parse(r: &mut Reader<'_>) -> Result<Self> {
        Ok(RawEntry {
            lookup: r.array()?,
            kind: r.u8()?,
            tag: r.array()?,
            salt: r.array()?,
            scope_ct: r.bytes16()?.to_vec(),
            body_ct: r.bytes32()?.to_vec(),
        })
    }
}

/// Which of `count` buckets (a power of two) holds `lookup`.
pub fn bucket_of(lookup: &[u8; 32], count: usize) -> usize {
    let bits = count.trailing_zeros();
    if bits == 0 {
        return 0;
    }
    let top = u32::from_be_bytes([lookup[0], lookup[1], lookup[2], lookup[3]]);
    (top >> (32 - bits)) as usize
}

/// How many buckets a vault of `n` entries uses.
///
/// A `get` hashes the whole bucket table (it is in the signed header) and
/// one bucket. With `b` buckets that is about `40·b + 230·n/b` bytes, which
/// is smallest near `b = √(5.75·n)`: about 1,000 buckets of 100 entries at
/// 100,000 entries, so a lookup hashes ~60 KiB however the vault grows.
/// Small vaults keep one bucket.
pub fn bucket_count_for(n: usize) -> usize {
    if n <= 64 {
        return 1;
    }
    (5 * n)
        .isqrt()
        .next_power_of_two()
        .min(MAX_BUCKETS as usize)
}

/// True when a vault of `n` entries in `count` buckets should be
/// redistributed: more than a factor of two from [`bucket_count_for`], so
/// a vault hovering around a boundary does not redistribute on every write.
pub fn needs_rebucket(n: usize, count: usize) -> bool {
    let want = bucket_count_for(n);
    count > 2 * want || 2 * count < want
}

/// Parses bucket `index` of `count`, checking order and placement.
pub fn parse_bucket(bytes: &[u8], index: usize, count: usize) -> Result<Vec<RawEntry>> {
    let mut out = Vec::new();
    for_each_entry(bytes, index, count, |e| out.push(e))?;
    Ok(out)
}

/// Calls `f` on each entry of bucket `index` of `count`, in order.
pub fn for_each_entry(
    bytes: &[u8],
    index: usize,
    count: usize,
    mut f: impl FnMut(RawEntry),
) -> Result<()> {
    let mut r = Reader::new(bytes, "vault bucket");
    let mut last: Option<[u8; 32]> = None;
    while !r.is_empty() {
        let e = RawEntry::parse(&mut r)?;
        if bucket_of(&e.lookup, count) != index || last.is_some_and(|p| p >= e.lookup) {
            return Err(Error::corrupt("vault bucket is out of order"));
        }
        last = Some(e.lookup);
        f(e);
    }
    Ok(())
}

/// Encodes sorted entries as one bucket.
pub fn encode_bucket<'a>(entries: impl IntoIterator<Item = &'a RawEntry> + Clone) -> Vec<u8> {
    let mut w = Vec::with_capacity(
        entries
            .clone()
            .into_iter()
            .map(|e| 100 + e.body_ct.len())
            .sum(),
    );
    for e in entries {
        e.encode(&mut w);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        Header {
            vault_id: [9; 16],
            flags: FLAG_READ_ONLY,
            created: 1,
            generation: 2,
            slots: vec![
                Slot {
                    id: [1; 16],
                    lock: SlotLock::Passphrase {
                        kdf: KdfParams::FLOOR,
                        salt: [2; 16],
                    },
                    nonce: [3; 12],
                    sealed: vec![4; 40],
                },
                Slot {
                    id: [5; 16],
                    lock: SlotLock::Token {
                        salt: [6; 16],
                        check: [7; 32],
                        escrow_nonce: [8; 12],
                        escrow: vec![9; 48],
                    },
                    nonce: [10; 12],
                    sealed: vec![11; 50],
                },
            ],
            revoked: vec![[12; 16]],
            buckets: vec![
                BucketRef {
                    count: 0,
                    len: 0,
                    hash: [0; 32],
                },
                BucketRef {
                    count: 1,
                    len: 5,
                    hash: [1; 32],
                },
            ],
        }
    }

    #[test]
    fn header_round_trip() {
        let h = sample();
        let bytes = h.encode();
        let len = parse_prefix(&bytes[..PREFIX_LEN]).unwrap() as usize;
        assert_eq!(len, bytes.len() - PREFIX_LEN);
        let back = Header::parse(&bytes[PREFIX_LEN..]).unwrap();
        assert_eq!(back.encode(), bytes);
        assert!(back.read_only());
        assert_eq!(back.file_len(bytes.len()), (bytes.len() + 64 + 5) as u64);
        assert_eq!(
            back.bucket_offset(bytes.len(), 1),
            (bytes.len() + 64) as u64
        );
    }

    #[test]
    fn every_truncation_of_a_header_is_an_error() {
        let bytes = sample().encode();
        for cut in PREFIX_LEN..bytes.len() {
            assert!(Header::parse(&bytes[PREFIX_LEN..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn bad_prefix_is_rejected() {
        assert!(parse_prefix(b"SSOSVLT\0\x00\x02\0\0\0\0").is_err());
        assert!(parse_prefix(b"NOTAVLT\0\x00\x01\0\0\0\0").is_err());
        assert!(parse_prefix(b"SSOSVLT\0\x00\x01\xff\xff\xff\xff").is_err());
    }

    #[test]
    fn buckets_partition_by_top_bits() {
        let mut l = [0u8; 32];
        assert_eq!(bucket_of(&l, 1), 0);
        l[0] = 0x80;
        assert_eq!(bucket_of(&l, 2), 1);
        assert_eq!(bucket_of(&l, 4), 2);
        assert_eq!(bucket_count_for(0), 1);
        assert_eq!(bucket_count_for(64), 1);
        assert_eq!(bucket_count_for(65), 32);
        assert_eq!(bucket_count_for(1_000), 128);
        assert_eq!(bucket_count_for(100_000), 1024);
        assert!(!needs_rebucket(0, 1));
        assert!(!needs_rebucket(100_000, 1024));
        assert!(!needs_rebucket(100_000, 512));
        assert!(needs_rebucket(100_000, 256));
        assert!(needs_rebucket(1_000, 1));
        assert!(needs_rebucket(10, 64));
    }

    #[test]
    fn bucket_round_trip_and_order_check() {
        let e = |b: u8| RawEntry {
            lookup: [b; 32],
            kind: 2,
            tag: [0; 16],
            salt: [0; 24],
            scope_ct: vec![1, 2],
            body_ct: vec![3; 20],
        };
        let entries = vec![e(1), e(2)];
        let bytes = encode_bucket(&entries);
        assert_eq!(parse_bucket(&bytes, 0, 1).unwrap(), entries);
        let swapped = encode_bucket(&[e(2), e(1)]);
        assert!(parse_bucket(&swapped, 0, 1).is_err());
    }
}
