//! Where a vault's bytes live: the storage joint under the format.
//!
//! A vault is a *head* (prefix, header, data signature and the scope
//! records: everything a reader authenticates first) and *buckets*, each
//! named by the SHA-256 that the signed head lists for it. A store keeps
//! those bytes and nothing else: it never sees a key, never decides whether
//! bytes are authentic (every check stays in the vault layer above, which
//! treats a store exactly as it treats a file another user could write),
//! and offers four things:
//!
//! - [`Store::head`]: the current head, parsed, with a way to read the
//!   buckets it names ([`Buckets`]);
//! - [`Store::lock`]: the writer lock, under which [`Locked::head`] reads
//!   the head a write starts from;
//! - [`Locked::publish`]: the new head with its new buckets, made visible
//!   at once or not at all, and only if the head is still the one the lock
//!   read (a compare-and-swap; a lost race is exit 75, like a busy lock);
//! - [`Store::create`]: a new vault, refused where one exists.
//!
//! The lock, the caches and the permission checks of each store live in
//! its module: [`file`] (one file, replaced atomically; the default) and
//! [`pg`] (a PostgreSQL database: immutable bucket rows and one head row).

pub mod file;
pub mod pg;

pub use file::LockError;

use super::HeadRead;
use crate::error::{Error, Result};
use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where a vault lives, as the user named it (`--vault`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A vault file (the default).
    File(PathBuf),
    /// A PostgreSQL database (`postgresql://…` or `postgres://…`).
    Postgres(pg::Target),
}

impl Location {
    /// A `postgresql://` or `postgres://` URL names a database; anything
    /// else is a file path. A URL that does not parse is a usage error
    /// (exit 2) before anything is opened.
    pub fn parse(text: &OsStr) -> Result<Location> {
        match text.to_str() {
            Some(t) if pg::is_url(t) => Ok(Location::Postgres(pg::Target::parse(t)?)),
            _ => Ok(Location::File(PathBuf::from(text))),
        }
    }

    /// The store for this location. A database store is shared by every
    /// caller in the process (its connections and caches), so a server
    /// opens its connections once.
    pub fn open(&self) -> Result<Arc<dyn Store>> {
        match self {
            Location::File(p) => Ok(Arc::new(file::FileStore::new(p.clone()))),
            Location::Postgres(t) => Ok(pg::PgStore::shared(t)?),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Postgres(t) => write!(f, "{t}"),
        }
    }
}

/// Where one bucket is: its place in a file store, its length and the hash
/// the signed head gives it (a database finds it by the hash alone).
#[derive(Clone, Copy, Debug)]
pub struct BucketAt {
    /// Offset in the vault file as read.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
    /// SHA-256 of its bytes, as the head lists it.
    pub hash: [u8; 32],
}

/// Reads the buckets of one head, as that head was read: a file store
/// reads the file it opened (a later rename does not change it); a
/// database reads rows by hash, which never change.
pub trait Buckets: Send + Sync {
    /// The bucket's bytes, unchecked (the caller checks the hash).
    fn bucket(&self, at: &BucketAt) -> Result<Vec<u8>>;
    /// The head verified: the store may keep its parse for the next reader.
    /// Only a head that verified is kept, so a forged one takes no room.
    fn keep(&self, head: &Arc<HeadRead>);
}

/// One read of a vault's head.
pub struct Snapshot {
    /// The head, parsed but not authenticated.
    pub(crate) head: Arc<HeadRead>,
    /// Parsed by this read (not from a cache): worth keeping once verified.
    pub(crate) fresh: bool,
    /// The buckets this head names.
    pub(crate) buckets: Arc<dyn Buckets>,
    /// A warning for the user (a vault file others can read).
    pub(crate) warning: Option<String>,
}

/// One piece of a new head's buckets, in the head's order.
pub enum Part {
    /// New bytes, with their hash.
    New {
        /// The bucket.
        bytes: Vec<u8>,
        /// Its SHA-256.
        hash: [u8; 32],
    },
    /// Unchanged buckets: this range of the vault file as read (a database
    /// already holds them, by hash).
    Old {
        /// Offset in the file as read.
        offset: u64,
        /// Bytes.
        len: u64,
    },
}

/// What a write publishes: the head's bytes (prefix, header, signature,
/// records) and every bucket in order.
pub struct NewHead {
    /// Prefix, header, signature and records region.
    pub head: Vec<u8>,
    /// The buckets, base table first, then each partition.
    pub parts: Vec<Part>,
}

/// A place that holds one vault.
pub trait Store: Send + Sync {
    /// The current head. A server may answer from a head it confirmed
    /// current within the last 100 ms; a writer reads through [`Locked`].
    fn head(&self) -> Result<Snapshot>;
    /// Takes the writer lock, waiting at most `timeout` (then exit 75).
    fn lock(&self, timeout: Duration) -> std::result::Result<Box<dyn Locked>, LockError>;
    /// Creates a vault holding `new`; refuses (exit 1, nothing written)
    /// where one exists.
    fn create(&self, timeout: Duration, new: NewHead) -> Result<()>;
    /// Fails (exit 1) when there is no vault, before any credential is
    /// asked for: nobody should type a passphrase for a vault that is not
    /// there. Returns a warning to show, if any.
    fn check_present(&self) -> Result<Option<String>> {
        self.head().map(|s| s.warning)
    }
    /// For a long-running reader (`serve`): keep learning of commits, so
    /// that [`Store::head`] can answer from a head confirmed current within
    /// the last 100 ms. A file needs nothing: a `stat` is the check.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    fn watch(&self) {}
}

/// The writer lock of a store, held until dropped or published.
pub trait Locked: Send {
    /// The head as it is now; a write starts from it.
    fn head(&mut self) -> Result<Snapshot>;
    /// Makes `new` the vault, if the head is still the one [`Locked::head`]
    /// read; on any failure the vault is as it was.
    fn publish(self: Box<Self>, new: NewHead) -> Result<()>;
}

/// Takes `store`'s writer lock; a read-only file system is the caller's
/// 555, reported once credential and scope have been checked.
pub fn lock(store: &dyn Store, timeout: Duration) -> Result<Result<Box<dyn Locked>>> {
    match store.lock(timeout) {
        Ok(l) => Ok(Ok(l)),
        Err(LockError::ReadOnly(e)) => Ok(Err(e)),
        Err(LockError::Other(e)) => Err(e),
    }
}

/// The bytes of a whole vault file: the head, then every bucket.
pub(crate) fn concat(new: &NewHead) -> Result<Vec<u8>> {
    let mut out = new.head.clone();
    for p in &new.parts {
        match p {
            Part::New { bytes, .. } => out.extend_from_slice(bytes),
            Part::Old { .. } => {
                return Err(Error::failure(
                    "internal: a new vault cannot refer to an old file",
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod pg_attack_tests;
#[cfg(test)]
mod tests;
