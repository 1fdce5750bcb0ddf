//! The encrypted vault: opening and authenticating it, and reading one
//! bucket for a lookup. Writes are in [`write`], passphrase-only operations
//! in `admin`, rekeying in `rekey`, `vault check` in `check`.

mod admin;
pub(crate) mod bucket;
pub mod cache;
mod check;
pub mod codec;
mod entry;
pub mod format;
pub mod keys;
pub mod record;
mod rekey;
pub mod store;
mod unlock;
mod write;

#[cfg(test)]
mod attacks_entries_tests;
#[cfg(test)]
mod attacks_tests;
#[cfg(test)]
mod review3_attacks_tests;
#[cfg(test)]
mod review4_attacks_tests;
#[cfg(test)]
mod review_attacks_tests;
#[cfg(test)]
mod scope_attacks_tests;
#[cfg(test)]
mod test_support;

use crate::crypto::{self, SIG_LEN};
use crate::error::{Error, Result};
use crate::secret::Key32;
pub use admin::{TokenInfo, create};
pub use check::CheckReport;
use format::{BucketRef, EntryRef, Header, PREFIX_LEN, RawEntry};
use keys::{Entry, Keyring, Scope, ScopeKeys};
use record::Record;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
pub use unlock::{Clock, Credential, TOKEN_PREFIX, Unlocker, clock, now};

type ParsedBucket = BTreeMap<[u8; 32], RawEntry>;

/// A header as read, shared with the parse cache.
struct HeadRead {
    header: Arc<Header>,
    /// The prefix and header bytes: what the data signature covers.
    head: Vec<u8>,
    /// The data signature.
    sig: Vec<u8>,
    /// The scope records (v3), parsed but not verified: a reader checks the
    /// one it uses.
    records: Arc<Vec<Record>>,
    /// Bytes of the records region on disk, its length field included (0 in
    /// versions 1 and 2).
    records_len: u64,
    /// The file's size.
    size: u64,
}

type HeaderRead = Arc<HeadRead>;

/// Bucket tables: 0 is the base (in the signed header), `k + 1` the
/// partition of the header's writer `k`.
pub(crate) type Table = usize;
/// The base bucket table.
pub(crate) const BASE: Table = 0;

/// An opened, authenticated vault.
pub struct Vault {
    path: PathBuf,
    /// The verified header (slots, flags, bucket table), shared with the
    /// parse cache until a write changes it.
    pub header: Arc<Header>,
    header_len: usize,
    /// The scope records (v3); each is verified when first used
    /// ([`Vault::refs`]), remembered in `record_ok`.
    records: Arc<Vec<Record>>,
    record_ok: Vec<Cell<Option<bool>>>,
    /// Bytes of the records region as read (0 before v3).
    records_len: u64,
    /// What the credential unlocked.
    pub keys: Keyring,
    slot: usize,
    slot_key: Key32,
    /// The vault file as opened (the old file, during a write).
    file: Arc<File>,
    /// The header's bytes and signature as read (a write that changes no
    /// header or base copies them).
    read: HeaderRead,
    write: Option<write::WriteState>,
    /// Something changed: the commit writes a new file.
    dirty: bool,
    /// The header or the base changed: the commit signs a new header (with
    /// the data key, which only root writers hold).
    root_dirty: bool,
    /// Warnings to show the user (file mode, skipped entries or slots).
    warnings: RefCell<Vec<String>>,
    /// The slot table verified (only `vault check` opens a vault where it
    /// does not).
    table_ok: bool,
}

