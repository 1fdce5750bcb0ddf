//! The network and the server between the tool and its data: a lock held on
//! the head table or a network that forwards nothing is a 75 (worth
//! retrying), never a hang, and TLS to the server checks what `sslmode`
//! says, as libpq does.

use super::*;
use crate::crypto::KdfParams;
use crate::error::Result;
use crate::secret::SecretString;
use crate::status::Status;
use crate::testing::Cluster;
use crate::vault::create;
use crate::vault::test_support::{PASS, pass};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

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
