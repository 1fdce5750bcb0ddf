//! The audit trail of a vault in PostgreSQL (issue 25): several servers and
//! the command line append to one table; the chain holds, nothing is lost,
//! no name is in clear, and a copy carries the trail.

use super::harness::{Http, Server};
use crate::common::{PASS, Vault, stderr_of};
use sso_secrets::testing::Cluster;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn audited_database(cluster: &Cluster, name: &str) -> Vault {
    let mut v = Vault::empty();
    v.path = PathBuf::from(cluster.database(name));
    v.pass()
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .success();
    v.put_sso("demo", "alice@example.com", b"s3cret");
    v.pass().args(["vault", "audit", "on"]).assert().success();
    v
}

fn verify(v: &Vault) {
    let out = v.pass().args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

fn records(v: &Vault) -> Vec<serde_json::Value> {
    let out = v.pass().args(["audit", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    j["records"].as_array().unwrap().clone()
}

#[test]
fn two_servers_and_the_command_line_append_one_chain_and_lose_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let v = audited_database(&cluster, "audit1");
    let t = v.create_token(&["reader-bob", "--app", "demo"]);
    let servers = [Server::start(&v, &[]), Server::start(&v, &[])];
    let answered = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for c in 0..16 {
            let (base, t, answered) = (&servers[c % 2].base, &t, &answered);
            scope.spawn(move || {
                let http = Http::new(base, Some(t));
                for _ in 0..8 {
                    let r = http.get("/getSSOSecret/demo", Some("alice@example.com"));
                    assert_eq!(r.status, 200, "{}", r.text());
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // The command line appends beside them.
        scope.spawn(|| {
            for _ in 0..4 {
                v.token(&t)
                    .args(["get-sso", "demo", "--user-id", "alice@example.com"])
                    .assert()
                    .success();
            }
        });
    });
    drop(servers);
    let r = records(&v);
    let served = r.iter().filter(|x| x["front"]["kind"] == "serve").count();
    assert_eq!(served, answered.load(Ordering::Relaxed));
    let cli_gets = r
        .iter()
        .filter(|x| x["front"]["kind"] == "cli" && x["operation"] == "getSSOSecret")
        .count();
    assert_eq!(cli_gets, 4);
    verify(&v);
    // A passphrase write anchors it all; then a row removed from the
    // middle is reported.
    v.put_sso("demo", "carol", b"x");
    verify(&v);
    let mut client = cluster.client("audit1");
    let bodies: Vec<Vec<u8>> = client
        .query("SELECT body FROM sso_secrets_audit", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    for name in ["demo", "alice@example.com", "reader-bob", "getSSOSecret"] {
        assert!(
            !bodies
                .iter()
                .any(|b| b.windows(name.len()).any(|w| w == name.as_bytes())),
            "{name} in clear"
        );
    }
    client
        .execute("DELETE FROM sso_secrets_audit WHERE seq = 5", &[])
        .unwrap();
    let out = v.pass().args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(50), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("record 6 follows record 4"));
    // A body column of another type (whoever administers the database can
    // alter it) is a failure naming the tables, never a panic; and a get
    // whose record cannot be appended prints nothing.
    client
        .batch_execute(
            "ALTER TABLE sso_secrets_audit ALTER body TYPE text USING encode(body, 'hex')",
        )
        .unwrap();
    for args in [
        &["audit", "verify"][..],
        &["get-sso", "demo", "--user-id", "alice@example.com"],
    ] {
        let out = v.pass().args(args).output().unwrap();
        let err = stderr_of(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("not as `init` made them"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_copy_carries_the_trail_between_a_file_and_a_database() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    v.pass().args(["vault", "audit", "on"]).assert().success();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .success();
    let before = records(&v).len();
    let url = cluster.database("audit2");
    v.pass()
        .args(["vault", "copy", "--to", &url])
        .assert()
        .success();
    // Again onto the copy: refused as a vault that exists (its trail is
    // its own, not another vault's).
    let out = v
        .pass()
        .args(["vault", "copy", "--to", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("a vault already exists"),
        "{}",
        stderr_of(&out)
    );
    let mut copy = Vault::empty();
    copy.path = PathBuf::from(&url);
    verify(&copy);
    // The copy holds the original's records up to the copy, then its own.
    let r = records(&copy);
    assert!(r.len() > before, "{} records", r.len());
    assert_eq!(r[1]["operation"], "getSSOSecret");
    // And back into a file.
    let back = v.dir().join("back.vault");
    copy.pass()
        .args(["vault", "copy", "--to"])
        .arg(&back)
        .assert()
        .success();
    let mut b = Vault::empty();
    b.path = back;
    verify(&b);
    let _ = PASS;
}
