//! Access tokens: scope, rights, expiry, revocation and rotation, and the
//! cryptographic guarantees behind them.

use crate::common::*;
use predicates::prelude::*;
use sso_secrets::testing::crypto;
use sso_secrets::testing::secret::Key32;
use sso_secrets::testing::vault::format::{self, Header, RawEntry, SlotLock};
use sso_secrets::testing::vault::keys::{Keyring, Scope, ScopeKeys};

const D1: &str = "did:ssi:name:v:demo/alice";
const D2: &str = "did:ssi:name:v:demo/bob";

fn populated() -> Vault {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"demo-alice");
    v.put_sso("other", "bob", b"other-bob");
    v.put_did(D1, "cred", b"d1-cred");
    v.put_did(D2, "cred", b"d2-cred");
    v
}

#[test]
fn app_scope_allows_its_app_only() {
    let v = populated();
    let t = v.create_token(&["ci", "--app", "demo"]);
    assert!(t.starts_with("ssos_") && t.len() > 60, "{t}");
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("demo-alice");
    v.token(&t)
        .args(["get-sso", "other", "--user-id", "bob"])
        .assert()
        .code(43)
        .stderr(
            "sso-secrets: 403 unauthorized: access token \"ci\" does not cover app \"other\" \
             (the token from SSO_SECRETS_TOKEN)\n",
        );
    v.token(&t)
        .args(["get-did", &did(D1), "cred"])
        .assert()
        .code(43);
    // list shows only what the token covers.
    v.token(&t).arg("list").assert().code(0).stdout(
        predicate::str::contains("demo\talice").and(predicate::str::contains("other").not()),
    );
    // Secrets added after the token was issued are covered too.
    v.put_sso("demo", "carol", b"later");
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "carol"])
        .assert()
        .code(0)
        .stdout("later");
}

#[test]
fn did_scope_and_multiple_scopes_add_up() {
    let v = populated();
    let t = v.create_token(&["d", "--did", &did(D1), "--app", "other"]);
    v.token(&t)
        .args(["get-did", &did(D1), "cred"])
        .assert()
        .code(0)
        .stdout("d1-cred");
    v.token(&t)
        .args(["get-sso", "other", "--user-id", "bob"])
        .assert()
        .code(0);
    v.token(&t)
        .args(["get-did", &did(D2), "cred"])
        .assert()
        .code(43);
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43);
    // No scope: everything.
    let all = v.create_token(&["all"]);
    for args in [
        vec!["get-did".to_string(), did(D2), "cred".into()],
        vec![
            "get-sso".into(),
            "demo".into(),
            "--user-id".into(),
            "alice".into(),
        ],
    ] {
        v.token(&all).args(&args).assert().code(0);
    }
}

#[test]
fn tokens_are_read_only_unless_given_write() {
    let v = populated();
    let ro = v.create_token(&["ro", "--app", "demo"]);
    let rw = v.create_token(&["rw", "--app", "demo", "--write"]);
    let before = v.bytes();
    for args in [
        vec!["put-sso", "demo", "--user-id", "alice"],
        vec!["deactivate-sso", "demo", "--user-id", "alice"],
        vec!["remove-sso", "demo", "--user-id", "alice"],
    ] {
        v.token(&ro)
            .args(&args)
            .write_stdin("x")
            .assert()
            .code(43)
            .stderr(predicate::str::contains("read-only"));
    }
    assert_eq!(v.bytes(), before);
    v.token(&rw)
        .args(["put-sso", "demo", "--user-id", "dave"])
        .write_stdin("d")
        .assert()
        .code(0);
    v.token(&rw)
        .args(["get-sso", "demo", "--user-id", "dave"])
        .assert()
        .stdout("d");
    v.token(&rw)
        .args(["put-sso", "other", "--user-id", "dave"])
        .write_stdin("d")
        .assert()
        .code(43);
    // A write token's secrets are readable by the passphrase and listed.
    v.pass()
        .args(["get-sso", "demo", "--user-id", "dave"])
        .assert()
        .stdout("d");
    v.pass()
        .arg("list")
        .assert()
        .stdout(predicate::str::contains("sso\tdemo\tdave\tactive"));
    // Deactivate by DID is covered by the app scope.
    let name_did = did("did:ssi:name:v:demo/dave");
    v.token(&rw)
        .args(["deactivate-sso", "demo", &name_did])
        .assert()
        .code(0);
}

