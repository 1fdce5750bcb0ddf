//! Buckets by hash: the cache every reader shares, reading through it,
//! keeping a head that verified, and collecting buckets no head names.

use super::*;

#[derive(Default)]
pub(super) struct BucketCache {
    pub(super) map: HashMap<[u8; 32], Arc<Vec<u8>>>,
    pub(super) bytes: usize,
}

impl BucketCache {
    /// Keeps `bytes` under `hash`, making room by dropping buckets in the
    /// map's own (random) order: random replacement, so a vault larger than
    /// the budget still hits in proportion, instead of emptying the cache
    /// whenever it fills.
    pub(super) fn insert(&mut self, hash: [u8; 32], bytes: &[u8]) {
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

    pub(super) fn forget(&mut self, hash: &[u8; 32]) {
        if let Some(old) = self.map.remove(hash) {
            self.bytes -= old.len();
        }
    }
}

/// Marks buckets that the current head does not name, and deletes those
/// marked more than a minute ago. Holds the head row (shared) meanwhile, so
/// no commit lands between reading the head and marking. A head that does
/// not parse collects nothing.
pub(super) fn collect(client: &mut postgres::Client) -> std::result::Result<(), postgres::Error> {
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
pub(super) struct PgBuckets {
    pub(super) store: Arc<Inner>,
    /// The SHA-256 of the head these buckets belong to.
    pub(super) digest: Digest,
    pub(super) vault: Vec<u8>,
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
pub(super) fn keep(inner: &Inner, digest: Digest, head: Arc<HeadRead>) {
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
