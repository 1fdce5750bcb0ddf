//! A vault in PostgreSQL, from outside: the real binary and real servers on
//! a throwaway cluster (with CI set, a missing server fails the run).

use super::harness::{Http, Server, json_secret};
use crate::common::{PASS, Vault, did, raw_bin};
use sso_secrets::testing::Cluster;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A cluster and a database URL on it, as a test vault (its `path` is the
/// URL: every command takes it through `--vault`).
fn database() -> Option<(Cluster, Vault)> {
    let cluster = Cluster::start()?;
    let name = format!("vault{}", DATABASES.fetch_add(1, Ordering::Relaxed));
    let url = cluster.database(&name);
    let mut v = Vault::empty();
    v.path = PathBuf::from(url);
    Some((cluster, v))
}

fn init(v: &Vault) {
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .success();
}

/// Polls `f` until it holds, for at most `limit` (a deadline for the
/// behaviour, not a measurement).
fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}

#[test]
fn the_seven_operations_tokens_read_only_and_check_on_postgresql() {
    let Some((_db, v)) = database() else { return };
    init(&v);
    // A second init refuses and leaves the vault.
    v.pass()
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("already exists"));
    v.put_sso("demo", "alice", b"s3cret\n\x00bytes");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .success()
        .stdout(&b"s3cret\n\x00bytes"[..]);
    let d = did("did:ssi:name:vault.example:demo/alice");
    v.pass()
        .args(["deactivate-sso", "demo", &d])
        .assert()
        .success();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44);
    v.pass()
        .args(["remove-sso", "demo", "--user-id", "alice"])
        .assert()
        .success();
    v.put_did("did:example:123", "key", b"did-value");
    v.pass()
        .args(["get-did", &did("did:example:123"), "key"])
        .assert()
        .success()
        .stdout("did-value");
    v.pass()
        .args(["delete-did", &did("did:example:123"), "key"])
        .assert()
        .success();
    v.pass()
        .args(["get-did", &did("did:example:123"), "key"])
        .assert()
        .code(44);

    // Tokens: scope and rights as on a file.
    v.put_sso("demo", "bob", b"b");
    v.put_sso("other", "bob", b"o");
    let reader = v.create_token(&["reader", "--app", "demo"]);
    v.token(&reader)
        .args(["get-sso", "demo", "--user-id", "bob"])
        .assert()
        .success()
        .stdout("b");
    v.token(&reader)
        .args(["get-sso", "other", "--user-id", "bob"])
        .assert()
        .code(43);
    v.token(&reader)
        .args(["put-sso", "demo", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(43);
    let writer = v.create_token(&["writer", "--app", "demo", "--write"]);
    v.token(&writer)
        .args(["put-sso", "demo", "--user-id", "carol"])
        .write_stdin("c")
        .assert()
        .success();
    v.token(&reader)
        .args(["get-sso", "demo", "--user-id", "carol"])
        .assert()
        .success()
        .stdout("c");

    // Read-only.
    v.pass()
        .args(["vault", "read-only", "on"])
        .assert()
        .success();
    v.token(&writer)
        .args(["put-sso", "demo", "--user-id", "carol"])
        .write_stdin("d")
        .assert()
        .code(55);
    v.pass()
        .args(["vault", "read-only", "off"])
        .assert()
        .success();

    // Revoke, check, info, list.
    v.pass()
        .args(["token", "revoke", "reader"])
        .assert()
        .success();
    v.token(&reader)
        .args(["get-sso", "demo", "--user-id", "bob"])
        .assert()
        .code(43);
    v.token(&writer)
        .args(["get-sso", "demo", "--user-id", "carol"])
        .assert()
        .success()
        .stdout("c");
    v.pass().args(["vault", "check"]).assert().success();
    let info = v
        .pass()
        .args(["vault", "info", "--json"])
        .assert()
        .success();
    let info: serde_json::Value = serde_json::from_slice(&info.get_output().stdout).unwrap();
    assert_eq!(info["sso_secrets"], 3, "{info}");
    assert_eq!(info["path"], v.path.to_str().unwrap(), "{info}");
    v.pass()
        .args(["list"])
        .assert()
        .success()
        .stdout(predicates::str::contains("carol"));
}

#[test]
fn eight_command_line_writers_at_once_lose_nothing_on_postgresql() {
    let Some((_db, v)) = database() else { return };
    init(&v);
    let token = v.create_token(&["writer", "--write"]);
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut c = raw_bin();
            c.arg("--vault")
                .arg(&v.path)
                .args(["--no-input", "put-sso", "demo", "--user-id"])
                .arg(format!("user{i}"))
                .env("SSO_SECRETS_TOKEN", &token)
                .stdin(std::process::Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("value{i}").as_bytes())
                .unwrap();
            child
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    for i in 0..8 {
        v.token(&token)
            .args(["get-sso", "demo", "--user-id", &format!("user{i}")])
            .assert()
            .success()
            .stdout(format!("value{i}"));
    }
}

#[test]
fn a_database_dump_shows_no_secret_and_no_name() {
    let Some((db, v)) = database() else { return };
    init(&v);
    v.put_sso("payroll-app", "alice.hidden@example.com", b"hunter2-value");
    v.put_did(
        "did:example:hidden-did",
        "signing-key-name",
        b"did-secret-value",
    );
    v.create_token(&["ci-token-name", "--app", "payroll-app", "--write"]);
    let out = std::process::Command::new(db.bin().join("pg_dump"))
        .arg("-h")
        .arg(db.socket_dir())
        .args(["-U", "postgres"])
        .arg(
            v.path
                .to_str()
                .unwrap()
                .split('/')
                .nth(3)
                .unwrap()
                .split('?')
                .next()
                .unwrap(),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(
        dump.contains("sso_secrets_bucket"),
        "the dump holds the vault"
    );
    for leak in [
        "payroll-app",
        "alice.hidden",
        "hunter2-value",
        "hidden-did",
        "signing-key-name",
        "did-secret-value",
        "ci-token-name",
    ] {
        assert!(!dump.contains(leak), "{leak} is in the dump");
        // bytea is dumped in hex: look there too.
        let hex: String = leak.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!dump.contains(&hex), "{leak} is in the dump, in hex");
    }
}

#[test]
fn two_servers_on_one_database_see_each_others_writes_and_revokes() {
    let Some((_db, v)) = database() else { return };
    init(&v);
    let token = v.create_token(&["writer", "--write"]);
    let a = Server::start(&v, &[]);
    let b = Server::start(&v, &[]);
    let (ha, hb) = (a.client(&token), b.client(&token));
    assert_eq!(
        ha.put("/putSSOSecret/demo", Some("alice"), &json_secret("one"))
            .status,
        200
    );
    let r = hb.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text().as_str()), (200, "one"));
    // A client reads its own write at once from the server that took it
    // (found in review: the cached head lagged its own commit).
    for i in 0..30 {
        let value = format!("mine-{i}");
        assert_eq!(
            ha.put("/putSSOSecret/demo", Some("bob"), &json_secret(&value))
                .status,
            200
        );
        assert_eq!(ha.get("/getSSOSecret/demo", Some("bob")).text(), value);
    }
    // A command-line write reaches both.
    v.token(&token)
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("two")
        .assert()
        .success();
    for h in [&ha, &hb] {
        assert!(eventually(Duration::from_secs(5), || {
            h.get("/getSSOSecret/demo", Some("alice")).text() == "two"
        }));
    }
    v.pass()
        .args(["token", "revoke", "writer"])
        .assert()
        .success();
    for h in [&ha, &hb] {
        assert!(
            eventually(Duration::from_secs(5), || {
                h.get("/getSSOSecret/demo", Some("alice")).status == 403
            }),
            "a revoked token still reads"
        );
    }
}