#[test]
fn tokens_cannot_manage_tokens_or_settings() {
    let v = populated();
    let rw = v.create_token(&["rw", "--write"]);
    for args in [
        vec!["token", "create", "x"],
        vec!["token", "revoke", "rw"],
        vec!["token", "list"],
        vec!["vault", "read-only", "on"],
        vec!["export"],
    ] {
        v.token(&rw)
            .args(&args)
            .assert()
            .code(43)
            .stderr(predicate::str::contains("use the passphrase"));
    }
    // vault passwd uses only the passphrase sources.
    v.token(&rw)
        .args(["vault", "passwd"])
        .arg("--new-passphrase-file")
        .arg(v.file("new", b"new pass\n"))
        .assert()
        .code(43);
}

#[test]
fn bearer_prefix_token_file_and_malformed_tokens() {
    let v = populated();
    let t = v.create_token(&["t"]);
    v.token(&format!("Bearer {t}"))
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    let f = v.file("tok", format!("Bearer {t}\r\nsecond line\n").as_bytes());
    v.cmd()
        .arg("--token-file")
        .arg(&f)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("demo-alice");
    // --token-file wins over SSO_SECRETS_TOKEN.
    v.token("ssos_garbage")
        .arg("--token-file")
        .arg(&f)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    for bad in ["", "ssos_", "ssos_0OIl", "not-a-token", &t[..t.len() - 1]] {
        v.token(bad)
            .args(["get-sso", "demo", "--user-id", "alice"])
            .assert()
            .code(43);
    }
    // A token with one character changed is unknown or invalid, never accepted.
    let mut chars: Vec<char> = t.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'a' { 'b' } else { 'a' };
    let altered: String = chars.into_iter().collect();
    v.token(&altered)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43);
    // A token of another vault is unknown here.
    let other = Vault::new();
    let foreign = other.create_token(&["t"]);
    v.token(&foreign)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(predicate::str::contains("unknown access token"));
}

#[test]
fn expiring_tokens_work_until_they_expire() {
    // Expiry itself is checked against an injected clock in the crate's
    // unit tests (`expiry_uses_the_injected_clock_and_fails_closed`), not by
    // sleeping here.
    let v = populated();
    let t = v.create_token(&["short", "--expires-in", "1d"]);
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("demo-alice");
    let list = String::from_utf8(stdout_of(v.pass().args(["token", "list"]))).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with("short\t") && !l.ends_with("never")),
        "{list}"
    );
    v.pass()
        .args(["token", "create", "x", "--expires-in", "soon"])
        .assert()
        .code(2);
    v.pass()
        .args(["token", "create", "x", "--expires-in", "0s"])
        .assert()
        .code(2);
}

