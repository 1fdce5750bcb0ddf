//! The seven RFC-134 operations, end to end, with every status they answer.

use crate::common::*;
use predicates::prelude::*;

const ALICE: &str = "did:ssi:name:vault.example:demo/alice@example.com";

#[test]
fn sso_lifecycle_put_get_deactivate_reactivate_remove() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("s3cret")
        .stderr("");

    v.pass()
        .args(["deactivate-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44)
        .stdout("")
        .stderr(
            predicate::str::starts_with("sso-secrets: 404 not found: ")
                .and(predicate::str::contains("deactivated")),
        );
    // Deactivating twice succeeds; the secret is kept.
    v.pass()
        .args(["deactivate-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    v.pass()
        .arg("list")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("sso\tdemo\talice\tdeactivated\t"));

    // put-sso re-activates.
    v.put_sso("demo", "alice", b"new");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("new");

    // remove erases, deactivated or not; a second remove is 404.
    v.pass()
        .args(["deactivate-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    v.pass()
        .args(["remove-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    v.pass()
        .args(["remove-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44)
        .stderr("sso-secrets: 404 not found: no SSO secret for user \"alice\" of app \"demo\"\n");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44);
    v.pass()
        .args(["deactivate-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44);
}

#[test]
fn deactivate_and_remove_by_did_follow_the_name_did_rule() {
    let v = Vault::new();
    v.put_sso("demo", "alice@example.com", b"a");
    v.put_sso("other", ALICE, b"b");
    // A name DID of the same app names its user.
    v.pass()
        .args(["deactivate-sso", "demo", &did(ALICE)])
        .assert()
        .code(0);
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .code(44);
    // For another app, the user id is the DID text itself.
    v.pass()
        .args(["remove-sso", "other", &did(ALICE)])
        .assert()
        .code(0);
    v.pass()
        .args(["get-sso", "other", "--user-id", ALICE])
        .assert()
        .code(44);
    // DID and --user-id together, or neither: usage.
    v.pass().args(["remove-sso", "demo"]).assert().code(2);
    v.pass()
        .args(["remove-sso", "demo", &did(ALICE), "--user-id", "x"])
        .assert()
        .code(2);
}

#[test]
fn did_secrets_put_get_delete_and_alias() {
    let v = Vault::new();
    let d = did(ALICE);
    v.put_did(ALICE, "credential", b"{\"k\":1}");
    v.pass()
        .args(["get-did", &d, "credential"])
        .assert()
        .code(0)
        .stdout("{\"k\":1}");
    v.pass()
        .args(["delete-did", &d, "credential"])
        .assert()
        .code(0)
        .stdout("");
    v.pass()
        .args(["get-did", &d, "credential"])
        .assert()
        .code(44)
        .stderr(format!(
            "sso-secrets: 404 not found: no DID secret \"credential\" for {ALICE}\n"
        ));
    v.pass()
        .args(["delete-did", &d, "credential"])
        .assert()
        .code(44);
    v.put_did(ALICE, "credential", b"x");
    v.pass()
        .args(["remove-did", &d, "credential"])
        .assert()
        .code(0);
    v.pass()
        .args(["remove-did", &d, "credential"])
        .assert()
        .code(44);
}

#[test]
fn binary_values_round_trip_byte_for_byte() {
    let v = Vault::new();
    let mut value: Vec<u8> = (0..=255u8).collect();
    value.extend_from_slice(b"\0\n\r\n\xff\xfe trailing newline\n");
    v.put_did(ALICE, "blob", &value);
    assert_eq!(
        stdout_of(v.pass().args(["get-did", &did(ALICE), "blob"])),
        value
    );
    let file = v.file("body.bin", &value);
    v.pass()
        .args(["put-sso", "demo", "--user-id", "u", "--file"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        stdout_of(v.pass().args(["get-sso", "demo", "--user-id", "u"])),
        value
    );
    // Exactly 1 MiB is accepted.
    let big = vec![0x5au8; 1 << 20];
    let file = v.file("big.bin", &big);
    v.pass()
        .args(["put-did", &did(ALICE), "big", "--file"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        stdout_of(v.pass().args(["get-did", &did(ALICE), "big"])),
        big
    );
}

#[test]
fn json_output() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"text");
    v.put_did(ALICE, "bin", b"\xff\x00");
    v.pass()
        .args(["--json", "get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("{\"status\":200,\"secret\":\"text\"}\n");
    v.pass()
        .args(["get-did", &did(ALICE), "bin", "--json"])
        .assert()
        .code(0)
        .stdout("{\"status\":200,\"secret_base64\":\"/wA=\"}\n");
    v.pass()
        .args(["--json", "put-sso", "demo", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(0)
        .stdout("{\"status\":200}\n");
    v.pass()
        .args(["--json", "get-sso", "demo", "--user-id", "nobody"])
        .assert()
        .code(44)
        .stdout("")
        .stderr("{\"status\":404,\"error\":\"not found: no SSO secret for user \\\"nobody\\\" of app \\\"demo\\\"\",\"exit\":44}\n");
    v.cmd()
        .args(["--json", "get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(predicate::str::starts_with(
            "{\"status\":403,\"error\":\"unauthorized: ",
        ));
    v.pass()
        .args(["--json", "get-did", "not-base58!", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "{\"status\":null,\"error\":\"usage: ",
        ));
    v.pass()
        .args(["--json", "get-sso"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "{\"status\":null,\"error\":\"usage: ",
        ));
    bin()
        .args(["--json", "--vault"])
        .arg(v.dir().join("missing"))
        .args(["get-sso", "a", "--user-id", "b"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "{\"status\":null,\"error\":\"error: no vault at ",
        ));
}

#[test]
fn body_must_be_one_byte_to_one_mib_and_nothing_is_stored_otherwise() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"keep");
    let before = v.bytes();
    v.pass()
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("")
        .assert()
        .code(50)
        .stderr("sso-secrets: 500 wrong secret format: the secret is empty\n");
    let big = v.file("big", &vec![1u8; (1 << 20) + 1]);
    v.pass()
        .args(["put-sso", "demo", "--user-id", "alice", "--file"])
        .arg(&big)
        .assert()
        .code(50)
        .stderr(predicate::str::contains("larger than 1 MiB"));
    v.pass()
        .args(["put-did", &did(ALICE), "n"])
        .write_stdin(vec![1u8; (1 << 20) + 1])
        .assert()
        .code(50);
    assert_eq!(v.bytes(), before, "a refused put changed the vault");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .stdout("keep");
}

#[test]
fn names_and_dids_are_validated_with_exit_2() {
    let v = Vault::new();
    let long = "a".repeat(257);
    let cases: Vec<Vec<String>> = vec![
        vec!["get-sso".into(), "".into(), "--user-id".into(), "u".into()],
        vec![
            "get-sso".into(),
            long.clone(),
            "--user-id".into(),
            "u".into(),
        ],
        vec![
            "get-sso".into(),
            "demo".into(),
            "--user-id".into(),
            long.clone(),
        ],
        vec![
            "get-sso".into(),
            "de\tmo".into(),
            "--user-id".into(),
            "u".into(),
        ],
        vec!["get-did".into(), did(ALICE), "a\nb".into()],
        vec!["get-did".into(), did(ALICE), long],
        vec!["get-did".into(), "0OIl".into(), "n".into()],
        vec!["put-did".into(), did("hello world"), "n".into()],
        vec!["frobnicate".into()],
        vec!["get-sso".into(), "demo".into()],
        vec![
            "get-sso".into(),
            "demo".into(),
            "--user-id".into(),
            "u".into(),
            "--bogus".into(),
        ],
    ];
    for args in cases {
        v.pass().args(&args).assert().code(2).stdout("");
    }
    // The message shows what a non-DID base58 decoded to.
    v.pass()
        .args(["get-did", &did("hello world"), "n"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::starts_with("sso-secrets: usage: ")
                .and(predicate::str::contains("\"hello world\"")),
        );
    // 256 bytes is fine.
    v.put_sso(&"a".repeat(256), &"b".repeat(256), b"x");
}

#[test]
fn credentials_and_their_errors() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    v.cmd()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(predicate::str::starts_with(
            "sso-secrets: 403 unauthorized: no credential",
        ));
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "wrong")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(
            "sso-secrets: 403 unauthorized: wrong passphrase \
             (the passphrase from SSO_SECRETS_PASSPHRASE)\n",
        );
    // --passphrase-file: first line, CRLF dropped.
    let f = v.file("pass", format!("{PASS}\r\nignored\n").as_bytes());
    v.cmd()
        .arg("--passphrase-file")
        .arg(&f)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("x");
    // The passphrase file wins over the environment passphrase.
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "wrong")
        .args(["get-sso", "demo", "--user-id", "alice", "--passphrase-file"])
        .arg(&f)
        .assert()
        .code(0);
    // A token source wins over the passphrase: a bad token is 403 even
    // with the right passphrase set.
    v.pass()
        .env("SSO_SECRETS_TOKEN", "ssos_nope")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43);
}

#[test]
fn missing_vault_is_exit_1_and_init_refuses_to_overwrite() {
    let v = Vault::empty();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "sso-secrets: error: no vault at ",
        ));
    v.pass()
        .args(["put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .assert()
        .code(1);
    assert!(!v.path.exists());
    assert!(
        !v.dir().join("vault.lock").exists(),
        "a failed write left a lock file"
    );

    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    let before = v.bytes();
    v.pass()
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(v.bytes(), before);
}

#[test]
fn init_kdf_floor_and_default_location() {
    let v = Vault::empty();
    v.pass()
        .args(["init", "--kdf-memory", "18"])
        .assert()
        .code(2);
    v.pass()
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "1"])
        .assert()
        .code(2);
    assert!(!v.path.exists());
    // Without --vault the data directory under $HOME is used.
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut c = bin();
        c.env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .env("SSO_SECRETS_PASSPHRASE", PASS)
            .args(args)
            .write_stdin(stdin.to_string());
        c
    };
    run(&["init", "--kdf-memory", "19", "--kdf-iterations", "2"], "")
        .assert()
        .success();
    let path = home.path().join(".local/share/sso-secrets/vault");
    assert!(path.is_file());
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
    run(&["put-sso", "demo", "--user-id", "alice"], "hi")
        .assert()
        .success();
    run(&["get-sso", "demo", "--user-id", "alice"], "")
        .assert()
        .success()
        .stdout("hi");
}

#[test]
fn read_only_flag_and_env_refuse_writes_with_55() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    let before = v.bytes();
    v.pass()
        .args(["--read-only", "put-sso", "demo", "--user-id", "alice"])
        .write_stdin("y")
        .assert()
        .code(55)
        .stderr(predicate::str::starts_with("sso-secrets: 555 read-only: "));
    for val in ["1", "true"] {
        v.pass()
            .env("SSO_SECRETS_READ_ONLY", val)
            .args(["remove-sso", "demo", "--user-id", "alice"])
            .assert()
            .code(55);
    }
    for val in ["", "0", "false"] {
        v.pass()
            .env("SSO_SECRETS_READ_ONLY", val)
            .args(["get-sso", "demo", "--user-id", "alice"])
            .assert()
            .code(0);
    }
    v.pass()
        .env("SSO_SECRETS_READ_ONLY", "maybe")
        .arg("list")
        .assert()
        .code(2);
    // Reads still work; nothing changed; no lock file was taken.
    v.pass()
        .args(["--read-only", "get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("x");
    assert_eq!(v.bytes(), before);
    // Authentication comes before read-only; read-only before body and not-found.
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "wrong")
        .args(["--read-only", "put-sso", "demo", "--user-id", "alice"])
        .write_stdin("y")
        .assert()
        .code(43);
    v.pass()
        .args(["--read-only", "put-sso", "demo", "--user-id", "a"])
        .write_stdin("")
        .assert()
        .code(55);
    v.pass()
        .args(["--read-only", "remove-sso", "demo", "--user-id", "nobody"])
        .assert()
        .code(55);
}

#[test]
fn did_helpers() {
    bin()
        .args(["did", "encode", ALICE])
        .assert()
        .code(0)
        .stdout(format!("{}\n", did(ALICE)));
    bin()
        .args(["did", "decode", &did(ALICE)])
        .assert()
        .code(0)
        .stdout(format!("{ALICE}\n"));
    bin().args(["did", "decode", "0OIl"]).assert().code(2);
    // Any text encodes; text the DID commands will refuse gets a warning.
    bin()
        .args(["did", "encode", "hello world"])
        .assert()
        .code(0)
        .stdout(format!("{}\n", did("hello world")))
        .stderr(predicate::str::contains("warning"));
    bin().args(["did", "encode", ""]).assert().code(2);
    let not_utf8 = bs58::encode([0xffu8, 0xfe]).into_string();
    bin().args(["did", "decode", &not_utf8]).assert().code(2);
    bin()
        .args(["--json", "did", "encode", ALICE])
        .assert()
        .stdout(format!(
            "{{\"status\":200,\"base58\":\"{}\"}}\n",
            did(ALICE)
        ));
}

#[test]
fn help_lists_exit_codes_and_every_subcommand_has_an_example() {
    let help = String::from_utf8(stdout_of(bin().arg("--help"))).unwrap();
    for needle in [
        "43  [403]",
        "55  [555]",
        "get-sso",
        "delete-did",
        "SSO_SECRETS_TOKEN",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
    for sub in [
        vec!["init"],
        vec!["get-sso"],
        vec!["put-sso"],
        vec!["deactivate-sso"],
        vec!["remove-sso"],
        vec!["put-did"],
        vec!["get-did"],
        vec!["delete-did"],
        vec!["list"],
        vec!["import"],
        vec!["export"],
        vec!["did", "encode"],
        vec!["did", "decode"],
        vec!["token", "create"],
        vec!["token", "list"],
        vec!["token", "revoke"],
        vec!["vault", "info"],
        vec!["vault", "read-only"],
        vec!["vault", "passwd"],
        vec!["exec"],
        vec!["inject"],
        vec!["completions"],
    ] {
        let out = String::from_utf8(stdout_of(bin().args(&sub).arg("--help"))).unwrap();
        assert!(out.contains("Example"), "{sub:?} --help has no example");
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    let v = Vault::new();
    v.put_did(ALICE, "big", &vec![b'x'; 1 << 20]);
    let mut child = raw_bin()
        .args(["--no-input", "--vault"])
        .arg(&v.path)
        .args(["get-did", &did(ALICE), "big"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
}

/// Argument errors are exit 2 before any vault access or prompt, for every
/// command, even when the vault is missing or the passphrase is wrong.
#[test]
fn usage_errors_outrank_a_missing_vault_and_a_wrong_passphrase() {
    let v = Vault::new();
    let missing = Vault::empty();
    let cases: [&[&str]; 6] = [
        &["vault", "passwd", "--kdf-memory", "5"],
        &["vault", "passwd", "--kdf-iterations", "1"],
        &["init", "--kdf-memory", "99999"],
        &["get-did", "did", "credential"],
        &["put-sso", "", "--user-id", "u"],
        &["token", "create", "t", "--did", "not-a-did"],
    ];
    for args in cases {
        for vault in [&v, &missing] {
            vault
                .cmd()
                .env("SSO_SECRETS_PASSPHRASE", "wrong passphrase")
                .args(args)
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::starts_with("sso-secrets: usage: "));
        }
    }
}

/// Built without `--remote` (`--no-default-features`), a set
/// SSO_SECRETS_REMOTE is refused, never ignored: a write meant for the
/// server must not land in the local vault. Empty is unset, as ever.
#[cfg(not(feature = "remote"))]
#[test]
fn without_the_remote_feature_sso_secrets_remote_is_refused() {
    let v = Vault::new();
    v.pass()
        .env("SSO_SECRETS_REMOTE", "http://127.0.0.1:9")
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("s3cret")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "sso-secrets: usage: SSO_SECRETS_REMOTE is set, but this sso-secrets was built \
             without --remote (the cargo feature `remote`); unset it to use the local vault\n",
        );
    v.pass()
        .env("SSO_SECRETS_REMOTE", "")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44);
}
