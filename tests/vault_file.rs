//! The vault file: permissions, confidentiality, tamper detection, atomic
//! and concurrent writes, hostile paths.

use crate::common::*;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

const DID_TEXT: &str = "did:ssi:name:vault.example:tamperapp/zelda";

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn files_are_created_0600() {
    let v = Vault::new();
    assert_eq!(mode(&v.path), 0o600);
    v.put_sso("demo", "alice", b"x");
    assert_eq!(mode(&v.path), 0o600);
    assert_eq!(mode(&v.dir().join("vault.lock")), 0o600);
}

#[test]
fn no_name_or_value_appears_in_clear() {
    let v = Vault::new();
    let secrets: [(&str, &str, &str); 2] = [
        ("PlainAppName", "PlainUserId", "PlainSecretValue1"),
        ("OtherApplication", "SomeoneElse", "PlainSecretValue2"),
    ];
    for (app, user, value) in secrets {
        v.put_sso(app, user, value.as_bytes());
    }
    v.put_did(DID_TEXT, "PlainSecretName", b"PlainDidValue");
    let token = v.create_token(&["PlainTokenName", "--app", "PlainAppName"]);
    let bytes = v.bytes();
    let needles = [
        "PlainAppName",
        "PlainUserId",
        "PlainSecretValue1",
        "OtherApplication",
        "SomeoneElse",
        "PlainSecretValue2",
        DID_TEXT,
        "tamperapp",
        "PlainSecretName",
        "PlainDidValue",
        "PlainTokenName",
        PASS,
        &token,
        &token[5..],
        &did(DID_TEXT),
    ];
    for n in needles {
        assert!(
            !bytes.windows(n.len()).any(|w| w == n.as_bytes()),
            "{n:?} appears in the vault file"
        );
    }
}

/// A small vault with one SSO and one DID secret and an all-scope read token.
fn small_vault() -> (Vault, String) {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"sso-value");
    v.put_did(DID_TEXT, "credential", b"did-value");
    let token = v.create_token(&["reader"]);
    (v, token)
}

#[test]
fn every_flipped_byte_is_detected() {
    let (v, token) = small_vault();
    let original = v.bytes();
    // Every 5th byte and the last, through the real binary: how a damaged
    // file reaches the user. reliability.rs flips every byte in process.
    let positions = (0..original.len()).step_by(5).chain([original.len() - 1]);
    for i in positions {
        let mut bytes = original.clone();
        bytes[i] ^= 0x41;
        v.write_bytes(&bytes);
        // `list` reads every bucket: any flip must fail it.
        let out = v.token(&token).arg("list").output().unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(43 | 50)),
            "byte {i}: list exited {code:?}: {}",
            stderr_of(&out)
        );
        // A get may succeed only with the right bytes.
        if i % 3 == 0 {
            let out = v
                .token(&token)
                .args(["get-did", &did(DID_TEXT), "credential"])
                .output()
                .unwrap();
            match out.status.code() {
                Some(0) => assert_eq!(out.stdout, b"did-value", "byte {i}: wrong plaintext"),
                Some(43 | 50) => {}
                other => panic!("byte {i}: get exited {other:?}: {}", stderr_of(&out)),
            }
        }
    }
    // The passphrase path too (Argon2 is slower, so sample).
    for i in (0..original.len()).step_by(37) {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        v.write_bytes(&bytes);
        let out = v
            .pass()
            .args(["get-sso", "demo", "--user-id", "alice"])
            .output()
            .unwrap();
        match out.status.code() {
            Some(0) => assert_eq!(out.stdout, b"sso-value", "byte {i}: wrong plaintext"),
            Some(43 | 50) => {}
            other => panic!("byte {i}: get exited {other:?}: {}", stderr_of(&out)),
        }
    }
}

#[test]
fn truncation_and_appended_bytes_are_detected() {
    let (v, token) = small_vault();
    let original = v.bytes();
    for len in 0..original.len() {
        v.write_bytes(&original[..len]);
        let out = v.token(&token).arg("list").output().unwrap();
        assert!(
            matches!(out.status.code(), Some(43 | 50)),
            "length {len}: {:?}",
            out.status.code()
        );
    }
    for extra in [&b"\0"[..], b"garbage", &[0u8; 4096]] {
        let mut bytes = original.clone();
        bytes.extend_from_slice(extra);
        v.write_bytes(&bytes);
        v.token(&token)
            .args(["get-did", &did(DID_TEXT), "credential"])
            .assert()
            .code(50)
            .stderr(predicate::str::starts_with(
                "sso-secrets: 500 wrong secret format: vault fails authentication",
            ));
    }
    // A write on a tampered vault refuses and leaves it as it was.
    let mut bytes = original.clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    v.write_bytes(&bytes);
    v.pass()
        .args(["put-sso", "demo", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(50);
    assert_eq!(v.bytes(), bytes);
}

#[test]
fn permissions_are_checked() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("x")
        .stderr(
            predicate::str::contains("warning: vault")
                .and(predicate::str::contains("readable by group or others")),
        );
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o620)).unwrap();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("writable by group or others"));
}

