//! Buckets and entries as stored: opaque ciphertexts sorted by lookup id.

use super::codec::{Put, Reader};
use crate::error::{Error, Result};

/// Entry kind byte for SSO secrets.
pub const KIND_SSO: u8 = 1;
/// Entry kind byte for DID secrets.
pub const KIND_DID: u8 = 2;
#[cfg(test)]
const MAX_BUCKETS: u32 = 1 << 20;

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

    /// The entry as a borrowed view.
    pub fn view(&self) -> EntryRef<'_> {
        EntryRef {
            lookup: self.lookup,
            kind: self.kind,
            tag: self.tag,
            salt: self.salt,
            scope_ct: &self.scope_ct,
            body_ct: &self.body_ct,
        }
    }
}

/// An entry as it lies in a bucket's bytes: nothing copied, so scanning a
/// bucket for one lookup id allocates nothing.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    /// See [`RawEntry::lookup`].
    pub lookup: [u8; 32],
    /// See [`RawEntry::kind`].
    pub kind: u8,
    /// See [`RawEntry::tag`].
    pub tag: [u8; 16],
    /// See [`RawEntry::salt`].
    pub salt: [u8; 24],
    /// See [`RawEntry::scope_ct`].
    pub scope_ct: &'a [u8],
    /// See [`RawEntry::body_ct`].
    pub body_ct: &'a [u8],
}

impl<'a> EntryRef<'a> {
    /// An owned copy.
    pub fn to_owned(self) -> RawEntry {
        RawEntry {
            lookup: self.lookup,
            kind: self.kind,
            tag: self.tag,
            salt: self.salt,
            scope_ct: self.scope_ct.to_vec(),
            body_ct: self.body_ct.to_vec(),
        }
    }

    fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let lookup = r.array()?;
        let kind = r.u8()?;
        if kind != KIND_SSO && kind != KIND_DID {
            return Err(Error::corrupt(format!("unknown entry kind {kind}")));
        }
        Ok(EntryRef {
            lookup,
            kind,
            tag: r.array()?,
            salt: r.array()?,
            scope_ct: r.bytes16()?,
            body_ct: r.bytes32()?,
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
#[cfg(test)]
pub fn bucket_count_for(n: usize) -> usize {
    bucket_count_within(n, MAX_BUCKETS as usize)
}

/// [`bucket_count_for`], at most `max` (a power of two).
pub fn bucket_count_within(n: usize, max: usize) -> usize {
    if n <= 64 {
        return 1;
    }
    n.saturating_mul(5).isqrt().next_power_of_two().min(max)
}

/// True when a table of `n` entries in `count` buckets should be
/// redistributed: more than a factor of two from [`bucket_count_for`], so
/// a vault hovering around a boundary does not redistribute on every write.
#[cfg(test)]
pub fn needs_rebucket(n: usize, count: usize) -> bool {
    needs_rebucket_within(n, count, MAX_BUCKETS as usize)
}

/// [`needs_rebucket`] for a table of at most `max` buckets.
pub fn needs_rebucket_within(n: usize, count: usize, max: usize) -> bool {
    let want = bucket_count_within(n, max);
    count > 2 * want || 2 * count < want
}

/// A lookup id as two integers that order as its bytes do (compared in
/// registers: a bucket scan makes two comparisons per entry).
fn order_key(lookup: &[u8; 32]) -> (u128, u128) {
    let mut hi = [0u8; 16];
    let mut lo = [0u8; 16];
    hi.copy_from_slice(&lookup[..16]);
    lo.copy_from_slice(&lookup[16..]);
    (u128::from_be_bytes(hi), u128::from_be_bytes(lo))
}

/// Parses bucket `index` of `count`, checking order, placement and that
/// it holds exactly the `entries` the signed table counts.
pub fn parse_bucket(
    bytes: &[u8],
    index: usize,
    count: usize,
    entries: u32,
) -> Result<Vec<RawEntry>> {
    let mut out = Vec::new();
    for_each_entry(bytes, index, count, entries, |e| out.push(e.to_owned()))?;
    Ok(out)
}

/// Calls `f` on each entry of bucket `index` of `count`, in order; fails
/// unless there are exactly `entries` of them.
pub fn for_each_entry<'a>(
    bytes: &'a [u8],
    index: usize,
    count: usize,
    entries: u32,
    mut f: impl FnMut(EntryRef<'a>),
) -> Result<()> {
    let mut r = Reader::new(bytes, "vault bucket");
    let mut last: Option<(u128, u128)> = None;
    let mut seen = 0u32;
    while !r.is_empty() {
        let e = EntryRef::parse(&mut r)?;
        let key = order_key(&e.lookup);
        if bucket_of(&e.lookup, count) != index || last.is_some_and(|p| p >= key) {
            return Err(Error::corrupt("vault bucket is out of order"));
        }
        seen = seen
            .checked_add(1)
            .filter(|&n| n <= entries)
            .ok_or_else(|| Error::corrupt("a bucket holds more entries than its count"))?;
        last = Some(key);
        f(e);
    }
    if seen != entries {
        return Err(Error::corrupt(
            "a bucket holds fewer entries than its count",
        ));
    }
    Ok(())
}

/// The entries of a bucket whose hash or count cannot be trusted, each
/// parsed on its own, in order, up to the first that does not parse; true
/// when every byte parsed. Nothing about order or placement is checked:
/// whoever uses them must authenticate each one.
pub fn salvage_entries(bytes: &[u8]) -> (Vec<RawEntry>, bool) {
    let mut r = Reader::new(bytes, "vault bucket");
    let mut out = Vec::new();
    while !r.is_empty() {
        match EntryRef::parse(&mut r) {
            Ok(e) => out.push(e.to_owned()),
            Err(_) => return (out, false),
        }
    }
    (out, true)
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
