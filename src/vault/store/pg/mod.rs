//! The PostgreSQL store: one vault per database, for teams that outgrew one
//! machine.
//!
//! Three tables, created by `init`:
//! - `sso_secrets_meta`: the schema version;
//! - `sso_secrets_head`: one row, the head's bytes and a commit counter;
//! - `sso_secrets_bucket`: immutable rows keyed by (vault id, SHA-256),
//!   each a bucket's bytes.
//!
//! A write holds a transaction-scoped advisory lock (writers queue as they
//! do on a file's lock, `--lock-timeout` included), then publishes in the
//! same transaction: the head row updated where the counter is still the
//! one read (0 rows: a lost race, exit 75), the new buckets inserted, and a
//! notification. Readers see the old head with its buckets or the new one
//! with its buckets, never a mix. A bucket no head refers to is marked, and
//! deleted a minute after (never one a reader may still need: reads take
//! milliseconds, and a server re-reads the head within 100 ms).
//!
//! A process keeps the last head that verified, named by the SHA-256 of
//! its bytes, and asks the database for the SHA-256 of the current head
//! (which the database computes from the bytes it holds) before using it:
//! like every cache in this tool, keyed on content. The counter only
//! serves the writers' compare-and-swap: whoever can write the rows can
//! set it to anything, so it never decides which bytes a reader uses.
//!
//! The database is untrusted exactly as a file writer is: it holds the
//! bytes a file would hold (ciphertext, sealed names, signed structures),
//! and every check happens above, in the vault layer.

mod buckets;
mod commit;
mod connect;
mod head;
mod worker;

pub use connect::{Target, is_url};

use super::{BucketAt, Buckets, LockError, Locked, NewHead, Part, Snapshot, Store};
use crate::crypto;
use crate::crypto::SIG_LEN;
use crate::error::{Error, Result};
use crate::vault::HeadRead;
use crate::vault::format::{MAX_HEADER_LEN, PREFIX_LEN};
use buckets::*;
use commit::*;
use head::*;
pub(crate) use head::{col, db_error};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};
pub(crate) use worker::CALL_LIMIT;
use worker::{Conn, Pool, Slot};

/// The schema this build reads and writes.
const SCHEMA_VERSION: i32 = 1;
/// The advisory lock writers take (one vault per database).
const LOCK_KEY: i64 = 0x5353_4f53_5654_4c4b;
/// Where commits are announced.
const CHANNEL: &str = "sso_secrets";
/// A head confirmed current this recently answers without a round trip.
const FRESH_FOR: Duration = Duration::from_millis(100);
/// How often a watcher asks when no notification comes.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
const WATCH_EVERY: Duration = Duration::from_millis(40);
/// How often a watcher asks at most, whatever the notifications.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
const WATCH_AT_MOST: Duration = Duration::from_millis(10);
/// A process collects unreferenced buckets after a commit at most this
/// often (each collection scans the bucket table).
const COLLECT_EVERY: Duration = Duration::from_secs(5);
/// Bucket rows a collection deletes per statement (a bucket of a vault of
/// 1,000,000 secrets is about 70 KiB).
const COLLECT_CHUNK: i64 = 1000;
/// Bucket bytes a process keeps (they are named by their hash, so a kept
/// bucket is never stale). A database's buckets are not in the page cache
/// as a file's are: a server holds a vault of 1,000,000 secrets (about
/// 220 MiB of buckets) whole.
const BUCKET_CACHE: usize = 256 << 20;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sso_secrets_meta (schema_version integer NOT NULL);
CREATE TABLE IF NOT EXISTS sso_secrets_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    vault bytea NOT NULL,
    counter bigint NOT NULL,
    head bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS sso_secrets_bucket (
    vault bytea NOT NULL,
    hash bytea NOT NULL,
    bytes bytea NOT NULL,
    unreferenced_since timestamptz,
    PRIMARY KEY (vault, hash)
);
ALTER TABLE sso_secrets_bucket ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE sso_secrets_head ALTER COLUMN head SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS sso_secrets_bucket_unreferenced
    ON sso_secrets_bucket (unreferenced_since) WHERE unreferenced_since IS NOT NULL;
";

/// A PostgreSQL vault, shared by every caller in the process.
#[derive(Clone)]
pub struct PgStore(Arc<Inner>);

/// SHA-256 of a head's bytes.
type Digest = [u8; 32];

/// A digest no head has: what a commit leaves confirmed, so that the next
/// read asks the database.
const NO_HEAD: Digest = [0; 32];

/// The longest head the format allows: prefix, the largest header, its
/// signature, the records region's length and the largest records region.
/// A longer row is refused before its bytes are sent.
const MAX_HEAD: i64 = (PREFIX_LEN + SIG_LEN + 4) as i64 + 2 * MAX_HEADER_LEN as i64;

