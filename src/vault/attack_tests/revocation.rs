//! A revoked token reads nothing written after its revocation, even with an
//! old copy of the file; an old passphrase opens nothing after `vault
//! passwd` or `vault rotate`; and no token can block its own revocation,
//! whatever it breaks with the keys it holds.

use super::*;
use crate::crypto::{self, KdfParams, Signer};
use crate::secret::SecretString;
use crate::status::Status;
use crate::vault::Vault;
use crate::vault::format::{self, SlotLock};
use crate::vault::keys::{self, ScopeKeys};
use crate::vault::record::{SIGNER_DATA, SIGNER_SCOPE};
use crate::vault::test_support::*;

#[test]
fn a_forged_revoked_list_is_refused_and_repaired_by_a_rotation() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "kept").unwrap();
    let w = fx.token("w", &[], true);
    let gone = fx.token("gone", &[], false);
    let old = fx.bytes();
    fx.write(&pass(), |v| v.revoke_token("gone")).unwrap();
    // A write token takes the revoked id off the list and puts the old slot
    // back: the list signature fails for every reader.
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    raw.header.revoked.clear();
    raw.header
        .slots
        .push(Raw::parse(&old).header.slots[2].clone());
    fx.set_bytes(&raw.encode(&wk, None));
    assert!(fx.open(&tok(&gone)).is_err());
    assert_eq!(status(fx.open(&tok(&w))), Status::WrongFormat);
    assert_eq!(status(fx.open(&pass())), Status::WrongFormat);
    // A typed passphrase is still told right from wrong, so `vault check
    // --repair` can be reached from a terminal.
    crate::vault::check_credential(&fx.store(), &pass()).unwrap();
    assert_eq!(
        status(crate::vault::check_credential(
            &fx.store(),
            &pass_of("typo")
        )),
        Status::Unauthorized
    );
    // A typo on a file others can read is told about the mode too.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fx.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let e = crate::vault::check_credential(&fx.store(), &pass_of("typo")).unwrap_err();
    assert!(
        e.detail().contains("readable by group or others"),
        "{}",
        e.detail()
    );
    std::fs::set_permissions(&fx.path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut v = Vault::open_for_admin_write(fx.lock(), &pass()).unwrap();
    let r = v.check().unwrap();
    assert!(!r.table_ok);
    // Every slot signature covers the list, so no token slot can be
    // trusted: all are dropped (none listed: their names are unsigned too)
    // and their ids revoked.
    assert_eq!(r.bad_slots.len(), 2);
    assert!(v.repair(&r).unwrap().is_empty());
    v.commit().unwrap();
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
    assert_eq!(status(fx.open(&tok(&gone))), Status::Unauthorized);
    assert_eq!(
        fx.get(&pass(), &app("a"), "u").unwrap().as_deref(),
        Some("kept")
    );
}

#[test]
fn a_revoked_token_reads_nothing_written_later_even_with_an_old_copy() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "before").unwrap();
    let t = fx.token("t", &[], true);
    let old = fx.bytes();
    let old_keys = Raw::parse(&old).keyring(&tok(&t));
    fx.write(&pass(), |v| v.revoke_token("t")).unwrap();
    fx.put(&pass(), &app("a"), "u", "after").unwrap();
    fx.put(&pass(), &app("b"), "u", "after-b").unwrap();
    // Revoked ids are checked first.
    let e = fx.open(&tok(&t)).err().unwrap();
    assert!(e.detail().contains("revoked"), "{}", e.detail());
    // Its old slot spliced into the new table (id taken off the revoked
    // list, data re-signed with its old seed) does not open the vault.
    let mut raw = Raw::parse(&fx.bytes());
    let old_raw = Raw::parse(&old);
    raw.header.revoked.clear();
    raw.header.slots.push(old_raw.header.slots[1].clone());
    fx.set_bytes(&raw.encode(&old_keys, None));
    assert!(fx.open(&tok(&t)).is_err());
    // Its old keys open nothing in the new file: every entry is sealed
    // under new roots and its lookup ids moved.
    let raw = Raw::parse(&fx.bytes());
    let n = raw.header.buckets.len();
    for (i, b) in raw.buckets.iter().enumerate() {
        for e in format::parse_bucket(b, i, n, raw.header.buckets[i].count).unwrap() {
            for a in ["a", "b"] {
                let sk = ScopeKeys::new(app(a), old_keys.scope_key(&app(a)).unwrap());
                assert_ne!(e.lookup, sk.lookup("u"));
                assert!(sk.open(&raw.header.vault_id, &e).is_err());
            }
            assert!(keys::open_scope_name(2, &raw.header.vault_id, &old_keys, &e).is_err());
        }
    }
}

