//! The format against real folders written by APIHub (tests/fixtures/apihub,
//! byte-identical copies of the shared fixtures), and the writer against
//! the reader.

use super::read::{Reading, Skipped, read};
use super::write::{plan, write};
use super::{Address, Keys};
use crate::error::Error;
use crate::names::{AppName, Did, SecretName, UserId};
use crate::secret::{Key32, SecretBytes};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apihub");

fn key_text(name: &str) -> String {
    let env = std::fs::read_to_string(format!("{FIXTURES}/keys.env")).unwrap();
    env.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap()
        .to_string()
}

fn keys(spec: &str) -> Keys {
    let text: Vec<String> = spec.split(',').map(key_text).collect();
    Keys::parse(&text.join(","), "test").unwrap()
}

/// A reading as the JSON Lines objects of `<folder>.expected.jsonl`.
fn lines(r: &Reading) -> BTreeSet<String> {
    r.found
        .iter()
        .map(|f| {
            let secret = String::from_utf8(f.value.expose().to_vec()).unwrap();
            let v = match &f.address {
                Address::Sso { app, user } => {
                    json!({"kind": "sso", "app": app.as_str(), "user_id": user.as_str(), "secret": secret})
                }
                Address::Did { did, name } => {
                    json!({"kind": "did", "did": did.text(), "name": name.as_str(), "secret": secret})
                }
            };
            v.to_string()
        })
        .collect()
}

fn expected(folder: &str) -> BTreeSet<String> {
    std::fs::read_to_string(format!("{FIXTURES}/{folder}.expected.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap().to_string())
        .collect()
}

fn skipped(r: &Reading) -> Vec<(String, Option<String>, String)> {
    r.skipped
        .iter()
        .map(|Skipped { file, key, reason }| (file.clone(), key.clone(), reason.clone()))
        .collect()
}

#[test]
fn every_fixture_folder_yields_its_expected_lines() {
    let folders = [
        ("keyA-phaseA", "KEY_A"),
        ("keyA-later", "KEY_A"),
        ("keyB-rotated", "KEY_B"),
        ("keyA-non-string", "KEY_A"),
        ("worked-example", "KEY_A"),
    ];
    for (folder, key) in folders {
        let dir = Path::new(FIXTURES).join(folder);
        for spec in [key, "KEY_B,KEY_A", "KEY_A,KEY_B"] {
            let r = read(&dir, Some(&keys(spec))).unwrap();
            assert_eq!(lines(&r), expected(folder), "{folder} with {spec}");
        }
    }
}

#[test]
fn credential_and_empty_containers_are_skipped_and_counted() {
    let r = read(
        &Path::new(FIXTURES).join("keyA-later"),
        Some(&keys("KEY_A")),
    )
    .unwrap();
    let reasons: Vec<_> = skipped(&r)
        .into_iter()
        .map(|(f, k, why)| (f, k.is_some(), why))
        .collect();
    assert_eq!(
        reasons,
        [
            ("Demiurge.secret".into(), false, "empty".into()),
            (
                "apiKeys.secret".into(),
                false,
                "APIHub's own credentials".into()
            ),
            ("myApp.secret".into(), false, "empty".into()),
        ]
    );
    assert!(r.notes.is_empty());
}

#[test]
fn non_string_values_are_noted() {
    let dir = Path::new(FIXTURES).join("keyA-non-string");
    let r = read(&dir, Some(&keys("KEY_A"))).unwrap();
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].contains("DSU_Fabric.secret") && r.notes[0].contains("obj@example.com"));
    assert!(!r.notes[0].contains("\"a\""), "notes never show a value");
}

