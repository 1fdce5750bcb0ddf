//! Someone who can write the trail file (every token holder on the file
//! store, or an administrator) changes it; `audit verify` reports each
//! change to what the passphrase anchored. A write token re-signs the header
//! without the switch; every reader refuses it.

use super::{audited, busy_and_anchored, frames, trail_path, verify, write_frames};
use crate::common::{PASS, stderr_of};
use sso_secrets::testing::audit::{Content, Front, Sealer, Who, record::hash_body};
use sso_secrets::testing::vault::format::{self, Header, SlotLock};

fn assert_reported(v: &crate::common::Vault, what: &str, words: &str) {
    let (code, err) = verify(v);
    assert_eq!(code, Some(50), "{what}: {err}");
    let line = err
        .lines()
        .find(|l| !l.starts_with("sso-secrets: note:"))
        .unwrap_or_default();
    assert!(
        line.starts_with(
            "sso-secrets: 500 wrong secret format: the audit trail fails verification:"
        ) && line.contains(words),
        "{what}: {err}"
    );
}

#[test]
fn an_edited_record_is_reported() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    let mut f = frames(&v);
    let n = f[2].len();
    f[2][n / 2] ^= 0x01;
    write_frames(&v, &f);
    assert_reported(&v, "a byte of record 3", "record 4 does not chain");
    // Its clear time changed: the chain and the seal both say so.
    let mut f = frames(&v);
    f[2][n / 2] ^= 0x01;
    f[2][4 + 9 + 7] ^= 0x01;
    write_frames(&v, &f);
    assert_reported(&v, "the time of record 3", "record 3 does not open");
}

#[test]
fn a_record_removed_from_the_middle_is_reported() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    let mut f = frames(&v);
    f.remove(2);
    write_frames(&v, &f);
    assert_reported(&v, "record 3 removed", "record 4 follows record 2");
}

#[test]
fn reordered_records_are_reported() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    let mut f = frames(&v);
    f.swap(2, 3);
    write_frames(&v, &f);
    assert_reported(
        &v,
        "records 3 and 4 swapped",
        "records were removed, reordered",
    );
}

#[test]
fn a_truncated_trail_is_reported_and_an_unanchored_tail_is_said() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    // Records after the last passphrase write: verify says since when.
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("come after the last anchor"), "{err}");
    let f = frames(&v);
    // Cutting them goes unnoticed (the stated limit); cutting more does not.
    write_frames(&v, &f[..f.len() - 2]);
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    write_frames(&v, &f[..3]);
    assert_reported(&v, "cut to 3 records", "records were cut");
    std::fs::write(trail_path(&v), b"").unwrap();
    assert_reported(&v, "emptied", "records were cut");
    std::fs::remove_file(trail_path(&v)).unwrap();
    assert_reported(&v, "removed", "records were cut");
}

/// The attacker rebuilds the chain: drops record 3, then seals fresh
/// records in place of the rest (anyone can seal to the public key) with
/// sequence numbers and links that chain. Only the anchor catches it.
#[test]
fn a_rebuilt_chain_is_caught_by_the_anchor() {
    let (v, t) = audited();
    busy_and_anchored(&v, &t);
    let bytes = std::fs::read(&v.path).unwrap();
    let (version, hlen) = format::parse_prefix(&bytes[..format::PREFIX_LEN]).unwrap();
    let header = Header::parse(version, &bytes[format::PREFIX_LEN..][..hlen as usize]).unwrap();
    let audit = header.audit.clone().unwrap();
    let vid = header.vault_id;
    let f = frames(&v);
    let body = |fr: &Vec<u8>| fr[4..fr.len() - 4].to_vec();
    let mut out = f[..2].to_vec();
    let mut prev = hash_body(&vid, &body(&f[1]));
    let sealer = Sealer::new(vid, audit.seal_key).unwrap();
    for seq in 3..f.len() as u64 {
        let content = Content {
            op: "getSSOSecret".into(),
            principal: Who::Passphrase,
            front: Front::Cli,
            status: 200,
            target: vec![],
        };
        let b = sealer.seal(seq, 1, prev, &content).unwrap().encode();
        prev = hash_body(&vid, &b);
        let len = (b.len() as u32).to_be_bytes();
        out.push([&len[..], &b, &len].concat());
    }
    write_frames(&v, &out);
    assert_reported(
        &v,
        "a rebuilt chain",
        "not the record the passphrase anchored",
    );
}

