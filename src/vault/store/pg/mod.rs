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

mod connect;
mod trail;
mod worker;

pub use connect::{Target, is_url};

use super::{BucketAt, Buckets, LockError, Locked, NewHead, Part, Snapshot, Store};
use crate::crypto;
use crate::crypto::SIG_LEN;
use crate::error::{Error, Result};
use crate::vault::HeadRead;
use crate::vault::format::{MAX_HEADER_LEN, PREFIX_LEN};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};
use worker::{CALL_LIMIT, Conn, Pool, Slot};

/// The schema this build reads and writes.
const SCHEMA_VERSION: i32 = 1;
/// The advisory lock writers take (one vault per database).
const LOCK_KEY: i64 = 0x5353_4f53_5654_4c4b;
/// Where commits are announced.
const CHANNEL: &str = "sso_secrets";
/// A head confirmed current this recently answers without a round trip.
const FRESH_FOR: Duration = Duration::from_millis(100);
/// How often a watcher asks when no notification comes.
const WATCH_EVERY: Duration = Duration::from_millis(40);
/// How often a watcher asks at most, whatever the notifications.
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

#[derive(Default)]
struct BucketCache {
    map: HashMap<[u8; 32], Arc<Vec<u8>>>,
    bytes: usize,
}

impl BucketCache {
    /// Keeps `bytes` under `hash`, making room by dropping buckets in the
    /// map's own (random) order: random replacement, so a vault larger than
    /// the budget still hits in proportion, instead of emptying the cache
    /// whenever it fills.
    fn insert(&mut self, hash: [u8; 32], bytes: &[u8]) {
        if bytes.len() > BUCKET_CACHE || self.map.contains_key(&hash) {
            return;
        }
        while self.bytes + bytes.len() > BUCKET_CACHE {
            let Some(victim) = self.map.keys().next().copied() else {
                break;
            };
            if let Some(old) = self.map.remove(&victim) {
                self.bytes -= old.len();
            }
        }
        self.bytes += bytes.len();
        self.map.insert(hash, Arc::new(bytes.to_vec()));
    }

    fn forget(&mut self, hash: &[u8; 32]) {
        if let Some(old) = self.map.remove(hash) {
            self.bytes -= old.len();
        }
    }
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