#[test]
fn token_list_and_duplicates() {
    let v = populated();
    let t = v.create_token(&["ci-demo", "--app", "demo", "--expires-in", "7d"]);
    v.create_token(&["writer", "--did", &did(D1), "--write"]);
    let out = String::from_utf8(stdout_of(v.pass().args(["token", "list"]))).unwrap();
    assert!(out.contains("ci-demo\tapp:demo\tread-only\t"), "{out}");
    assert!(
        out.contains(&format!("writer\tdid:{}\tread-write\t", did(D1))),
        "{out}"
    );
    assert!(!out.contains(&t) && !out.contains(&t[5..]));
    let json = String::from_utf8(stdout_of(v.pass().args(["--json", "token", "list"]))).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["tokens"][0]["name"], "ci-demo");
    assert_eq!(parsed["tokens"][1]["dids"][0], D1);
    assert!(!json.contains(&t[5..]));
    v.pass()
        .args(["token", "create", "ci-demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    v.pass()
        .args(["token", "revoke", "nobody"])
        .assert()
        .code(44);
    let json = stdout_of(v.pass().args(["--json", "token", "create", "j"]));
    let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(parsed["token"].as_str().unwrap().starts_with("ssos_"));
}

/// The keyring a token unlocks, read straight from the file as an attacker
/// holding the file and the token (and this code) would.
fn token_keyring(file: &[u8], token: &str) -> (Header, Keyring) {
    let (version, hlen) = format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap();
    let hlen = hlen as usize;
    let header = Header::parse(
        version,
        &file[format::PREFIX_LEN..format::PREFIX_LEN + hlen],
    )
    .unwrap();
    let raw = bs58::decode(&token[5..]).into_vec().unwrap();
    // Format 3 tokens: the format byte, then slot id and secret.
    assert_eq!(raw[0], 3);
    let raw = &raw[1..];
    let slot = header.slots.iter().find(|s| s.id[..] == raw[..16]).unwrap();
    let SlotLock::Token { salt, .. } = &slot.lock else {
        panic!("not a token slot")
    };
    let key = crypto::hkdf(salt, &raw[16..], &[b"sso-secrets token slot"]);
    let plain = crypto::open(
        &key,
        slot.nonce,
        &slot.aad(version, &header.vault_id),
        &slot.sealed,
    )
    .unwrap();
    let keys = Keyring::decode(version, plain.expose()).unwrap();
    (header, keys)
}

/// The records region (format 3: its length, then one record per scope
/// that scoped write tokens write), as it lies after the data signature.
fn records_region(file: &[u8]) -> &[u8] {
    let head =
        format::PREFIX_LEN + format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap().1 as usize;
    let at = head + crypto::SIG_LEN;
    let len = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    &file[at..at + 4 + len]
}

/// The base buckets' entries.
fn all_entries(file: &[u8], header: &Header) -> Vec<Vec<RawEntry>> {
    let head =
        format::PREFIX_LEN + format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap().1 as usize;
    let mut at = head + crypto::SIG_LEN + records_region(file).len();
    let n = header.buckets.len();
    header
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let bytes = &file[at..at + b.len as usize];
            at += b.len as usize;
            format::parse_bucket(bytes, i, n, b.count).unwrap()
        })
        .collect()
}

fn app_keys(keys: &Keyring, app: &str) -> ScopeKeys {
    let k = keys.apps.iter().find(|(a, _)| a == app).unwrap().1.clone();
    ScopeKeys::new(Scope::App(app.into()), k)
}

#[test]
fn a_scoped_token_cannot_decrypt_other_apps_even_with_the_file() {
    let v = populated();
    let t = v.create_token(&["demo-only", "--app", "demo"]);
    let file = v.bytes();
    let (header, keys) = token_keyring(&file, &t);
    assert!(keys.sso_root.is_none() && keys.did_root.is_none() && keys.names_key.is_none());
    assert!(
        keys.signing_seed.is_none(),
        "a read-only token holds the signing key"
    );
    assert_eq!(keys.apps.len(), 1);
    let sk = app_keys(&keys, "demo");
    let mut opened = 0;
    for bucket in all_entries(&file, &header) {
        for raw in bucket {
            if let Ok(e) = sk.open(&header.vault_id, &raw) {
                assert_eq!(e.value.expose(), b"demo-alice");
                opened += 1;
            }
        }
    }
    assert_eq!(opened, 1, "the demo key opened other entries");
}

