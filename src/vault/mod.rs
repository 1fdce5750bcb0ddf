//! The encrypted vault: opening and authenticating it. Reading one bucket
//! for a lookup (base or scope partition) is in `tables`, listing every
//! entry in `listing`, writes in [`write`], passphrase-only operations in
//! `admin`, rekeying in `rekey`, `vault check` in `check`.

mod admin;
mod audit;
pub mod audit_block;
pub(crate) mod bucket;
pub mod cache;
mod check;
pub mod codec;
mod entry;
pub mod format;
pub mod keys;
mod listing;
pub mod record;
mod rekey;
pub mod store;
mod tables;
mod unlock;
mod write;

#[cfg(test)]
mod attack_tests;
#[cfg(test)]
mod test_support;

use crate::crypto::{self, SIG_LEN};
use crate::error::{Error, Result};
use crate::secret::Key32;
pub use admin::{TokenInfo, create};
pub use audit::AuditTarget;
pub use check::CheckReport;
use format::{Header, PREFIX_LEN, RawEntry};
use keys::{Keyring, Scope, ScopeKeys};
pub(crate) use listing::{BadList, Scopes};
use record::Record;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::Arc;
use store::{Locked, Snapshot, Store};
pub use unlock::{Clock, Unlocker, clock, now};

type ParsedBucket = BTreeMap<[u8; 32], RawEntry>;

/// A vault's head as read: prefix, header, signature and scope records.
/// A store hands it out and may keep it (see [`store::Buckets::keep`]).
pub struct HeadRead {
    header: Arc<Header>,
    /// The prefix and header bytes: what the data signature covers.
    head: Vec<u8>,
    /// The data signature.
    sig: Vec<u8>,
    /// The scope records (v3), parsed but not verified: a reader checks the
    /// one it uses.
    records: Arc<Vec<Record>>,
    /// Bytes of the records region, its length field included (0 in
    /// versions 1 and 2).
    records_len: u64,
    /// The whole file's size, for a store that keeps the vault in one file
    /// (whose length the header then fixes); `None` for a store that keeps
    /// each bucket apart.
    size: Option<u64>,
}