/// Reads and parses prefix, header and (v3) the scope records.
fn read_header(file: &File) -> Result<HeadRead> {
    let size = file
        .metadata()
        .map_err(|e| Error::io("cannot stat vault", e))?
        .len();
    let head_len = PREFIX_LEN.min(usize::try_from(size).unwrap_or(PREFIX_LEN));
    let prefix = store::read_at(file, 0, head_len)?;
    let magic_len = format::MAGIC.len().min(prefix.len());
    if prefix[..magic_len] != format::MAGIC[..magic_len] {
        return Err(Error::corrupt("not an sso-secrets vault (bad magic bytes)"));
    }
    if size < (PREFIX_LEN + SIG_LEN) as u64 {
        return Err(Error::corrupt("vault file is truncated"));
    }
    let (version, hlen) = format::parse_prefix(&prefix)?;
    let hlen = hlen as usize;
    if (PREFIX_LEN + hlen + SIG_LEN) as u64 > size {
        return Err(Error::corrupt("vault file is truncated"));
    }
    let v3 = version == format::VERSION;
    let end = PREFIX_LEN + hlen + SIG_LEN;
    let want = if v3 { end + 4 } else { end };
    if want as u64 > size {
        return Err(Error::corrupt("vault file is truncated"));
    }
    let mut head = store::read_at(file, 0, want)?;
    let mut sig = head.split_off(PREFIX_LEN + hlen);
    let header = Header::parse(version, &head[PREFIX_LEN..])?;
    let (records, records_len) = if v3 {
        let rlen = u32::from_be_bytes([
            sig[SIG_LEN],
            sig[SIG_LEN + 1],
            sig[SIG_LEN + 2],
            sig[SIG_LEN + 3],
        ]);
        sig.truncate(SIG_LEN);
        if rlen > format::MAX_HEADER_LEN || (want as u64).saturating_add(u64::from(rlen)) > size {
            return Err(Error::corrupt("the scope records do not fit in the file"));
        }
        let bytes = match rlen {
            0 => Vec::new(),
            n => store::read_at(file, want as u64, n as usize)?,
        };
        (
            record::parse_records(&bytes, header.writers.len())?,
            4 + u64::from(rlen),
        )
    } else {
        (Vec::new(), 0)
    };
    Ok(HeadRead {
        header: Arc::new(header),
        head,
        sig,
        records: Arc::new(records),
        records_len,
        size,
    })
}

/// Reads just enough to run the passphrase KDF before taking the lock.
pub fn prepare(path: &Path, unlocker: &Unlocker) {
    if !unlocker.is_passphrase() {
        return;
    }
    if let Ok((f, _)) = store::open_vault(path)
        && let Ok(read) = read_header(&f)
    {
        unlocker.prepare(&read.header);
    }
}

/// Whether `unlocker` opens its own key slot in the vault at `path`, and
/// nothing more. A passphrase typed at the terminal is checked this way so
/// that a typo can be typed again (403); a vault that fails authentication
/// is left for the operation itself to report, so that `vault check
/// --repair` stays reachable with a typed passphrase. The Argon2 key stays
/// cached in the unlocker: the operation does not run it again.
pub fn check_credential(path: &Path, unlocker: &Unlocker) -> Result<()> {
    let (file, warning) = store::open_vault(path)?;
    let checked = read_header(&file).and_then(|read| unlocker.unlock(&read.header).map(drop));
    with_warning(checked, warning)
}

/// A refused credential carries the file-mode warning in its message: it
/// matters most when the open fails, and a failed command prints nothing
/// else.
fn with_warning<T>(r: Result<T>, warning: Option<String>) -> Result<T> {
    match (r, warning) {
        (Err(Error::Unauthorized(d)), Some(w)) => Err(Error::Unauthorized(format!("{d} ({w})"))),
        (r, _) => r,
    }
}

/// How strictly [`Vault::open_file`] treats the slot table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TableCheck {
    /// Every credential: the table must verify.
    Strict,
    /// `vault check` with the passphrase: report instead of refusing.
    Report,
}

/// Verifies, with the table key sealed in the reader's own slot `slot`,
/// that slot's signature (which covers the epoch and the revoked list too),
/// and that the table belongs to the reader's key epoch.
fn table_verifies(header: &Header, keys: &Keyring, slot: usize, seen: &Seen) -> Result<bool> {
    let Some(table_key) = keys.table_key else {
        return Ok(false);
    };
    let s = &header.slots[slot];
    let list = header.list_digest()?;
    Ok(keys.epoch == header.epoch
        && seen.verify(
            &table_key,
            &s.message(&header.vault_id, &header.epoch, &list),
            &s.sig,
        ))
}

/// Where the bytes being verified came from: the vault file, whose checks
/// [`cache::verify`] may remember (keyed on the exact bytes), or a header
/// about to be written, which is always checked afresh.
#[derive(Clone, Copy)]
pub(crate) enum Seen {
    /// Read from the vault file.
    OnDisk,
    /// About to be written: nothing remembered, nothing to remember.
    Fresh,
}

