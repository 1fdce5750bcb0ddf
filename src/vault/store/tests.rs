//! One suite, run against every store: the file and PostgreSQL (a
//! throwaway cluster; with CI set, a missing server fails the run).

use super::file::FileStore;
use super::pg::{PgStore, Target};
use super::{Store, lock};
use crate::crypto::KdfParams;
use crate::error::Result;
use crate::secret::SecretString;
use crate::status::Status;
use crate::testing::Cluster;
use crate::vault::test_support::{PASS, app, entry, pass};
use crate::vault::{Unlocker, Vault, create};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A store holding a new vault, and what keeps it alive.
struct On {
    store: Arc<dyn Store>,
    /// The same store, as itself (database only).
    pg: Option<PgStore>,
    _dir: tempfile::TempDir,
    cluster: Option<Cluster>,
    db: String,
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// Runs `test` on a file store, then on a database store.
fn each_store(test: impl Fn(&On)) {
    let dir = tempfile::tempdir().unwrap();
    let file = On {
        store: Arc::new(FileStore::new(dir.path().join("vault"))),
        pg: None,
        _dir: dir,
        cluster: None,
        db: String::new(),
    };
    init(&*file.store);
    test(&file);
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let db = format!("suite{}", DATABASES.fetch_add(1, Ordering::Relaxed));
    let url = cluster.database(&db);
    let target = Target::parse(&url).unwrap();
    let on = On {
        store: PgStore::shared(&target).unwrap(),
        pg: Some(PgStore::of(&target)),
        _dir: tempfile::tempdir().unwrap(),
        cluster: Some(cluster),
        db,
    };
    init(&*on.store);
    test(&on);
}

fn init(store: &dyn Store) {
    let pw = SecretString::new(PASS.into());
    create(store, &pw, KdfParams::FLOOR, Duration::from_secs(5)).unwrap();
}

fn put(store: &dyn Store, u: &Unlocker, a: &str, user: &str, value: &str) -> Result<()> {
    let lock = lock(store, Duration::from_secs(30))??;
    let mut v = Vault::open_for_write(lock, u)?;
    let sk = v.scope(&app(a))?;
    v.put(&sk, &entry(user, value))?;
    v.commit()
}

fn get(store: &dyn Store, u: &Unlocker, a: &str, user: &str) -> Option<String> {
    let v = Vault::open(store, u).unwrap();
    let sk = v.scope(&app(a)).unwrap();
    v.get(&sk, user)
        .unwrap()
        .map(|e| String::from_utf8(e.value.expose().to_vec()).unwrap())
}

#[test]
fn a_second_vault_is_refused_and_the_first_left_as_it_was() {
    each_store(|on| {
        let u = pass();
        put(&*on.store, &u, "a", "u", "one").unwrap();
        let pw = SecretString::new("other".into());
        let e = create(&*on.store, &pw, KdfParams::FLOOR, Duration::from_secs(5)).unwrap_err();
        assert_eq!(e.status(), Status::Failure);
        assert!(e.detail().contains("already exists"), "{}", e.detail());
        assert_eq!(get(&*on.store, &u, "a", "u").as_deref(), Some("one"));
    });
}

#[test]
fn writers_queue_on_the_lock_and_a_lost_race_changes_nothing() {
    each_store(|on| {
        let u = pass();
        put(&*on.store, &u, "a", "u", "one").unwrap();
        // A second writer waits for the first, then gives up: 75.
        let first = on.store.lock(Duration::from_secs(5)).ok().unwrap();
        let e = match on.store.lock(Duration::from_millis(50)) {
            Err(super::LockError::Other(e)) => e,
            _ => panic!("a second writer got the lock"),
        };
        assert_eq!(e.status(), Status::Temporary, "{}", e.detail());
        drop(first);
        if let Some(cluster) = &on.cluster {
            // A writer that ignores the lock commits between this write's
            // read and its publish: the compare-and-swap refuses it.
            let lock = on.store.lock(Duration::from_secs(5)).ok().unwrap();
            let mut v = Vault::open_for_write(lock, &u).unwrap();
            let sk = v.scope(&app("a")).unwrap();
            v.put(&sk, &entry("u", "two")).unwrap();
            cluster
                .client(&on.db)
                .batch_execute("UPDATE sso_secrets_head SET counter = counter + 1")
                .unwrap();
            let e = v.commit().unwrap_err();
            assert_eq!(e.status(), Status::Temporary, "{}", e.detail());
            assert!(e.detail().contains("nothing was written"), "{}", e.detail());
        }
        assert_eq!(get(&*on.store, &u, "a", "u").as_deref(), Some("one"));
        put(&*on.store, &u, "a", "u", "three").unwrap();
        assert_eq!(get(&*on.store, &u, "a", "u").as_deref(), Some("three"));
    });
}

#[test]
fn a_crash_between_the_buckets_and_the_head_leaves_the_old_vault() {
    each_store(|on| {
        let u = pass();
        put(&*on.store, &u, "a", "u", "one").unwrap();
        match &on.cluster {
            // What a writer killed after writing its buckets leaves: rows
            // no head names. (A publish is one transaction, so even this
            // cannot happen through the store; it is what a crash of any
            // writer could leave at worst.)
            Some(cluster) => {
                cluster
                    .client(&on.db)
                    .batch_execute(
                        "INSERT INTO sso_secrets_bucket (vault, hash, bytes) \
                         SELECT vault, sha256('half'::bytea), 'half'::bytea FROM sso_secrets_head",
                    )
                    .unwrap();
            }
            // A killed writer's temp file beside the vault.
            None => {
                let dir = on._dir.path();
                std::fs::write(dir.join(".vault.tmp-killed"), b"half a vault").unwrap();
            }
        }
        assert_eq!(get(&*on.store, &u, "a", "u").as_deref(), Some("one"));
        put(&*on.store, &u, "a", "v", "two").unwrap();
        assert_eq!(get(&*on.store, &u, "a", "u").as_deref(), Some("one"));
        if on.cluster.is_none() {
            assert!(!on._dir.path().join(".vault.tmp-killed").exists());
        }
    });
}

#[test]
fn concurrent_writers_lose_nothing() {
    each_store(|on| {
        std::thread::scope(|s| {
            for w in 0..4 {
                s.spawn(move || {
                    let u = pass();
                    for i in 0..6 {
                        put(
                            &*on.store,
                            &u,
                            "a",
                            &format!("w{w}-{i}"),
                            &format!("{w}.{i}"),
                        )
                        .unwrap();
                    }
                });
            }
        });
        let u = pass();
        for w in 0..4 {
            for i in 0..6 {
                assert_eq!(
                    get(&*on.store, &u, "a", &format!("w{w}-{i}")),
                    Some(format!("{w}.{i}"))
                );
            }
        }
    });
}

#[test]
fn collection_never_removes_a_bucket_the_head_names() {
    each_store(|on| {
        let u = pass();
        // Enough entries for several buckets, written one commit each (the
        // first commit of the process collects too).
        for i in 0..150 {
            put(
                &*on.store,
                &u,
                &format!("app{}", i % 3),
                &format!("u{i}"),
                &format!("v{i}"),
            )
            .unwrap();
        }
        if let Some(cluster) = &on.cluster {
            let pg = on.pg.as_ref().unwrap();
            // Marks every row no head names.
            pg.collect_now().unwrap();
            let mut db = cluster.client(&on.db);
            // Everything marked unreferenced long ago: the next collection
            // deletes it, unless the head names it.
            db.batch_execute(
                "UPDATE sso_secrets_bucket SET unreferenced_since = now() - interval '1 hour' \
                 WHERE unreferenced_since IS NOT NULL",
            )
            .unwrap();
            let before: i64 = db
                .query_one("SELECT count(*) FROM sso_secrets_bucket", &[])
                .unwrap()
                .get(0);
            for i in 150..170 {
                put(&*on.store, &u, "app0", &format!("u{i}"), &format!("v{i}")).unwrap();
            }
            pg.collect_now().unwrap();
            let after: i64 = db
                .query_one("SELECT count(*) FROM sso_secrets_bucket", &[])
                .unwrap()
                .get(0);
            assert!(
                after < before + 20,
                "nothing was collected: {before} -> {after}"
            );
        }
        for i in 0..150 {
            assert_eq!(
                get(&*on.store, &u, &format!("app{}", i % 3), &format!("u{i}")),
                Some(format!("v{i}"))
            );
        }
    });
}
