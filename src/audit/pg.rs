//! The audit trail of a vault in PostgreSQL: a table beside the vault's,
//! appended by every server and command line that uses the database.
//!
//! ```sql
//! sso_secrets_audit (seq bigint PRIMARY KEY, body bytea NOT NULL)
//! ```
//! Several appenders chain one trail: an append runs in one transaction
//! that takes the transaction-scoped advisory lock `AUDIT_KEY` (appenders
//! queue there, never writers of the vault), reads the last record, builds
//! its records after it (their `seq` and the hash chain are computed under
//! the lock, so no two appenders can both follow the same record), inserts
//! them and commits before any of them is answered. Rows hold the same
//! sealed bytes as a file's frames: nothing in clear but `seq` and the time.

use super::{Build, Trail};
use crate::error::{Error, Result};
use crate::vault::store::pg::{CALL_LIMIT, PgStore, Target, col, db_error};
use std::sync::Arc;

/// The advisory lock appenders take ("SSOSAUDT").
const AUDIT_KEY: i64 = 0x5353_4f53_4155_4454;

const TABLE: &str =
    "CREATE TABLE IF NOT EXISTS sso_secrets_audit (seq bigint PRIMARY KEY, body bytea NOT NULL)";

/// The trail of one PostgreSQL vault.
pub struct PgTrail {
    store: PgStore,
}

impl PgTrail {
    /// The trail beside the vault in `target`, on that store's connections.
    pub fn of(target: &Target) -> Result<PgTrail> {
        Ok(PgTrail {
            store: PgStore::registered(target)?,
        })
    }
}

fn seq_of(body: &[u8]) -> Result<i64> {
    let raw = super::Raw::parse(body)?;
    i64::try_from(raw.seq).map_err(|_| Error::corrupt("an audit sequence number past 2^63"))
}

impl PgTrail {
    fn target(&self) -> Arc<Target> {
        self.store.target()
    }

    /// Rows from `seq` on, in order.
    fn rows_from(&self, seq: i64) -> Result<Vec<Vec<u8>>> {
        let target = self.target();
        self.store.pool().run(move |slot| {
            let err = |e: postgres::Error| db_error(&target, "cannot read the audit trail in", &e);
            let client = slot.client()?;
            let exists: bool = client
                .query_one("SELECT to_regclass('sso_secrets_audit') IS NOT NULL", &[])
                .map_err(err)?
                .get(0);
            if !exists {
                return Ok(Vec::new());
            }
            let rows = client
                .query(
                    "SELECT body FROM sso_secrets_audit WHERE seq >= $1 ORDER BY seq",
                    &[&seq],
                )
                .map_err(err)?;
            // A column of another type, or a NULL, is a failure naming the
            // table, never a panic.
            rows.iter().map(|r| col(&target, r, 0)).collect()
        })
    }
}

impl Trail for PgTrail {
    fn append(&self, build: &mut Build<'_>) -> Result<()> {
        let pool = &self.store.pool();
        let conn = pool.take()?;
        let target = self.target();
        let t = target.clone();
        // Under the lock: the last record. The transaction stays open on
        // this connection until the records are in.
        let last = conn.run(CALL_LIMIT, move |slot| {
            let err = |e: postgres::Error| db_error(&t, "cannot append to the audit trail in", &e);
            let client = slot.client()?;
            let result = (|| {
                client.batch_execute("BEGIN")?;
                client.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_KEY])?;
                client.batch_execute(TABLE)?;
                client.query_opt(
                    "SELECT body FROM sso_secrets_audit ORDER BY seq DESC LIMIT 1",
                    &[],
                )
            })()
            .map_err(err)
            .and_then(|r| r.map(|r| col::<Vec<u8>>(&t, &r, 0)).transpose());
            if result.is_err() {
                slot.reset();
            }
            result
        });
        let last = match last {
            Ok(l) => l,
            Err(e) => {
                pool.give(conn);
                return Err(e);
            }
        };
        let bodies = build(last.as_deref());
        let t = target.clone();
        let done = conn.run(CALL_LIMIT, move |slot| {
            let err = |e: postgres::Error| db_error(&t, "cannot append to the audit trail in", &e);
            let client = slot.client()?;
            let bodies = match bodies {
                Ok(b) => b,
                Err(e) => {
                    if client.batch_execute("ROLLBACK").is_err() {
                        slot.reset();
                    }
                    return Err(e);
                }
            };
            let result = (|| {
                for b in &bodies {
                    let seq = seq_of(b)?;
                    client
                        .execute(
                            "INSERT INTO sso_secrets_audit (seq, body) VALUES ($1, $2)",
                            &[&seq, b],
                        )
                        .map_err(err)?;
                }
                client.batch_execute("COMMIT").map_err(err)
            })();
            if result.is_err() {
                slot.reset();
            }
            result
        });
        pool.give(conn);
        done
    }

    fn read(&self) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
        Ok((self.rows_from(i64::MIN)?, Vec::new()))
    }

    fn last(&self) -> Result<Option<Vec<u8>>> {
        let target = self.target();
        self.store.pool().run(move |slot| {
            let err = |e: postgres::Error| db_error(&target, "cannot read the audit trail in", &e);
            let client = slot.client()?;
            let exists: bool = client
                .query_one("SELECT to_regclass('sso_secrets_audit') IS NOT NULL", &[])
                .map_err(err)?
                .get(0);
            if !exists {
                return Ok(None);
            }
            client
                .query_opt(
                    "SELECT body FROM sso_secrets_audit ORDER BY seq DESC LIMIT 1",
                    &[],
                )
                .map_err(err)?
                .map(|r| col::<Vec<u8>>(&target, &r, 0))
                .transpose()
        })
    }

    fn since(&self, seq: u64) -> Result<Vec<Vec<u8>>> {
        self.rows_from(i64::try_from(seq).unwrap_or(i64::MAX))
    }

    fn prune(&self, start_seq: u64) -> Result<usize> {
        let target = self.target();
        let start = i64::try_from(start_seq).unwrap_or(i64::MAX);
        self.store.pool().run_within(CALL_LIMIT, move |slot| {
            let err = |e: postgres::Error| db_error(&target, "cannot prune the audit trail in", &e);
            let client = slot.client()?;
            let result = (|| {
                let mut tx = client.transaction()?;
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_KEY])?;
                tx.batch_execute(TABLE)?;
                let n = tx.execute("DELETE FROM sso_secrets_audit WHERE seq < $1", &[&start])?;
                tx.commit()?;
                Ok(n as usize)
            })();
            if result.is_err() {
                slot.reset();
            }
            result.map_err(err)
        })
    }
}