    fn registered(target: &Target) -> Result<PgStore> {
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

/// The head row as read.
struct HeadRow {
    /// The commit counter (for the writers' compare-and-swap only).
    counter: i64,
    /// The SHA-256 of the head's bytes, as the database computed it.
    digest: Vec<u8>,
    /// The head's bytes, unless their digest was the one the reader knew.
    bytes: Option<Vec<u8>>,
}

/// Reads the head row; the head's bytes only when their SHA-256 is not
/// `known` (a reader that kept that head need not fetch it again).
fn read_head(slot: &mut Slot, target: &Target, known: Option<Digest>) -> Result<HeadRow> {
    let known: &[u8] = match &known {
        Some(d) => d,
        None => &[],
    };
    let (client, statement) = slot.prepared(
        "SELECT h.counter, d.digest, \
         CASE WHEN d.digest = $1 OR octet_length(h.head)::bigint > $2 THEN NULL ELSE h.head END, \
         m.schema_version, octet_length(h.head) \
         FROM sso_secrets_head h CROSS JOIN LATERAL (SELECT sha256(h.head) AS digest) d \
         CROSS JOIN sso_secrets_meta m",
        |e| no_vault_or(target, &e),
    )?;
    let rows = client
        .query(&statement, &[&known, &MAX_HEAD])
        .map_err(|e| no_vault_or(target, &e))?;
    let row = rows.first().ok_or_else(|| no_vault(target))?;
    check_schema(target, col(target, row, 3)?)?;
    let len: i32 = col(target, row, 4)?;
    if i64::from(len) > MAX_HEAD {
        return Err(Error::corrupt(format!(
            "the vault head in database {target} is {len} bytes, longer than any head can be"
        )));
    }
    Ok(HeadRow {
        counter: col(target, row, 0)?,
        digest: col(target, row, 1)?,
        bytes: col(target, row, 2)?,
    })
}

/// Column `i` of `row`. The tables are the database's to change: a column
/// of another type, or a NULL where `init` made the column NOT NULL, is a
/// failure naming the table, never a panic of the thread that read it.
fn col<'a, T: postgres::types::FromSql<'a>>(
    target: &Target,
    row: &'a postgres::Row,
    i: usize,
) -> Result<T> {
    row.try_get(i).map_err(|e| {
        Error::failure(format!(
            "the vault's tables in database {target} are not as `init` made them: {e}"
        ))
    })
}

fn check_schema(target: &Target, version: i32) -> Result<()> {
    if version != SCHEMA_VERSION {
        return Err(Error::failure(format!(
            "the vault in {target} has schema version {version}; this build knows version {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}

fn no_vault(target: &Target) -> Error {
    Error::failure(format!(
        "no vault in database {target} (create one with `sso-secrets --vault '{target}' init`)"
    ))
}

fn no_vault_or(target: &Target, e: &postgres::Error) -> Error {
    if e.code() == Some(&SqlState::UNDEFINED_TABLE) {
        no_vault(target)
    } else {
        db_error(target, "cannot read the vault from", e)
    }
}

/// A database error as this tool reports it: an unreachable server, a
/// lost connection, a conflict, a lock or statement that timed out or was
/// cancelled is temporary (75); a refused login, a missing database or
/// privilege, a TLS certificate that fails, is not (1).
pub(super) fn db_error(target: &Target, what: &str, e: &postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        let temporary = code.starts_with("08")
            || code.starts_with("53")
            || code.starts_with("57P")
            || code == "57014"
            || code == "40001"
            || code == "40P01"
            || code == "55P03";
        let msg = format!("{what} database {target}: {}", db.message());
        return if temporary {
            Error::Temporary(msg)
        } else {
            Error::failure(msg)
        };
    }
    // rustls's verdict on the server's certificate is permanent. It comes
    // wrapped in an `io::Error`, whose `source()` skips the error it wraps:
    // look inside with `get_ref`.
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let tls = s.downcast_ref::<rustls::Error>().or_else(|| {
            s.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(tls) = tls {
            return Error::failure(format!(
                "{what} database {target}: TLS: {tls} (check sslmode and sslrootcert)"
            ));
        }
        source = s.source();
    }
    Error::Temporary(format!("{what} database {target}: {e}"))
}

/// Opens a transaction and takes the writer lock in it, waiting at most
/// `timeout`. The lock ends with the transaction (and with the connection,
/// if the process dies). When the lock was free and the head is still the
/// one whose digest is `known`, returns the head's counter, read in the
/// same round trip.
fn lock(
    slot: &mut Slot,
    target: &Target,
    timeout: Duration,
    known: Option<Digest>,
) -> Result<Option<i64>> {
    let err = |e: postgres::Error| db_error(target, "cannot lock the vault in", &e);
    let client = slot.client()?;
    // The first try goes with the BEGIN, and with the question whether the
    // head is still the one this process kept: one round trip when the
    // lock is free, as it is for a server's group commit. (The digest is
    // this process's own hex; nothing from outside goes into the text.)
    let mut first = format!("BEGIN; SELECT pg_try_advisory_xact_lock({LOCK_KEY})");
    if let Some(known) = known {
        first.push_str("; SELECT h.counter, sha256(h.head) = decode('");
        for b in known {
            first.push_str(&format!("{b:02x}"));
        }
        first.push_str(&format!(
            "', 'hex') AND m.schema_version = {SCHEMA_VERSION} \
             FROM sso_secrets_head h CROSS JOIN sso_secrets_meta m"
        ));
    }
    let first = client
        .simple_query(&first)
        .map_err(|e| no_vault_or(target, &e))?;
    let mut rows = first.iter().filter_map(|m| match m {
        postgres::SimpleQueryMessage::Row(r) => Some(r),
        _ => None,
    });
    let got = rows.next().is_some_and(|r| r.get(0) == Some("t"));
    if got {
        // The head's counter when its digest is the known one; otherwise
        // the caller reads the head.
        let same = rows
            .next()
            .filter(|r| r.get(1) == Some("t"))
            .and_then(|r| r.get(0))
            .and_then(|c| c.parse::<i64>().ok());
        return Ok(same);
    }
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let got: bool = col(
            target,
            &client
                .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&LOCK_KEY])
                .map_err(err)?,
            0,
        )?;
        if got {
            return Ok(None);
        }
        if start.elapsed() >= timeout {
            return Err(Error::Temporary(format!(
                "vault busy: another writer held the vault in {target} for more than {:.1}s (see --lock-timeout)",
                timeout.as_secs_f64()
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn create(slot: &mut Slot, target: &Target, new: &NewHead) -> Result<()> {
    let err = |e: postgres::Error| db_error(target, "cannot create the vault in", &e);
    let client = slot.client()?;
    client.batch_execute("BEGIN").map_err(err)?;
    client.batch_execute(SCHEMA).map_err(err)?;
    // Two `init`s at once: the second waits here, then finds the vault.
    client
        .batch_execute("LOCK TABLE sso_secrets_meta IN ACCESS EXCLUSIVE MODE")
        .map_err(err)?;
    let version: Option<i32> = client
        .query_opt("SELECT schema_version FROM sso_secrets_meta", &[])
        .map_err(err)?
        .map(|r| col(target, &r, 0))
        .transpose()?;
    match version {
        None => {
            client
                .execute(
                    "INSERT INTO sso_secrets_meta VALUES ($1)",
                    &[&SCHEMA_VERSION],
                )
                .map_err(err)?;
        }
        Some(v) => check_schema(target, v)?,
    }
    let exists = client
        .query_opt("SELECT 1 FROM sso_secrets_head", &[])
        .map_err(err)?
        .is_some();
    if exists {
        client.batch_execute("ROLLBACK").map_err(err)?;
        return Err(Error::failure(format!(
            "a vault already exists in database {target}; it was left untouched"
        )));
    }
    let vault = vault_id(&new.head)?;
    client
        .execute(
            "INSERT INTO sso_secrets_head (vault, counter, head) VALUES ($1, 1, $2)",
            &[&vault, &new.head],
        )
        .map_err(err)?;
    insert_buckets(client, vault, &new.parts).map_err(err)?;
    client.batch_execute("COMMIT").map_err(err)
}

/// The vault id, which follows the prefix in every format version.
fn vault_id(head: &[u8]) -> Result<&[u8]> {
    head.get(PREFIX_LEN..PREFIX_LEN + 16)
        .ok_or_else(|| Error::failure("internal: a head without a vault id"))
}

/// Inserts the new buckets, at `create`. A row already named by a hash
/// is marked referenced again and given this write's bytes: its own bytes
/// were never checked (whoever can write the rows could have planted it
/// under the name of bytes a later write would produce, such as the empty
/// bucket's), and this write has just checked the ones it sends. A publish
/// does the same in its one statement.
fn insert_buckets(
    client: &mut postgres::Client,
    vault: &[u8],
    parts: &[Part],
) -> std::result::Result<(), postgres::Error> {
    let (hashes, bytes) = new_buckets(parts);
    if hashes.is_empty() {
        return Ok(());
    }
    client.execute(
        "INSERT INTO sso_secrets_bucket (vault, hash, bytes) \
         SELECT $1, h, b FROM unnest($2::bytea[], $3::bytea[]) AS t(h, b) \
         ON CONFLICT (vault, hash) DO UPDATE SET bytes = EXCLUDED.bytes, unreferenced_since = NULL",
        &[&vault, &hashes, &bytes],
    )?;
    Ok(())
}

/// The new buckets of a write, each hash once (a statement may not insert
/// a row twice).
fn new_buckets(parts: &[Part]) -> (Vec<&[u8]>, Vec<&[u8]>) {
    let mut seen = std::collections::HashSet::new();
    let (mut hashes, mut bytes): (Vec<&[u8]>, Vec<&[u8]>) = (Vec::new(), Vec::new());
    for p in parts {
        if let Part::New { bytes: b, hash } = p
            && seen.insert(hash)
        {
            hashes.push(hash);
            bytes.push(b);
        }
    }
    (hashes, bytes)
}

/// Marks buckets that the current head does not name, and deletes those
/// marked more than a minute ago. Holds the head row (shared) meanwhile, so
/// no commit lands between reading the head and marking. A head that does
/// not parse collects nothing.
fn collect(client: &mut postgres::Client) -> std::result::Result<(), postgres::Error> {
    client.batch_execute("BEGIN; SET LOCAL statement_timeout = '60s'")?;
    let head: Option<Vec<u8>> = client
        .query_one("SELECT head FROM sso_secrets_head FOR SHARE", &[])?
        .try_get(0)
        .ok();
    let Some(Ok(read)) = head.as_deref().map(HeadRead::parse) else {
        return client.batch_execute("ROLLBACK");
    };
    let live: Vec<&[u8]> = read.bucket_hashes().map(|h| &h[..]).collect();
    let unreferenced = "NOT EXISTS (SELECT 1 FROM unnest($1::bytea[]) AS r(h) WHERE r.h = b.hash)";
    client.execute(
        &format!(
            "UPDATE sso_secrets_bucket b SET unreferenced_since = now() \
             WHERE unreferenced_since IS NULL AND {unreferenced}"
        ),
        &[&live],
    )?;
    client.batch_execute("COMMIT")?;
    // Deleting holds no lock on the head (writers would wait on it for as
    // long as the deletes take: seconds, at a thousand puts a second). A
    // row marked unreferenced is named again only by a commit that inserts
    // it, which clears the mark; each DELETE checks the mark and the live
    // set on the row version it removes. In chunks, each its own short
    // transaction, so a process that exits meanwhile (a command-line
    // writer) leaves what it did done.
    loop {
        let deleted = client.execute(
            &format!(
                "DELETE FROM sso_secrets_bucket b \
                 WHERE b.ctid = ANY(ARRAY( \
                   SELECT c.ctid FROM sso_secrets_bucket c \
                   WHERE c.unreferenced_since < now() - interval '60 seconds' LIMIT $2)) \
                 AND b.unreferenced_since < now() - interval '60 seconds' AND {unreferenced}"
            ),
            &[&live, &COLLECT_CHUNK],
        )?;
        if deleted < COLLECT_CHUNK as u64 {
            return Ok(());
        }
    }
}

/// Reads buckets by hash, through the process's cache.
struct PgBuckets {
    store: Arc<Inner>,
    /// The SHA-256 of the head these buckets belong to.
    digest: Digest,
    vault: Vec<u8>,
}

impl Buckets for PgBuckets {
    fn bucket(&self, at: &BucketAt) -> Result<Vec<u8>> {
        let cached = self
            .store
            .buckets
            .lock()
            .ok()
            .and_then(|c| c.map.get(&at.hash).cloned());
        if let Some(b) = cached {
            return Ok(b.to_vec());
        }
        let (target, vault, hash) = (self.store.target.clone(), self.vault.clone(), at.hash);
        let len = i64::from(at.len);
        let head = self.digest;
        let bytes = self.store.pool.run(move |slot| {
            let err = |e: postgres::Error| db_error(&target, "cannot read the vault from", &e);
            // LIMIT 1: duplicate rows (a dropped primary key) are bytes to
            // check like any others, not a reason to retry for ever. Bytes
            // of another length than the signed one are not even sent: a
            // row can be 1 GB, a request must not cost that.
            let (client, statement) = slot.prepared(
                "SELECT CASE WHEN octet_length(bytes)::bigint = $3 THEN bytes END \
                 FROM sso_secrets_bucket WHERE vault = $1 AND hash = $2 LIMIT 1",
                err,
            )?;
            let row: Option<Option<Vec<u8>>> = client
                .query_opt(&statement, &[&vault, &&hash[..], &len])
                .map_err(err)?
                .map(|r| col(&target, &r, 0))
                .transpose()?;
            match row {
                Some(Some(b)) => return Ok(b),
                Some(None) => {
                    return Err(Error::corrupt(
                        "a vault bucket is not the length its head gives",
                    ));
                }
                None => {}
            }
            // Missing: a race with a commit and a collection (worth a
            // retry) only if the head changed since it was read; missing
            // from the current head, it is a vault that fails (500).
            let now: Option<Vec<u8>> = client
                .query_opt("SELECT sha256(head) FROM sso_secrets_head", &[])
                .map_err(err)?
                .map(|r| col(&target, &r, 0))
                .transpose()?;
            if now.as_deref() == Some(&head[..]) {
                return Err(Error::corrupt(
                    "a bucket the vault's head names is missing from the database",
                ));
            }
            Err(Error::Temporary(
                "a bucket the vault's head names is not in the database (the vault changed while it was read); retry"
                    .into(),
            ))
        })?;
        // Only bytes that match their name are kept; others go up to fail
        // the vault layer's check.
        if crypto::sha256(&bytes) == at.hash
            && let Ok(mut c) = self.store.buckets.lock()
        {
            c.insert(at.hash, &bytes);
        }
        Ok(bytes)
    }

    fn keep(&self, head: &Arc<HeadRead>) {
        // The last head verified replaces the one kept, whatever the
        // counters say (a counter set back must not stop the keeping): a
        // head kept is used only while the database's digest is its own.
        keep(&self.store, self.digest, head.clone());
    }
}

/// Keeps `head` as this process's verified head, and drops from the bucket
/// cache the buckets the head it replaces named and it does not: a put
/// replaces each bucket it touches, and a busy server would otherwise fill
/// the cache with versions no head names (a reader of the old head still
/// finds them in the database until they are collected).
fn keep(inner: &Inner, digest: Digest, head: Arc<HeadRead>) {
    let old = match inner.kept.write() {
        Ok(mut k) => k.replace((digest, head.clone())),
        Err(_) => return,
    };
    let Some((old_digest, old)) = old else {
        return;
    };
    if old_digest == digest {
        return;
    }
    let named: HashSet<&[u8; 32]> = head.bucket_hashes().collect();
    if let Ok(mut c) = inner.buckets.lock() {
        for h in old.bucket_hashes().filter(|h| !named.contains(h)) {
            c.forget(h);
        }
    }
}

/// The writer lock: a connection in a transaction holding the advisory
/// lock.
struct PgLocked {
    store: PgStore,
    conn: Option<Conn>,
    /// The counter of the head this write started from.
    read: Option<i64>,
    /// The head row as read when the lock was taken.
    row: Option<HeadRow>,
}

impl Locked for PgLocked {
    fn head(&mut self) -> Result<Snapshot> {
        let conn = self.conn.as_ref().ok_or_else(lost)?;
        // Under the lock the head was read from the database, but its bytes
        // only when they were not the head this process kept (verified).
        let row = match self.row.take() {
            Some(row) => row,
            None => {
                let target = self.store.0.target.clone();
                let known = self.store.kept().map(|(d, _)| d);
                conn.run(CALL_LIMIT, move |slot| read_head(slot, &target, known))?
            }
        };
        self.read = Some(row.counter);
        match self.store.snapshot_of(row)? {
            Some(s) => Ok(s),
            // The kept head was replaced meanwhile: fetch the bytes.
            None => {
                let target = self.store.0.target.clone();
                let row = conn.run(CALL_LIMIT, move |slot| read_head(slot, &target, None))?;
                self.read = Some(row.counter);
                self.store
                    .snapshot_of(row)?
                    .ok_or_else(|| Error::failure("internal: the head came without bytes"))
            }
        }
    }

    fn publish(mut self: Box<Self>, new: NewHead) -> Result<()> {
        let conn = self.conn.take().ok_or_else(lost)?;
        let read = self.read.ok_or_else(lost)?;
        let target = self.store.0.target.clone();
        let limit = publish_limit(&new);
        let out = conn.run(limit, move |slot| {
            publish(slot, &target, read, &new).map(|sent| (new, sent))
        });
        let out = match out {
            Err(Error::Temporary(d)) if conn.given_up() => Err(Error::Temporary(format!(
                "{d} (the write may or may not have been stored)"
            ))),
            other => other,
        };
        if out.is_ok() && self.store.collection_due() {
            // After the answer, on this connection, which then closes
            // instead of going back to the pool: the next writer or reader
            // must not queue behind a collection. Best effort: a failure
            // leaves garbage for the next one, never a missing bucket.
            let inner = self.store.0.clone();
            conn.queue(move |slot| {
                if !matches!(slot.client().map(collect), Ok(Ok(()))) {
                    slot.reset();
                }
                inner.collecting.store(false, Ordering::Relaxed);
            });
        } else {
            self.store.0.pool.give(conn);
        }
        let (new, sent) = out?;
        // What this write published is what its next read will need: the
        // head (verified by this writer before publishing) and the buckets
        // it wrote (named by their hashes).
        let digest = crypto::sha256(&new.head);
        let kept = match HeadRead::parse(&new.head) {
            Ok(head) => {
                keep(&self.store.0, digest, Arc::new(head));
                digest
            }
            Err(_) => NO_HEAD,
        };
        // And the head is confirmed current as of the moment the COMMIT was
        // sent: the lock was held then, so no other commit can come between
        // that moment and this one's, and a later one is noticed within
        // FRESH_FOR of it, as a watcher's confirmation is. A server's next
        // requests read their own write without asking the database; an
        // answer to a question the watcher asked before cannot replace it.
        if let Ok(mut c) = self.store.0.confirmed.lock()
            && c.is_none_or(|(_, at)| at <= sent)
        {
            *c = Some((kept, sent));
        }
        if let Ok(mut c) = self.store.0.buckets.lock() {
            for p in &new.parts {
                if let Part::New { bytes, hash } = p {
                    c.insert(*hash, bytes);
                }
            }
        }
        Ok(())
    }
}

impl Drop for PgLocked {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Not published: end the transaction (and the lock) before the
            // connection serves anyone else (its jobs run in order).
            conn.queue(|slot| {
                let rolled_back = slot.client().map(|c| c.batch_execute("ROLLBACK"));
                if !matches!(rolled_back, Ok(Ok(()))) {
                    slot.reset();
                }
            });
            self.store.0.pool.give(conn);
        }
    }
}

/// How long a publish may take: a reader's limit, and a second per MiB
/// sent (a `vault copy` or a rekey sends every bucket). Past it the write
/// is reported as perhaps stored (75), like a commit whose answer was lost.
fn publish_limit(new: &NewHead) -> Duration {
    let bytes = new.head.len()
        + new
            .parts
            .iter()
            .map(|p| match p {
                Part::New { bytes, .. } => bytes.len(),
                Part::Old { .. } => 0,
            })
            .sum::<usize>();
    CALL_LIMIT + Duration::from_secs((bytes >> 20) as u64)
}

fn lost() -> Error {
    Error::failure("internal: the write lock was already used")
}

/// The compare-and-swap: the head where the counter is still `read`, the
/// new buckets, a notification, in one statement (one round trip: a
/// server's commits wait on each other, so every round trip in a commit is
/// one in every commit), then the commit.
/// Returns when the COMMIT was sent.
fn publish(slot: &mut Slot, target: &Target, read: i64, new: &NewHead) -> Result<Instant> {
    let err = |e: postgres::Error| {
        if e.code() == Some(&SqlState::READ_ONLY_SQL_TRANSACTION) {
            return Error::ReadOnly(format!("the database {target} is read-only (a standby?)"));
        }
        db_error(target, "cannot write the vault to", &e)
    };
    let vault = vault_id(&new.head)?;
    let (hashes, bytes) = new_buckets(&new.parts);
    // The buckets go in only if the head did (a lost race writes nothing);
    // data-modifying parts of a WITH all run, whatever the query reads.
    let (client, statement) = slot.prepared(
        "WITH h AS ( \
           UPDATE sso_secrets_head SET counter = counter + 1, head = $1, vault = $2 \
           WHERE counter = $3 RETURNING counter \
         ), b AS ( \
           INSERT INTO sso_secrets_bucket (vault, hash, bytes) \
           SELECT $2, t.hash, t.bytes FROM unnest($4::bytea[], $5::bytea[]) AS t(hash, bytes) \
           WHERE EXISTS (SELECT 1 FROM h) \
           ON CONFLICT (vault, hash) DO UPDATE SET bytes = EXCLUDED.bytes, unreferenced_since = NULL \
         ) \
         SELECT h.counter FROM h, pg_notify($6, h.counter::text)",
        err,
    )?;
    let published = client
        .query_opt(
            &statement,
            &[&new.head, &vault, &read, &hashes, &bytes, &CHANNEL],
        )
        .map_err(err)?;
    if published.is_none() {
        client.batch_execute("ROLLBACK").map_err(err)?;
        return Err(Error::Temporary(format!(
            "the vault in {target} changed while this write was prepared; nothing was written, retry"
        )));
    }
    let sent = Instant::now();
    client.batch_execute("COMMIT").map_err(|e| {
        // The commit may or may not have landed: say so.
        let e = err(e);
        match e {
            Error::Temporary(d) => Error::Temporary(format!(
                "{d} (while committing: the write may or may not have been stored)"
            )),
            other => other,
        }
    })?;
    Ok(sent)
}

/// A server's watcher: listens for commits and re-reads the counter after
/// each notification and every [`WATCH_EVERY`], so a head is used at most
/// [`FRESH_FOR`] after it was last confirmed. While the database cannot be
/// reached, nothing is confirmed, and readers ask the database themselves
/// (and fail: a server answers 503).
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

#[cfg(test)]
mod cache_tests {
    use super::{BUCKET_CACHE, BucketCache};

    /// A vault larger than the budget keeps the cache full (not emptied
    /// each time it fills), within its bytes.
    #[test]
    fn a_full_bucket_cache_replaces_one_bucket_at_a_time() {
        let mut c = BucketCache::default();
        let bucket = vec![7u8; 1 << 20];
        let n = BUCKET_CACHE / bucket.len();
        for i in 0..2 * n {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(i as u64).to_be_bytes());
            c.insert(hash, &bucket);
            assert!(c.bytes <= BUCKET_CACHE);
            assert_eq!(c.bytes, c.map.values().map(|b| b.len()).sum::<usize>());
        }
        assert_eq!(c.map.len(), n, "the cache stays full");
    }
}