struct Inner {
    target: Arc<Target>,
    pool: Pool,
    /// The last head that verified, with the SHA-256 of its bytes.
    kept: RwLock<Option<(Digest, Arc<HeadRead>)>>,
    /// When this process last collected unreferenced buckets.
    collected: Mutex<Option<Instant>>,
    /// A collection is running.
    collecting: AtomicBool,
    /// The SHA-256 of the head a watcher last read, and when it asked: an
    /// answer says what the head was when the question was sent, and a
    /// late answer (a slow database, or a network attacker holding it
    /// back) must not count as fresher than that.
    confirmed: Mutex<Option<(Digest, Instant)>>,
    watching: AtomicBool,
    buckets: Mutex<BucketCache>,
}

impl PgStore {
    /// The store for `target`, one per process and database.
    pub fn shared(target: &Target) -> Result<Arc<dyn Store>> {
        Self::registered(target).map(|s| Arc::new(s) as Arc<dyn Store>)
    }

    /// [`PgStore::shared`], as itself (tests).
    #[cfg(test)]
    pub(crate) fn of(target: &Target) -> PgStore {
        #[allow(clippy::unwrap_used)]
        Self::registered(target).unwrap()
    }

    /// The store for `target` as itself: the audit trail's table uses its
    /// connections.
    pub(crate) fn registered(target: &Target) -> Result<PgStore> {
        static STORES: OnceLock<Mutex<Vec<PgStore>>> = OnceLock::new();
        let mut stores = STORES
            .get_or_init(Mutex::default)
            .lock()
            .map_err(|_| Error::failure("internal: store registry poisoned"))?;
        if let Some(s) = stores.iter().find(|s| *s.0.target == *target) {
            return Ok(s.clone());
        }
        let target = Arc::new(target.clone());
        let store = PgStore(Arc::new(Inner {
            pool: Pool::new(target.clone()),
            target,
            kept: RwLock::new(None),
            collected: Mutex::new(None),
            collecting: AtomicBool::new(false),
            confirmed: Mutex::new(None),
            watching: AtomicBool::new(false),
            buckets: Mutex::default(),
        }));
        stores.push(store.clone());
        Ok(store)
    }

    /// The database this store is in.
    pub(crate) fn target(&self) -> Arc<Target> {
        self.0.target.clone()
    }

    /// This store's connections.
    pub(crate) fn pool(&self) -> &Pool {
        &self.0.pool
    }

    fn snapshot(&self, digest: Digest, head: Arc<HeadRead>, fresh: bool) -> Snapshot {
        Snapshot {
            buckets: Arc::new(PgBuckets {
                store: self.0.clone(),
                digest,
                vault: head.header.vault_id.to_vec(),
            }),
            head,
            fresh,
            warning: None,
        }
    }

    /// Collects unreferenced buckets now (tests).
    #[cfg(test)]
    pub(crate) fn collect_now(&self) -> Result<()> {
        let target = self.0.target.clone();
        self.0.pool.run(move |slot| {
            collect(slot.client()?).map_err(|e| db_error(&target, "cannot collect in", &e))
        })
    }

    /// Whether this process should collect now (and note that it does).
    /// One at a time: a collection that outlasts [`COLLECT_EVERY`] is not
    /// joined by another.
    fn collection_due(&self) -> bool {
        let Ok(mut last) = self.0.collected.lock() else {
            return false;
        };
        let due = last.is_none_or(|t| t.elapsed() >= COLLECT_EVERY)
            && !self.0.collecting.swap(true, Ordering::Relaxed);
        if due {
            *last = Some(Instant::now());
        }
        due
    }

    /// The kept head, when a watcher confirmed its digest within
    /// [`FRESH_FOR`].
    fn recent(&self) -> Option<Snapshot> {
        if !self.0.watching.load(Ordering::Relaxed) {
            return None;
        }
        let (digest, at) = (*self.0.confirmed.lock().ok()?)?;
        if at.elapsed() >= FRESH_FOR {
            return None;
        }
        let kept = self.0.kept.read().ok()?.clone()?;
        (kept.0 == digest).then(|| self.snapshot(kept.0, kept.1, false))
    }

    fn kept(&self) -> Option<(Digest, Arc<HeadRead>)> {
        self.0.kept.read().ok()?.clone()
    }