#[test]
fn hostile_vault_paths_fail_cleanly() {
    let v = Vault::empty();
    // A directory.
    std::fs::create_dir(&v.path).unwrap();
    v.pass()
        .args(["get-sso", "a", "--user-id", "b"])
        .assert()
        .code(1);
    // A FIFO: must not block.
    let fifo = v.dir().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    bin()
        .arg("--vault")
        .arg(&fifo)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["get-sso", "a", "--user-id", "b"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    // A dangling symlink.
    let link = v.dir().join("link");
    std::os::unix::fs::symlink(v.dir().join("nowhere"), &link).unwrap();
    bin()
        .arg("--vault")
        .arg(&link)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["get-sso", "a", "--user-id", "b"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no vault at"));
    // Not a vault at all.
    let junk = v.file("junk", b"hello, I am not a vault at all, really not");
    bin()
        .arg("--vault")
        .arg(&junk)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["get-sso", "a", "--user-id", "b"])
        .assert()
        .code(50)
        .stderr(predicate::str::contains("not an sso-secrets vault"));
}

#[test]
fn a_stuck_lock_holder_ends_in_vault_busy() {
    let v = Vault::new();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(v.dir().join("vault.lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = v.bytes();
    v.pass()
        .args(["--lock-timeout", "0.3", "put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(75)
        .stderr(predicate::str::starts_with(
            "sso-secrets: error: vault busy",
        ));
    // Readers do not wait for writers.
    v.pass()
        .args(["get-sso", "demo", "--user-id", "a"])
        .assert()
        .code(44);
    lock.unlock().unwrap();
    assert_eq!(v.bytes(), before);
    v.pass()
        .args(["put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .assert()
        .code(0);
}

#[test]
fn temp_files_of_killed_writers_are_cleaned_up() {
    let v = Vault::new();
    let stale = v.file(".vault.tmp-deadbeef", b"half a vault");
    v.put_sso("demo", "alice", b"x");
    assert!(!stale.exists());
    let leftovers: Vec<_> = std::fs::read_dir(v.dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_vault_grows_and_shrinks_across_bucket_layouts() {
    let v = Vault::new();
    let token = v.create_token(&["w", "--write"]);
    let mut lines = String::new();
    for i in 0..300 {
        lines.push_str(&format!(
            "{{\"kind\":\"did\",\"did\":\"{DID_TEXT}\",\"name\":\"n{i}\",\"secret\":\"v{i}\"}}\n"
        ));
    }
    v.pass().arg("import").write_stdin(lines).assert().success();
    // One by one down to three entries: the layout shrinks on the way.
    for i in 0..297 {
        v.token(&token)
            .args(["delete-did", &did(DID_TEXT), &format!("n{i}")])
            .assert()
            .success();
        if i % 50 == 0 {
            let next = format!("n{}", i + 1);
            v.token(&token)
                .args(["get-did", &did(DID_TEXT), &next])
                .assert()
                .success()
                .stdout(format!("v{}", i + 1));
        }
    }
    let list = String::from_utf8(stdout_of(v.token(&token).arg("list"))).unwrap();
    assert_eq!(list.lines().count(), 3, "{list}");
    for i in 297..300 {
        v.token(&token)
            .args(["get-did", &did(DID_TEXT), &format!("n{i}")])
            .assert()
            .success()
            .stdout(format!("v{i}"));
    }
    v.pass()
        .args(["vault", "info"])
        .assert()
        .stdout(predicate::str::contains("did secrets:    3"));
}

#[test]
fn a_symlinked_vault_is_written_through_the_link() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    let link = v.dir().join("link");
    std::os::unix::fs::symlink(&v.path, &link).unwrap();
    bin()
        .arg("--vault")
        .arg(&link)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["put-sso", "demo", "--user-id", "bob"])
        .write_stdin("y")
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    v.pass()
        .args(["get-sso", "demo", "--user-id", "bob"])
        .assert()
        .success()
        .stdout("y");
}
