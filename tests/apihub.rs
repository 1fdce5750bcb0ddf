//! `import --apihub` and `export --apihub` through the real binary, against
//! folders written by the APIHub server itself (tests/fixtures/apihub), and
//! an exported folder opened by an independent implementation of the
//! layout (Python's `cryptography`).
#![cfg(feature = "apihub")]

use crate::common::{Vault, stderr_of, unavailable};
use serde_json::Value;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apihub");

fn fixture(folder: &str) -> PathBuf {
    Path::new(FIXTURES).join(folder)
}

fn key(name: &str) -> String {
    let env = std::fs::read_to_string(format!("{FIXTURES}/keys.env")).unwrap();
    env.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap()
        .to_string()
}

fn rotation() -> String {
    format!("{},{}", key("KEY_B"), key("KEY_A"))
}

fn expected(folder: &str) -> BTreeSet<String> {
    lines_of(&std::fs::read(format!("{FIXTURES}/{folder}.expected.jsonl")).unwrap())
}

/// JSON Lines as a set of normalised objects (order of lines and keys aside).
fn lines_of(bytes: &[u8]) -> BTreeSet<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap().to_string())
        .collect()
}

fn exported(v: &Vault) -> BTreeSet<String> {
    lines_of(&crate::common::stdout_of(v.pass().arg("export")))
}

/// Runs `c`, expects `code` and exactly one stderr line (a usage error may
/// add a `hint:` line, as the contract allows), returns the first.
fn fails(c: &mut assert_cmd::Command, code: i32) -> String {
    let out = c.output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let hint = lines.len() == 2 && code == 2 && lines[1].starts_with("sso-secrets: hint: ");
    assert!(lines.len() == 1 || hint, "one line: {err}");
    assert!(out.stdout.is_empty());
    lines[0].to_string()
}

#[test]
fn every_fixture_folder_imports_exactly_its_expected_lines() {
    for folder in [
        "keyA-phaseA",
        "keyA-later",
        "keyB-rotated",
        "keyA-non-string",
        "worked-example",
    ] {
        let v = Vault::new();
        v.pass()
            .env("SSO_SECRETS_ENCRYPTION_KEY", rotation())
            .args(["import", "--apihub"])
            .arg(fixture(folder))
            .assert()
            .success();
        assert_eq!(exported(&v), expected(folder), "{folder}");
    }
}

#[test]
fn key_file_with_a_rotation_pair_and_json_counts() {
    let v = Vault::new();
    let kf = v.file(
        "apihub.key",
        format!("{}\r\nignored\n", rotation()).as_bytes(),
    );
    let out = v
        .pass()
        .args(["--json", "import", "--apihub"])
        .arg(fixture("keyA-later"))
        .arg("--apihub-key-file")
        .arg(&kf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["status"], 200);
    assert_eq!(j["imported"], 3);
    let skipped: Vec<_> = j["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["Demiurge.secret", "apiKeys.secret", "myApp.secret"]
    );
    assert_eq!(exported(&v), expected("keyA-later"));

    // The key file wins over the environment.
    let v = Vault::new();
    let kf = v.file("apihub.key", key("KEY_B").as_bytes());
    v.pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["import", "--apihub"])
        .arg(fixture("keyB-rotated"))
        .arg("--apihub-key-file")
        .arg(&kf)
        .assert()
        .success();
}