fn escrow_opens(escrow: &crate::secret::Key32, file: &[u8]) -> usize {
    let raw = Raw::parse(file);
    raw.header
        .slots
        .iter()
        .filter(|s| match &s.lock {
            SlotLock::Token {
                escrow_nonce,
                escrow: e,
                ..
            } => crypto::open(
                escrow,
                *escrow_nonce,
                &crate::vault::unlock::escrow_aad(&raw.header.vault_id, &s.id),
                e,
            )
            .is_some(),
            SlotLock::Passphrase { .. } => false,
        })
        .count()
}

#[test]
fn an_old_passphrase_and_an_old_copy_open_nothing_after_passwd_or_rotate() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "v1").unwrap();
    fx.token("t1", &[], false);
    let old = fx.bytes();
    let old_admin = Raw::parse(&old).keyring(&pass());
    let old_escrow = old_admin.escrow_key.clone().unwrap();
    assert_eq!(escrow_opens(&old_escrow, &old), 1);
    let new = SecretString::new("new pass".into());
    fx.write(&pass(), |v| v.change_passphrase(&new, KdfParams::FLOOR))
        .unwrap();
    fx.write(&pass_of("new pass"), |v| {
        v.create_token("t2", &[], false, None)
    })
    .unwrap();
    fx.put(&pass_of("new pass"), &app("a"), "u", "written after passwd")
        .unwrap();
    // A token created after passwd is not escrowed under the old key, and
    // entries written after it are sealed under new roots.
    assert_eq!(escrow_opens(&old_escrow, &fx.bytes()), 0);
    let raw = Raw::parse(&fx.bytes());
    let sk = ScopeKeys::new(app("a"), old_admin.scope_key(&app("a")).unwrap());
    for (i, b) in raw.buckets.iter().enumerate() {
        for e in format::parse_bucket(b, i, raw.header.buckets.len(), raw.header.buckets[i].count)
            .unwrap()
        {
            assert!(sk.open(&raw.header.vault_id, &e).is_err());
        }
    }
    assert_eq!(status(fx.open(&pass())), Status::Unauthorized);
    // Rotation: every token is dropped, every key renewed.
    let before_rotate = Raw::parse(&fx.bytes()).keyring(&pass_of("new pass"));
    let dropped = fx
        .write(&pass_of("new pass"), |v| {
            v.rotate(Some((&SecretString::new("third".into()), KdfParams::FLOOR)))
        })
        .unwrap();
    assert_eq!(dropped.len(), 2);
    let after = Raw::parse(&fx.bytes());
    assert_eq!(after.header.slots.len(), 1);
    let k = after.keyring(&pass_of("third"));
    assert_ne!(k.verify_key, before_rotate.verify_key);
    assert_ne!(k.table_key, before_rotate.table_key);
    assert_ne!(
        k.sso_root.unwrap().expose(),
        before_rotate.sso_root.unwrap().expose()
    );
    assert_ne!(
        k.escrow_key.unwrap().expose(),
        before_rotate.escrow_key.unwrap().expose()
    );
    assert_ne!(
        k.names_key.unwrap().expose(),
        before_rotate.names_key.unwrap().expose()
    );
    assert_eq!(
        fx.get(&pass_of("third"), &app("a"), "u")
            .unwrap()
            .as_deref(),
        Some("written after passwd")
    );
}

/// Review 3, FINDING 2 (fixed: a revoke skips what the revoked token could write). A scoped write token can stop its own revocation (and every
/// root `list`/`export`, `vault passwd`, `vault rotate`): it signs, with
/// its own write key, a record whose bucket hash does not match the bytes.
/// `entries()` treats a bucket failing its hash as fatal ("no key holder
/// can produce those" -- a scoped writer now can), so the rekey inside
/// `token revoke` fails. `vault check --repair` clears it, but the token is
/// still live until the separate revoke runs, so it can simply do it again.
#[test]
fn a_scoped_writer_blocks_its_own_revocation() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    fx.put(&pass(), &app("b"), "u", "b-value").unwrap();
    fx.put(&tok(&wa), &app("a"), "u", "a-value").unwrap();
    let mut r = Raw::parse(&fx.bytes());
    let a = partition_of(&r, &wa, "a");
    let seed = write_seed(&r, &wa);
    r.records[a].buckets[0].hash = [0x5a; 32];
    r.records[a].seq += 1;
    sign_as_is(&mut r, a, &seed, SIGNER_SCOPE);
    fx.set_bytes(&r.file());
    // Other scopes still read.
    assert_eq!(
        fx.get(&pass(), &app("b"), "u").unwrap().as_deref(),
        Some("b-value")
    );
    let listed = fx.open(&pass()).unwrap().entries().map(|e| e.len());
    let revoked = fx.write(&pass(), |v| v.revoke_token("wa"));
    assert!(
        revoked.is_ok() && listed.is_ok(),
        "the token being revoked stopped its revocation ({:?}) and root listing ({:?})",
        revoked.err().map(|e| e.detail()),
        listed.err().map(|e| e.detail())
    );
}