#[test]
fn a_server_killed_during_puts_loses_no_acknowledged_put() {
    let Some((_db, v)) = database() else { return };
    init(&v);
    let token = v.create_token(&["writer", "--write"]);
    let s = Server::start(&v, &[]);
    let base = s.base.clone();
    let pid = s.pid();
    let t = token.clone();
    let writer = std::thread::spawn(move || {
        let h = Http::new(&base, Some(&t));
        let mut acknowledged = Vec::new();
        for i in 0..10_000 {
            let mut req = ureq::http::Request::builder()
                .method("PUT")
                .uri(format!("{base}/putSSOSecret/demo"))
                .header("Authorization", format!("Bearer {t}"))
                .header("user-id", format!("u{i}"));
            req = req.header("Content-Type", "application/json");
            let _ = &h;
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(5)))
                .build()
                .new_agent();
            match agent.run(req.body(json_secret(&format!("v{i}"))).unwrap()) {
                Ok(r) if r.status() == 200 => acknowledged.push(i),
                _ => break,
            }
        }
        acknowledged
    });
    std::thread::sleep(Duration::from_millis(700));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let acknowledged = writer.join().unwrap();
    drop(s);
    assert!(
        acknowledged.len() > 3,
        "too few puts to judge: {acknowledged:?}"
    );
    let listed = v.token(&token).args(["list", "--json"]).assert().success();
    let listed = String::from_utf8_lossy(&listed.get_output().stdout).into_owned();
    for i in &acknowledged {
        assert!(
            listed.contains(&format!("\"u{i}\"")),
            "acknowledged put u{i} lost"
        );
    }
    let last = acknowledged.last().unwrap();
    v.token(&token)
        .args(["get-sso", "demo", "--user-id", &format!("u{last}")])
        .assert()
        .success()
        .stdout(format!("v{last}"));
}

