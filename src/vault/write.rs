//! The write session: buffering changed buckets, then one atomic commit that
//! re-parses and verifies what it is about to publish before the rename.

use super::format::{self, BucketRef, Header, PREFIX_LEN, RawEntry};
use super::keys::{Entry, ScopeKeys};
use super::{ParsedBucket, Vault, store};
use crate::crypto::{self, Signer};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Arc;

/// Write-mode state: the lock, and the buckets this write changes. A bucket
/// with no entry in `changed` is still the bytes in the old file, at the
/// offset the (unchanged) bucket table gives; commit copies it in-kernel
/// without reading it, so a put costs about one bucket of CPU work plus
/// the copy and the fsync.
pub(super) struct WriteState {
    pub(super) lock: store::WriteLock,
    pub(super) changed: Vec<Option<ParsedBucket>>,
}

impl WriteState {
    pub(super) fn new(lock: store::WriteLock, buckets: usize) -> Self {
        WriteState {
            lock,
            changed: (0..buckets).map(|_| None).collect(),
        }
    }
}

/// One piece of the new file.
enum Part {
    New(Vec<u8>),
    Old { offset: u64, len: u64 },
}

fn count_of(m: &ParsedBucket) -> Result<u32> {
    u32::try_from(m.len()).map_err(|_| Error::failure("a bucket holds more than 2^32 entries"))
}

impl Vault {
    pub(super) fn parsed_bucket(&mut self, i: usize) -> Result<&mut ParsedBucket> {
        let n = self.header.buckets.len();
        let fresh = match self.write.as_ref() {
            None => {
                return Err(Error::failure(
                    "internal: write on a vault opened for reading",
                ));
            }
            Some(w) if w.changed[i].is_some() => None,
            Some(_) => {
                let mut m = BTreeMap::new();
                let count = self.header.buckets[i].count;
                format::for_each_entry(&self.read_bucket(i)?, i, n, count, |e| {
                    m.insert(e.lookup, e.to_owned());
                })?;
                Some(m)
            }
        };
        let w = self
            .write
            .as_mut()
            .ok_or_else(|| Error::failure("internal: not writing"))?;
        Ok(w.changed[i].get_or_insert_with(|| fresh.unwrap_or_default()))
    }

    /// Replaces bucket `i`'s entries (after a check or a repair).
    pub(super) fn set_bucket(&mut self, i: usize, m: ParsedBucket) -> Result<()> {
        Arc::make_mut(&mut self.header).buckets[i].count = count_of(&m)?;
        let w = self
            .write
            .as_mut()
            .ok_or_else(|| Error::failure("internal: not writing"))?;
        w.changed[i] = Some(m);
        self.dirty = true;
        Ok(())
    }

    /// Drops every entry and the bucket table (for a full re-encryption).
    pub(super) fn clear_entries(&mut self) -> Result<()> {
        let w = self
            .write
            .as_mut()
            .ok_or_else(|| Error::failure("internal: not writing"))?;
        w.changed = vec![Some(BTreeMap::new())];
        Arc::make_mut(&mut self.header).buckets = vec![BucketRef {
            count: 0,
            len: 0,
            hash: [0; 32],
        }];
        self.dirty = true;
        Ok(())
    }

    /// Creates or replaces an entry (sealed under fresh keys).
    pub fn put(&mut self, sk: &ScopeKeys, entry: &Entry) -> Result<()> {
        let raw = sk.seal(&self.header.vault_id, &self.keys, entry)?;
        self.insert_raw(raw)
    }

    fn insert_raw(&mut self, raw: RawEntry) -> Result<()> {
        let i = format::bucket_of(&raw.lookup, self.header.buckets.len());
        let m = self.parsed_bucket(i)?;
        m.insert(raw.lookup, raw);
        let count = count_of(m)?;
        Arc::make_mut(&mut self.header).buckets[i].count = count;
        self.dirty = true;
        Ok(())
    }

