//! Rows are bytes to verify, never to trust: a planted bucket row is not
//! adopted, rows the schema forbids or longer than the format allows are an
//! error (never a panic, never read whole), a bucket row that fails its name
//! is a 500 and never kept, and collection spares every row the head names.

use super::*;
use crate::status::Status;
use crate::vault::store::Store;
use crate::vault::test_support::{app, pass};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Bucket rows are named by the SHA-256 of their bytes, and a write that
/// produces bytes some row is already named after must not trust that
/// row: a row planted earlier (by whoever could write the rows then, or a
/// restored dump) under the name of bytes a later write produces, such as
/// the empty bucket's, made that acknowledged write unreadable (500).
#[test]
fn a_planted_bucket_row_is_not_adopted_by_a_later_write() {
    let Some(db) = Db::start() else { return };
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    // The empty bucket of `init` is no longer named by the head; its row
    // gets other bytes.
    db.admin()
        .batch_execute(
            "INSERT INTO sso_secrets_bucket (vault, hash, bytes) \
             SELECT vault, sha256(''::bytea), 'planted'::bytea FROM sso_secrets_head \
             ON CONFLICT (vault, hash) DO UPDATE SET bytes = EXCLUDED.bytes",
        )
        .unwrap();
    assert_eq!(
        get(&*cli, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
    // Removing the only secret makes the bucket empty again.
    let removed = write(&*cli, &pass(), |v| {
        let sk = v.scope(&app("a"))?;
        v.delete(&sk, "u")
    })
    .unwrap();
    assert!(removed);
    // Another process (this one keeps the empty bucket it read).
    assert_eq!(get(&*db.server(), &pass(), "a", "u").unwrap(), None);
}

/// Panics on the store's own threads (connections, watcher) since the
/// first call, counted by a panic hook installed once for the binary.
fn store_thread_panics() -> usize {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().map(str::to_owned);
            if name.is_some_and(|n| n.starts_with("sso-secrets db")) {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    PANICS.load(Ordering::SeqCst)
}

/// The tables are the database's to change: an administrator may drop a
/// NOT NULL or change a column's type. That is a failure to report (exit
/// 1, a server's 500), never a panic: a connection thread that panicked
/// failed its call as "internal", and the watcher's thread never came
/// back, so the server never again answered from memory.
#[test]
fn rows_the_schema_forbids_are_an_error_not_a_panic() {
    let Some(db) = Db::start() else { return };
    let before = store_thread_panics();
    let server = db.server();
    put(&*server, "a", "u", "one");
    server.watch();
    let mut admin = db.admin();
    let fails_on = |store: &dyn Store, what: &str| {
        let e = store.head().map(drop).unwrap_err();
        assert_eq!(e.status(), Status::Failure, "{what}: {}", e.detail());
        assert!(
            e.detail().contains("not as `init` made them"),
            "{what}: {}",
            e.detail()
        );
    };
    admin
        .batch_execute(
            "ALTER TABLE sso_secrets_meta ALTER schema_version DROP NOT NULL; \
             UPDATE sso_secrets_meta SET schema_version = NULL",
        )
        .unwrap();
    // A reader that asks the database (a server keeps answering from the
    // head it verified while the head's digest stays the same: the schema
    // version is not part of the head).
    fails_on(&*db.cli(), "a NULL schema version");
    admin
        .batch_execute(
            "UPDATE sso_secrets_meta SET schema_version = 1; \
             CREATE TABLE saved AS SELECT * FROM sso_secrets_head; \
             ALTER TABLE sso_secrets_head ALTER head DROP NOT NULL; \
             UPDATE sso_secrets_head SET head = NULL",
        )
        .unwrap();
    // What the watcher reads too.
    std::thread::sleep(Duration::from_millis(200));
    fails_on(&*server, "a NULL head");
    admin
        .batch_execute(
            "UPDATE sso_secrets_head SET head = (SELECT head FROM saved); \
             ALTER TABLE sso_secrets_head ALTER counter TYPE integer",
        )
        .unwrap();
    fails_on(&*db.cli(), "a counter of another type");
    admin
        .batch_execute(
            "ALTER TABLE sso_secrets_head ALTER counter TYPE bigint; \
             ALTER TABLE sso_secrets_bucket ALTER bytes DROP NOT NULL; \
             UPDATE sso_secrets_bucket SET bytes = NULL",
        )
        .unwrap();
    // No bytes are not the bucket's bytes: the vault fails (500).
    let e = get(&*db.cli(), &pass(), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::WrongFormat, "{}", e.detail());
    assert_eq!(store_thread_panics(), before, "a store thread panicked");
}

/// A row is what the database says it is, and can be up to 1 GB: a head
/// longer than the format allows, or a bucket of another length than the
/// signed one, is refused without its bytes being sent (before, each
/// request fetched the whole row, then failed the hash).
#[test]
fn rows_longer_than_the_format_allows_are_refused_unread() {
    let Some(db) = Db::start() else { return };
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    let mut admin = db.admin();
    admin
        .batch_execute(
            "UPDATE sso_secrets_bucket SET bytes = bytes || '\\x00'::bytea \
             WHERE unreferenced_since IS NULL",
        )
        .unwrap();
    let e = get(&*db.server(), &pass(), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::WrongFormat, "{}", e.detail());
    assert!(
        e.detail().contains("length its head gives"),
        "{}",
        e.detail()
    );
    admin
        .batch_execute(
            "UPDATE sso_secrets_head SET head = head || decode(repeat('00', 130 * 1024 * 1024), 'hex')",
        )
        .unwrap();
    let e = get(&*db.server(), &pass(), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::WrongFormat, "{}", e.detail());
    assert!(
        e.detail().contains("longer than any head"),
        "{}",
        e.detail()
    );
}

/// Whoever can write the rows can mark every bucket unreferenced long ago:
/// collection still deletes none that the head names (a denial of service
/// needs a DELETE, which the same writer could run anyway, not a trick).
#[test]
fn bucket_rows_marked_unreferenced_are_not_collected_while_the_head_names_them() {
    let Some(db) = Db::start() else { return };
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    db.admin()
        .batch_execute(
            "UPDATE sso_secrets_bucket SET unreferenced_since = now() - interval '1 day'; \
             UPDATE sso_secrets_head SET counter = 15",
        )
        .unwrap();
    // Commit 16 collects.
    put(&*cli, "b", "v", "two");
    assert_eq!(
        get(&*db.server(), &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
}

/// Bytes in a bucket row that do not match its name fail for every reader
/// (500) and are never kept, so the row's repair is seen at once; the
/// bucket cache keeps bytes only under the name they hash to.
#[test]
fn a_bucket_row_that_fails_its_name_is_a_500_and_is_never_kept() {
    let Some(db) = Db::start() else { return };
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    let mut admin = db.admin();
    admin
        .batch_execute(
            "CREATE TABLE saved AS SELECT * FROM sso_secrets_bucket; \
             UPDATE sso_secrets_bucket SET bytes = set_byte(bytes, 100, get_byte(bytes, 100) # 1) \
             WHERE octet_length(bytes) > 100",
        )
        .unwrap();
    let server = db.server();
    for _ in 0..2 {
        let e = get(&*server, &pass(), "a", "u").unwrap_err();
        assert_eq!(e.status(), Status::WrongFormat, "{}", e.detail());
    }
    admin
        .batch_execute(
            "UPDATE sso_secrets_bucket b SET bytes = s.bytes FROM saved s WHERE s.hash = b.hash",
        )
        .unwrap();
    assert_eq!(
        get(&*server, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
}

/// A bucket row deleted (or moved to another `vault` value) while the head
/// still names it is a vault that fails (500), not a "retry" that a server
/// answered as 503 for ever while /healthz said 200.
#[test]
fn a_bucket_missing_from_the_current_head_is_a_500_not_a_retry() {
    let Some(db) = Db::start() else { return };
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    db.admin()
        .batch_execute("UPDATE sso_secrets_bucket SET vault = '\\x00'::bytea")
        .unwrap();
    let e = get(&*db.server(), &pass(), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::WrongFormat, "{}", e.detail());
    assert!(e.detail().contains("missing"), "{}", e.detail());
}
