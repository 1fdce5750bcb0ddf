//! Bucket tables: the base (in the signed header) and one partition per
//! scope that scoped write tokens write (format 3); finding, authenticating
//! and reading the one bucket a lookup needs.

use super::format::Header;
use super::format::{self, BucketRef, EntryRef, RawEntry};
use super::keys::{Entry, ScopeKeys};
use super::record::Record;
use super::{BASE, ParsedBucket, Seen, Table, Vault, cache, store};
use crate::crypto::SIG_LEN;
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// Scope records that verified, for a server that opens the same parse
    /// on every request: rebuilding a record's signed message (its whole
    /// bucket table) to find the verdict in [`cache::verify`] cost more
    /// than the lookup itself.
    static RECORDS_OK: RefCell<RecordsOk> = RefCell::default();
}

/// The records of one parse (header and records, held here so that their
/// allocations stay theirs) that verified with a data verify key. A
/// header or records shared through an `Arc` never change (a write changes
/// its own copy, a new allocation), and the message is built from them
/// alone: the same pair gives the same verdict.
#[derive(Default)]
struct RecordsOk {
    parse: Option<(Arc<Header>, Arc<Vec<Record>>)>,
    /// (record index, data verify key) that verified.
    ok: Vec<(usize, [u8; 32])>,
}

impl RecordsOk {
    fn same(&self, header: &Arc<Header>, records: &Arc<Vec<Record>>) -> bool {
        self.parse
            .as_ref()
            .is_some_and(|(h, r)| Arc::ptr_eq(h, header) && Arc::ptr_eq(r, records))
    }

    fn holds(&self, h: &Arc<Header>, r: &Arc<Vec<Record>>, k: usize, key: &[u8; 32]) -> bool {
        self.same(h, r) && self.ok.iter().any(|(i, v)| *i == k && v == key)
    }

    /// Only the latest parse is kept: memory stays one head's worth.
    fn add(&mut self, h: &Arc<Header>, r: &Arc<Vec<Record>>, k: usize, key: [u8; 32]) {
        if !self.same(h, r) {
            self.parse = Some((h.clone(), r.clone()));
            self.ok.clear();
        }
        if self.ok.len() < 64 {
            self.ok.push((k, key));
        }
    }
}

impl Vault {
    /// Number of bucket tables: the base and one partition per listed writer.
    pub(crate) fn tables(&self) -> usize {
        1 + self.header.writers.len()
    }

    /// The table holding scope `(kind, tag)`'s entries: its partition when
    /// the signed header lists it, else the base.
    pub(crate) fn table_for(&self, kind: u8, tag: &[u8; 16]) -> Table {
        self.header.writer_of(kind, tag).map_or(BASE, |k| k + 1)
    }

    /// Table `t`'s bucket refs as this session sees them, not verified.
    pub(super) fn refs_unchecked(&self, t: Table) -> &[BucketRef] {
        match t {
            BASE => &self.header.buckets,
            _ => &self.records[t - 1].buckets,
        }
    }

    /// Table `t`'s bucket refs, authenticated: the base is covered by the
    /// header's signature; a partition's record must carry a signature by
    /// its listed write key or by the data key (500 otherwise).
    pub(crate) fn refs(&self, t: Table) -> Result<&[BucketRef]> {
        if t != BASE && !self.record_verifies(t - 1) {
            return Err(Error::corrupt(format!(
                "the partition of a scope others may write (record {}) fails its signature",
                t - 1
            )));
        }
        Ok(self.refs_unchecked(t))
    }

    /// Whether record `k` verifies (remembered for this session; a record
    /// this session changed is signed only at commit, and trusted as built).
    pub(super) fn record_verifies(&self, k: usize) -> bool {
        let cell = &self.record_ok[k];
        if let Some(ok) = cell.get() {
            return ok;
        }
        let key = self.keys.verify_key;
        if RECORDS_OK.with_borrow(|m| m.holds(&self.header, &self.records, k, &key)) {
            cell.set(Some(true));
            return true;
        }
        let w = &self.header.writers[k];
        let r = &self.records[k];
        let ok = r
            .signer_key(&key, w)
            .zip(r.message(&self.header.vault_id, &self.header.epoch, w).ok())
            .is_some_and(|(key, msg)| Seen::OnDisk.verify(&key, &msg, &r.sig));
        if ok {
            RECORDS_OK.with_borrow_mut(|m| m.add(&self.header, &self.records, k, key));
        }
        cell.set(Some(ok));
        ok
    }