    /// Erases an entry; false when there was none.
    pub fn delete(&mut self, sk: &ScopeKeys, name: &str) -> Result<bool> {
        let lookup = sk.lookup(name);
        let i = format::bucket_of(&lookup, self.header.buckets.len());
        let m = self.parsed_bucket(i)?;
        let removed = m.remove(&lookup).is_some();
        let count = count_of(m)?;
        if removed {
            Arc::make_mut(&mut self.header).buckets[i].count = count;
            self.dirty = true;
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
            self.dirty = true;
        }
    }

    /// Writes the changes atomically, if there are any.
    pub fn commit(mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        self.require_current_version()?;
        let seed = self
            .keys
            .signing_seed
            .clone()
            .ok_or_else(|| Error::token_read_only(&self.keys.name))?;
        let signer = Signer::from_seed(&seed)?;
        self.rebucket_if_needed()?;
        let w = self
            .write
            .take()
            .ok_or_else(|| Error::failure("internal: commit on a vault opened for reading"))?;
        // The plan: for each bucket, new bytes, or a range of the old file.
        let old_offsets: Vec<u64> = (0..self.header.buckets.len())
            .map(|i| self.header.bucket_offset(self.header_len, i))
            .collect();
        let n = self.header.buckets.len();
        let mut parts: Vec<Part> = Vec::with_capacity(n);
        for (i, changed) in w.changed.into_iter().enumerate() {
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
                    Arc::make_mut(&mut self.header).buckets[i] = r;
                    parts.push(Part::New(bytes));
                }
                None => {
                    let len = u64::from(self.header.buckets[i].len);
                    match parts.last_mut() {
                        // Neighbouring old buckets are neighbours in the old
                        // file too: copy them in one go.
                        Some(Part::Old { len: l, .. }) => *l += len,
                        _ => parts.push(Part::Old {
                            offset: old_offsets[i],
                            len,
                        }),
                    }
                }
            }
        }
        Arc::make_mut(&mut self.header).generation = self.header.generation.wrapping_add(1);
        let head = self.header.encode()?;
        let sig = signer.sign(&head);
        self.verify_before_publishing(&head, &sig)?;
        let old = self.file;
        store::replace(&self.path, false, &w.lock, |tmp| {
            tmp.write_all(&head)?;
            tmp.write_all(&sig)?;
            for p in &parts {
                match p {
                    Part::New(bytes) => tmp.write_all(bytes)?,
                    Part::Old { offset, len } => {
                        let mut src = &*old;
                        src.seek(SeekFrom::Start(*offset))?;
                        // File-to-file io::copy uses copy_file_range: the
                        // unchanged bytes never pass through this process.
                        let copied = std::io::copy(&mut src.take(*len), tmp)?;
                        if copied != *len {
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "the vault shrank while locked",
                            ));
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// Parses the header about to be written as a reader will, and checks
    /// both signatures with the keys this session's own slot holds: a writer
    /// never publishes a file its readers refuse.
    fn verify_before_publishing(&self, head: &[u8], sig: &[u8]) -> Result<()> {
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
        Ok(())
    }

    /// Redistributes all entries when the vault has grown or shrunk far from
    /// the size [`format::bucket_count_for`] picks. Entries move as opaque bytes.
    fn rebucket_if_needed(&mut self) -> Result<()> {
        let count = self.header.buckets.len();
        let total = self.header.total_entries()?;
        if !format::needs_rebucket(total, count) {
            return Ok(());
        }
        let new_count = format::bucket_count_for(total);
        let mut out: Vec<ParsedBucket> = (0..new_count).map(|_| BTreeMap::new()).collect();
        for i in 0..count {
            self.for_each_in_bucket(i, |e| {
                out[format::bucket_of(&e.lookup, new_count)].insert(e.lookup, e.to_owned());
            })?;
        }
        Arc::make_mut(&mut self.header).buckets = out
            .iter()
            .map(|m| {
                Ok(BucketRef {
                    count: count_of(m)?,
                    len: 0,
                    hash: [0; 32],
                })
            })
            .collect::<Result<_>>()?;
        if let Some(w) = self.write.as_mut() {
            w.changed = out.into_iter().map(Some).collect();
        }
        Ok(())
    }
}
