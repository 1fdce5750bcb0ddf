//! The watcher and its change counter: what a database writer does to the
//! counter or to the notifications never hides a change (a revoke is seen
//! at once), never makes every read parse the head, and a slow or flooded
//! connection does not stretch the 100 ms within which a change is seen.

use super::*;
use crate::status::Status;
use crate::vault::test_support::{pass, tok};
use std::time::{Duration, Instant};

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