#[test]
fn a_read_only_token_holder_cannot_forge_a_vault_others_accept() {
    let v = populated();
    let ro = v.create_token(&["ro", "--app", "demo"]);
    let rw = v.create_token(&["rw", "--write"]);
    let file = v.bytes();
    let (mut header, keys) = token_keyring(&file, &ro);
    let sk = app_keys(&keys, "demo");
    let lookup = sk.lookup("alice");
    let mut buckets = all_entries(&file, &header);

    // Re-encrypt alice's entry with "forged", reusing its salt so that its
    // sealed scope name stays valid: everything a read-only holder can do.
    let (bi, ei) = buckets
        .iter()
        .enumerate()
        .find_map(|(i, b)| b.iter().position(|e| e.lookup == lookup).map(|j| (i, j)))
        .unwrap();
    let raw = &mut buckets[bi][ei];
    let mut entry = sk.open(&header.vault_id, raw).unwrap();
    entry.value = sso_secrets::testing::secret::SecretBytes::new(b"forged".to_vec());
    let mut body = vec![0u8];
    body.extend_from_slice(&entry.created.to_be_bytes());
    body.extend_from_slice(&entry.updated.to_be_bytes());
    body.extend_from_slice(&(entry.key.len() as u16).to_be_bytes());
    body.extend_from_slice(entry.key.as_bytes());
    body.extend_from_slice(&(6u32).to_be_bytes());
    body.extend_from_slice(b"forged");
    let mut aad = b"sso-secrets entry v1".to_vec();
    aad.extend_from_slice(&header.vault_id);
    aad.extend_from_slice(&raw.lookup);
    aad.push(raw.kind);
    aad.extend_from_slice(&raw.tag);
    let key = crypto::hkdf(&raw.salt, app_key_bytes(&keys), &[b"entry"]);
    raw.body_ct = crypto::seal(&key, [0; 12], &aad, &body);
    // The forged entry really is valid under the app key...
    assert_eq!(
        sk.open(&header.vault_id, raw).unwrap().value.expose(),
        b"forged"
    );

    // ...so only the signature can stop it. Rebuild the file with correct
    // bucket hashes, signed with the attacker's own key.
    let data: Vec<Vec<u8>> = buckets.iter().map(format::encode_bucket).collect();
    for (r, d) in header.buckets.iter_mut().zip(&data) {
        r.len = d.len() as u32;
        r.hash = crypto::sha256(d);
    }
    let head = header.encode().unwrap();
    let attacker = crypto::Signer::from_seed(&Key32::new([7; 32])).unwrap();
    let mut forged = head.clone();
    forged.extend_from_slice(&attacker.sign(&head));
    forged.extend_from_slice(records_region(&file));
    for d in &data {
        forged.extend_from_slice(d);
    }
    v.write_bytes(&forged);
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(50)
        .stdout("")
        .stderr(predicate::str::contains("signature does not verify"));
    v.token(&rw)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(50)
        .stdout("");
    v.pass().arg("list").assert().code(50);

    // Keeping the old signature instead fails too.
    let mut unsigned = head;
    let old_head =
        format::PREFIX_LEN + format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap().1 as usize;
    unsigned.extend_from_slice(&file[old_head..old_head + crypto::SIG_LEN]);
    unsigned.extend_from_slice(records_region(&file));
    for d in &data {
        unsigned.extend_from_slice(d);
    }
    v.write_bytes(&unsigned);
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(50)
        .stdout("");
}

fn app_key_bytes(keys: &Keyring) -> &[u8] {
    keys.apps[0].1.expose()
}

#[test]
fn revoke_rotates_keys_and_the_rest_keep_working() {
    let v = populated();
    let gone = v.create_token(&["gone", "--app", "demo"]);
    let stays = v.create_token(&["stays", "--app", "demo"]);
    let writer = v.create_token(&["writer", "--did", &did(D1), "--write"]);
    let old_file = v.bytes();
    let (_, old_keys) = token_keyring(&old_file, &gone);
    v.pass().args(["token", "revoke", "gone"]).assert().code(0);

    v.token(&gone)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(
            "sso-secrets: 403 unauthorized: this access token has been revoked \
             (the token from SSO_SECRETS_TOKEN)\n",
        );
    v.token(&stays)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("demo-alice");
    v.token(&writer)
        .args(["put-did", &did(D1), "new"])
        .write_stdin("n")
        .assert()
        .code(0);
    v.token(&writer)
        .args(["get-did", &did(D1), "cred"])
        .assert()
        .code(0)
        .stdout("d1-cred");
    v.pass()
        .args(["get-sso", "other", "--user-id", "bob"])
        .assert()
        .code(0)
        .stdout("other-bob");
    v.pass()
        .args(["get-did", &did(D1), "new"])
        .assert()
        .code(0)
        .stdout("n");

    // The revoked token's old app key no longer finds or opens anything.
    let new_file = v.bytes();
    let (version, hlen) = format::parse_prefix(&new_file[..format::PREFIX_LEN]).unwrap();
    let header = Header::parse(
        version,
        &new_file[format::PREFIX_LEN..format::PREFIX_LEN + hlen as usize],
    )
    .unwrap();
    let sk = app_keys(&old_keys, "demo");
    for bucket in all_entries(&new_file, &header) {
        for raw in bucket {
            assert_ne!(raw.lookup, sk.lookup("alice"));
            assert!(sk.open(&header.vault_id, &raw).is_err());
        }
    }
    let out = String::from_utf8(stdout_of(v.pass().args(["token", "list"]))).unwrap();
    assert!(out.contains("stays") && out.contains("writer") && !out.contains("gone"));
}
