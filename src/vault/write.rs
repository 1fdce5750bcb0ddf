//! The write session: buffering changed buckets, then one atomic commit that
//! re-parses and verifies what it is about to publish before the rename.

use super::format::{self, BucketRef, Header, PREFIX_LEN, RawEntry, Writer};
use super::keys::{Entry, ScopeKeys};
use super::record::{self, Record};
use super::store::{Locked, NewHead, Part};
use super::{BASE, HeadId, ParsedBucket, Table, Vault};
use crate::crypto::{self, SIG_LEN, Signer};
use crate::error::{Error, Result};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Write-mode state: the lock, and the buckets this write changes, per
/// table (the base, then each partition). A bucket with no entry in
/// `changed` is still the bytes the store holds (in a file store, at the
/// offset recorded when the file was opened; commit copies it in-kernel
/// without reading it; a database keeps it as it is), so a put costs about
/// one bucket of CPU work plus the publish.
pub(super) struct WriteState {
    pub(super) lock: Box<dyn Locked>,
    pub(super) changed: Vec<Vec<Option<ParsedBucket>>>,
    /// Where each table's buckets lie in the old file.
    pub(super) old_offsets: Vec<Vec<u64>>,
    /// Partitions this write changed (index = table; the base's changes
    /// are `Vault::root_dirty`): their records are signed again.
    pub(super) touched: Vec<bool>,
}

impl WriteState {
    pub(super) fn new(lock: Box<dyn Locked>, v: &Vault) -> Self {
        let tables = v.tables();
        // One pass over every table's lengths (records are not verified
        // yet, so their tables may be large: never quadratic).
        let mut at = (v.header_len + SIG_LEN) as u64 + v.records_len;
        let old_offsets = (0..tables)
            .map(|t| {
                v.refs_unchecked(t)
                    .iter()
                    .map(|b| {
                        let here = at;
                        at = at.saturating_add(u64::from(b.len));
                        here
                    })
                    .collect()
            })
            .collect();
        WriteState {
            lock,
            changed: (0..tables)
                .map(|t| (0..v.refs_unchecked(t).len()).map(|_| None).collect())
                .collect(),
            old_offsets,
            touched: vec![false; tables],
        }
    }
}

fn count_of(m: &ParsedBucket) -> Result<u32> {
    u32::try_from(m.len()).map_err(|_| Error::failure("a bucket holds more than 2^32 entries"))
}

fn not_writing() -> Error {
    Error::failure("internal: write on a vault opened for reading")
}

impl Vault {
    /// Marks the header (slots, flags, writer list or base) as changed: the
    /// commit signs a new one with the data key.
    pub(super) fn mark_root(&mut self) {
        self.dirty = true;
        self.root_dirty = true;
    }

    /// True when the commit will write something.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Marks table `t` as changed.
    fn touch(&mut self, t: Table) -> Result<()> {
        if t == BASE {
            self.mark_root();
        } else {
            self.dirty = true;
            let w = self.write.as_mut().ok_or_else(not_writing)?;
            w.touched[t] = true;
        }
        Ok(())
    }

    /// Table `t`'s refs, to change (the caller has authenticated them).
    fn refs_mut(&mut self, t: Table) -> &mut Vec<BucketRef> {
        match t {
            BASE => &mut Arc::make_mut(&mut self.header).buckets,
            _ => &mut Arc::make_mut(&mut self.records)[t - 1].buckets,
        }
    }

    pub(super) fn parsed_bucket(&mut self, t: Table, i: usize) -> Result<&mut ParsedBucket> {
        let fresh = match self.write.as_ref() {
            None => return Err(not_writing()),
            Some(w) if w.changed[t][i].is_some() => None,
            Some(_) => {
                let mut m = BTreeMap::new();
                self.for_each_in_bucket(t, i, |e| {
                    m.insert(e.lookup, e.to_owned());
                })?;
                Some(m)
            }
        };
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        Ok(w.changed[t][i].get_or_insert_with(|| fresh.unwrap_or_default()))
    }

    /// Replaces bucket `i` of table `t` (after a check or a repair).
    pub(super) fn set_bucket(&mut self, t: Table, i: usize, m: ParsedBucket) -> Result<()> {
        self.refs_mut(t)[i].count = count_of(&m)?;
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        w.changed[t][i] = Some(m);
        self.touch(t)
    }