/// Review 4, FINDING C (review 3's fix 2 did not cover unscoped write tokens; fixed: a dropped holder of the data key forfeits everything). An
/// unscoped write token holds the data key: it can sign any partition's
/// record (signer byte 0) with a bucket hash that does not match, or a
/// header whose base bucket does not match. Revoking it computes the
/// partitions it could write from its `write_keys` -- an unscoped token
/// has none -- so the failing partition is not "forfeit" and the revoke
/// stops with exit 50; a failing base bucket stops every rekey
/// regardless. `vault check --repair` clears it, but the token stays live
/// until the separate revoke runs and can do it again: it blocks its own
/// revocation (SECURITY.md: "no token can block its own revocation").
#[test]
fn an_unscoped_write_token_blocks_its_own_revocation() {
    let mut blocked = Vec::new();
    for place in ["partition", "base"] {
        let fx = Fx::new();
        let w = fx.token("w", &[], true);
        let wc = fx.token("wc", &[app("c")], true);
        fx.put(&tok(&wc), &app("c"), "u", "c-value").unwrap();
        fx.put(&pass(), &app("b"), "u", "b-value").unwrap();
        let mut r = Raw::parse(&fx.bytes());
        let kw = r.keyring(&tok(&w));
        let data = kw
            .signing_seed
            .clone()
            .expect("an unscoped writer holds the data key");
        match place {
            "partition" => {
                let c = partition_of(&r, &wc, "c");
                r.records[c].buckets[0].hash = [0x5a; 32];
                sign_as_is(&mut r, c, &data, SIGNER_DATA);
            }
            _ => {
                r.header.buckets[0].hash = [0x5a; 32];
                r.header.generation += 1;
                let head = r.header.encode().unwrap();
                r.sig = Signer::from_seed(&data).unwrap().sign(&head).to_vec();
            }
        }
        fx.set_bytes(&r.file());
        if let Err(e) = fx.write(&pass(), |v| v.revoke_token("w")) {
            blocked.push(format!("{place}: {}", e.detail()));
        }
    }
    assert!(
        blocked.is_empty(),
        "the unscoped write token being revoked stopped its revocation: {blocked:#?}"
    );
}

/// Issue 22, item 8. The token `wa` flips one bit of scope b's partition (b's record
/// signature, or one byte of one of b's entries), which readers of b then
/// refuse (500). Revoking `wa` used to stop with exit 50 ("run `vault check
/// --repair`", which drops all of b): the token blocked its own
/// revocation. A revoke must proceed, keep every entry that still
/// authenticates on its own (re-encrypted), and report the rest.
#[test]
fn a_scoped_writer_blocks_its_own_revocation_by_breaking_another_partition() {
    for place in ["record", "entry"] {
        let s = three();
        let mut r = Raw::parse(&s.fx.bytes());
        let b = partition_of(&r, &s.wb, "b");
        match place {
            "record" => r.records[b].sig[7] ^= 1,
            _ => {
                // The last byte of b's one bucket: the GCM tag of the
                // entry that sorts last.
                let bucket = &mut r.parts[b][0];
                let last = bucket.len() - 1;
                bucket[last] ^= 1;
            }
        }
        s.fx.set_bytes(&r.file());
        assert_eq!(
            status(s.fx.get(&tok(&s.wb), &app("b"), "u1")),
            Status::WrongFormat,
            "{place}: b's readers see the damage"
        );
        let revoked = s.fx.write(&pass(), |v| {
            v.revoke_token("wa")?;
            Ok(v.take_warnings())
        });
        let warnings = match revoked {
            Ok(w) => w,
            Err(e) => panic!("{place}: wa blocked its own revocation: {}", e.detail()),
        };
        let b_now: Vec<Option<String>> = ["u1", "u2"]
            .iter()
            .map(|u| s.fx.get(&tok(&s.wb), &app("b"), u).unwrap())
            .collect();
        assert_eq!(
            s.fx.get(&pass(), &app("c"), "u").unwrap().as_deref(),
            Some("c-value")
        );
        match place {
            "record" => assert_eq!(
                b_now,
                [Some("b-one".to_string()), Some("b-two".to_string())],
                "every entry of b still authenticates on its own"
            ),
            _ => {
                let kept: Vec<&Option<String>> = b_now.iter().filter(|x| x.is_some()).collect();
                assert_eq!(kept.len(), 1, "one of b's two entries is intact: {b_now:?}");
                assert!(
                    b_now == [Some("b-one".into()), None] || b_now == [None, Some("b-two".into())],
                    "{b_now:?}"
                );
            }
        }
        let said = warnings.join("\n");
        assert!(
            said.contains("scope partition") && said.contains("fail"),
            "{place}: the revoke says what it found: {said}"
        );
        assert!(s.fx.open(&pass()).unwrap().check().unwrap().is_clean());
    }
}
