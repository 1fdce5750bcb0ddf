//! Issue 11's findings as the binary shows them: revocation and rotation,
//! `vault check`, version 1 vaults, the lock file and directory, hostile
//! names. The attacks that forge slots or splice files are unit tests in
//! `src/vault/attack_tests/` (they need the crate's internals).

use crate::common::*;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn rotate_invalidates_every_token_lists_them_and_keeps_every_secret() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"a-secret");
    let r = v.create_token(&["reader", "--app", "demo"]);
    let w = v.create_token(&["writer", "--write"]);
    let old_file = v.bytes();
    let new_pass = v.file("new.pass", b"a new passphrase\n");
    v.pass()
        .args(["vault", "rotate", "--new-passphrase-file"])
        .arg(&new_pass)
        .assert()
        .code(0)
        .stdout("")
        .stderr(
            "sso-secrets: token \"reader\" was invalidated by the rotation; reissue it: sso-secrets token create \"reader\" --app \"demo\"\n\
             sso-secrets: token \"writer\" was invalidated by the rotation; reissue it: sso-secrets token create \"writer\" --write\n\
             sso-secrets: warning: SSO_SECRETS_PASSPHRASE still holds the old passphrase; update it, or every command that uses it answers 403\n",
        );
    for t in [&r, &w] {
        v.token(t)
            .args(["get-sso", "demo", "--user-id", "alice"])
            .assert()
            .code(43)
            .stderr(predicate::str::contains("revoked"));
    }
    v.pass().arg("list").assert().code(43);
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "a new passphrase")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("a-secret");
    // The old copy, with the old passphrase, still opens only itself.
    v.write_bytes(&old_file);
    v.pass().args(["token", "list"]).assert().code(0);
}

#[test]
fn a_revoked_token_answers_revoked_and_the_rest_keep_working() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"a-secret");
    let gone = v.create_token(&["gone", "--app", "demo", "--write"]);
    let stays = v.create_token(&["stays", "--app", "demo"]);
    v.pass().args(["token", "revoke", "gone"]).assert().code(0);
    v.put_sso("demo", "bob", b"later");
    v.token(&gone)
        .args(["get-sso", "demo", "--user-id", "bob"])
        .assert()
        .code(43)
        .stdout("")
        .stderr(
            "sso-secrets: 403 unauthorized: this access token has been revoked \
             (the token from SSO_SECRETS_TOKEN)\n",
        );
    v.token(&stays)
        .args(["get-sso", "demo", "--user-id", "bob"])
        .assert()
        .code(0)
        .stdout("later");
}

#[test]
fn passwd_keeps_tokens_and_secrets_working() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"a-secret");
    let t = v.create_token(&["t", "--app", "demo"]);
    let new_pass = v.file("new.pass", b"next\n");
    v.pass()
        .args(["vault", "passwd", "--new-passphrase-file"])
        .arg(&new_pass)
        .assert()
        .code(0);
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("a-secret");
    v.pass().arg("list").assert().code(43);
}

#[test]
fn check_reports_a_clean_vault_and_repair_needs_confirmation() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"a-secret");
    v.pass()
        .args(["vault", "check"])
        .assert()
        .code(0)
        .stdout("ok\n")
        .stderr("sso-secrets: 1 entries and 0 access tokens authenticate\n");
    v.create_token(&["t"]);
    v.token(&v.create_token(&["u"]))
        .args(["vault", "check"])
        .assert()
        .code(43);
    // --yes only makes sense with --repair.
    v.pass().args(["vault", "check", "--yes"]).assert().code(2);
}

