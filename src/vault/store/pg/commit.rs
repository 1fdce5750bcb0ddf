//! A write: the advisory lock and the head read under it, then the
//! publish (compare-and-swap of the head, the new buckets, a notification)
//! in one transaction.

use super::*;

/// Opens a transaction and takes the writer lock in it, waiting at most
/// `timeout`. The lock ends with the transaction (and with the connection,
/// if the process dies). When the lock was free and the head is still the
/// one whose digest is `known`, returns the head's counter, read in the
/// same round trip.
pub(super) fn lock(
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
        first.push_str(&crate::text::hex(&known));
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

/// Inserts the new buckets, at `create`. A row already named by a hash
/// is marked referenced again and given this write's bytes: its own bytes
/// were never checked (whoever can write the rows could have planted it
/// under the name of bytes a later write would produce, such as the empty
/// bucket's), and this write has just checked the ones it sends. A publish
/// does the same in its one statement.
pub(super) fn insert_buckets(
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
pub(super) fn new_buckets(parts: &[Part]) -> (Vec<&[u8]>, Vec<&[u8]>) {
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

/// The writer lock: a connection in a transaction holding the advisory
/// lock.
pub(super) struct PgLocked {
    pub(super) store: PgStore,
    pub(super) conn: Option<Conn>,
    /// The counter of the head this write started from.
    pub(super) read: Option<i64>,
    /// The head row as read when the lock was taken.
    pub(super) row: Option<HeadRow>,
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
pub(super) fn publish_limit(new: &NewHead) -> Duration {
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

pub(super) fn lost() -> Error {
    Error::failure("internal: the write lock was already used")
}

/// The compare-and-swap: the head where the counter is still `read`, the
/// new buckets, a notification, in one statement (one round trip: a
/// server's commits wait on each other, so every round trip in a commit is
/// one in every commit), then the commit.
/// Returns when the COMMIT was sent.
pub(super) fn publish(
    slot: &mut Slot,
    target: &Target,
    read: i64,
    new: &NewHead,
) -> Result<Instant> {
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