    /// The head as read: its bytes parsed, or, when the database said it
    /// still has the bytes whose digest is `digest`, the kept head if that
    /// is still the one kept (`None`: another reader replaced it meanwhile).
    fn snapshot_of(&self, read: HeadRow) -> Result<Option<Snapshot>> {
        match read.bytes {
            Some(b) => {
                let digest = crypto::sha256(&b);
                Ok(Some(self.snapshot(
                    digest,
                    Arc::new(HeadRead::parse(&b)?),
                    true,
                )))
            }
            None => Ok(self
                .kept()
                .filter(|(d, _)| d[..] == read.digest[..])
                .map(|(d, head)| self.snapshot(d, head, false))),
        }
    }
}

impl Store for PgStore {
    fn head(&self) -> Result<Snapshot> {
        if let Some(s) = self.recent() {
            return Ok(s);
        }
        let mut known = self.kept().map(|(d, _)| d);
        loop {
            let target = self.0.target.clone();
            let row = self
                .0
                .pool
                .run(move |slot| read_head(slot, &target, known))?;
            match self.snapshot_of(row)? {
                Some(s) => return Ok(s),
                // The kept head changed under us: fetch the bytes.
                None if known.is_some() => known = None,
                None => return Err(Error::failure("internal: the head came without bytes")),
            }
        }
    }

    fn lock(&self, timeout: Duration) -> std::result::Result<Box<dyn Locked>, LockError> {
        let conn = self.0.pool.take().map_err(LockError::Other)?;
        let target = self.0.target.clone();
        // The head is read in the same job as the lock is taken: every
        // writer reads it next, and each job is a hand-over to the
        // connection's thread and back.
        let known = self.kept().map(|(d, _)| d);
        let locked =
            conn.run_again_if_stale(timeout.saturating_add(CALL_LIMIT), move |slot| match lock(
                slot, &target, timeout, known,
            )? {
                Some(counter) => Ok(HeadRow {
                    counter,
                    digest: known.map(|d| d.to_vec()).unwrap_or_default(),
                    bytes: None,
                }),
                None => read_head(slot, &target, known),
            });
        match locked {
            Ok(row) => Ok(Box::new(PgLocked {
                store: self.clone(),
                conn: Some(conn),
                read: None,
                row: Some(row),
            })),
            Err(e) => {
                self.0.pool.give(conn);
                Err(LockError::Other(e))
            }
        }
    }

    fn create(&self, _timeout: Duration, new: NewHead) -> Result<()> {
        let target = self.0.target.clone();
        let limit = publish_limit(&new);
        self.0
            .pool
            .run_within(limit, move |slot| create(slot, &target, &new))
    }

    /// A vault this process already read is there (a vault removed since
    /// is found by the read that follows); otherwise the head is read.
    fn check_present(&self) -> Result<Option<String>> {
        if self.kept().is_some() {
            return Ok(None);
        }
        self.head().map(|s| s.warning)
    }

    fn watch(&self) {
        if self.0.watching.swap(true, Ordering::Relaxed) {
            return;
        }
        let inner = self.0.clone();
        let _ = std::thread::Builder::new()
            .name("sso-secrets db watch".into())
            .spawn(move || watch(&inner));
    }
}

/// A server's watcher: listens for commits and re-reads the counter after
/// each notification and every [`WATCH_EVERY`], so a head is used at most
/// [`FRESH_FOR`] after it was last confirmed. While the database cannot be
/// reached, nothing is confirmed, and readers ask the database themselves
/// (and fail: a server answers 503).
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
fn watch(inner: &Inner) {
    loop {
        if let Err(()) = watch_once(inner) {
            if let Ok(mut c) = inner.confirmed.lock() {
                *c = None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
fn watch_once(inner: &Inner) -> std::result::Result<(), ()> {
    let mut client = inner.target.connect().map_err(drop)?;
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .map_err(drop)?;
    loop {
        // Stamped before the question: the answer describes the head as it
        // was when the database received it, and may arrive late.
        let asked = Instant::now();
        let digest: Vec<u8> = client
            .query_one("SELECT sha256(head) FROM sso_secrets_head", &[])
            .map_err(drop)?
            .try_get(0)
            .map_err(drop)?;
        let digest: Digest = digest.try_into().map_err(drop)?;
        if let Ok(mut c) = inner.confirmed.lock()
            && c.is_none_or(|(_, at)| at <= asked)
        {
            *c = Some((digest, asked));
        }
        let mut n = client.notifications();
        n.timeout_iter(WATCH_EVERY).next().map_err(drop)?;
        // Anyone who may connect to the database may notify the channel:
        // the notifications already here ask one question together, and
        // questions come at most every WATCH_AT_MOST, so a flood of them
        // is not a flood of head digests (times every server).
        while n.iter().next().map_err(drop)?.is_some() {}
        std::thread::sleep(WATCH_AT_MOST.saturating_sub(asked.elapsed()));
    }
}
