//! The findings of the trust-model review (issue 11), each performed as the
//! attacker would: with the vault file (and older copies of it) and only the
//! keys the attacking credential's own slot holds. Each must now fail.

use super::format::{self, MAX_TOKENS, SlotLock};
use super::keys::{Keyring, ScopeKeys};
use super::test_support::*;
use super::{Vault, admin, keys};
use crate::crypto::{self, KdfParams};
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::status::Status;

/// Reseals the holder's own slot over an edited keyring (it has the slot key).
fn reseal_own_slot(
    raw: &mut Raw,
    holder: &super::Unlocker,
    edit: impl FnOnce(&mut Keyring),
) -> usize {
    let opened = holder.unlock(&raw.header).unwrap();
    let mut k = opened.keys;
    edit(&mut k);
    let s = &raw.header.slots[opened.slot];
    let resealed = admin::seal_slot(
        &raw.header.vault_id,
        s.id,
        s.lock.clone(),
        &opened.slot_key,
        &k,
    )
    .unwrap();
    raw.header.slots[opened.slot] = resealed;
    opened.slot
}

fn names(fx: &Fx) -> Vec<String> {
    let v = fx.open(&pass()).unwrap();
    v.tokens()
        .unwrap()
        .into_iter()
        .map(|t| format!("{}:{}", t.name, t.apps.join(",")))
        .collect()
}

#[test]
fn a_write_token_cannot_widen_its_slot_in_place() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "a-secret").unwrap();
    fx.put(&pass(), &app("b"), "u", "b-secret").unwrap();
    let w = fx.token_until("w", &[], true, FAR);
    let other = fx.token("other", &[], false);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    // Claim no scope (= all), keep the write right; re-sign the data.
    reseal_own_slot(&mut raw, &tok(&w), |k| k.expires = None);
    fx.set_bytes(&raw.encode(&wk, None));
    // Its slot no longer carries the passphrase holder's signature: the
    // forger itself is refused, everyone else carries on.
    assert_eq!(status(fx.open(&tok(&w))), Status::WrongFormat);
    assert!(fx.open(&tok(&other)).is_ok());
    let v = fx.open(&pass()).unwrap();
    assert_eq!(v.tokens().unwrap().len(), 1);
    let warn = v.take_warnings().join("\n");
    assert!(
        warn.contains("skipped 1 key slots") && warn.contains("key slot 1"),
        "{warn}"
    );
    assert!(!v.check().unwrap().is_clean());
    drop(v);
    // Revoking another token cannot hand the forged slot the roots: the
    // rekey drops it and revokes its id.
    fx.write(&pass(), |v| v.revoke_token("other")).unwrap();
    assert!(names(&fx).is_empty());
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
    assert_eq!(
        fx.get(&pass(), &app("b"), "u").unwrap().as_deref(),
        Some("b-secret")
    );
}

#[test]
fn issuing_a_token_never_signs_a_forged_slot() {
    let fx = Fx::new();
    let w = fx.token_until("w", &[], true, FAR);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    reseal_own_slot(&mut raw, &tok(&w), |k| k.expires = None);
    fx.set_bytes(&raw.encode(&wk, None));
    // The passphrase holder issues a token: the table is signed again, but
    // the forged slot is dropped first, not signed.
    fx.token("new", &[], false);
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
    fx.token("other", &[], false);
    fx.write(&pass(), |v| v.revoke_token("other")).unwrap();
    assert_eq!(names(&fx), ["new:"]);
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
}

#[test]
fn a_write_token_cannot_add_a_slot_under_its_own_id() {
    let fx = Fx::new();
    let w = fx.token_until("w", &[], true, FAR);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    // A widened copy of its slot under its own id, placed first.
    let original = raw.header.slots[1].clone();
    reseal_own_slot(&mut raw, &tok(&w), |k| k.expires = None);
    let forged = raw.header.slots[1].clone();
    raw.header.slots[1] = original;
    raw.header.slots.insert(1, forged);
    // And a brand-new slot claiming an unused id.
    let mut planted = raw.header.slots[2].clone();
    planted.id = [7; 16];
    raw.header.slots.push(planted);
    fx.set_bytes(&raw.encode(&wk, None));
    // The forger meets its forgery first and is refused; the passphrase
    // holder sees one token "w" (expiring), and two skipped slots.
    assert_eq!(status(fx.open(&tok(&w))), Status::WrongFormat);
    let v = fx.open(&pass()).unwrap();
    assert_eq!(names(&fx), ["w:"]);
    let r = v.check().unwrap();
    assert!(r.table_ok && r.bad_slots == vec![1, 3], "{:?}", r.bad_slots);
    drop(v);
    // A repair drops both and keeps the id of the authenticated slot live.
    let mut v = Vault::open_for_admin_write(fx.lock(), &pass()).unwrap();
    let r = v.check().unwrap();
    assert!(v.repair(&r).unwrap().is_empty());
    v.commit().unwrap();
    assert!(fx.open(&tok(&w)).is_ok());
    assert_eq!(Raw::parse(&fx.bytes()).header.revoked, vec![[7; 16]]);
    // Revoking it works as usual.
    fx.write(&pass(), |v| v.revoke_token("w")).unwrap();
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
}

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
    super::check_credential(&fx.store(), &pass()).unwrap();
    assert_eq!(
        status(super::check_credential(&fx.store(), &pass_of("typo"))),
        Status::Unauthorized
    );
    // A typo on a file others can read is told about the mode too.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fx.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let e = super::check_credential(&fx.store(), &pass_of("typo")).unwrap_err();
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
                &super::unlock::escrow_aad(&raw.header.vault_id, &s.id),
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