#[test]
fn text_output_counts_skips_and_notes_non_string_values() {
    let v = Vault::new();
    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["import", "--apihub"])
        .arg(fixture("keyA-non-string"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let err = stderr_of(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("sso-secrets: note: ") && lines[0].contains("obj@example.com"));
    assert!(lines[0].contains("compact JSON text"));
    assert!(
        lines[1].starts_with("sso-secrets: imported 2 secrets from ")
            && lines[1].ends_with(", skipped 0")
    );
}

#[test]
fn dry_run_prints_names_only_and_stores_nothing() {
    let v = Vault::new();
    let before = v.bytes();
    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", rotation())
        .args(["import", "--dry-run", "--apihub"])
        .arg(fixture("keyA-phaseA"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let names = lines_of(&out.stdout);
    let want: BTreeSet<String> = expected("keyA-phaseA")
        .iter()
        .map(|l| {
            let mut j: Value = serde_json::from_str(l).unwrap();
            j.as_object_mut().unwrap().remove("secret");
            j.to_string()
        })
        .collect();
    assert_eq!(names, want);
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(!stdout.contains("secret\"") && !stdout.contains("sso-secret-alice"));
    assert!(stderr_of(&out).contains("dry run: would import 6 secrets"));
    assert_eq!(v.bytes(), before);
}

#[test]
fn bad_input_is_one_line_with_its_exit_code_and_stores_nothing() {
    let v = Vault::new();
    v.put_sso("keep", "me", b"untouched");
    let before = v.bytes();
    let import = |dir: &Path| {
        let mut c = v.pass();
        c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .args(["import", "--apihub"])
            .arg(dir);
        c
    };
    let t = tempfile::tempdir().unwrap();
    let copy = |name: &str, bytes: &[u8]| {
        let d = t.path().join(name);
        std::fs::create_dir(&d).unwrap();
        for e in std::fs::read_dir(fixture("keyA-phaseA")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
        }
        std::fs::write(d.join("zzz.secret"), bytes).unwrap();
        d
    };

    // A key that opens nothing.
    let err = fails(
        import(&fixture("keyB-rotated")).env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A")),
        50,
    );
    assert!(
        err.starts_with("sso-secrets: 500 wrong secret format: ")
            && err.contains("keyB-rotated/DSU_Fabric.secret: the key does not open it"),
        "{err}"
    );
    let err = fails(
        import(&fixture("keyB-rotated")).env(
            "SSO_SECRETS_ENCRYPTION_KEY",
            format!("{},{}", key("KEY_A"), key("KEY_A")),
        ),
        50,
    );
    assert!(err.contains("none of the 2 keys opens it"), "{err}");

    // Good files, then one truncated: still nothing stored.
    let good = std::fs::read(fixture("keyA-phaseA/myApp.secret")).unwrap();
    let err = fails(&mut import(&copy("truncated", &good[..63])), 50);
    assert!(
        err.contains("truncated/zzz.secret: truncated: 63 bytes"),
        "{err}"
    );
    let err = fails(&mut import(&copy("cut", &good[..good.len() - 1])), 50);
    assert!(
        err.contains("cut/zzz.secret: the key does not open it"),
        "{err}"
    );

    // Opens, but is not JSON inside.
    let not_json = seal_worked_example_layout(b"this is not json");
    let err = fails(&mut import(&copy("notjson", &not_json)), 50);
    assert!(
        err.contains("notjson/zzz.secret: opens, but does not hold JSON"),
        "{err}"
    );

    // No folder, a folder without .secret files.
    let err = fails(&mut import(&t.path().join("nope")), 1);
    assert!(
        err.starts_with("sso-secrets: error: cannot read APIHub folder ") && err.contains("nope"),
        "{err}"
    );
    let empty = t.path().join("empty");
    std::fs::create_dir_all(empty.join("secret.lock")).unwrap();
    std::fs::write(empty.join("notes.txt"), "x").unwrap();
    let err = fails(&mut import(&empty), 1);
    assert!(
        err.ends_with(
            "holds no .secret file: not an APIHub secrets folder (its external-volume/secrets)"
        ),
        "{err}"
    );

    // Garbage keys: in a file, in the environment, none at all.
    let garbage = v.file("garbage.key", b"hunter2-is-not-a-key\n");
    let err = fails(
        import(&fixture("keyA-phaseA"))
            .arg("--apihub-key-file")
            .arg(&garbage),
        2,
    );
    assert!(
        err.starts_with("sso-secrets: usage: --apihub-key-file ")
            && err.ends_with(
                "key 1 is not base64 of 32 bytes (APIHub's SSO_SECRETS_ENCRYPTION_KEY form)"
            ),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
    let binary = v.file("binary.key", &[0xff, 0xfe, b'\n']);
    assert!(
        fails(
            import(&fixture("keyA-phaseA"))
                .arg("--apihub-key-file")
                .arg(&binary),
            2
        )
        .contains("not text")
    );
    let err = fails(
        import(&fixture("keyA-phaseA"))
            .arg("--apihub-key-file")
            .arg(t.path().join("missing.key")),
        1,
    );
    assert!(err.contains("cannot read --apihub-key-file"), "{err}");
    let err = fails(
        import(&fixture("keyA-phaseA")).env(
            "SSO_SECRETS_ENCRYPTION_KEY",
            format!("{},xyz", key("KEY_A")),
        ),
        2,
    );
    assert!(err.ends_with("SSO_SECRETS_ENCRYPTION_KEY: key 2 is not base64 of 32 bytes (APIHub's SSO_SECRETS_ENCRYPTION_KEY form)"), "{err}");
    let err = fails(
        import(&fixture("keyA-phaseA")).env("SSO_SECRETS_ENCRYPTION_KEY", ""),
        2,
    );
    assert!(err.contains("is encrypted: give APIHub's key"), "{err}");

    // --json failures are one JSON object on stderr.
    let err = fails(import(&fixture("keyB-rotated")).arg("--json"), 50);
    let j: Value = serde_json::from_str(&err).unwrap();
    assert_eq!(j["status"], 500);

    assert_eq!(v.bytes(), before, "nothing stored by any of these");
}

/// The worked example's layout around `plaintext`, KEY_A, fixed IV and AAD.
fn seal_worked_example_layout(plaintext: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::array::Array;
    use aes_gcm::aead::consts::U16;
    use aes_gcm::{AeadInOut, AesGcm, KeyInit, aes::Aes256};
    let k: [u8; 32] = std::array::from_fn(|i| i as u8);
    let iv: [u8; 16] = std::array::from_fn(|i| i as u8);
    let aad = [0xaa; 32];
    let mut buf = plaintext.to_vec();
    let tag = AesGcm::<Aes256, U16>::new(&Array::from(k))
        .encrypt_inout_detached(&Array::from(iv), &aad, buf.as_mut_slice().into())
        .unwrap();
    buf.extend_from_slice(&iv);
    buf.extend_from_slice(&aad);
    buf.extend_from_slice(&tag);
    buf
}

#[test]
fn import_follows_scope_rights_and_read_only_as_json_lines_import_does() {
    let v = Vault::new();
    let import = |c: &mut assert_cmd::Command| {
        c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .args(["import", "--apihub"])
            .arg(fixture("keyA-phaseA"));
    };
    let before = v.bytes();
    let narrow = v.create_token(&["narrow", "--app", "DSU_Fabric", "--write"]);
    let reader = v.create_token(&["reader"]);
    let before_tokens = v.bytes();
    let mut c = v.token(&narrow);
    import(&mut c);
    assert!(
        fails(&mut c, 43)
            .starts_with("sso-secrets: 403 unauthorized: access token \"narrow\" does not cover")
    );
    // Scope outranks read-only (found by review: 55 before).
    let mut c = v.token(&narrow);
    import(c.arg("--read-only"));
    fails(&mut c, 43);
    let mut c = v.token(&reader);
    import(&mut c);
    fails(&mut c, 43);
    let mut c = v.pass();
    import(c.arg("--read-only"));
    fails(&mut c, 55);
    assert_eq!(v.bytes(), before_tokens);
    assert_ne!(before, before_tokens);

    let all = v.create_token(&["all", "--write"]);
    let mut c = v.token(&all);
    import(&mut c);
    c.assert().success();
    assert_eq!(exported(&v), expected("keyA-phaseA"));
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A vault with SSO and DID secrets, one deactivated, and tricky values.
fn populated() -> Vault {
    let v = Vault::new();
    v.put_sso("DSU_Fabric", "alice@example.com", b"sso-secret-alice");
    v.put_sso(
        "DSU_Fabric",
        "bob",
        "quotes \" and \\ and\nnewlines, é, 🔑".as_bytes(),
    );
    v.put_sso("myApp", "carol", b"gone soon");
    v.pass()
        .args(["deactivate-sso", "myApp", "--user-id", "carol"])
        .assert()
        .success();
    v.put_did(
        "did:ssi:name:vault:DSU_Fabric/alice",
        "credential",
        br#"{"encryptedFor":"alice"}"#,
    );
    v.put_did("did:ssi:name:vault:DSU_Fabric/alice", "mqMigration", b"mq");
    v.put_did("did:web:example.com", "credential", b"web");
    v
}

fn active_lines(v: &Vault) -> BTreeSet<String> {
    exported(v)
        .into_iter()
        .filter(|l| !l.contains("\"deactivated\""))
        .collect()
}

#[test]
fn export_then_import_round_trips() {
    let v = populated();
    let out_dir = v.dir().join("out/secrets");
    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", rotation())
        .args(["export", "--apihub"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr_of(&out).trim_end(),
        format!(
            "sso-secrets: exported 5 secrets in 3 containers to {}; left out 1 deactivated SSO secret",
            out_dir.display()
        )
    );
    assert_eq!(mode(&out_dir), 0o700);
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "DSU_Fabric.secret",
            "credential.secret",
            "mqMigration.secret"
        ]
    );
    for f in &files {
        assert_eq!(mode(&out_dir.join(f)), 0o600, "{f}");
    }

    // Written with the first key (KEY_B): KEY_A alone does not open it.
    let w = Vault::new();
    let mut c = w.pass();
    c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["import", "--apihub"])
        .arg(&out_dir);
    fails(&mut c, 50);
    w.pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_B"))
        .args(["import", "--apihub"])
        .arg(&out_dir)
        .assert()
        .success();
    assert_eq!(exported(&w), active_lines(&v));
    assert_eq!(active_lines(&v).len(), 5);
}

#[test]
fn export_refuses_to_overwrite_and_needs_the_passphrase_and_a_key() {
    let v = populated();
    let dir = v.dir().join("secrets");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("mqMigration.secret"), b"APIHub's own").unwrap();
    let export = |c: &mut assert_cmd::Command| {
        c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .args(["export", "--apihub"])
            .arg(&dir);
    };
    let mut c = v.pass();
    export(&mut c);
    let err = fails(&mut c, 1);
    assert!(
        err.starts_with("sso-secrets: error: ") && err.contains("mqMigration.secret exists"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing written"
    );
    assert_eq!(
        std::fs::read(dir.join("mqMigration.secret")).unwrap(),
        b"APIHub's own"
    );

    let token = v.create_token(&["all", "--write"]);
    let mut c = v.token(&token);
    export(&mut c);
    assert!(fails(&mut c, 43).starts_with("sso-secrets: 403 unauthorized: "));

    let err = fails(
        v.pass()
            .args(["export", "--apihub"])
            .arg(v.dir().join("other")),
        2,
    );
    assert!(err.contains("needs the key APIHub will read with"), "{err}");
    assert!(!v.dir().join("other").exists());

    let err = fails(v.pass().args(["export", "--apihub-key-file", "k"]), 2);
    assert!(err.starts_with("sso-secrets: usage: "), "{err}");
}

#[test]
fn an_independent_implementation_decrypts_the_export_byte_exact() {
    let v = populated();
    let dir = v.dir().join("secrets");
    v.pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["export", "--apihub"])
        .arg(&dir)
        .assert()
        .success();
    // Python's `cryptography` (OpenSSL underneath) takes GCM nonces of any
    // length; it opens each file with the layout ciphertext ‖ iv ‖ aad ‖ tag.
    let script = r#"
import base64, json, os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key, folder = base64.b64decode(sys.argv[1]), sys.argv[2]
out = {}
for name in sorted(os.listdir(folder)):
    data = open(os.path.join(folder, name), "rb").read()
    ct, iv, aad, tag = data[:-64], data[-64:-48], data[-48:-16], data[-16:]
    plain = AESGCM(key).decrypt(iv, ct + tag, aad)
    out[name] = plain.decode("utf-8")
    # V8's JSON.stringify of the parsed object gives the same bytes back.
    assert json.dumps(json.loads(plain), ensure_ascii=False, separators=(",", ":")) == out[name]
print(json.dumps(out))
"#;
    let run = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(key("KEY_A"))
        .arg(&dir)
        .output();
    let out = match run {
        Err(e) => return unavailable(&format!("python3 cannot run ({e})")),
        Ok(o) if stderr_of(&o).contains("No module named 'cryptography'") => {
            return unavailable("Python's cryptography package is not installed");
        }
        Ok(o) => o,
    };
    assert!(out.status.success(), "{}", stderr_of(&out));
    let files: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&out.stdout).unwrap();
    let alice = crate::common::did("did:ssi:name:vault:DSU_Fabric/alice");
    let web = crate::common::did("did:web:example.com");
    assert_eq!(
        files["DSU_Fabric.secret"],
        r#"{"alice@example.com":"sso-secret-alice","bob":"quotes \" and \\ and\nnewlines, é, 🔑"}"#
    );
    assert_eq!(
        files["credential.secret"],
        format!(r#"{{"{alice}":"{{\"encryptedFor\":\"alice\"}}","{web}":"web"}}"#)
    );
    assert_eq!(
        files["mqMigration.secret"],
        format!(r#"{{"{alice}":"mq"}}"#)
    );
    assert_eq!(files.len(), 3);
}

#[test]
fn older_layouts_per_user_files_need_no_key() {
    let v = Vault::new();
    let d = v.dir().join("secrets");
    std::fs::create_dir_all(d.join("DSU_Fabric")).unwrap();
    std::fs::create_dir_all(d.join("secret.lock")).unwrap();
    std::fs::write(
        d.join("DSU_Fabric/alice@example.com.secret"),
        b"2022-10 secret",
    )
    .unwrap();
    std::fs::write(d.join("DSU_Fabric/bob.json"), b"2022-08 secret").unwrap();
    let out = v
        .pass()
        .args(["--json", "import", "--apihub"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j,
        serde_json::json!({
            "status": 200, "imported": 2, "new": 2, "unchanged": 0,
            "overwritten": [], "reactivated": [], "skipped": [],
        })
    );
    let want: BTreeSet<String> = [
        ("alice@example.com", "2022-10 secret"),
        ("bob", "2022-08 secret"),
    ]
    .iter()
    .map(|(u, s)| {
        serde_json::json!({"kind": "sso", "app": "DSU_Fabric", "user_id": u, "secret": s})
            .to_string()
    })
    .collect();
    assert_eq!(exported(&v), want);

    // The dry run's --json form: names and counts in one object. It opens
    // the vault (read-only) to compare, so it needs a credential.
    let out = v
        .pass()
        .args(["--json", "import", "--dry-run", "--apihub"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["would_import"], 2);
    assert_eq!(
        j["entries"][1],
        serde_json::json!({"kind": "sso", "app": "DSU_Fabric", "user_id": "bob"})
    );
    assert_eq!((&j["new"], &j["unchanged"]), (&0.into(), &2.into()));
}

/// A copy of a fixture folder under `parent`.
fn copy_fixture(folder: &str, parent: &Path, name: &str) -> PathBuf {
    let d = parent.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for e in std::fs::read_dir(fixture(folder)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    d
}

fn skipped_files(j: &Value) -> Vec<(String, String)> {
    j["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Issue 22 item 2: a symbolic link in the folder (a legacy user file
/// linked to a private key, an app folder linked to ~/.config, a container
/// linked from elsewhere, links back up the tree) is never followed: each
/// is skipped and listed, and the import holds only what the folder holds.
#[test]
fn import_apihub_never_follows_symlinks_and_lists_each_one() {
    use std::os::unix::fs::symlink;
    let v = Vault::new();
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), b"PRIVATE KEY MATERIAL").unwrap();
    std::fs::write(home.join(".config/token.secret"), b"CONFIG TOKEN").unwrap();
    std::fs::copy(
        fixture("keyA-phaseA/myApp.secret"),
        home.join("elsewhere.secret"),
    )
    .unwrap();
    let d = copy_fixture("keyA-phaseA", t.path(), "secrets");
    std::fs::create_dir(d.join("legacy")).unwrap();
    std::fs::write(d.join("legacy/carol.secret"), b"carol's 2022 secret").unwrap();
    symlink(home.join(".ssh/id_ed25519"), d.join("legacy/stolen.secret")).unwrap();
    symlink(home.join(".config"), d.join("config")).unwrap();
    symlink(home.join("elsewhere.secret"), d.join("Elsewhere.secret")).unwrap();
    symlink(".", d.join("legacy/again")).unwrap();
    symlink("..", d.join("legacy/up")).unwrap();

    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["--json", "import", "--apihub"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["imported"], 7, "{j}");
    let links: BTreeSet<String> = skipped_files(&j)
        .into_iter()
        .filter(|(_, reason)| reason == "a symbolic link: not followed")
        .map(|(file, _)| file)
        .collect();
    let want: BTreeSet<String> = [
        "Elsewhere.secret",
        "config",
        "legacy/again",
        "legacy/stolen.secret",
        "legacy/up",
    ]
    .map(String::from)
    .into();
    assert_eq!(links, want, "{j}");
    let mut lines = expected("keyA-phaseA");
    lines.insert(
        serde_json::json!({"kind": "sso", "app": "legacy", "user_id": "carol", "secret": "carol's 2022 secret"})
            .to_string(),
    );
    assert_eq!(exported(&v), lines);

    // Text mode lists them on stderr, like every other skipped file.
    let v = Vault::new();
    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["import", "--apihub"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("sso-secrets: skipped legacy/stolen.secret: a symbolic link: not followed\n"),
        "{err}"
    );
    assert!(
        err.contains("sso-secrets: skipped config: a symbolic link: not followed\n"),
        "{err}"
    );
    assert!(!err.contains("PRIVATE KEY") && !err.contains("CONFIG TOKEN"));

    // A folder whose only container is a link holds no container: exit 1.
    let only = t.path().join("only-links");
    std::fs::create_dir(&only).unwrap();
    symlink(home.join("elsewhere.secret"), only.join("myApp.secret")).unwrap();
    let err = fails(
        v.pass()
            .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .args(["import", "--apihub"])
            .arg(&only),
        1,
    );
    assert!(err.contains("holds no .secret file"), "{err}");
}

/// Unmounts on drop, so a failing assertion leaves no bind mount behind.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Issue 22 item 2: a directory reached twice (here through a bind mount
/// of the folder inside itself, which no symlink check sees) is read once.
#[test]
fn import_apihub_reads_a_directory_reached_twice_once() {
    let v = Vault::new();
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("secrets");
    std::fs::create_dir_all(d.join("legacy/loop")).unwrap();
    std::fs::write(d.join("legacy/carol.secret"), b"carol's 2022 secret").unwrap();
    let mounted = std::process::Command::new("mount")
        .arg("--bind")
        .arg(d.join("legacy"))
        .arg(d.join("legacy/loop"))
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        return unavailable("cannot bind-mount here (needs root)");
    }
    let _guard = Mounted(d.join("legacy/loop"));
    let out = v
        .pass()
        .args(["--json", "import", "--apihub"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["imported"], 1, "{j}");
    assert_eq!(
        skipped_files(&j),
        [(
            "legacy/loop".to_string(),
            "a directory already read (a bind mount or a loop): not read again".to_string()
        )]
    );
}

fn sso_name(app: &str, user: &str) -> Value {
    serde_json::json!({"kind": "sso", "app": app, "user_id": user})
}

fn did_name(did: &str, name: &str) -> Value {
    serde_json::json!({"kind": "did", "did": did, "name": name})
}

/// Issue 22 item 17: the dry run opens the vault (read-only) and names
/// every local secret whose value the import would replace, and every
/// deactivated one it would reactivate; the import names them too. Never a
/// value, local or imported.
#[test]
fn import_apihub_and_its_dry_run_name_what_they_overwrite() {
    let v = Vault::new();
    v.put_sso("DSU_Fabric", "alice@example.com", b"local-alice");
    v.put_sso("Demiurge", "erin@example.com", b"local-erin");
    v.put_sso("myApp", "bob@example.com", b"bob-secret");
    for (app, user) in [
        ("Demiurge", "erin@example.com"),
        ("myApp", "bob@example.com"),
    ] {
        v.pass()
            .args(["deactivate-sso", app, "--user-id", user])
            .assert()
            .success();
    }
    v.put_did(
        "did:ssi:name:vault:DSU_Fabric/alice",
        "mqMigration",
        br#"{"enclave":"ssi:..."}"#,
    );
    let before = v.bytes();
    let import = |c: &mut assert_cmd::Command, extra: &[&str]| {
        c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .arg("import")
            .args(extra)
            .arg("--apihub")
            .arg(fixture("keyA-phaseA"));
    };
    let no_values = |out: &std::process::Output| {
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr_of(out));
        for value in [
            "local-alice",
            "local-erin",
            "sso-secret-alice",
            "erin-secret",
        ] {
            assert!(!all.contains(value), "{value} in {all}");
        }
    };

    // --json dry run, even with --read-only: it writes nothing.
    let mut c = v.pass();
    import(c.args(["--json", "--read-only"]), &["--dry-run"]);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    no_values(&out);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["would_import"], 6, "{j}");
    assert_eq!(j["new"], 2, "{j}");
    assert_eq!(j["unchanged"], 1, "{j}");
    assert_eq!(
        j["overwritten"],
        serde_json::json!([
            sso_name("DSU_Fabric", "alice@example.com"),
            sso_name("Demiurge", "erin@example.com")
        ]),
        "{j}"
    );
    assert_eq!(
        j["reactivated"],
        serde_json::json!([sso_name("myApp", "bob@example.com")])
    );
    assert!(j.get("removed").is_none(), "no --prune: {j}");
    assert_eq!(v.bytes(), before);

    // Text dry run: the names on stderr, one line each.
    let mut c = v.pass();
    import(&mut c, &["--dry-run"]);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    no_values(&out);
    let err = stderr_of(&out);
    for line in [
        "sso-secrets: would overwrite the SSO secret of user \"alice@example.com\" of app \"DSU_Fabric\"",
        "sso-secrets: would overwrite the SSO secret of user \"erin@example.com\" of app \"Demiurge\"",
        "sso-secrets: would reactivate the SSO secret of user \"bob@example.com\" of app \"myApp\"",
    ] {
        assert!(err.lines().any(|l| l == line), "{line:?} not in {err}");
    }
    assert_eq!(v.bytes(), before);

    // The dry run opens the vault: it needs a credential.
    let mut c = v.cmd();
    import(&mut c, &["--dry-run"]);
    assert!(fails(&mut c, 43).starts_with("sso-secrets: 403 unauthorized: "));

    // The import itself says the same, in the past tense.
    let mut c = v.pass();
    import(&mut c, &[]);
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    no_values(&out);
    let err = stderr_of(&out);
    assert!(
        err.lines().any(|l| l
            == "sso-secrets: overwrote the SSO secret of user \"alice@example.com\" of app \"DSU_Fabric\""),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l
            == "sso-secrets: reactivated the SSO secret of user \"bob@example.com\" of app \"myApp\""),
        "{err}"
    );
    assert_eq!(exported(&v), expected("keyA-phaseA"));
}

/// Issue 22 item 17: `--prune` makes each container the folder holds the
/// whole truth about it: SSO secrets of the app named like a container, and
/// DID secrets named like one, that the container no longer holds are
/// removed, in the same all-or-nothing write. Secrets of containers the
/// folder does not have are never touched; a failed import removes nothing.
#[test]
fn import_apihub_prune_removes_only_what_the_folders_containers_no_longer_hold() {
    let v = Vault::new();
    v.pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
        .args(["import", "--apihub"])
        .arg(fixture("keyA-phaseA"))
        .assert()
        .success();
    v.put_sso(
        "DSU_Fabric",
        "dave",
        b"local only, in a container the folder has",
    );
    v.put_did(
        "did:web:example.com",
        "credential",
        b"local only, named like a container",
    );
    let kept = [
        serde_json::json!({"kind": "sso", "app": "elsewhere", "user_id": "zed", "secret": "no container"}),
        serde_json::json!({"kind": "sso", "app": "apiKeys", "user_id": "k", "secret": "never read"}),
        serde_json::json!({"kind": "did", "did": "did:web:example.com", "name": "other", "secret": "no container"}),
    ];
    v.put_sso("elsewhere", "zed", b"no container");
    v.put_sso("apiKeys", "k", b"never read");
    v.put_did("did:web:example.com", "other", b"no container");
    let before = v.bytes();
    let import = |c: &mut assert_cmd::Command, extra: &[&str], dir: &Path| {
        c.env("SSO_SECRETS_ENCRYPTION_KEY", key("KEY_A"))
            .args(["import", "--prune"])
            .args(extra)
            .arg("--apihub")
            .arg(dir);
    };
    // keyA-later: Demiurge and myApp emptied, alice's credential removed.
    let removed = serde_json::json!([
        sso_name("DSU_Fabric", "dave"),
        sso_name("Demiurge", "erin@example.com"),
        sso_name("myApp", "bob@example.com"),
        did_name("did:ssi:name:vault:DSU_Fabric/alice", "credential"),
        did_name("did:web:example.com", "credential"),
    ]);
    let sorted = |v: &Value| {
        let mut a: Vec<String> = v.as_array().unwrap().iter().map(Value::to_string).collect();
        a.sort();
        a
    };

    let mut c = v.pass();
    import(c.arg("--json"), &["--dry-run"], &fixture("keyA-later"));
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sorted(&j["removed"]), sorted(&removed), "{j}");
    assert_eq!(v.bytes(), before);

    // A folder with one bad file: exit 50, and nothing removed either.
    let t = tempfile::tempdir().unwrap();
    let bad = copy_fixture("keyA-later", t.path(), "bad");
    std::fs::write(bad.join("zzz.secret"), b"not a container").unwrap();
    let mut c = v.pass();
    import(&mut c, &[], &bad);
    fails(&mut c, 50);
    assert_eq!(v.bytes(), before);

    // A token that can only read cannot prune.
    let reader = v.create_token(&["reader"]);
    let before = v.bytes();
    let mut c = v.token(&reader);
    import(&mut c, &[], &fixture("keyA-later"));
    fails(&mut c, 43);
    assert_eq!(v.bytes(), before);

    let mut c = v.pass();
    import(&mut c, &[], &fixture("keyA-later"));
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.lines()
            .next()
            .unwrap()
            .contains(", removed 5, skipped 3"),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l
                == "sso-secrets: removed the SSO secret of user \"dave\" of app \"DSU_Fabric\""),
        "{err}"
    );
    assert!(!err.contains("local only"));
    let mut want = expected("keyA-later");
    want.extend(kept.iter().map(Value::to_string));
    assert_eq!(exported(&v), want);

    // --prune belongs to --apihub.
    let err = fails(v.pass().args(["import", "--prune"]), 2);
    assert!(err.starts_with("sso-secrets: usage: "), "{err}");
}