/// A scope that a scoped write token writes has its own partition, whose
/// record its write key signs. A record that fails (here one flipped
/// signature byte) is a 500 for that scope's readers and is reported by
/// `vault check`; `--repair` empties that partition and the scope's writer
/// carries on; other scopes never notice.
#[test]
fn a_failing_scope_record_is_refused_reported_and_repaired() {
    let v = Vault::new();
    v.put_sso("other", "u", b"other-secret");
    let w = v.create_token(&["w", "--app", "a", "--write"]);
    v.token(&w)
        .args(["put-sso", "a", "--user-id", "u"])
        .write_stdin("a-secret")
        .assert()
        .code(0);
    let mut file = v.bytes();
    let hlen = u32::from_be_bytes(file[10..14].try_into().unwrap()) as usize;
    let at = 14 + hlen + 64;
    let rlen = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    file[at + 4 + rlen - 1] ^= 1; // the (only) record's signature
    v.write_bytes(&file);
    v.token(&w)
        .args(["get-sso", "a", "--user-id", "u"])
        .assert()
        .code(50)
        .stdout("")
        .stderr(predicate::str::contains("fails its signature"));
    v.pass()
        .args(["get-sso", "other", "--user-id", "u"])
        .assert()
        .code(0)
        .stdout("other-secret");
    v.pass()
        .args(["vault", "check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("scope partition 0 (its record)"));
    v.pass()
        .args(["vault", "check", "--repair", "--yes"])
        .assert()
        .code(0);
    v.pass().args(["vault", "check"]).assert().code(0);
    v.token(&w)
        .args(["get-sso", "a", "--user-id", "u"])
        .assert()
        .code(44);
    v.token(&w)
        .args(["put-sso", "a", "--user-id", "u"])
        .write_stdin("again")
        .assert()
        .code(0);
    v.pass()
        .args(["get-sso", "a", "--user-id", "u"])
        .assert()
        .code(0)
        .stdout("again");
}

#[test]
fn the_slot_limit_is_a_clear_error() {
    // The limit itself is exercised in the crate's unit tests (1,000
    // slots); here, the message and exit code of `token create` on a
    // duplicate name stay a usage error.
    let v = Vault::new();
    v.create_token(&["t"]);
    v.pass().args(["token", "create", "t"]).assert().code(2);
}

fn v1_vault() -> Vault {
    let v = Vault::empty();
    std::fs::copy(fixture("v1.vault"), &v.path).unwrap();
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o600)).unwrap();
    v
}

fn v1_pass(v: &Vault) -> assert_cmd::Command {
    let mut c = v.cmd();
    c.arg("--passphrase-file").arg(fixture("v1.pass"));
    c
}