impl Seen {
    /// Nothing remembered, nothing to remember: every check runs.
    pub(crate) const FRESH: Seen = Seen::Fresh;

    fn verify(self, key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
        match self {
            Seen::OnDisk => cache::verify(key, msg, sig),
            Seen::Fresh => crypto::verify(key, msg, sig),
        }
    }
}

impl Vault {
    /// Opens for reading: checks the slot, the signatures and the length.
    pub fn open(path: &Path, unlocker: &Unlocker) -> Result<Vault> {
        Self::open_at(path, unlocker, None, clock)
    }

    /// Opens for a read-modify-write under `lock`. Buckets are read (and
    /// checked against the signed table) only when the write touches them.
    /// A version 1 vault is refused: it must be upgraded first.
    pub fn open_for_write(
        path: &Path,
        unlocker: &Unlocker,
        lock: store::WriteLock,
    ) -> Result<Vault> {
        let v = Self::open_at(path, unlocker, Some(lock), clock)?;
        v.require_current_version()?;
        Ok(v)
    }

    pub(crate) fn open_at(
        path: &Path,
        unlocker: &Unlocker,
        lock: Option<store::WriteLock>,
        clock: Clock,
    ) -> Result<Vault> {
        Self::open_with(path, unlocker, lock, clock, TableCheck::Strict)
    }

    /// Opens with the passphrase for `vault check`, `vault upgrade` (any
    /// version) and `--repair`: a failing slot table is reported, not fatal.
    pub fn open_for_admin(
        path: &Path,
        unlocker: &Unlocker,
        lock: Option<store::WriteLock>,
    ) -> Result<Vault> {
        if !unlocker.is_passphrase() {
            return Err(Error::admin_only());
        }
        Self::open_with(path, unlocker, lock, clock, TableCheck::Report)
    }

    fn open_with(
        path: &Path,
        unlocker: &Unlocker,
        lock: Option<store::WriteLock>,
        clock: Clock,
        table: TableCheck,
    ) -> Result<Vault> {
        let (file, meta, warning) = store::open_vault_meta(path)?;
        let id = cache::FileId::from_meta(&meta);
        let v = Self::open_file(path, file, id, unlocker, lock, clock, table);
        if let Ok(v) = &v {
            v.warnings.borrow_mut().extend(warning.clone());
        }
        with_warning(v, warning)
    }

    fn open_file(
        path: &Path,
        file: Arc<File>,
        before: cache::FileId,
        unlocker: &Unlocker,
        lock: Option<store::WriteLock>,
        clock: Clock,
        table: TableCheck,
    ) -> Result<Vault> {
        let (read, fresh) = match cache::parsed::<HeaderRead>(before) {
            Some(read) => (read, false),
            None => (Arc::new(read_header(&file)?), true),
        };
        let (header, head, sig, size) = (read.header.clone(), &read.head, &read.sig, read.size);
        let u = unlocker.unlock(&header)?;
        let seen = Seen::OnDisk;
        let table_ok =
            header.version == format::VERSION_1 || table_verifies(&header, &u.keys, u.slot, &seen)?;
        if !table_ok && table == TableCheck::Strict {
            return Err(Error::corrupt(
                "the key slot or the revoked list fails its signature (the passphrase holder can run `sso-secrets vault check`)",
            ));
        }
        if !seen.verify(&u.keys.verify_key, head, sig) {
            return Err(Error::corrupt(
                "the vault header's signature does not verify",
            ));
        }
        let expected = file_len(&header, head.len(), read.records_len, &read.records)?;
        if size != expected {
            return Err(Error::corrupt(format!(
                "vault file is {size} bytes, its header says {expected}"
            )));
        }
        if fresh && table_ok {
            // Only a header that verified is kept (about twice its bytes:
            // the bytes and the parse; the records likewise).
            let weight = 2 * head.len() + sig.len() + 2 * read.records_len as usize;
            cache::remember_parsed(before, &file, read.clone(), weight);
        }
        if let Some(exp) = u.keys.expires
            && clock()? >= exp
        {
            return Err(Error::Unauthorized(format!(
                "access token {} expired at {}",
                crate::text::quote(&u.keys.name),
                crate::time::rfc3339(exp)
            )));
        }
        let mut v = Vault {
            path: path.to_path_buf(),
            header_len: head.len(),
            record_ok: read.records.iter().map(|_| Cell::new(None)).collect(),
            records: read.records.clone(),
            records_len: read.records_len,
            read: read.clone(),
            header,
            keys: u.keys,
            slot: u.slot,
            slot_key: u.slot_key,
            file,
            write: None,
            dirty: false,
            root_dirty: false,
            warnings: RefCell::new(Vec::new()),
            table_ok,
        };
        if let Some(lock) = lock {
            v.write = Some(write::WriteState::new(lock, &v));
        }
        Ok(v)
    }