#[test]
fn bad_folders_and_files() {
    let fixture = Path::new(FIXTURES).join("keyA-phaseA");
    let e = read(&fixture, Some(&keys("KEY_B"))).unwrap_err();
    assert!(
        matches!(&e, Error::WrongFormat(m) if m.contains("keyA-phaseA/DSU_Fabric.secret: the key does not open it")),
        "{e}"
    );
    let e = read(&fixture, None).unwrap_err();
    assert!(
        matches!(&e, Error::Usage(m) if m.contains("SSO_SECRETS_ENCRYPTION_KEY")),
        "{e}"
    );

    let t = tempfile::tempdir().unwrap();
    let e = read(&t.path().join("missing"), None).unwrap_err();
    assert!(
        matches!(&e, Error::Failure(_)) && e.detail().contains("cannot read APIHub folder"),
        "{e}"
    );
    let e = read(t.path(), None).unwrap_err();
    assert!(
        matches!(&e, Error::Failure(_)) && e.detail().contains("holds no .secret file"),
        "{e}"
    );
    std::fs::create_dir(t.path().join("secret.lock")).unwrap();
    std::fs::write(t.path().join("readme.txt"), "x").unwrap();
    assert!(
        read(t.path(), None)
            .unwrap_err()
            .detail()
            .contains("holds no .secret file")
    );

    let good = std::fs::read(fixture.join("myApp.secret")).unwrap();
    std::fs::write(t.path().join("myApp.secret"), &good[..40]).unwrap();
    let e = read(t.path(), Some(&keys("KEY_A"))).unwrap_err();
    assert!(
        matches!(&e, Error::WrongFormat(m) if m.contains("/myApp.secret: truncated: 40 bytes")),
        "{e}"
    );

    let k = keys("KEY_A");
    let sealed = super::format::seal(k.first(), &[0; 16], &[0; 32], b"not json").unwrap();
    std::fs::write(t.path().join("myApp.secret"), sealed).unwrap();
    let e = read(t.path(), Some(&k)).unwrap_err();
    assert!(
        matches!(&e, Error::WrongFormat(m) if m.contains("/myApp.secret: opens, but does not hold JSON")),
        "{e}"
    );
}

fn sso(app: &str, user: &str) -> Address {
    Address::Sso {
        app: AppName::new(app).unwrap(),
        user: UserId::new(user).unwrap(),
    }
}

fn did(text: &str, name: &str) -> Address {
    Address::Did {
        did: Did::from_text(text).unwrap(),
        name: SecretName::new(name).unwrap(),
    }
}

fn secret(s: &str) -> SecretBytes {
    SecretBytes::new(s.as_bytes().to_vec())
}