/// A write token holds the data key, so it can re-sign the header: here
/// without the switch, and without the whole audit block. Every slot's
/// signature covers the switch, so every credential then refuses the vault
/// (500), and `vault check --repair` is the way back; nothing is served
/// unrecorded.
#[test]
fn a_write_token_that_turns_the_trail_off_in_the_file_is_refused() {
    let (v, t) = audited();
    let w = v.create_token(&["writer", "--write"]);
    let original = std::fs::read(&v.path).unwrap();
    for drop_block in [false, true] {
        let forged = resign(&original, &w, |h| match drop_block {
            true => h.audit = None,
            false => h.audit.as_mut().unwrap().on = false,
        });
        std::fs::write(&v.path, &forged).unwrap();
        for cred in [Some(&t), Some(&w), None] {
            let mut c = match cred {
                Some(tok) => v.token(tok),
                None => v.pass(),
            };
            let out = c
                .args(["get-sso", "demo", "--user-id", "alice@example.com"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(50), "{}", stderr_of(&out));
            assert!(out.stdout.is_empty());
        }
        let out = v.pass().args(["audit", "verify"]).output().unwrap();
        assert_eq!(out.status.code(), Some(50), "{}", stderr_of(&out));
    }
    std::fs::write(&v.path, &original).unwrap();
    let _ = PASS;
}

/// `file` with its header changed by `change` and signed again with the
/// data key that `token`'s slot opens: what an unscoped write token can do.
fn resign(file: &[u8], token: &str, change: impl Fn(&mut Header)) -> Vec<u8> {
    use sso_secrets::testing::crypto;
    use sso_secrets::testing::vault::keys::Keyring;
    let (version, hlen) = format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap();
    let end = format::PREFIX_LEN + hlen as usize;
    let mut header = Header::parse(version, &file[format::PREFIX_LEN..end]).unwrap();
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
    change(&mut header);
    let head = header.encode().unwrap();
    let sig = crypto::Signer::from_seed(&seed).unwrap().sign(&head);
    let mut out = head;
    out.extend_from_slice(&sig);
    out.extend_from_slice(&file[end + crypto::SIG_LEN..]);
    out
}

/// Bytes that are not a record after the last one: verify says so (its
/// own record cannot be appended, and that does not hide the report), and
/// every operation fails closed until the trail is repaired.
#[test]
fn foreign_bytes_at_the_end_are_reported_and_stop_every_operation() {
    let (v, t) = audited();
    let mut bytes = std::fs::read(trail_path(&v)).unwrap();
    let clean = bytes.len();
    bytes.extend_from_slice(&[0xff; 100]);
    std::fs::write(trail_path(&v), &bytes).unwrap();
    assert_reported(&v, "100 foreign bytes", "are not a record");
    let out = v
        .token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    bytes.truncate(clean);
    std::fs::write(trail_path(&v), &bytes).unwrap();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
}

/// The stated limit, and what catches it: a write token puts back an
/// earlier anchor of the same key epoch (the anchor's own signature still
/// verifies) and cuts the records after it. `audit verify` cannot tell;
/// the passphrase holder's machine, which remembers the highest anchor it
/// saw, says so on every open.
#[test]
fn an_earlier_anchor_put_back_by_a_write_token_is_said_by_the_passphrases_machine() {
    let (v, t) = audited();
    let w = v.create_token(&["writer", "--write"]);
    let state = tempfile::tempdir().unwrap();
    let pass = || {
        let mut c = v.pass();
        c.env("XDG_STATE_HOME", state.path());
        c
    };
    busy_and_anchored(&v, &t);
    pass().args(["list"]).assert().success();
    let old = std::fs::read(&v.path).unwrap();
    let (version, hlen) = format::parse_prefix(&old[..format::PREFIX_LEN]).unwrap();
    let old_anchor = Header::parse(version, &old[format::PREFIX_LEN..][..hlen as usize])
        .unwrap()
        .audit
        .unwrap()
        .anchor;
    busy_and_anchored(&v, &t);
    pass()
        .args(["put-sso", "demo", "--user-id", "dave"])
        .write_stdin("x")
        .assert()
        .success();
    let now = std::fs::read(&v.path).unwrap();
    let forged = resign(&now, &w, |h| {
        h.generation += 10;
        h.audit.as_mut().unwrap().anchor = old_anchor.clone();
    });
    std::fs::write(&v.path, &forged).unwrap();
    let f = frames(&v);
    write_frames(&v, &f[..old_anchor.seq as usize]);
    let out = pass().args(["audit", "verify"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("audit anchor went back"), "{err}");
}

/// The slot table of an older copy of the file, from the same key epoch,
/// before `vault audit on`: every slot in it carries a valid signature
/// (over the audit configuration of its time: none), so an unscoped write
/// token that puts it back into the current header (and re-signs the
/// header with the data key) would turn the trail off for every reader,
/// verified, unless turning the trail on (or off) starts a new key epoch.
#[test]
fn a_write_token_cannot_put_back_the_slot_table_from_before_audit_on() {
    use crate::common::Vault;
    let v = Vault::new();
    v.put_sso("demo", "alice@example.com", b"s3cret");
    let w = v.create_token(&["writer", "--write"]);
    let t = v.create_token(&["reader-bob", "--app", "demo"]);
    let before = std::fs::read(&v.path).unwrap();
    v.pass().args(["vault", "audit", "on"]).assert().success();
    let old = header_of(&before);
    let now = std::fs::read(&v.path).unwrap();
    let forged = resign(&now, &w, |h| {
        h.epoch = old.epoch;
        h.slots = old.slots.clone();
        h.revoked = old.revoked.clone();
        h.audit = old.audit.clone();
    });
    std::fs::write(&v.path, &forged).unwrap();
    let records_before = frames(&v).len();
    for tok in [&t, &w] {
        let out = v
            .token(tok)
            .args(["get-sso", "demo", "--user-id", "alice@example.com"])
            .output()
            .unwrap();
        // Served only if recorded: either refused, or the trail grew.
        if out.status.success() {
            assert!(
                frames(&v).len() > records_before,
                "a secret was served with no record: the trail was turned off by a write token"
            );
        } else {
            assert!(out.stdout.is_empty());
        }
    }
}

fn header_of(file: &[u8]) -> Header {
    let (version, hlen) = format::parse_prefix(&file[..format::PREFIX_LEN]).unwrap();
    let end = format::PREFIX_LEN + hlen as usize;
    Header::parse(version, &file[format::PREFIX_LEN..end]).unwrap()
}

/// A write token flips the switch off in the file: every reader refuses
/// the vault, and the way back is `vault check --repair`. The repair must
/// not sign the forged switch: a slot table that fails authentication
/// cannot say that the trail was turned off.
#[test]
fn a_repair_does_not_sign_a_switch_a_write_token_turned_off() {
    let (v, t) = audited();
    let w = v.create_token(&["writer", "--write"]);
    let original = std::fs::read(&v.path).unwrap();
    let forged = resign(&original, &w, |h| h.audit.as_mut().unwrap().on = false);
    std::fs::write(&v.path, &forged).unwrap();
    let out = v
        .pass()
        .args(["vault", "check", "--repair", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let _ = t;
    let t = v.create_token(&["reader-again", "--app", "demo"]);
    let before = frames(&v).len();
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    assert!(
        frames(&v).len() > before,
        "after the repair, a get was served with no record"
    );
    assert!(
        stderr_of(&out).contains("keeps the audit trail on"),
        "{}",
        stderr_of(&out)
    );
    // The block removed altogether: the repair cannot put back the key,
    // and says that the trail is off.
    let w = v.create_token(&["writer-again", "--write"]);
    let forged = resign(&std::fs::read(&v.path).unwrap(), &w, |h| h.audit = None);
    std::fs::write(&v.path, &forged).unwrap();
    let out = v
        .pass()
        .args(["vault", "check", "--repair", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("the block was removed, and the trail is off"),
        "{}",
        stderr_of(&out)
    );
}

/// The earlier anchor put back, the records after it cut, and records of
/// the attacker's making sealed in their place, past the anchor the
/// passphrase's machine saw: the passphrase's next write must not anchor
/// them (that would end the warning and leave a trail that verifies).
#[test]
fn a_passphrase_write_does_not_anchor_over_an_earlier_anchor_put_back() {
    let (v, t) = audited();
    let w = v.create_token(&["writer", "--write"]);
    let state = tempfile::tempdir().unwrap();
    let pass = || {
        let mut c = v.pass();
        c.env("XDG_STATE_HOME", state.path());
        c
    };
    busy_and_anchored(&v, &t);
    pass().args(["list"]).assert().success();
    let old = header_of(&std::fs::read(&v.path).unwrap());
    let old_anchor = old.audit.clone().unwrap().anchor;
    busy_and_anchored(&v, &t);
    pass()
        .args(["put-sso", "demo", "--user-id", "dave"])
        .write_stdin("x")
        .assert()
        .success();
    let seen_anchor = header_of(&std::fs::read(&v.path).unwrap())
        .audit
        .unwrap()
        .anchor
        .seq;
    let now = std::fs::read(&v.path).unwrap();
    let forged = resign(&now, &w, |h| {
        h.generation += 10;
        h.audit.as_mut().unwrap().anchor = old_anchor.clone();
    });
    std::fs::write(&v.path, &forged).unwrap();
    // Cut after the old anchor, then forge past the anchor seen.
    let header = header_of(&forged);
    let audit = header.audit.clone().unwrap();
    let vid = header.vault_id;
    let f = frames(&v);
    let mut out = f[..old_anchor.seq as usize].to_vec();
    let mut prev = old_anchor.hash;
    let sealer = Sealer::new(vid, audit.seal_key).unwrap();
    for seq in old_anchor.seq + 1..=seen_anchor + 3 {
        let content = Content {
            op: "getSSOSecret".into(),
            principal: Who::Passphrase,
            front: Front::Cli,
            status: 200,
            target: vec![],
        };
        let b = sealer.seal(seq, 1, prev, &content).unwrap().encode();
        prev = hash_body(&vid, &b);
        let len = (b.len() as u32).to_be_bytes();
        out.push([&len[..], &b, &len].concat());
    }
    write_frames(&v, &out);
    let out = pass()
        .args(["put-sso", "demo", "--user-id", "erin"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("audit anchor went back"),
        "{}",
        stderr_of(&out)
    );
    // The warning stays, and the anchor with it.
    let out = pass().args(["audit", "verify"]).output().unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("audit anchor went back"), "{err}");
}

/// Someone who can write the vault file (no key needed) puts a public key
/// of their own into the header's audit block. Every open then fails
/// verification, so every request is a refusal before a slot opened,
/// recorded from the header as read: sealed to that key. Such records must
/// carry no names, or the writer would read every name clients ask for.
#[test]
fn a_key_put_into_the_unverified_header_learns_no_names() {
    let (v, t) = audited();
    let original = std::fs::read(&v.path).unwrap();
    let secret = x25519_dalek::StaticSecret::from([7u8; 32]);
    let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let (version, hlen) = format::parse_prefix(&original[..format::PREFIX_LEN]).unwrap();
    let end = format::PREFIX_LEN + hlen as usize;
    let mut header = Header::parse(version, &original[format::PREFIX_LEN..end]).unwrap();
    header.audit.as_mut().unwrap().seal_key = public;
    let mut forged = header.encode().unwrap();
    assert_eq!(forged.len(), end, "same length, signature left as it was");
    forged.extend_from_slice(&original[end..]);
    std::fs::write(&v.path, &forged).unwrap();
    let out = v
        .token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let vid = header.vault_id;
    let mut opened = 0;
    for f in frames(&v) {
        let raw = sso_secrets::testing::audit::Raw::parse(&f[4..f.len() - 4]).unwrap();
        if let Ok(c) = raw.open(&vid, &secret) {
            opened += 1;
            assert!(
                c.target.is_empty(),
                "names sealed to a key from an unverified header: {:?}",
                c.target
            );
        }
    }
    assert!(opened > 0, "the refusal was recorded");
    std::fs::write(&v.path, &original).unwrap();
}