    /// Where table `t`'s bucket `i` starts in the file as opened.
    pub(super) fn bucket_offset(&self, t: Table, i: usize) -> u64 {
        if let Some(w) = &self.write {
            return w.old_offsets[t][i];
        }
        let start = (self.header_len + SIG_LEN) as u64 + self.records_len;
        let before: u64 = (0..t)
            .map(|u| {
                self.refs_unchecked(u)
                    .iter()
                    .map(|b| u64::from(b.len))
                    .sum::<u64>()
            })
            .sum();
        let within: u64 = self.refs_unchecked(t)[..i]
            .iter()
            .map(|b| u64::from(b.len))
            .sum();
        start + before + within
    }

    /// Reads bucket `i` of table `t` from the store and checks it against
    /// the table's authenticated refs.
    pub(super) fn read_bucket(&self, t: Table, i: usize) -> Result<Vec<u8>> {
        let r = &self.refs(t)?[i];
        let at = store::BucketAt {
            offset: self.bucket_offset(t, i),
            len: r.len,
            hash: r.hash,
        };
        let bytes = self.buckets.bucket(&at)?;
        if !cache::hash_matches((t << 20) | i, &bytes, &r.hash) {
            return Err(Error::corrupt("a vault bucket fails its hash"));
        }
        Ok(bytes)
    }

    /// Bucket `i` of table `t` as the store holds it where the refs (which
    /// may not verify) say, its hash unchecked: only a rekey salvaging
    /// entries that authenticate on their own reads it.
    pub(super) fn bucket_unchecked(&self, t: Table, i: usize) -> Result<Vec<u8>> {
        let r = &self.refs_unchecked(t)[i];
        self.buckets.bucket(&store::BucketAt {
            offset: self.bucket_offset(t, i),
            len: r.len,
            hash: r.hash,
        })
    }

    pub(super) fn changed(&self, t: Table, i: usize) -> Option<&ParsedBucket> {
        self.write
            .as_ref()
            .and_then(|w| w.changed[t].get(i).and_then(Option::as_ref))
    }

    /// Calls `f` on every entry of bucket `i` of table `t`, as this session
    /// sees it.
    pub(super) fn for_each_in_bucket(
        &self,
        t: Table,
        i: usize,
        mut f: impl FnMut(EntryRef<'_>),
    ) -> Result<()> {
        if let Some(m) = self.changed(t, i) {
            m.values().for_each(|e| f(e.view()));
            return Ok(());
        }
        let bytes = self.read_bucket(t, i)?;
        let refs = self.refs_unchecked(t);
        format::for_each_entry(&bytes, i, refs.len(), refs[i].count, f)
    }

    /// Every entry of bucket `i` of table `t`. The outer error is I/O, or
    /// bytes that fail the signed hash (in the base no key holder but a root
    /// writer can produce those; in a partition, its writers can); the inner
    /// one is a bucket a signer wrote malformed, which listing skips.
    pub(super) fn bucket_entries(&self, t: Table, i: usize) -> Result<Result<Vec<RawEntry>>> {
        if let Some(m) = self.changed(t, i) {
            return Ok(Ok(m.values().cloned().collect()));
        }
        let bytes = self.read_bucket(t, i)?;
        let refs = self.refs_unchecked(t);
        Ok(format::parse_bucket(&bytes, i, refs.len(), refs[i].count))
    }

    /// The entry `name` of a scope, if present.
    pub fn get(&self, sk: &ScopeKeys, name: &str) -> Result<Option<Entry>> {
        let t = self.table_for(sk.scope.kind(), &sk.tag);
        let lookup = sk.lookup(name);
        let i = format::bucket_of(&lookup, self.refs(t)?.len());
        if let Some(m) = self.changed(t, i) {
            return m
                .get(&lookup)
                .map(|raw| sk.open_as(&self.header.vault_id, raw, name))
                .transpose();
        }
        let mut found = None;
        self.for_each_in_bucket(t, i, |e| {
            if e.lookup == lookup {
                found = Some(sk.open_as(&self.header.vault_id, &e.to_owned(), name));
            }
        })?;
        found.transpose()
    }

    /// Number of entries (the bucket tables count them; a partition whose
    /// record fails counts as empty).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        (0..self.tables())
            .filter_map(|t| self.refs(t).ok())
            .map(|r| format::table_entries(r).unwrap_or(0))
            .sum()
    }

    /// True when the vault holds no entries.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