    /// Drops every entry, every partition and the writer list (for a full
    /// re-encryption, which lists the writers again).
    pub(super) fn clear_entries(&mut self) -> Result<()> {
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        w.changed = vec![vec![Some(BTreeMap::new())]];
        w.old_offsets = vec![vec![0]];
        w.touched = vec![false];
        let h = Arc::make_mut(&mut self.header);
        h.writers.clear();
        h.buckets = vec![BucketRef {
            count: 0,
            len: 0,
            hash: [0; 32],
        }];
        self.records = Arc::new(Vec::new());
        self.record_ok.clear();
        self.mark_root();
        Ok(())
    }

    /// Replaces partition `k` with an empty one, signed afresh at commit
    /// (`vault check --repair`, for a record that fails its signature).
    pub(super) fn empty_partition(&mut self, k: usize) -> Result<()> {
        // Nothing of the failing record is kept, its sequence number
        // included (it was never authenticated).
        Arc::make_mut(&mut self.records)[k] = Record::empty();
        self.record_ok[k].set(Some(true));
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        w.changed[k + 1] = vec![Some(BTreeMap::new())];
        w.old_offsets[k + 1] = vec![0];
        self.touch(k + 1)
    }

    /// Lists a new writer scope with an empty partition (format 3; root
    /// writers only). The caller moves the scope's base entries into it.
    pub(super) fn add_partition(&mut self, writer: Writer) -> Result<Table> {
        let k = match self
            .header
            .writers
            .binary_search_by(|w| (w.kind, &w.tag).cmp(&(writer.kind, &writer.tag)))
        {
            Ok(k) => return Ok(k + 1),
            Err(k) => k,
        };
        Arc::make_mut(&mut self.header).writers.insert(k, writer);
        Arc::make_mut(&mut self.records).insert(k, Record::empty());
        self.record_ok.insert(k, Cell::new(Some(true)));
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        w.changed.insert(k + 1, vec![Some(BTreeMap::new())]);
        w.old_offsets.insert(k + 1, vec![0]);
        w.touched.insert(k + 1, true);
        self.mark_root();
        Ok(k + 1)
    }

    /// Creates or replaces an entry (sealed under fresh keys). A name the
    /// command line refuses (app, DID, user id or secret name) is a usage
    /// error (exit 2), whoever writes: the vault only holds what `get-*`,
    /// `remove-*` and `import` can name.
    pub fn put(&mut self, sk: &ScopeKeys, entry: &Entry) -> Result<()> {
        sk.scope.check_names(&entry.key)?;
        self.reseal(sk, entry)
    }

    /// [`Vault::put`] for an entry already in the vault, whatever its names
    /// (a rekey re-encrypts every entry that authenticates; `vault check`
    /// reports names the command line refuses, and the repair drops them).
    pub(super) fn reseal(&mut self, sk: &ScopeKeys, entry: &Entry) -> Result<()> {
        let raw = sk.seal(&self.header.vault_id, &self.keys, entry)?;
        self.insert_raw(raw)
    }

    /// Puts an entry sealed by the caller ([`ScopeKeys::seal`]) where its
    /// scope's entries live, checking nothing about what it holds: what a
    /// modified client can always do with the keys its slot opens. White-box
    /// tests forge vaults with it; everything else uses [`Vault::put`].
    #[cfg(any(test, feature = "test-support"))]
    pub fn put_raw(&mut self, raw: RawEntry) -> Result<()> {
        self.insert_raw(raw)
    }

    /// Puts a sealed entry where its scope's entries live.
    pub(super) fn insert_raw(&mut self, raw: RawEntry) -> Result<()> {
        let t = self.table_for(raw.kind, &raw.tag);
        let i = format::bucket_of(&raw.lookup, self.refs(t)?.len());
        let m = self.parsed_bucket(t, i)?;
        m.insert(raw.lookup, raw);
        let count = count_of(m)?;
        self.refs_mut(t)[i].count = count;
        self.touch(t)
    }

    /// Erases an entry; false when there was none.
    pub fn delete(&mut self, sk: &ScopeKeys, name: &str) -> Result<bool> {
        let t = self.table_for(sk.scope.kind(), &sk.tag);
        let lookup = sk.lookup(name);
        let i = format::bucket_of(&lookup, self.refs(t)?.len());
        let m = self.parsed_bucket(t, i)?;
        let removed = m.remove(&lookup).is_some();
        let count = count_of(m)?;
        if removed {
            self.refs_mut(t)[i].count = count;
            self.touch(t)?;
        }
        Ok(removed)
    }

