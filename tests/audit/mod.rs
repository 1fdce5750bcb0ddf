//! The audit trail (issue 25), each property as an attack from outside:
//! the real binary on a fresh vault, the trail file edited as anyone who
//! can write it could.

mod failures;
mod forgery;

use crate::common::{Vault, stderr_of, stdout_of};
use std::path::PathBuf;

/// A vault with the trail on, one secret, and a read token for app `demo`.
pub fn audited() -> (Vault, String) {
    let v = Vault::new();
    v.put_sso("demo", "alice@example.com", b"s3cret");
    v.pass().args(["vault", "audit", "on"]).assert().success();
    let t = v.create_token(&["reader-bob", "--app", "demo"]);
    (v, t)
}

pub fn trail_path(v: &Vault) -> PathBuf {
    let mut p = v.path.as_os_str().to_owned();
    p.push(".audit");
    PathBuf::from(p)
}

/// The trail's frames (`len body len`), as bytes.
pub fn frames(v: &Vault) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(trail_path(v)).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        out.push(bytes[at..at + 8 + len].to_vec());
        at += 8 + len;
    }
    out
}

pub fn write_frames(v: &Vault, frames: &[Vec<u8>]) {
    std::fs::write(trail_path(v), frames.concat()).unwrap();
}

/// `audit verify` with the passphrase: exit code and stderr.
pub fn verify(v: &Vault) -> (Option<i32>, String) {
    let out = v.pass().args(["audit", "verify"]).output().unwrap();
    (out.status.code(), stderr_of(&out))
}

/// Records, as `audit --json` lists them.
pub fn records(v: &Vault) -> Vec<serde_json::Value> {
    let out = stdout_of(v.pass().args(["audit", "--json"]));
    let j: serde_json::Value = serde_json::from_slice(&out).unwrap();
    j["records"].as_array().unwrap().clone()
}

/// Several operations, then a passphrase write, which anchors them all.
pub fn busy_and_anchored(v: &Vault, token: &str) {
    for _ in 0..3 {
        v.token(token)
            .args(["get-sso", "demo", "--user-id", "alice@example.com"])
            .assert()
            .success();
    }
    v.put_sso("demo", "carol@example.com", b"x");
}

#[test]
fn every_operation_is_recorded_with_who_from_where_and_what() {
    let (v, t) = audited();
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "nobody"])
        .assert()
        .code(44);
    v.token(&t)
        .args(["get-sso", "other", "--user-id", "x"])
        .assert()
        .code(43);
    v.token("ssos_notatoken")
        .args(["get-sso", "demo", "--user-id", "x"])
        .assert()
        .code(43);
    let r = records(&v);
    let ops: Vec<(&str, u64)> = r
        .iter()
        .map(|x| {
            (
                x["operation"].as_str().unwrap(),
                x["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("vault audit on", 200),
            ("token create", 200),
            ("getSSOSecret", 200),
            ("getSSOSecret", 404),
            ("getSSOSecret", 403),
            ("getSSOSecret", 403),
        ]
    );
    assert_eq!(r[1]["target"]["token"], "reader-bob");
    assert_eq!(r[2]["principal"]["kind"], "token");
    assert_eq!(r[2]["principal"]["name"], "reader-bob");
    assert_eq!(r[2]["front"]["kind"], "cli");
    assert_eq!(r[2]["target"]["app"], "demo");
    assert_eq!(r[2]["target"]["user"], "alice@example.com");
    assert_eq!(r[5]["principal"]["kind"], "unknown");
    // Listing is itself recorded, and the whole trail verifies.
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn exec_and_administration_commands_are_recorded() {
    let (v, t) = audited();
    v.token(&t)
        .args([
            "exec",
            "--sso",
            "S",
            "demo",
            "alice@example.com",
            "--",
            "true",
        ])
        .assert()
        .success();
    v.pass().args(["list"]).assert().success();
    v.pass()
        .args(["token", "revoke", "reader-bob"])
        .assert()
        .success();
    v.pass().args(["vault", "audit", "off"]).assert().success();
    v.pass().args(["list"]).assert().success();
    let ops: Vec<String> = records(&v)
        .iter()
        .map(|x| x["operation"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ops,
        [
            "vault audit on",
            "token create",
            "getSSOSecret",
            "list",
            "token revoke",
            "vault audit off",
        ],
        "off is recorded, what follows is not; a revoke keeps the trail readable"
    );
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_token_holder_cannot_read_the_trail() {
    let (v, t) = audited();
    let w = v.create_token(&["writer", "--write"]);
    for token in [&t, &w] {
        let out = v.token(token).args(["audit"]).output().unwrap();
        assert_eq!(out.status.code(), Some(43), "{}", stderr_of(&out));
        assert!(out.stdout.is_empty());
        v.token(token)
            .args(["audit", "prune", "--before", "2030-01-01"])
            .assert()
            .code(43);
        v.token(token)
            .args(["vault", "audit", "off"])
            .assert()
            .code(43);
    }
}

#[test]
fn no_name_appears_in_clear_in_the_trail() {
    let (v, t) = audited();
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    let bytes = std::fs::read(trail_path(&v)).unwrap();
    for name in [
        "demo",
        "alice@example.com",
        "reader-bob",
        "getSSOSecret",
        "token",
    ] {
        assert!(
            !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in clear"
        );
    }
    let meta = std::fs::metadata(trail_path(&v)).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600
    );
}

#[test]
fn prune_drops_old_records_and_what_remains_verifies() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    let before = records(&v).len();
    let out = v
        .pass()
        .args(["--json", "audit", "prune", "--before", "2100-01-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j["pruned"],
        before + 1,
        "every record so far (and the listing)"
    );
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    // Records appended after the prune follow the new start.
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    let r = records(&v);
    assert_eq!(r[0]["operation"], "audit prune");
}

#[test]
fn vault_check_is_recorded_as_the_passphrase() {
    let (v, _t) = audited();
    v.pass().args(["vault", "check"]).assert().success();
    let r = records(&v);
    let check = r
        .iter()
        .find(|x| x["operation"] == "vault check")
        .expect("a record of vault check");
    assert_eq!(check["principal"]["kind"], "passphrase", "{check}");
}