impl HeadRead {
    /// Reads and parses prefix, header and (v3) the scope records through
    /// `read(offset, len)`, from a vault of `size` bytes when the store
    /// knows it.
    pub(crate) fn read(
        size: Option<u64>,
        read: impl Fn(u64, usize) -> Result<Vec<u8>>,
    ) -> Result<HeadRead> {
        let limit = size.unwrap_or(u64::MAX);
        let head_len = PREFIX_LEN.min(usize::try_from(limit).unwrap_or(PREFIX_LEN));
        let prefix = read(0, head_len)?;
        let magic_len = format::MAGIC.len().min(prefix.len());
        if prefix[..magic_len] != format::MAGIC[..magic_len] {
            return Err(Error::corrupt("not an sso-secrets vault (bad magic bytes)"));
        }
        if limit < (PREFIX_LEN + SIG_LEN) as u64 {
            return Err(Error::corrupt("vault file is truncated"));
        }
        let (version, hlen) = format::parse_prefix(&prefix)?;
        let hlen = hlen as usize;
        let v3 = version == format::VERSION;
        // Format 3 adds the records region's length after the signature.
        let want = PREFIX_LEN + hlen + SIG_LEN + if v3 { 4 } else { 0 };
        if want as u64 > limit {
            return Err(Error::corrupt("vault file is truncated"));
        }
        let mut head = read(0, want)?;
        let mut sig = head.split_off(PREFIX_LEN + hlen);
        let header = Header::parse(version, &head[PREFIX_LEN..])?;
        let (records, records_len) = if v3 {
            let tail = sig.split_off(SIG_LEN);
            let rlen = u32::from_be_bytes([tail[0], tail[1], tail[2], tail[3]]);
            if rlen > format::MAX_HEADER_LEN
                || (want as u64).saturating_add(u64::from(rlen)) > limit
            {
                return Err(Error::corrupt("the scope records do not fit in the file"));
            }
            let bytes = match rlen {
                0 => Vec::new(),
                n => read(want as u64, n as usize)?,
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

    /// Parses a head held as one byte string (a store that keeps it apart
    /// from the buckets): it must be exactly the head, nothing after it.
    pub fn parse(bytes: &[u8]) -> Result<HeadRead> {
        let slice = |offset: u64, len: usize| {
            usize::try_from(offset)
                .ok()
                .and_then(|o| bytes.get(o..o.checked_add(len)?))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| Error::corrupt("the vault head is truncated"))
        };
        let read = HeadRead::read(Some(bytes.len() as u64), slice)?;
        if read.len() != bytes.len() as u64 {
            return Err(Error::corrupt("the vault head has bytes after its records"));
        }
        Ok(HeadRead { size: None, ..read })
    }

    /// The header as read: parsed, not verified.
    pub(crate) fn header_unverified(&self) -> &Header {
        &self.header
    }

    /// Bytes of the head: prefix, header, signature and records region.
    fn len(&self) -> u64 {
        (self.head.len() + self.sig.len()) as u64 + self.records_len
    }

    /// About what keeping it costs: the bytes and the parse.
    pub(crate) fn weight(&self) -> usize {
        2 * self.head.len() + self.sig.len() + 2 * self.records_len as usize
    }

    /// The bucket hashes the head lists (base and every record, none of
    /// them verified): what a store must keep while this head is current.
    pub fn bucket_hashes(&self) -> impl Iterator<Item = &[u8; 32]> {
        self.header
            .buckets
            .iter()
            .chain(self.records.iter().flat_map(|r| r.buckets.iter()))
            .map(|b| &b.hash)
    }
}

/// One state of a vault's signed head: what the passphrase holder's
/// machine remembers of each vault it opens, to notice one that goes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadId {
    /// The vault, random at `init` (a copy of the file has the same).
    pub vault_id: [u8; 16],
    /// The key epoch, renewed by every rekey; only the passphrase makes one.
    pub epoch: [u8; 16],
    /// Writes of the header, as the header says (any root writer of the
    /// epoch can set it, so it orders heads within an epoch only).
    pub generation: u64,
    /// SHA-256 of the prefix and header: what the data signature covers.
    pub hash: [u8; 32],
    /// The last audit record the passphrase anchored (0: none, or no
    /// trail). Only the passphrase signs an anchor, and honest writes never
    /// move it back.
    pub anchor: u64,
}

impl HeadId {
    fn of(header: &Header, head: &[u8]) -> HeadId {
        HeadId {
            vault_id: header.vault_id,
            epoch: header.epoch,
            generation: header.generation,
            anchor: header.audit.as_ref().map_or(0, |a| a.anchor.seq),
            hash: crypto::sha256(head),
        }
    }
}

/// Bucket tables: 0 is the base (in the signed header), `k + 1` the
/// partition of the header's writer `k`.
pub(crate) type Table = usize;
/// The base bucket table.
pub(crate) const BASE: Table = 0;

/// An opened, authenticated vault.
pub struct Vault {
    /// The verified header (slots, flags, bucket table), shared with the
    /// parse cache until a write changes it.
    pub(crate) header: Arc<Header>,
    header_len: usize,
    /// The scope records (v3); each is verified when first used
    /// ([`Vault::refs`]), remembered in `record_ok`.
    records: Arc<Vec<Record>>,
    record_ok: Vec<Cell<Option<bool>>>,
    /// Bytes of the records region as read (0 before v3).
    records_len: u64,
    /// What the credential unlocked.
    pub(crate) keys: Keyring,
    slot: usize,
    slot_key: Key32,
    /// Reads the buckets of the head as opened (the old head, during a
    /// write).
    buckets: Arc<dyn store::Buckets>,
    /// The head as read (a write that changes no header or base copies its
    /// bytes and signature).
    read: Arc<HeadRead>,
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

#[cfg(any(test, feature = "test-support"))]
/// Reads just enough to run the passphrase KDF before taking the lock.
pub fn prepare(store: &dyn Store, unlocker: &Unlocker) {
    if !unlocker.is_passphrase() {
        return;
    }
    if let Ok(s) = store.head() {
        unlocker.prepare(&s.head.header);
    }
}

/// [`prepare`] on a head already read (the one the vault's presence was
/// checked with).
pub(crate) fn prepare_at(snapshot: &Snapshot, unlocker: &Unlocker) {
    if unlocker.is_passphrase() {
        unlocker.prepare(&snapshot.head.header);
    }
}

/// [`check_credential`] on a head already read.
pub(crate) fn check_credential_at(snapshot: &Snapshot, unlocker: &Unlocker) -> Result<()> {
    with_warning(
        unlocker.unlock(&snapshot.head.header).map(drop),
        snapshot.warning.clone(),
    )
}

impl Snapshot {
    /// The head this snapshot would open as, before it is verified (to
    /// compare with what this machine saw, see `local::History`).
    pub(crate) fn head_id(&self) -> HeadId {
        HeadId::of(&self.head.header, &self.head.head)
    }
}

#[cfg(test)]
/// Whether `unlocker` opens its own key slot in the vault, and nothing
/// more. A passphrase typed at the terminal is checked this way so that a
/// typo can be typed again (403); a vault that fails authentication is left
/// for the operation itself to report, so that `vault check --repair`
/// stays reachable with a typed passphrase. The Argon2 key stays cached in
/// the unlocker: the operation does not run it again.
pub fn check_credential(store: &dyn Store, unlocker: &Unlocker) -> Result<()> {
    check_credential_at(&store.head()?, unlocker)
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

/// How strictly [`Vault::open_head`] treats the slot table.
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
    pub fn open(store: &dyn Store, unlocker: &Unlocker) -> Result<Vault> {
        Self::open_at(store, unlocker, clock)
    }

    /// Opens for a read-modify-write under `lock`, from the head as it is
    /// under the lock. Buckets are read (and checked against the signed
    /// table) only when the write touches them. A version 1 vault is
    /// refused: it must be upgraded first.
    pub fn open_for_write(lock: Box<dyn Locked>, unlocker: &Unlocker) -> Result<Vault> {
        let v = Self::open_locked(lock, unlocker, clock, TableCheck::Strict)?;
        v.require_current_version()?;
        Ok(v)
    }

    /// [`Vault::open`] from a head already read.
    pub(crate) fn open_from(snapshot: Snapshot, unlocker: &Unlocker) -> Result<Vault> {
        Self::open_snapshot(snapshot, unlocker, None, clock, TableCheck::Strict)
    }

    /// [`Vault::open_for_admin`] from a head already read.
    pub(crate) fn open_for_admin_from(snapshot: Snapshot, unlocker: &Unlocker) -> Result<Vault> {
        if !unlocker.is_passphrase() {
            return Err(Error::admin_only());
        }
        Self::open_snapshot(snapshot, unlocker, None, clock, TableCheck::Report)
    }

    pub(crate) fn open_at(store: &dyn Store, unlocker: &Unlocker, clock: Clock) -> Result<Vault> {
        Self::open_snapshot(store.head()?, unlocker, None, clock, TableCheck::Strict)
    }

    #[cfg(any(test, feature = "test-support"))]
    /// Opens with the passphrase for `vault check`, `vault upgrade` (any
    /// version) and `--repair`: a failing slot table is reported, not fatal.
    pub fn open_for_admin(store: &dyn Store, unlocker: &Unlocker) -> Result<Vault> {
        if !unlocker.is_passphrase() {
            return Err(Error::admin_only());
        }
        Self::open_snapshot(store.head()?, unlocker, None, clock, TableCheck::Report)
    }

    /// [`Vault::open_for_admin`] under the writer lock.
    pub fn open_for_admin_write(lock: Box<dyn Locked>, unlocker: &Unlocker) -> Result<Vault> {
        if !unlocker.is_passphrase() {
            return Err(Error::admin_only());
        }
        Self::open_locked(lock, unlocker, clock, TableCheck::Report)
    }

    fn open_locked(
        mut lock: Box<dyn Locked>,
        unlocker: &Unlocker,
        clock: Clock,
        table: TableCheck,
    ) -> Result<Vault> {
        let snapshot = lock.head()?;
        Self::open_snapshot(snapshot, unlocker, Some(lock), clock, table)
    }

    fn open_snapshot(
        snapshot: Snapshot,
        unlocker: &Unlocker,
        lock: Option<Box<dyn Locked>>,
        clock: Clock,
        table: TableCheck,
    ) -> Result<Vault> {
        let warning = snapshot.warning.clone();
        let v = Self::open_head(snapshot, unlocker, lock, clock, table);
        if let Ok(v) = &v {
            v.warnings.borrow_mut().extend(warning.clone());
        }
        with_warning(v, warning)
    }

    fn open_head(
        snapshot: Snapshot,
        unlocker: &Unlocker,
        lock: Option<Box<dyn Locked>>,
        clock: Clock,
        table: TableCheck,
    ) -> Result<Vault> {
        let read = snapshot.head;
        let (header, head, sig) = (read.header.clone(), &read.head, &read.sig);
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
        if let Some(size) = read.size {
            let expected = file_len(&header, head.len(), read.records_len, &read.records)?;
            if size != expected {
                return Err(Error::corrupt(format!(
                    "vault file is {size} bytes, its header says {expected}"
                )));
            }
        }
        if snapshot.fresh && table_ok {
            // Only a header that verified is kept.
            snapshot.buckets.keep(&read);
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
            header_len: head.len(),
            record_ok: read.records.iter().map(|_| Cell::new(None)).collect(),
            records: read.records.clone(),
            records_len: read.records_len,
            header,
            read,
            keys: u.keys,
            slot: u.slot,
            slot_key: u.slot_key,
            buckets: snapshot.buckets,
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

    /// The head as opened (see [`Vault::commit_head`] for the one a write
    /// publishes).
    pub fn head_id(&self) -> HeadId {
        HeadId::of(&self.read.header, &self.read.head)
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
