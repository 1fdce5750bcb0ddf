//! A credential's key slot holds what it was issued with and nothing more:
//! a write token cannot widen, forge or add a slot, the passphrase's slots
//! cannot be added to or made expensive, the slot table stops at its limit,
//! and expiry follows the injected clock and fails closed.

use super::*;
use crate::crypto::KdfParams;
use crate::status::Status;
use crate::vault::format::{MAX_TOKENS, SlotLock};
use crate::vault::keys::Keyring;
use crate::vault::test_support::*;
use crate::vault::{Vault, admin};

/// Reseals the holder's own slot over an edited keyring (it has the slot key).
fn reseal_own_slot(
    raw: &mut Raw,
    holder: &crate::vault::Unlocker,
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

impl Raw {
    fn encode_again(mut self, keys: &Keyring) -> Vec<u8> {
        self.encode(keys, None)
    }
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