#[test]
fn version_1_vaults_are_read_refuse_writes_and_upgrade_with_a_rotation() {
    let v = v1_vault();
    let reader = fixture("reader.token");
    v1_pass(&v)
        .args(["vault", "info"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("format version: 1\n"));
    v.cmd()
        .arg("--token-file")
        .arg(&reader)
        .args(["get-sso", "alpha", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("alpha-secret");
    let did_b58 = std::fs::read_to_string(fixture("v1.did")).unwrap();
    v1_pass(&v)
        .args(["get-did", did_b58.trim(), "cred"])
        .assert()
        .code(0)
        .stdout("did-secret");
    let before = v.bytes();
    v1_pass(&v)
        .args(["put-sso", "alpha", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("run `sso-secrets vault upgrade`"));
    v.cmd()
        .arg("--token-file")
        .arg(fixture("writer.token"))
        .args(["put-sso", "alpha", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(1);
    assert_eq!(v.bytes(), before);
    v1_pass(&v)
        .args(["vault", "upgrade"])
        .assert()
        .code(0)
        .stdout("3\n")
        .stderr(predicate::str::contains(
            "token \"reader\" was invalidated by the upgrade",
        ));
    v.cmd()
        .arg("--token-file")
        .arg(&reader)
        .args(["get-sso", "alpha", "--user-id", "alice"])
        .assert()
        .code(43);
    v1_pass(&v)
        .args(["put-sso", "alpha", "--user-id", "bob"])
        .write_stdin("x")
        .assert()
        .code(0);
    v1_pass(&v).arg("list").assert().code(0).stdout(
        predicate::str::contains("alpha\talice\tactive")
            .and(predicate::str::contains("alpha\tbob\tactive")),
    );
}

fn v2_vault() -> Vault {
    let v = Vault::empty();
    std::fs::copy(fixture("v2/v2.vault"), &v.path).unwrap();
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o600)).unwrap();
    v
}

fn v2_cmd(v: &Vault, credential: &str) -> assert_cmd::Command {
    let mut c = v.cmd();
    match credential {
        "pass" => c.arg("--passphrase-file").arg(fixture("v2/v2.pass")),
        token => c
            .arg("--token-file")
            .arg(fixture(&format!("v2/{token}.token"))),
    };
    c
}

/// A vault written by the previous release (format 2): everything keeps
/// working as it was, `vault info` says how to confine its scoped write
/// tokens, and `vault upgrade` converts it keeping every token.
#[test]
fn version_2_vaults_keep_working_and_upgrade_keeping_every_token() {
    let v = v2_vault();
    v2_cmd(&v, "pass")
        .args(["vault", "info"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("format version: 2\n"))
        .stderr(predicate::str::contains("`sso-secrets vault upgrade`"));
    v2_cmd(&v, "reader")
        .args(["get-sso", "beta", "--user-id", "bob"])
        .assert()
        .code(0)
        .stdout("beta-secret");
    // Writes keep the format (the scoped writer still signs with the data key
    // its format 2 slot holds).
    v2_cmd(&v, "writer")
        .args(["put-sso", "alpha", "--user-id", "dave"])
        .write_stdin("dave-secret")
        .assert()
        .code(0);
    v2_cmd(&v, "pass")
        .args(["put-sso", "beta", "--user-id", "erin"])
        .write_stdin("erin-secret")
        .assert()
        .code(0);
    v2_cmd(&v, "pass")
        .args(["vault", "info"])
        .assert()
        .stdout(predicate::str::contains("format version: 2\n"));

    v2_cmd(&v, "pass")
        .args(["vault", "upgrade"])
        .assert()
        .code(0)
        .stdout("3\n")
        .stderr(predicate::str::contains("invalidated").not());
    v2_cmd(&v, "pass").args(["vault", "info"]).assert().stdout(
        predicate::str::contains("format version: 3\n")
            .and(predicate::str::contains("write scopes:   1\n"))
            .and(predicate::str::contains("tokens:         2\n")),
    );
    // The same token texts keep working, each within its scope.
    v2_cmd(&v, "writer")
        .args(["put-sso", "alpha", "--user-id", "frank"])
        .write_stdin("frank-secret")
        .assert()
        .code(0);
    v2_cmd(&v, "writer")
        .args(["put-sso", "beta", "--user-id", "mallory"])
        .write_stdin("x")
        .assert()
        .code(43);
    v2_cmd(&v, "reader")
        .args(["get-sso", "beta", "--user-id", "erin"])
        .assert()
        .code(0)
        .stdout("erin-secret");
    let listed = v2_cmd(&v, "pass")
        .arg("list")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let names: Vec<String> = String::from_utf8(listed)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').take(4).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        names,
        [
            "sso alpha alice active",
            "sso alpha carol active",
            "sso alpha dave active",
            "sso alpha frank active",
            "sso beta bob active",
            "sso beta erin active"
        ]
    );
    v2_cmd(&v, "pass")
        .args(["vault", "upgrade"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("already in format version 3"));
}

#[test]
fn a_symlink_at_the_lock_path_is_not_followed() {
    let v = Vault::new();
    let target = v.dir().join("elsewhere");
    let _ = std::fs::remove_file(v.dir().join("vault.lock"));
    std::os::unix::fs::symlink(&target, v.dir().join("vault.lock")).unwrap();
    v.pass()
        .args(["put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("lock file"));
    assert!(!target.exists(), "the lock symlink was followed");
}

#[test]
fn a_directory_others_can_write_without_the_sticky_bit_is_refused() {
    let v = Vault::new();
    std::fs::set_permissions(v.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    v.pass()
        .arg("list")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "writable by others without the sticky bit",
        ));
    std::fs::set_permissions(v.dir(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    v.pass().arg("list").assert().code(0);
    std::fs::set_permissions(v.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn invisible_characters_and_huge_dids_are_usage_errors() {
    let v = Vault::new();
    for app in ["pay\u{200B}pal", "\u{202E}lapyap"] {
        v.pass()
            .args(["put-sso", app, "--user-id", "a"])
            .write_stdin("x")
            .assert()
            .code(2);
    }
    bin()
        .args(["did", "decode", &did("did:x:\u{1b}[31mred")])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains('\u{1b}').not());
    let huge = "1".repeat(120_000);
    let out = v.pass().args(["get-did", &huge, "n"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Refused by the length limit before base58 ran (seconds of CPU).
    assert!(
        stderr_of(&out).contains("longer than the 5600 characters a DID can take"),
        "{}",
        stderr_of(&out)
    );
    assert!(out.stderr.len() < 300, "{}", stderr_of(&out));
}

#[test]
fn a_vault_lock_file_or_directory_owned_by_another_user_is_refused() {
    let v = Vault::new();
    let lock = v.dir().join("vault.lock");
    if std::os::unix::fs::chown(&lock, Some(4242), None).is_err() {
        unavailable("changing a file's owner needs root");
        return;
    }
    v.pass()
        .args(["put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("lock file").and(predicate::str::contains("user id 4242")),
        );
    std::os::unix::fs::chown(&lock, Some(nix_uid()), None).unwrap();
    std::os::unix::fs::chown(&v.path, Some(4242), None).unwrap();
    v.pass()
        .arg("list")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("vault").and(predicate::str::contains("user id 4242")));
    std::os::unix::fs::chown(&v.path, Some(nix_uid()), None).unwrap();
    std::os::unix::fs::chown(v.dir(), Some(4242), None).unwrap();
    v.pass()
        .arg("list")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("directory"));
    std::os::unix::fs::chown(v.dir(), Some(nix_uid()), None).unwrap();
    v.pass().arg("list").assert().code(0);
}

fn nix_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the effective user of this process.
    std::fs::metadata("/proc/self").unwrap().uid()
}

// ---------------------------------------------------------------------------
// Issue 22, items 7, 8 and 9, through the binary.
// ---------------------------------------------------------------------------

/// The passphrase on `v`, remembering what it saw in `state` (the user's
/// state directory: `XDG_STATE_HOME`).
fn pass_in(v: &Vault, state: &std::path::Path) -> assert_cmd::Command {
    let mut c = v.pass();
    c.env("XDG_STATE_HOME", state);
    c
}

/// `file` with its header's generation set to `generation` and signed again
/// with the data key that `token`'s slot (in that file) opens: what an
/// unscoped write token can do to any copy of the file it kept.
fn with_generation(file: &[u8], token: &str, generation: u64) -> Vec<u8> {
    use sso_secrets::testing::crypto;
    use sso_secrets::testing::vault::format::{self, Header, SlotLock};
    use sso_secrets::testing::vault::keys::Keyring;
    let (version, hlen) = format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap();
    let end = format::PREFIX_LEN + hlen as usize;
    let mut header = Header::parse(version, &file[format::PREFIX_LEN..end]).unwrap();
    // The token: its format byte, slot id and secret; its slot opens with
    // a key derived from the secret.
    let raw = bs58::decode(&token[5..]).into_vec().unwrap();
    let (id, secret) = raw[1..].split_at(16);
    let slot = header.slots.iter().find(|s| s.id[..] == *id).unwrap();
    let SlotLock::Token { salt, .. } = &slot.lock else {
        panic!("not a token slot")
    };
    let key = crypto::hkdf(salt, secret, &[b"sso-secrets token slot"]);
    let plain = crypto::open(
        &key,
        slot.nonce,
        &slot.aad(version, &header.vault_id),
        &slot.sealed,
    )
    .unwrap();
    let seed = Keyring::decode(version, plain.expose())
        .unwrap()
        .signing_seed
        .unwrap();
    header.generation = generation;
    let head = header.encode().unwrap();
    let sig = crypto::Signer::from_seed(&seed).unwrap().sign(&head);
    let mut out = head;
    out.extend_from_slice(&sig);
    out.extend_from_slice(&file[end + crypto::SIG_LEN..]);
    out
}

/// Item 7. SECURITY.md told the operator to check, after a leak, that the
/// vault was not rolled back by watching `generation` in `vault info` grow.
/// A revoked unscoped write token keeps its copy of the file from before
/// the revoke (where its slot and the data key still work), sets the
/// generation far above the real one, signs the header again and puts the
/// copy back: `vault info` showed a larger generation and nothing else.
/// The passphrase holder's machine now remembers what it saw (vault id,
/// key epoch, generation, hash of the head) and says, on one line, that the
/// vault went back; the exit code is unchanged.
#[test]
fn a_revoked_writer_cannot_hide_a_rollback_behind_a_forged_generation() {
    let v = Vault::new();
    let state = v.dir().join("state");
    v.put_sso("demo", "alice", b"old-secret");
    let w = v.create_token(&["w", "--write"]);
    pass_in(&v, &state)
        .args(["vault", "info"])
        .assert()
        .code(0)
        .stderr("");
    let old = v.bytes();
    pass_in(&v, &state)
        .args(["token", "revoke", "w"])
        .assert()
        .code(0)
        .stderr("");
    pass_in(&v, &state)
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("new-secret")
        .assert()
        .code(0)
        .stderr("");
    v.write_bytes(&with_generation(&old, &w, 1000));
    // The revoked token works again on the copy, and the generation says
    // nothing is wrong...
    v.token(&w)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0);
    let out = pass_in(&v, &state)
        .args(["vault", "info"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("generation:     1000"))
        .get_output()
        .clone();
    // ...but the passphrase holder's machine saw that key epoch replaced.
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sso-secrets: warning: the vault went back") && err.contains("key epoch"),
        "{err}"
    );
    // Every open says it again, reads and writes alike, until a rekey.
    pass_in(&v, &state)
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("old-secret")
        .stderr(predicate::str::contains("went back"));
    let out = pass_in(&v, &state)
        .args(["vault", "rotate"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert_eq!(err.matches("went back").count(), 1, "{err}");
    pass_in(&v, &state)
        .args(["vault", "info"])
        .assert()
        .code(0)
        .stderr("");
}

/// Item 7: within one key epoch, a lower generation (an older copy put
/// back) or the same generation with another head (a copy written
/// elsewhere from the same start) is said too; a state directory that
/// cannot be used changes nothing.
#[test]
fn the_passphrase_holder_notices_a_rollback_and_a_fork_within_an_epoch() {
    let v = Vault::new();
    let state = v.dir().join("state");
    v.put_sso("demo", "alice", b"one");
    pass_in(&v, &state).arg("list").assert().code(0).stderr("");
    let before = v.bytes();
    pass_in(&v, &state)
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("two")
        .assert()
        .code(0)
        .stderr("");
    v.write_bytes(&before);
    pass_in(&v, &state)
        .arg("list")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("went back").and(predicate::str::contains("generation")));
    // A write on the older copy (without this machine's state) makes a
    // head of the same generation as the one this machine saw.
    v.pass()
        .args(["put-sso", "demo", "--user-id", "alice"])
        .write_stdin("three")
        .assert()
        .code(0);
    let out = pass_in(&v, &state)
        .arg("list")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("forked") && err.lines().count() == 1, "{err}");
    // The state file is the user's alone.
    let file = state.join("sso-secrets").join("seen.json");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    // Unusable state: no error, no warning.
    let blocked = v.file("not-a-dir", b"");
    pass_in(&v, &blocked)
        .arg("list")
        .assert()
        .code(0)
        .stderr("");
    std::fs::write(&file, b"{ not json").unwrap();
    pass_in(&v, &state).arg("list").assert().code(0).stderr("");
}

/// Item 8. A scoped write token flips one bit of another scope's partition
/// (here the last byte of the file: the last entry of b, whose writer is
/// the only one to have written anything). `token revoke` of the attacker
/// stopped with exit 50, and `vault check --repair` (the only way on)
/// dropped all of b. The revoke now proceeds, keeps b's entry that still
/// authenticates and says on stderr what it could not keep.
#[test]
fn a_scoped_writer_cannot_block_its_own_revocation_by_breaking_another_scope() {
    let v = Vault::new();
    v.put_sso("c", "u", b"c-value");
    let wa = v.create_token(&["wa", "--app", "a", "--write"]);
    let wb = v.create_token(&["wb", "--app", "b", "--write"]);
    for (u, value) in [("u1", "b-one"), ("u2", "b-two")] {
        v.token(&wb)
            .args(["put-sso", "b", "--user-id", u])
            .write_stdin(value)
            .assert()
            .code(0);
    }
    let mut file = v.bytes();
    *file.last_mut().unwrap() ^= 1;
    v.write_bytes(&file);
    let _ = wa;
    let out = v
        .pass()
        .args(["token", "revoke", "wa"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(
        err.contains("scope partition") && err.contains("1 entr"),
        "the revoke says what it dropped: {err}"
    );
    let read = |u: &str| {
        v.token(&wb)
            .args(["get-sso", "b", "--user-id", u])
            .output()
            .unwrap()
    };
    let (one, two) = (read("u1"), read("u2"));
    let got: Vec<(Option<i32>, Vec<u8>)> = [one, two]
        .into_iter()
        .map(|o| (o.status.code(), o.stdout))
        .collect();
    assert!(
        got == [(Some(0), b"b-one".to_vec()), (Some(44), Vec::new())]
            || got == [(Some(44), Vec::new()), (Some(0), b"b-two".to_vec())],
        "{got:?}"
    );
    v.pass()
        .args(["get-sso", "c", "--user-id", "u"])
        .assert()
        .code(0)
        .stdout("c-value");
    v.pass().args(["vault", "check"]).assert().code(0);
}

/// Item 9. A scoped write token stores, through the library, a user id
/// with a control character. `vault check` said ok, and the `export`
/// backup then failed to `import` (all or nothing). Now the library
/// refuses it; one stored anyway (a modified client) is reported by `vault
/// check` and left out of `export`, which says so: the export imports.
#[test]
fn a_name_the_command_line_refuses_is_reported_and_left_out_of_an_export_that_imports() {
    use sso_secrets::testing::secret::{SecretBytes, SecretString};
    use sso_secrets::testing::vault::keys::{Entry, Scope, State};
    use sso_secrets::testing::vault::store::Store;
    use sso_secrets::testing::vault::store::file::FileStore;
    use sso_secrets::testing::vault::{Credential, Unlocker};
    let v = Vault::new();
    v.put_sso("demo", "alice", b"a-secret");
    let w = v.create_token(&["w", "--app", "a", "--write"]);
    v.token(&w)
        .args(["put-sso", "a", "--user-id", "fine"])
        .write_stdin("ok")
        .assert()
        .code(0);
    let store = FileStore::new(v.path.clone());
    let u = Unlocker::new(Credential::Token(SecretString::new(w.clone())));
    let bad = Entry {
        state: State::Active,
        created: 1,
        updated: 1,
        key: "evil\u{1b}[2J".into(),
        value: SecretBytes::new(b"x".to_vec()),
    };
    let write =
        |f: &dyn Fn(&mut sso_secrets::testing::vault::Vault) -> sso_secrets::error::Result<()>| {
            let lock = store.lock(std::time::Duration::from_secs(5)).ok().unwrap();
            let mut lib = sso_secrets::testing::vault::Vault::open_for_write(lock, &u).unwrap();
            f(&mut lib)?;
            lib.commit()
        };
    let refused = write(&|lib| {
        let sk = lib.scope(&Scope::App("a".into()))?;
        lib.put(&sk, &bad)
    });
    assert_eq!(
        refused.err().map(|e| e.status().exit_code()),
        Some(2),
        "the library stored a user id the command line refuses"
    );
    write(&|lib| {
        let sk = lib.scope(&Scope::App("a".into()))?;
        let raw = sk.seal(
            &sso_secrets::testing::vault::header(lib).vault_id,
            sso_secrets::testing::vault::keys(lib),
            &bad,
        )?;
        lib.put_raw(raw)
    })
    .unwrap();
    v.pass().args(["vault", "check"]).assert().code(1).stderr(
        predicate::str::contains(r#""evil\u{1b}[2J""#)
            .and(predicate::str::contains("command line")),
    );
    let out = v.pass().arg("export").assert().code(0).get_output().clone();
    let err = stderr_of(&out);
    assert!(
        err.contains("left out") && err.contains(r#""evil\u{1b}[2J""#),
        "the export says what it left out: {err}"
    );
    // An APIHub folder cannot hold it either: left out, said, the rest
    // written.
    #[cfg(feature = "apihub")]
    v.pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", "A".repeat(43) + "=")
        .args(["export", "--apihub"])
        .arg(v.dir().join("apihub"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("left out 1 entries"));
    let fresh = Vault::new();
    fresh
        .pass()
        .arg("import")
        .write_stdin(out.stdout.clone())
        .assert()
        .code(0);
    fresh
        .pass()
        .args(["get-sso", "a", "--user-id", "fine"])
        .assert()
        .code(0)
        .stdout("ok");
    fresh
        .pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(0)
        .stdout("a-secret");
}
