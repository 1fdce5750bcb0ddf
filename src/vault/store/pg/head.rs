//! The head row: reading it (or only its digest, when this process holds
//! those bytes), creating it with the schema, and what a database error
//! means for the command line.

use super::*;

/// The head row as read.
pub(super) struct HeadRow {
    /// The commit counter (for the writers' compare-and-swap only).
    pub(super) counter: i64,
    /// The SHA-256 of the head's bytes, as the database computed it.
    pub(super) digest: Vec<u8>,
    /// The head's bytes, unless their digest was the one the reader knew.
    pub(super) bytes: Option<Vec<u8>>,
}

/// Reads the head row; the head's bytes only when their SHA-256 is not
/// `known` (a reader that kept that head need not fetch it again).
pub(super) fn read_head(
    slot: &mut Slot,
    target: &Target,
    known: Option<Digest>,
) -> Result<HeadRow> {
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
pub(crate) fn col<'a, T: postgres::types::FromSql<'a>>(
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

pub(super) fn check_schema(target: &Target, version: i32) -> Result<()> {
    if version != SCHEMA_VERSION {
        return Err(Error::failure(format!(
            "the vault in {target} has schema version {version}; this build knows version {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}

pub(super) fn no_vault(target: &Target) -> Error {
    Error::failure(format!(
        "no vault in database {target} (create one with `sso-secrets --vault '{target}' init`)"
    ))
}

pub(super) fn no_vault_or(target: &Target, e: &postgres::Error) -> Error {
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
pub(crate) fn db_error(target: &Target, what: &str, e: &postgres::Error) -> Error {
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

pub(super) fn create(slot: &mut Slot, target: &Target, new: &NewHead) -> Result<()> {
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
pub(super) fn vault_id(head: &[u8]) -> Result<&[u8]> {
    head.get(PREFIX_LEN..PREFIX_LEN + 16)
        .ok_or_else(|| Error::failure("internal: a head without a vault id"))
}