#[test]
fn a_server_answers_503_while_the_database_is_down_and_recovers_by_itself() {
    let Some((mut db, v)) = database() else {
        return;
    };
    init(&v);
    let token = v.create_token(&["writer", "--write"]);
    v.token(&token)
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("one")
        .assert()
        .success();
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    assert_eq!(h.get("/healthz", None).status, 200);
    db.pause();
    assert!(
        eventually(Duration::from_secs(10), || {
            h.get("/getSSOSecret/demo", Some("alice")).status == 503
        }),
        "a server that cannot reach the database still answers"
    );
    let health = h.get("/healthz", None);
    assert_eq!(
        (health.status, health.text().as_str()),
        (503, "unreachable\n")
    );
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"))
            .status,
        503
    );
    db.resume();
    assert!(
        eventually(Duration::from_secs(20), || {
            h.get("/getSSOSecret/demo", Some("alice")).status == 200
        }),
        "the server did not recover"
    );
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("two"))
            .status,
        200
    );
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).text(), "two");
    assert_eq!(h.get("/healthz", None).status, 200);
}

/// An administrator holding a lock on the head's table (a schema change,
/// a stray `LOCK TABLE`) left every request, and `/healthz`, waiting for
/// as long as the lock was held: the server's threads answer every request
/// they hold, and a database call had no end. Now the lock wait ends (5 s)
/// and the server answers 503, then recovers when the lock goes.
#[test]
fn a_server_answers_503_while_the_head_table_is_locked_and_recovers() {
    let Some((db, v)) = database() else { return };
    init(&v);
    let token = v.create_token(&["reader"]);
    v.put_sso("demo", "alice", b"one");
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    let url = v.path.to_str().unwrap();
    let name = &url[url.find("@/").unwrap() + 2..url.find('?').unwrap()];
    let mut admin = db.client(name);
    admin
        .batch_execute("BEGIN; LOCK TABLE sso_secrets_head IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    // Past the 100 ms a confirmed head is used for.
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let status = h.get("/getSSOSecret/demo", Some("alice")).status;
    let health = h.get("/healthz", None).status;
    let took = start.elapsed();
    admin.batch_execute("COMMIT").unwrap();
    assert_eq!((status, health), (503, 503));
    assert!(took < Duration::from_secs(25), "{took:?}");
    assert!(
        eventually(Duration::from_secs(10), || {
            h.get("/getSSOSecret/demo", Some("alice")).status == 200
        }),
        "the server did not recover"
    );
}

#[test]
fn an_unreachable_database_is_75_and_a_refused_login_is_1() {
    let Some((db, v)) = database() else { return };
    init(&v);
    let nowhere = Vault::empty();
    let url = format!(
        "postgresql://postgres@/vault?host={}",
        nowhere.dir().join("no-server").display()
    );
    raw_bin()
        .args([
            "--vault",
            &url,
            "--no-input",
            "get-sso",
            "demo",
            "--user-id",
            "a",
        ])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .output()
        .map(|o| {
            assert_eq!(
                o.status.code(),
                Some(75),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
        })
        .unwrap();
    let stranger = format!(
        "postgresql://nobody@/postgres?host={}",
        db.socket_dir().display()
    );
    let o = raw_bin()
        .args(["--vault", &stranger, "--no-input", "list"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("nobody"), "{err}");
    // A password on argv is refused before anything is sent.
    let o = raw_bin()
        .args(["--vault", "postgresql://app:hunter2@db.invalid/x", "list"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("hunter2") && err.contains("pgpass"), "{err}");
}

#[test]
fn vault_copy_moves_a_file_vault_into_postgresql_and_back_keeping_every_token() {
    let Some((_db, pg)) = database() else { return };
    let file = Vault::new();
    file.put_sso("demo", "alice", b"a-value");
    file.put_did("did:example:1", "k", b"d-value");
    let token = file.create_token(&["reader", "--app", "demo"]);
    file.pass()
        .args(["vault", "copy", "--to"])
        .arg(&pg.path)
        .assert()
        .success();
    pg.token(&token)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .success()
        .stdout("a-value");
    pg.pass()
        .args(["get-did", &did("did:example:1"), "k"])
        .assert()
        .success()
        .stdout("d-value");
    // A destination that holds a vault: refused, nothing written.
    file.pass()
        .args(["vault", "copy", "--to"])
        .arg(&pg.path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("already exists"));
    // Tokens need the passphrase to copy.
    file.token(&token)
        .args(["vault", "copy", "--to"])
        .arg(file.dir().join("stolen"))
        .assert()
        .code(43);
    assert!(!file.dir().join("stolen").exists());
    // And back into a new file.
    let back = file.dir().join("back.vault");
    pg.pass()
        .args(["vault", "copy", "--to"])
        .arg(&back)
        .assert()
        .success();
    crate::common::bin()
        .arg("--vault")
        .arg(&back)
        .args(["--no-input", "get-sso", "demo", "--user-id", "alice"])
        .env("SSO_SECRETS_TOKEN", &token)
        .assert()
        .success()
        .stdout("a-value");
}

/// A CA and a server certificate for `names`, signed by it: (CA PEM,
/// certificate PEM, key PEM).
fn ca_and_server(names: &[&str]) -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "sso-secrets test database CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let leaf = rcgen::CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    (ca_cert.pem(), leaf.pem(), key.serialize_pem())
}

#[test]
fn tls_to_the_database_verifies_as_sslmode_says() {
    let (ca, cert, key) = ca_and_server(&["localhost"]);
    let Some(db) = Cluster::start_tls(&cert, &key) else {
        return;
    };
    let port = db.port();
    db.database("tls");
    let files = Vault::empty();
    let good_ca = files.file("ca.pem", ca.as_bytes());
    let other_ca = files.file("other.pem", ca_and_server(&["localhost"]).0.as_bytes());
    let url = |host: &str, mode: &str, root: &std::path::Path| {
        format!(
            "postgresql://postgres@{host}:{port}/tls?sslmode={mode}&sslrootcert={}",
            root.display()
        )
    };
    let run = |u: &str, args: &[&str]| {
        raw_bin()
            .args(["--vault", u, "--no-input"])
            .args(args)
            .env("SSO_SECRETS_PASSPHRASE", PASS)
            .output()
            .unwrap()
    };
    // verify-full with the right CA and name: works.
    let full = url("localhost", "verify-full", &good_ca);
    let o = run(
        &full,
        &["init", "--kdf-memory", "19", "--kdf-iterations", "2"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&full, &["list"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Another CA: refused, exit 1, said as a TLS failure.
    let o = run(&url("localhost", "verify-full", &other_ca), &["list"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("TLS"), "{err}");
    // The certificate does not name 127.0.0.1: verify-full refuses,
    // verify-ca (chain only) accepts.
    let o = run(&url("127.0.0.1", "verify-full", &good_ca), &["list"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&url("127.0.0.1", "verify-ca", &good_ca), &["list"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // require with a root certificate is verify-ca too, as in libpq: the
    // wrong CA is refused.
    let o = run(&url("127.0.0.1", "require", &other_ca), &["list"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The server saw TLS connections only.
    let mut c = db.client("tls");
    let plain: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.client_addr IS NOT NULL AND NOT s.ssl",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(plain, 0);
}