    /// Warnings collected so far (and forgets them).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.warnings.borrow_mut())
    }

    fn warn(&self, w: String) {
        self.warnings.borrow_mut().push(w);
    }

    /// The file format version (1, 2 or 3).
    pub fn version(&self) -> u16 {
        self.header.version
    }

    fn require_current_version(&self) -> Result<()> {
        if self.header.version == format::VERSION_1 {
            return Err(Error::failure(
                "this vault is in format version 1, which this build only reads; run `sso-secrets vault upgrade` (passphrase) to convert it, then retry",
            ));
        }
        Ok(())
    }

    /// Lookup material for `scope`, or 403 when the credential lacks it.
    pub fn scope(&self, scope: &Scope) -> Result<ScopeKeys> {
        let key = self
            .keys
            .scope_key(scope)
            .ok_or_else(|| self.not_covered(scope))?;
        Ok(ScopeKeys::new(scope.clone(), key))
    }

    /// 403 unless the credential covers `scope` (nothing is derived).
    pub fn check_scope(&self, scope: &Scope) -> Result<()> {
        if self.keys.covers(scope) {
            Ok(())
        } else {
            Err(self.not_covered(scope))
        }
    }

    fn not_covered(&self, scope: &Scope) -> Error {
        Error::Unauthorized(format!(
            "access token {} does not cover {}",
            crate::text::quote(&self.keys.name),
            scope.describe()
        ))
    }

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
    fn refs_unchecked(&self, t: Table) -> &[BucketRef] {
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
    fn record_verifies(&self, k: usize) -> bool {
        let cell = &self.record_ok[k];
        if let Some(ok) = cell.get() {
            return ok;
        }
        let w = &self.header.writers[k];
        let r = &self.records[k];
        let ok = r
            .signer_key(&self.keys.verify_key, w)
            .zip(r.message(&self.header.vault_id, &self.header.epoch, w).ok())
            .is_some_and(|(key, msg)| Seen::OnDisk.verify(&key, &msg, &r.sig));
        cell.set(Some(ok));
        ok
    }

    /// Where table `t`'s bucket `i` starts in the file as opened.
    fn bucket_offset(&self, t: Table, i: usize) -> u64 {
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

    /// Reads bucket `i` of table `t` from the file and checks it against
    /// the table's authenticated refs.
    fn read_bucket(&self, t: Table, i: usize) -> Result<Vec<u8>> {
        let r = &self.refs(t)?[i];
        let off = self.bucket_offset(t, i);
        let bytes = store::read_at(&self.file, off, r.len as usize)?;
        if !cache::hash_matches((t << 20) | i, &bytes, &r.hash) {
            return Err(Error::corrupt("a vault bucket fails its hash"));
        }
        Ok(bytes)
    }

    fn changed(&self, t: Table, i: usize) -> Option<&ParsedBucket> {
        self.write
            .as_ref()
            .and_then(|w| w.changed[t].get(i).and_then(Option::as_ref))
    }

    /// Calls `f` on every entry of bucket `i` of table `t`, as this session
    /// sees it.
    fn for_each_in_bucket(
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
    fn bucket_entries(&self, t: Table, i: usize) -> Result<Result<Vec<RawEntry>>> {
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
    pub fn len(&self) -> usize {
        (0..self.tables())
            .filter_map(|t| self.refs(t).ok())
            .map(|r| format::table_entries(r).unwrap_or(0))
            .sum()
    }

    /// True when the vault holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens one raw entry if this credential covers its scope: `Ok(None)`
    /// when it does not, an error when it fails authentication.
    fn open_raw(
        &self,
        raw: &RawEntry,
        scoped: &[ScopeKeys],
        seen: &mut Scopes,
    ) -> Result<Option<(Scope, Entry)>> {
        let vid = &self.header.vault_id;
        if let Some(sk) = scoped.iter().find(|sk| sk.tag == raw.tag) {
            return Ok(Some((sk.scope.clone(), sk.open(vid, raw)?)));
        }
        let Some(scope) = seen.name(self.header.version, vid, &self.keys, raw)? else {
            return Ok(None);
        };
        let derived = &mut seen.keys;
        if !derived.contains_key(&scope) {
            let Some(k) = self.keys.scope_key(&scope) else {
                return Ok(None);
            };
            derived.insert(scope.clone(), ScopeKeys::new(scope.clone(), k));
        }
        match derived.get(&scope) {
            Some(sk) if sk.tag == raw.tag => Ok(Some((scope, sk.open(vid, raw)?))),
            Some(_) => Err(Error::corrupt("an entry's scope does not match its tag")),
            None => Ok(None),
        }
    }

    /// Whether this credential may find entries in table `t`: a root
    /// holder everywhere, a scoped token in the base and its own partitions
    /// (so another scope's failing record is not its concern).
    fn reads_table(&self, t: Table, scoped: &[ScopeKeys]) -> bool {
        if t == BASE || self.keys.sso_root.is_some() || self.keys.did_root.is_some() {
            return true;
        }
        let w = &self.header.writers[t - 1];
        scoped
            .iter()
            .any(|sk| sk.scope.kind() == w.kind && sk.tag == w.tag)
    }

    /// Whether a raw entry belongs where it lies: in a partition, the
    /// partition's own scope; in the base, no listed scope.
    fn placed_right(&self, t: Table, raw: &RawEntry) -> bool {
        match t {
            BASE => self.header.writer_of(raw.kind, &raw.tag).is_none(),
            _ => {
                let w = &self.header.writers[t - 1];
                w.kind == raw.kind && w.tag == raw.tag
            }
        }
    }

    /// Every entry this credential may read, decrypted, sorted by scope and
    /// name. Entries (or whole buckets, or partitions) that fail
    /// authentication are skipped and reported as a warning, so one planted
    /// entry cannot stop listing or export. Only a base bucket that fails its
    /// signed hash is fatal: no key holder but a root writer can produce it.
    pub fn entries(&self) -> Result<Vec<(Scope, Entry)>> {
        self.entries_skipping(|t| t != BASE)
    }

    /// As [`Vault::entries`], for a rekey, which re-signs what it reads:
    /// a partition that fails (its record, or a bucket's hash) is skipped
    /// only when `forfeit` says its data was at the mercy of tokens being
    /// dropped anyway; anywhere else it stops the rekey, so that data is
    /// only ever dropped by `vault check --repair`, never by a revoke.
    pub(super) fn entries_skipping(
        &self,
        forfeit: impl Fn(Table) -> bool,
    ) -> Result<Vec<(Scope, Entry)>> {
        let scoped: Vec<ScopeKeys> = self
            .keys
            .scoped_keys()
            .into_iter()
            .map(|(s, k)| ScopeKeys::new(s, k))
            .collect();
        let stop = |t: Table| {
            Error::corrupt(format!(
                "scope partition {} fails authentication; `sso-secrets vault check --repair` drops it (its secrets are lost), then retry",
                t - 1
            ))
        };
        let mut seen = Scopes::default();
        let mut out = Vec::new();
        let mut bad = BadList::default();
        for t in 0..self.tables() {
            if !self.reads_table(t, &scoped) {
                continue;
            }
            let Ok(refs) = self.refs(t) else {
                if !forfeit(t) {
                    return Err(stop(t));
                }
                bad.add_record(t - 1);
                continue;
            };
            for i in 0..refs.len() {
                let raws = match self.bucket_entries(t, i) {
                    Ok(Ok(raws)) => raws,
                    Ok(Err(_)) => {
                        bad.add(t, i, None);
                        continue;
                    }
                    // A partition's writers sign its record, so a bucket
                    // that fails its hash there is theirs to have written
                    // (and the base's, for a dropped holder of the data key).
                    Err(_) if forfeit(t) => {
                        bad.add(t, i, None);
                        continue;
                    }
                    Err(_) if t != BASE => return Err(stop(t)),
                    Err(e) => return Err(e),
                };
                for (j, raw) in raws.iter().enumerate() {
                    if !self.placed_right(t, raw) {
                        bad.add(t, i, Some(j));
                        continue;
                    }
                    match self.open_raw(raw, &scoped, &mut seen) {
                        Ok(Some(e)) => out.push(e),
                        Ok(None) => {}
                        Err(_) => bad.add(t, i, Some(j)),
                    }
                }
            }
        }
        if let Some(w) = bad.describe("entries") {
            self.warn(w);
        }
        out.sort_by(|a, b| (&a.0, &a.1.key).cmp(&(&b.0, &b.1.key)));
        Ok(out)
    }
}

/// Total length of a file with this header and records: what its size must
/// be (the records' lengths are checked structurally here; each record's
/// signature is checked by the reader that uses it).
fn file_len(header: &Header, head_len: usize, records_len: u64, records: &[Record]) -> Result<u64> {
    let mut total = ((head_len + SIG_LEN) as u64)
        .checked_add(records_len)
        .and_then(|n| n.checked_add(format::table_len(&header.buckets).ok()?))
        .ok_or_else(|| Error::corrupt("vault length overflows"))?;
    for r in records {
        total = total
            .checked_add(r.data_len()?)
            .ok_or_else(|| Error::corrupt("vault length overflows"))?;
    }
    Ok(total)
}

/// What a pass over every entry learnt about scopes: each scope's keys,
/// and each sealed scope name already opened. In format 2 a scope's name is
/// sealed the same way in all its entries, so it is opened once per exact
/// (tag, kind, ciphertext), not once per entry; the same bytes under the
/// same keyring always open to the same name, so nothing is taken on trust.
#[derive(Default)]
pub(crate) struct Scopes {
    keys: HashMap<Scope, ScopeKeys>,
    names: HashMap<([u8; 16], u8, Vec<u8>), Scope>,
}

impl Scopes {
    fn name(
        &mut self,
        version: u16,
        vault_id: &[u8; 16],
        keyring: &Keyring,
        raw: &RawEntry,
    ) -> Result<Option<Scope>> {
        if version == format::VERSION_1 {
            // Version 1 seals each entry's scope name under its own salt.
            return keys::open_scope_name(version, vault_id, keyring, raw);
        }
        let key = (raw.tag, raw.kind, raw.scope_ct.clone());
        if let Some(scope) = self.names.get(&key) {
            return Ok(Some(scope.clone()));
        }
        let scope = keys::open_scope_name(version, vault_id, keyring, raw)?;
        if let Some(s) = &scope {
            self.names.insert(key, s.clone());
        }
        Ok(scope)
    }
}

/// Where things that failed authentication were, for one warning line.
#[derive(Default)]
pub(crate) struct BadList {
    places: Vec<String>,
}

impl BadList {
    pub(crate) fn add(&mut self, table: Table, bucket: usize, entry: Option<usize>) {
        let partition = match table {
            BASE => String::new(),
            t => format!("scope partition {} ", t - 1),
        };
        self.places.push(match entry {
            Some(e) => format!("{partition}bucket {bucket} entry {e}"),
            None => format!("{partition}bucket {bucket} (whole bucket)"),
        });
    }
    pub(crate) fn add_record(&mut self, k: usize) {
        self.places
            .push(format!("scope partition {k} (its record)"));
    }
    pub(crate) fn add_slot(&mut self, slot: usize) {
        self.places.push(format!("key slot {slot}"));
    }
    pub(crate) fn len(&self) -> usize {
        self.places.len()
    }
    pub(crate) fn places(&self) -> &[String] {
        &self.places
    }
    pub(crate) fn describe(&self, what: &str) -> Option<String> {
        if self.places.is_empty() {
            return None;
        }
        let shown: Vec<&str> = self.places.iter().take(5).map(String::as_str).collect();
        let more = self.places.len().saturating_sub(shown.len());
        Some(format!(
            "warning: skipped {} {what} that fail authentication ({}{}); `sso-secrets vault check` reports them",
            self.places.len(),
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ))
    }
}