#[test]
fn legacy_per_user_files_and_duplicates() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir_all(d.join("DSU_Fabric/team")).unwrap();
    std::fs::create_dir_all(d.join("secret.lock")).unwrap();
    std::fs::write(d.join("DSU_Fabric/alice.secret"), "old alice").unwrap();
    std::fs::write(d.join("DSU_Fabric/bob.json"), "bob 2022-08").unwrap();
    std::fs::write(d.join("DSU_Fabric/bob.secret"), "bob 2022-10").unwrap();
    std::fs::write(d.join("DSU_Fabric/team/carol.secret"), "carol").unwrap();
    std::fs::write(d.join("DSU_Fabric/empty.secret"), "").unwrap();
    let r = read(d, None).unwrap();
    let got: BTreeSet<_> = lines(&r);
    let want: BTreeSet<String> = [
        ("alice", "old alice"),
        ("bob", "bob 2022-10"),
        ("team/carol", "carol"),
    ]
    .iter()
    .map(|(u, s)| json!({"kind":"sso","app":"DSU_Fabric","user_id":u,"secret":s}).to_string())
    .collect();
    assert_eq!(got, want);
    let why: Vec<_> = skipped(&r).into_iter().map(|(f, _, w)| (f, w)).collect();
    assert!(
        why.contains(&(
            "DSU_Fabric/bob.json".into(),
            "the same secret as DSU_Fabric/bob.secret, which is kept".into()
        )),
        "{why:?}"
    );
    assert!(
        why.contains(&("DSU_Fabric/empty.secret".into(), "empty".into())),
        "{why:?}"
    );

    // A container of the current layout supersedes the per-user file, and
    // the base58 spelling of a DID wins over the percent-encoded one.
    let k = keys("KEY_A");
    let b58 = crate::did::encode("did:x:alice");
    let pairs = [("did%3Ax%3Aalice", "pct"), (b58.as_str(), "b58")];
    let sealed = |pairs: &[(&str, &str)]| {
        super::format::seal(
            k.first(),
            &[3; 16],
            &[4; 32],
            super::format::render(pairs).expose(),
        )
        .unwrap()
    };
    std::fs::write(d.join("credential.secret"), sealed(&pairs)).unwrap();
    std::fs::write(
        d.join("DSU_Fabric.secret"),
        sealed(&[("alice", "new alice")]),
    )
    .unwrap();
    let r = read(d, Some(&k)).unwrap();
    let got = lines(&r);
    assert!(
        got.contains(
            &json!({"kind":"sso","app":"DSU_Fabric","user_id":"alice","secret":"new alice"})
                .to_string()
        )
    );
    assert!(got.contains(
        &json!({"kind":"did","did":"did:x:alice","name":"credential","secret":"b58"}).to_string()
    ));
    assert_eq!(got.len(), 4);
    let why: Vec<_> = skipped(&r).into_iter().collect();
    assert!(
        why.contains(&(
            "DSU_Fabric/alice.secret".into(),
            None,
            "the same secret as DSU_Fabric.secret key \"alice\", which is kept".into()
        )),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|(f, k, _)| f == "credential.secret" && k.as_deref() == Some("did%3Ax%3Aalice")),
        "{why:?}"
    );
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn written_folders_read_back_and_are_private() {
    let items = [
        (
            sso("DSU_Fabric", "alice@example.com"),
            secret("a \"quoted\"\nvalue"),
        ),
        (sso("DSU_Fabric", "bob"), secret("b")),
        (
            did("did:ssi:name:vault:DSU_Fabric/alice", "credential"),
            secret("{\"v\":1}"),
        ),
        (sso("credential", "carol"), secret("c")),
    ];
    let (planned, warnings) = plan(items.iter().map(|(a, v)| (a, v))).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(
        planned
            .iter()
            .map(|p| (p.container.as_str(), p.count))
            .collect::<Vec<_>>(),
        [("DSU_Fabric", 2), ("credential", 2)]
    );
    let t = tempfile::tempdir().unwrap();
    let dir: PathBuf = t.path().join("new/secrets");
    let k = keys("KEY_B,KEY_A");
    write(&dir, &planned, k.first()).unwrap();
    assert_eq!(mode(&dir), 0o700);
    let names: BTreeSet<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "DSU_Fabric.secret".to_string(),
            "credential.secret".to_string()
        ])
    );
    assert_eq!(mode(&dir.join("credential.secret")), 0o600);
    let r = read(&dir, Some(&keys("KEY_B"))).unwrap();
    let back: BTreeSet<_> = r
        .found
        .iter()
        .map(|f| (f.address.clone(), f.value.expose().to_vec()))
        .collect();
    let want: BTreeSet<_> = items
        .iter()
        .map(|(a, v)| (a.clone(), v.expose().to_vec()))
        .collect();
    assert_eq!(back, want);
    assert!(
        read(&dir, Some(&keys("KEY_A"))).is_err(),
        "written with the first key only"
    );

    // A second export into the same folder refuses and changes nothing.
    let before = std::fs::read(dir.join("DSU_Fabric.secret")).unwrap();
    let (more, _) = plan([
        (&sso("zzz", "u"), &secret("z")),
        (&sso("DSU_Fabric", "x"), &secret("x")),
    ])
    .unwrap();
    let e = write(&dir, &more, k.first()).unwrap_err();
    assert!(
        matches!(&e, Error::Failure(_)) && e.detail().contains("never overwrites"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(dir.join("DSU_Fabric.secret")).unwrap(),
        before
    );
    assert!(!dir.join("zzz.secret").exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn fresh_iv_and_aad_per_file() {
    let a = sso("app", "u");
    let v = secret("same");
    let (p, _) = plan([(&a, &v)]).unwrap();
    let t = tempfile::tempdir().unwrap();
    let k = Key32::new([9; 32]);
    write(&t.path().join("1"), &p, &k).unwrap();
    write(&t.path().join("2"), &p, &k).unwrap();
    let f1 = std::fs::read(t.path().join("1/app.secret")).unwrap();
    let f2 = std::fs::read(t.path().join("2/app.secret")).unwrap();
    let tail = |f: &[u8]| f[f.len() - 64..f.len() - 16].to_vec();
    assert_ne!(tail(&f1), tail(&f2));
}

#[test]
fn what_apihub_cannot_hold_is_refused() {
    let refused = |a: Address, v: SecretBytes| {
        plan([(&a, &v)])
            .err()
            .map(|e| e.detail())
            .unwrap_or_default()
    };
    assert!(refused(sso("app", "u"), SecretBytes::new(vec![0xff])).contains("not UTF-8"));
    assert!(refused(sso("a/b", "u"), secret("x")).contains("not a file name"));
    assert!(refused(sso("..", "u"), secret("x")).contains("not a file name"));
    assert!(refused(sso(&"a".repeat(250), "u"), secret("x")).contains("too long"));
    assert!(refused(sso("apiKeys", "u"), secret("x")).contains("credential"));
    let b58 = crate::did::encode("did:x:y");
    let (one, two) = (sso("credential", &b58), did("did:x:y", "credential"));
    let e = plan([(&one, &secret("1")), (&two, &secret("2"))])
        .err()
        .unwrap();
    assert!(e.detail().contains("would both be key"), "{e}");
    let (_, warnings) = plan([(&sso("app", "did:key:z"), &secret("1"))]).unwrap();
    assert_eq!(warnings.len(), 1);
}