    /// Sets or clears the read-only flag.
    pub fn set_read_only(&mut self, on: bool) {
        let flags = if on {
            self.header.flags | format::FLAG_READ_ONLY
        } else {
            self.header.flags & !format::FLAG_READ_ONLY
        };
        if flags != self.header.flags {
            Arc::make_mut(&mut self.header).flags = flags;
            self.mark_root();
        }
    }

    /// Writes the changes atomically, if there are any. A changed header or
    /// base is signed with the data key (root writers); a changed partition's
    /// record with the data key when this credential holds it, else with the
    /// scope's write key. A scoped write token holds no data key, so it can
    /// change nothing but its own partitions.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    pub fn commit(self) -> Result<()> {
        self.commit_head().map(drop)
    }

    /// [`Vault::commit`], returning the head the vault now has.
    pub fn commit_head(mut self) -> Result<HeadId> {
        if !self.dirty {
            return Ok(self.head_id());
        }
        self.require_current_version()?;
        let data_signer = self
            .keys
            .signing_seed
            .as_ref()
            .map(Signer::from_seed)
            .transpose()?;
        if self.root_dirty && data_signer.is_none() {
            return Err(self.no_write_key());
        }
        let touched = self.write.as_ref().ok_or_else(not_writing)?.touched.clone();
        for (t, touched) in touched.iter().enumerate() {
            if *touched || (t == BASE && self.root_dirty) {
                self.rebucket_if_needed(t)?;
            }
        }
        let w = self.write.take().ok_or_else(not_writing)?;
        // The plan: for each bucket of each table, new bytes, or a range of
        // the old file.
        let mut parts: Vec<Part> = Vec::new();
        for (t, (changed, offsets)) in w.changed.into_iter().zip(&w.old_offsets).enumerate() {
            let n = changed.len();
            for (i, changed) in changed.into_iter().enumerate() {
                match changed {
                    Some(m) => {
                        let bytes = format::encode_bucket(m.values());
                        let r = BucketRef {
                            count: count_of(&m)?,
                            len: u32::try_from(bytes.len())
                                .map_err(|_| Error::failure("a bucket grew past 4 GiB"))?,
                            hash: crypto::sha256(&bytes),
                        };
                        // What readers will check, checked before publishing.
                        format::parse_bucket(&bytes, i, n, r.count)?;
                        let hash = r.hash;
                        self.refs_mut(t)[i] = r;
                        parts.push(Part::New { bytes, hash });
                    }
                    None => {
                        let (offset, len) = (offsets[i], u64::from(self.refs_unchecked(t)[i].len));
                        match parts.last_mut() {
                            // Neighbours in the old file: copy them in one go.
                            Some(Part::Old { offset: o, len: l }) if *o + *l == offset => *l += len,
                            _ => parts.push(Part::Old { offset, len }),
                        }
                    }
                }
            }
        }
        let (head, sig) = if self.root_dirty {
            let signer = data_signer.as_ref().ok_or_else(|| self.no_write_key())?;
            Arc::make_mut(&mut self.header).generation = self.header.generation.wrapping_add(1);
            let head = self.header.encode()?;
            let sig = signer.sign(&head).to_vec();
            (head, sig)
        } else {
            (self.read.head.clone(), self.read.sig.clone())
        };
        for (k, touched) in touched.iter().skip(1).enumerate() {
            if *touched {
                self.sign_record(k, data_signer.as_ref())?;
            }
        }
        let records = if self.header.version == format::VERSION {
            record::encode_records(&self.records)?
        } else {
            Vec::new()
        };
        self.verify_before_publishing(&head, &sig, &records, &touched)?;
        let published = HeadId::of(&self.header, &head);
        let mut bytes = head;
        bytes.extend_from_slice(&sig);
        bytes.extend_from_slice(&records);
        w.lock.publish(NewHead { head: bytes, parts })?;
        Ok(published)
    }

    fn no_write_key(&self) -> Error {
        if !self.keys.write {
            return Error::token_read_only(&self.keys.name);
        }
        Error::Unauthorized(format!(
            "access token {} may write only the scopes it was issued for",
            crate::text::quote(&self.keys.name)
        ))
    }

    /// Signs record `k` again (its sequence number one up): with the data
    /// key when held, else with the scope's write key.
    fn sign_record(&mut self, k: usize, data: Option<&Signer>) -> Result<()> {
        let w = self.header.writers[k].clone();
        let scope_signer = match data {
            Some(_) => None,
            None => Some(Signer::from_seed(
                self.keys
                    .write_key(w.kind, &w.tag)
                    .ok_or_else(|| self.no_write_key())?,
            )?),
        };
        let (vid, epoch) = (self.header.vault_id, self.header.epoch);
        let r = &mut Arc::make_mut(&mut self.records)[k];
        r.seq = r.seq.wrapping_add(1);
        r.signer = if data.is_some() {
            record::SIGNER_DATA
        } else {
            record::SIGNER_SCOPE
        };
        let msg = r.message(&vid, &epoch, &w)?;
        r.sig = match (data, &scope_signer) {
            (Some(s), _) | (None, Some(s)) => s.sign(&msg),
            (None, None) => return Err(Error::failure("internal: no signer")),
        };
        Ok(())
    }

    /// Parses the header and records about to be written as a reader will,
    /// and checks the signatures with the keys this session's own slot
    /// holds: a writer never publishes a file its readers refuse.
    fn verify_before_publishing(
        &self,
        head: &[u8],
        sig: &[u8],
        records: &[u8],
        touched: &[bool],
    ) -> Result<()> {
        let (version, len) = format::parse_prefix(&head[..PREFIX_LEN.min(head.len())])?;
        if len as usize != head.len() - PREFIX_LEN {
            return Err(Error::failure("internal: the new header's length is wrong"));
        }
        let parsed = Header::parse(version, &head[PREFIX_LEN..])
            .map_err(|e| Error::failure(format!("internal: the new header does not parse: {e}")))?;
        let mine = parsed.slots.get(self.slot).map(|s| s.id);
        if mine != Some(self.header.slots[self.slot].id)
            || !super::table_verifies(&parsed, &self.keys, self.slot, &super::Seen::FRESH)?
        {
            return Err(Error::failure(
                "internal: the new key slot table does not verify; the vault was not changed",
            ));
        }
        if !crypto::verify(&self.keys.verify_key, head, sig) {
            return Err(Error::failure("internal: the new header does not verify"));
        }
        if version == format::VERSION {
            let parsed_records =
                record::parse_records(records.get(4..).unwrap_or(&[]), parsed.writers.len())
                    .map_err(|e| {
                        Error::failure(format!("internal: the new records do not parse: {e}"))
                    })?;
            for (k, r) in parsed_records.iter().enumerate() {
                if !touched.get(k + 1).copied().unwrap_or(false) {
                    continue;
                }
                let w = &parsed.writers[k];
                let ok = r
                    .signer_key(&self.keys.verify_key, w)
                    .zip(r.message(&parsed.vault_id, &parsed.epoch, w).ok())
                    .is_some_and(|(key, msg)| crypto::verify(&key, &msg, &r.sig));
                if !ok {
                    return Err(Error::failure(
                        "internal: a new scope record does not verify; the vault was not changed",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Redistributes table `t`'s entries when it has grown or shrunk far
    /// from the size [`format::bucket_count_for`] picks. Entries move as
    /// opaque bytes.
    fn rebucket_if_needed(&mut self, t: Table) -> Result<()> {
        let count = self.refs_unchecked(t).len();
        let total = format::table_entries(self.refs_unchecked(t))?;
        let max = match t {
            BASE => format::MAX_BUCKETS as usize,
            _ => record::MAX_PARTITION_BUCKETS,
        };
        if !format::needs_rebucket_within(total, count, max) {
            return Ok(());
        }
        let new_count = format::bucket_count_within(total, max);
        let mut out: Vec<ParsedBucket> = (0..new_count).map(|_| BTreeMap::new()).collect();
        for i in 0..count {
            self.for_each_in_bucket(t, i, |e| {
                out[format::bucket_of(&e.lookup, new_count)].insert(e.lookup, e.to_owned());
            })?;
        }
        *self.refs_mut(t) = out
            .iter()
            .map(|m| {
                Ok(BucketRef {
                    count: count_of(m)?,
                    len: 0,
                    hash: [0; 32],
                })
            })
            .collect::<Result<_>>()?;
        let w = self.write.as_mut().ok_or_else(not_writing)?;
        w.changed[t] = out.into_iter().map(Some).collect();
        w.old_offsets[t] = vec![0; new_count];
        Ok(())
    }
}
