//! Attacks on the PostgreSQL store from where its threats sit: someone who
//! can write the database's rows (or administers it), and someone on the
//! network between the tool and the database. Each test performs the
//! attack and states what must hold (issue: review of the storage joint).

use super::pg::{PgStore, Target};
use super::{Store, lock};
use crate::crypto::KdfParams;
use crate::error::Result;
use crate::secret::SecretString;
use crate::status::Status;
use crate::testing::Cluster;
use crate::vault::test_support::{PASS, app, entry, pass, tok};
use crate::vault::{Unlocker, Vault, create};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A new vault in a new database of a throwaway cluster: the cluster, the
/// database's name and URL, and the store of a second process (the
/// passphrase holder's command line) beside the one under attack.
struct Db {
    cluster: Cluster,
    name: String,
    url: String,
}

impl Db {
    fn start() -> Option<Db> {
        let cluster = Cluster::start()?;
        let name = format!("attack{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        let url = cluster.database(&name);
        let db = Db { cluster, name, url };
        let pw = SecretString::new(PASS.into());
        create(&*db.cli(), &pw, KdfParams::FLOOR, Duration::from_secs(5)).unwrap();
        Some(db)
    }

    /// The command line's store (another process: its own caches).
    fn cli(&self) -> Arc<dyn Store> {
        store(&format!("{}&application_name=cli", self.url))
    }

    /// The server's store (`serve`: one store for every request).
    fn server(&self) -> Arc<dyn Store> {
        store(&self.url)
    }

    /// A client of the database, as its administrator.
    fn admin(&self) -> postgres::Client {
        self.cluster.client(&self.name)
    }
}

fn store(url: &str) -> Arc<dyn Store> {
    PgStore::shared(&Target::parse(url).unwrap()).unwrap()
}

fn write<T>(store: &dyn Store, u: &Unlocker, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
    let mut v = Vault::open_for_write(lock(store, Duration::from_secs(30))??, u)?;
    let out = f(&mut v)?;
    v.commit()?;
    Ok(out)
}

fn put(store: &dyn Store, a: &str, user: &str, value: &str) {
    write(store, &pass(), |v| {
        let sk = v.scope(&app(a))?;
        v.put(&sk, &entry(user, value))
    })
    .unwrap();
}

fn get(store: &dyn Store, u: &Unlocker, a: &str, user: &str) -> Result<Option<String>> {
    let v = Vault::open(store, u)?;
    let sk = v.scope(&app(a))?;
    Ok(v.get(&sk, user)?
        .map(|e| String::from_utf8(e.value.expose().to_vec()).unwrap()))
}

fn read_token(store: &dyn Store, name: &str) -> SecretString {
    write(store, &pass(), |v| {
        v.create_token(name, &[app("a")], false, None)
    })
    .unwrap()
}

fn counter(db: &mut postgres::Client) -> i64 {
    db.query_one("SELECT counter FROM sso_secrets_head", &[])
        .unwrap()
        .get(0)
}

/// The server keeps the head it verified and asks the database whether it
/// is still current. A database writer who changes the head without
/// changing the counter (or sets the counter back after a commit) must not
/// make it serve the old head: here, a revoked token kept reading through
/// the server for as long as the counter said nothing changed, while every
/// other reader saw the revoke.
#[test]
fn a_revoke_is_seen_though_a_database_writer_sets_the_counter_back() {
    let Some(db) = Db::start() else { return };
    let (cli, server) = (db.cli(), db.server());
    put(&*cli, "a", "u", "one");
    let t = read_token(&*cli, "t");
    assert_eq!(
        get(&*server, &tok(&t), "a", "u").unwrap().as_deref(),
        Some("one")
    );
    let mut admin = db.admin();
    let before = counter(&mut admin);
    write(&*cli, &pass(), |v| v.revoke_token("t")).unwrap();
    admin
        .execute("UPDATE sso_secrets_head SET counter = $1", &[&before])
        .unwrap();
    // The command line sees the revoke...
    let e = get(&*cli, &tok(&t), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized, "{}", e.detail());
    // ...and so must the server.
    let e = get(&*server, &tok(&t), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized, "{}", e.detail());
}

/// A counter set back (a database restored from a dump, or a writer of the
/// rows) must not make every read fetch and parse the head again.
#[test]
fn a_counter_set_back_does_not_make_every_read_parse_the_head() {
    let Some(db) = Db::start() else { return };
    let server = db.server();
    put(&*server, "a", "u", "one");
    db.admin()
        .batch_execute("UPDATE sso_secrets_head SET counter = counter - 1000")
        .unwrap();
    assert_eq!(
        get(&*server, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
    assert!(
        !server.head().unwrap().fresh,
        "the head was fetched and parsed again"
    );
}

/// A TCP relay to the cluster's socket, standing where a network attacker
/// stands: it can delay what the database says to the watcher, or hold
/// everything (a stalled network, or a middlebox that keeps the connection
/// open and forwards nothing).
struct Relay {
    port: u16,
    /// Delay of what the database says on the watcher's connection.
    delay: Arc<Mutex<Option<Duration>>>,
    /// Forward nothing, either way, on any connection.
    hold: Arc<AtomicBool>,
    /// What the watcher's connection carried, and when.
    events: mpsc::Receiver<Seen>,
}

#[derive(Debug)]
enum Seen {
    /// The watcher asked the database to run a statement (a Bind message:
    /// the statement's snapshot is taken when it arrives).
    Asked(Instant),
    /// Bytes the database sent at `read` were handed to the watcher.
    Answered {
        /// When the relay read them from the database.
        read: Instant,
    },
}

impl Relay {
    fn start(cluster: &Cluster) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let socket = cluster.socket_dir().join(".s.PGSQL.5432");
        let delay: Arc<Mutex<Option<Duration>>> = Arc::new(Mutex::new(None));
        let hold = Arc::new(AtomicBool::new(false));
        let (tx, events) = mpsc::channel();
        let (d, h) = (delay.clone(), hold.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(server) = UnixStream::connect(&socket) else {
                    return;
                };
                let watcher = Arc::new(AtomicBool::new(false));
                let up = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (w, h2, tx2) = (watcher.clone(), h.clone(), tx.clone());
                std::thread::spawn(move || {
                    let (mut from, mut to) = up;
                    let mut buf = vec![0; 64 * 1024];
                    while let Ok(n @ 1..) = from.read(&mut buf) {
                        while h2.load(Ordering::SeqCst) {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        if buf[..n].windows(6).any(|x| x == b"LISTEN") {
                            w.store(true, Ordering::SeqCst);
                        } else if w.load(Ordering::SeqCst) && buf[0] == b'B' {
                            let _ = tx2.send(Seen::Asked(Instant::now()));
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
                let (d2, h3, tx3) = (d.clone(), h.clone(), tx.clone());
                std::thread::spawn(move || {
                    let (mut from, mut to): (UnixStream, TcpStream) = (server, client);
                    let mut buf = vec![0; 64 * 1024];
                    while let Ok(n @ 1..) = from.read(&mut buf) {
                        let got = Instant::now();
                        while h3.load(Ordering::SeqCst) {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        let is_watcher = watcher.load(Ordering::SeqCst);
                        if is_watcher && let Some(d) = *d2.lock().unwrap() {
                            let d: Duration = d;
                            std::thread::sleep((got + d).saturating_duration_since(Instant::now()));
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                        if is_watcher {
                            let _ = tx3.send(Seen::Answered { read: got });
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        Relay {
            port,
            delay,
            hold,
            events,
        }
    }

    fn url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// Waits for the next event `want` accepts, and returns it.
    fn next(&self, want: impl Fn(&Seen) -> bool) -> Seen {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            let seen = self.events.recv_timeout(left).unwrap();
            if want(&seen) {
                return seen;
            }
        }
    }
}

/// The watcher confirms "the head is still the one kept" for 100 ms. A
/// network attacker who delays the database's answer to the watcher (TLS
/// lets him delay, not alter) must not stretch that: an answer describes
/// the database as it was when the question was sent, not when the answer
/// came. Here a revoke committed while the watcher's question was held;
/// the stale answer arrived a second and a half later and the revoked
/// token was served from the kept head, long past the promised 100 ms.
#[test]
fn a_delayed_answer_to_the_watcher_does_not_stretch_the_100_ms() {
    let Some(db) = Db::start() else { return };
    let relay = Relay::start(&db.cluster);
    let cli = db.cli();
    put(&*cli, "a", "u", "one");
    let t = read_token(&*cli, "t");
    let server = store(&relay.url(&db.name));
    server.watch();
    // The watcher is listening; the server keeps the head.
    relay.next(|s| matches!(s, Seen::Asked(_)));
    assert_eq!(
        get(&*server, &tok(&t), "a", "u").unwrap().as_deref(),
        Some("one")
    );
    let delay = Duration::from_millis(1500);
    let armed = Instant::now();
    *relay.delay.lock().unwrap() = Some(delay);
    // A question asked from now on: the attacker holds its answer back.
    let Seen::Asked(asked) = relay.next(|s| matches!(s, Seen::Asked(t) if *t > armed)) else {
        unreachable!()
    };
    write(&*cli, &pass(), |v| v.revoke_token("t")).unwrap();
    let revoked = Instant::now();
    assert!(
        revoked < asked + delay - Duration::from_millis(300),
        "the revoke took too long for this test to mean anything"
    );
    // The answer to that question (read before the revoke committed).
    relay.next(|s| matches!(s, Seen::Answered { read } if *read > asked));
    std::thread::sleep(Duration::from_millis(20));
    let e = get(&*server, &tok(&t), "a", "u").unwrap_err();
    assert_eq!(e.status(), Status::Unauthorized, "{}", e.detail());
    *relay.delay.lock().unwrap() = None;
}

/// Every database call of a reader ends: an administrator holding a lock
/// on the head's table (or any lock wait) is a 75 (a server's 503), not a
/// request that never ends on a server thread that serves every other
/// request too.
#[test]
fn a_lock_held_on_the_head_table_is_a_75_not_a_hang() {
    let Some(db) = Db::start() else { return };
    let server = db.server();
    put(&*server, "a", "u", "one");
    let mut admin = db.admin();
    admin
        .batch_execute("BEGIN; LOCK TABLE sso_secrets_head IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let s = server.clone();
    std::thread::spawn(move || {
        let _ = tx.send(s.head().map(drop).map_err(|e| e.status()));
    });
    let got = rx.recv_timeout(Duration::from_secs(25));
    admin.batch_execute("COMMIT").unwrap();
    assert_eq!(got, Ok(Err(Status::Temporary)));
    assert_eq!(
        get(&*server, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
}

/// A network that forwards nothing (a middlebox holding the connection
/// open) is 75, then the store recovers when the network does.
#[test]
fn a_network_that_forwards_nothing_is_a_75_not_a_hang() {
    let Some(db) = Db::start() else { return };
    let relay = Relay::start(&db.cluster);
    let server = store(&relay.url(&db.name));
    put(&*server, "a", "u", "one");
    relay.hold.store(true, Ordering::SeqCst);
    let (tx, rx) = mpsc::channel();
    let s = server.clone();
    std::thread::spawn(move || {
        let _ = tx.send(s.head().map(drop).map_err(|e| e.status()));
    });
    let got = rx.recv_timeout(Duration::from_secs(25));
    relay.hold.store(false, Ordering::SeqCst);
    assert_eq!(got, Ok(Err(Status::Temporary)));
    assert_eq!(
        get(&*server, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
    );
}

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

/// What each `sslmode` checks, against a server with TLS whose certificate
/// names `localhost` and is signed by a test authority, as a network
/// attacker with a certificate of his own would face it: `verify-full`
/// checks chain and name, `verify-ca` the chain, `require` encrypts, and,
/// as in libpq, a root certificate file that exists makes `prefer` and
/// `require` check the chain (here the attacker's authority is not the
/// one the file names: before, `prefer` with it connected anyway).
#[test]
fn each_sslmode_checks_what_libpq_checks() {
    let authority = |name: &str| {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name.push(rcgen::DnType::CommonName, name);
        let cert = ca.self_signed(&key).unwrap();
        (cert, rcgen::Issuer::new(ca, key))
    };
    let (ca, issuer) = authority("the database's authority");
    let (other, _) = authority("someone else's authority");
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let Some(cluster) = Cluster::start_tls(&leaf.pem(), &key.serialize_pem()) else {
        return;
    };
    let url = cluster.database("tls");
    let pw = SecretString::new(PASS.into());
    create(&*store(&url), &pw, KdfParams::FLOOR, Duration::from_secs(5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (dir.path().join("ca.pem"), dir.path().join("other.pem"));
    std::fs::write(&ours, ca.pem()).unwrap();
    std::fs::write(&theirs, other.pem()).unwrap();
    let port = cluster.port();
    let open = |host: &str, query: String| {
        let url = format!("postgresql://postgres@{host}:{port}/tls?{query}");
        store(&url).check_present().map(drop)
    };
    let root = |p: &std::path::Path| format!("sslrootcert={}", p.display());
    // `require` encrypts, checking nothing it has no root file for.
    open("localhost", "sslmode=require".into()).unwrap();
    let plain: i64 = cluster
        .client("tls")
        .query_one(
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
             WHERE a.application_name = 'sso-secrets' AND a.client_addr IS NOT NULL \
             AND NOT s.ssl",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        plain, 0,
        "a connection with sslmode=require is not encrypted"
    );
    let refused = |r: Result<()>, what: &str| {
        let e = r.expect_err(what);
        assert_eq!(e.status(), Status::Failure, "{what}: {}", e.detail());
        assert!(e.detail().contains("TLS"), "{what}: {}", e.detail());
    };
    open("localhost", format!("sslmode=verify-full&{}", root(&ours))).unwrap();
    refused(
        open(
            "localhost",
            format!("sslmode=verify-full&{}", root(&theirs)),
        ),
        "verify-full, another authority",
    );
    open("127.0.0.1", format!("sslmode=verify-ca&{}", root(&ours))).unwrap();
    refused(
        open("127.0.0.1", format!("sslmode=verify-full&{}", root(&ours))),
        "verify-full, another name",
    );
    refused(
        open("localhost", format!("sslmode=require&{}", root(&theirs))),
        "require with a root file",
    );
    refused(
        open("localhost", format!("sslmode=prefer&{}", root(&theirs))),
        "prefer with a root file",
    );
    open("localhost", format!("sslmode=prefer&{}", root(&ours))).unwrap();
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

/// Anyone who may connect to the database may NOTIFY the channel the
/// servers listen on (no privilege on the vault's tables needed). Each
/// notification made every server's watcher ask the database for the
/// head's digest again: a flood of notifications became a flood of
/// SHA-256 runs over the head, times the number of servers.
#[test]
fn a_flood_of_notifications_does_not_make_the_watcher_ask_for_each() {
    let Some(db) = Db::start() else { return };
    let relay = Relay::start(&db.cluster);
    put(&*db.cli(), "a", "u", "one");
    let server = store(&relay.url(&db.name));
    server.watch();
    relay.next(|s| matches!(s, Seen::Asked(_)));
    let mut outsider = db.admin();
    outsider
        .batch_execute(
            "CREATE ROLE outsider LOGIN; SET ROLE outsider; \
             SELECT pg_notify('sso_secrets', g::text) FROM generate_series(1, 2000) g",
        )
        .unwrap();
    let start = Instant::now();
    let mut asked = 0;
    while start.elapsed() < Duration::from_secs(2) {
        if let Ok(Seen::Asked(_)) = relay.events.recv_timeout(Duration::from_millis(50)) {
            asked += 1;
        }
    }
    // Every 40 ms, and right after a notification: about 50 in 2 s.
    assert!(asked < 400, "the watcher asked {asked} times in 2 s");
    // And it still sees a commit at once.
    assert_eq!(
        get(&*server, &pass(), "a", "u").unwrap().as_deref(),
        Some("one")
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

/// A server reads its own writes: a get right after a put (or a remove)
/// on the same server never answers from the head before it, even while
/// the watcher's question about that head is still on its way.
#[test]
fn a_server_reads_its_own_write_at_once() {
    let Some(db) = Db::start() else { return };
    let server = db.server();
    put(&*server, "a", "u", "0");
    server.watch();
    std::thread::sleep(Duration::from_millis(100));
    for i in 1..20 {
        put(&*server, "a", "u", &i.to_string());
        assert_eq!(
            get(&*server, &pass(), "a", "u").unwrap(),
            Some(i.to_string())
        );
    }
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