#[test]
fn token_creation_stops_at_the_slot_limit_and_the_vault_stays_readable() {
    let fx = Fx::new();
    fx.write(&pass(), |v| {
        for i in 0..MAX_TOKENS {
            v.create_token(&format!("t{i}"), &[], false, None)?;
        }
        Ok(())
    })
    .unwrap();
    let before = fx.bytes();
    let e = fx
        .write(&pass(), |v| {
            v.create_token("one-too-many", &[], false, None)
        })
        .err()
        .unwrap();
    assert_eq!(e.status(), Status::Failure);
    assert!(
        e.detail().contains(&format!("{MAX_TOKENS} access tokens")),
        "{}",
        e.detail()
    );
    assert_eq!(fx.bytes(), before);
    assert_eq!(fx.open(&pass()).unwrap().token_count(), MAX_TOKENS);
}

#[test]
fn passphrase_slots_cannot_be_added_or_made_expensive() {
    let fx = Fx::new();
    let w = fx.token("w", &[], true);
    let raw0 = Raw::parse(&fx.bytes());
    let wk = raw0.keyring(&tok(&w));
    // A second passphrase slot: refused before any Argon2 run.
    let mut raw = Raw::parse(&fx.bytes());
    let mut extra = raw.header.slots[0].clone();
    extra.id = [9; 16];
    raw.header.slots.push(extra);
    fx.set_bytes(&raw.encode(&wk, None));
    let u = pass();
    let e = fx.open(&u).err().unwrap();
    assert!(e.detail().contains("2 passphrase slots"), "{}", e.detail());
    assert_eq!(u.kdf_runs(), 0);
    // A slot asking for more than the documented ceiling is refused by the
    // parser, before any derivation.
    let mut raw = Raw::parse(&raw0.encode_again(&wk));
    raw.header.slots[0].lock = SlotLock::Passphrase {
        kdf: KdfParams {
            memory_mib: 5000,
            iterations: 8,
        },
        salt: [0; 16],
    };
    let bytes = raw.encode(&wk, None);
    fx.set_bytes(&bytes);
    let u = pass();
    let e = fx.open(&u).err().unwrap();
    assert!(e.detail().contains("KDF memory"), "{}", e.detail());
    assert_eq!(u.kdf_runs(), 0);
}

impl Raw {
    fn encode_again(mut self, keys: &Keyring) -> Vec<u8> {
        self.encode(keys, None)
    }
}

fn at_1000() -> Result<u64> {
    Ok(1000)
}
fn at_2000() -> Result<u64> {
    Ok(2000)
}
fn broken_clock() -> Result<u64> {
    Err(Error::Unauthorized("clock before 1970".into()))
}

#[test]
fn expiry_uses_the_injected_clock_and_fails_closed() {
    let fx = Fx::new();
    let t = fx
        .write(&pass(), |v| v.create_token("short", &[], false, Some(1500)))
        .unwrap();
    assert!(Vault::open_at(&fx.store(), &tok(&t), at_1000).is_ok());
    let e = Vault::open_at(&fx.store(), &tok(&t), at_2000)
        .err()
        .unwrap();
    assert_eq!(e.status(), Status::Unauthorized);
    assert!(e.detail().contains("expired"), "{}", e.detail());
    assert_eq!(
        status(Vault::open_at(&fx.store(), &tok(&t), broken_clock)),
        Status::Unauthorized
    );
    // A token without expiry does not consult the clock.
    let forever = fx.token("forever", &[], false);
    assert!(Vault::open_at(&fx.store(), &tok(&forever), broken_clock).is_ok());
}
