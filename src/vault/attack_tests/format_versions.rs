//! An older format is no way around the checks: a write token that rewrites
//! the vault as version 1 (whose slot table nothing authenticates) is
//! refused, and a format 2 vault upgraded takes the data key from its
//! scoped writers and keeps every token.

use super::*;
use crate::crypto;
use crate::status::Status;
use crate::vault::Vault;
use crate::vault::format::{self, SlotLock};
use crate::vault::keys::Keyring;
use crate::vault::test_support::*;

/// A keyring encoded as version 1 (no table key, epoch, table seed, sealed names).
fn keyring_v1(k: &Keyring) -> Vec<u8> {
    let mut b = Vec::new();
    b.push(2u8);
    b.extend_from_slice(&(k.name.len() as u16).to_be_bytes());
    b.extend_from_slice(k.name.as_bytes());
    b.extend_from_slice(&k.created.to_be_bytes());
    b.extend_from_slice(&k.expires.unwrap_or(0).to_be_bytes());
    b.push(u8::from(k.write));
    b.extend_from_slice(&k.verify_key);
    for o in [
        &k.signing_seed,
        &k.escrow_key,
        &k.sso_root,
        &k.did_root,
        &k.names_key,
    ] {
        match o {
            Some(x) => {
                b.push(1);
                b.extend_from_slice(x.expose());
            }
            None => b.push(0),
        }
    }
    for list in [&k.apps, &k.dids] {
        b.extend_from_slice(&(list.len() as u32).to_be_bytes());
        for (n, key) in list {
            b.extend_from_slice(&(n.len() as u16).to_be_bytes());
            b.extend_from_slice(n.as_bytes());
            b.extend_from_slice(key.expose());
        }
    }
    b
}

fn slot_len(s: &crate::vault::format::Slot) -> usize {
    let lock = match &s.lock {
        SlotLock::Passphrase { .. } => 1 + 4 + 4 + 16,
        SlotLock::Token { escrow, .. } => 1 + 16 + 32 + 12 + 2 + escrow.len(),
    };
    16 + lock + 12 + 4 + s.sealed.len()
}

/// Review of format v2. A write token rewrites the vault as format version 1, which every
/// credential still reads and whose slot table nothing authenticates: its
/// own slot, resealed over a keyring it chose (no expiry), is accepted.
#[test]
fn a_write_token_downgrades_to_v1_and_its_forged_slot_is_accepted() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "a-secret").unwrap();
    let w = fx
        .write(&pass(), |v| v.create_token("w", &[], true, Some(1500)))
        .unwrap();
    assert!(Vault::open_at(&fx.store(), &tok(&w), at_2000).is_err());
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    let opened = tok(&w).unlock(&raw.header).unwrap();
    let mut k = opened.keys;
    k.expires = None;
    k.name = "someone-else".into();
    let vid = raw.header.vault_id;
    let s = &mut raw.header.slots[opened.slot];
    s.sealed = crypto::seal(&opened.slot_key, s.nonce, &s.aad(1, &vid), &keyring_v1(&k));
    // Encode as v2, then strip the v2-only table framing: table_len, epoch
    // and every slot signature.
    raw.header.generation += 1;
    raw.header.version = crate::vault::format::VERSION_2;
    let mut v2 = raw.header.encode().unwrap();
    let body = v2.split_off(14);
    let mut out = body[..33].to_vec(); // vault id, flags, created, generation
    let mut p = 33 + 4 + 16; // skip table_len and epoch
    out.extend_from_slice(&body[p..p + 2]); // slot count
    p += 2;
    for s in &raw.header.slots {
        let n = slot_len(s);
        out.extend_from_slice(&body[p..p + n]);
        p += n + 64;
    }
    out.extend_from_slice(&body[p..]); // revoked list, bucket table
    let mut head = b"SSOSVLT\0".to_vec();
    head.extend_from_slice(&1u16.to_be_bytes());
    head.extend_from_slice(&(out.len() as u32).to_be_bytes());
    head.extend_from_slice(&out);
    let sig = crypto::Signer::from_seed(wk.signing_seed.as_ref().unwrap())
        .unwrap()
        .sign(&head);
    let mut file = head;
    file.extend_from_slice(&sig);
    for b in &raw.buckets {
        file.extend_from_slice(b);
    }
    fx.set_bytes(&file);
    // The right passphrase is not told "wrong passphrase": its slot opens
    // as a format 2 slot, so the file is a forgery (500).
    let e = fx.open(&pass()).err().unwrap();
    assert_eq!(e.status(), crate::status::Status::WrongFormat);
    assert!(e.detail().contains("passphrase is right"), "{}", e.detail());
    assert_eq!(
        status(fx.open(&pass_of("typo"))),
        crate::status::Status::Unauthorized
    );
    match Vault::open_at(&fx.store(), &tok(&w), at_2000) {
        Ok(v) => {
            let got = {
                let sk = v.scope(&app("a")).unwrap();
                v.get(&sk, "u").unwrap().map(|e| e.value.expose().to_vec())
            };
            panic!(
                "FINDING: v1 downgrade accepted a forged keyring: name {:?}, expires {:?}, read {:?}",
                v.keys.name,
                v.keys.expires,
                got.map(String::from_utf8)
            )
        }
        Err(e) => eprintln!("refused: {}", e.detail()),
    }
}

#[test]
fn a_format_2_scoped_writer_loses_the_data_key_at_upgrade() {
    // Written by the previous release: a write token for app alpha, a read
    // token for app beta.
    let fx = Fx::with_file(include_bytes!("../../../tests/fixtures/v2/v2.vault"));
    let owner = pass_of(include_str!("../../../tests/fixtures/v2/v2.pass").trim());
    let text = |t: &str| crate::secret::SecretString::new(t.trim().into());
    let writer = text(include_str!("../../../tests/fixtures/v2/writer.token"));
    let reader = text(include_str!("../../../tests/fixtures/v2/reader.token"));
    let old_keys = Raw::parse(&fx.bytes()).keyring(&tok(&writer));
    assert!(
        old_keys.signing_seed.is_some(),
        "format 2 gave it the data key"
    );
    assert!(fx.write(&owner, |v| v.upgrade()).unwrap().is_empty());
    let raw = Raw::parse(&fx.bytes());
    assert_eq!(raw.header.version, format::VERSION);
    let keys = raw.keyring(&tok(&writer));
    assert!(keys.signing_seed.is_none() && keys.write_keys.len() == 1);
    // The data key it kept from format 2 signs nothing readers accept: it
    // empties beta's bucket and re-signs the header with it.
    let mut r = Raw::parse(&fx.bytes());
    let n = r.buckets.len();
    r.buckets = vec![Vec::new(); n];
    fx.set_bytes(&r.encode(&old_keys, Some(vec![0; n])));
    assert_eq!(
        status(fx.get(&tok(&reader), &app("beta"), "bob")),
        Status::WrongFormat
    );
    assert_eq!(
        status(fx.get(&owner, &app("beta"), "bob")),
        Status::WrongFormat
    );
}

#[test]
fn issuing_a_token_on_a_format_2_vault_converts_it_and_keeps_every_token() {
    let fx = Fx::with_file(include_bytes!("../../../tests/fixtures/v2/v2.vault"));
    let owner = pass_of(include_str!("../../../tests/fixtures/v2/v2.pass").trim());
    let text = |t: &str| crate::secret::SecretString::new(t.trim().into());
    let writer = text(include_str!("../../../tests/fixtures/v2/writer.token"));
    let reader = text(include_str!("../../../tests/fixtures/v2/reader.token"));
    let fresh = fx
        .write(&owner, |v| {
            v.create_token("gamma-w", &[app("gamma")], true, None)
        })
        .unwrap();
    let raw = Raw::parse(&fx.bytes());
    assert_eq!(raw.header.version, format::VERSION);
    assert_eq!(raw.header.writers.len(), 2, "alpha (kept writer) and gamma");
    fx.put(&tok(&fresh), &app("gamma"), "g", "g-value").unwrap();
    fx.put(&tok(&writer), &app("alpha"), "w", "w-value")
        .unwrap();
    assert_eq!(
        fx.get(&tok(&reader), &app("beta"), "bob")
            .unwrap()
            .as_deref(),
        Some("beta-secret")
    );
    assert_eq!(
        fx.get(&owner, &app("gamma"), "g").unwrap().as_deref(),
        Some("g-value")
    );
    assert_eq!(
        status(fx.put(&tok(&fresh), &app("alpha"), "x", "x")),
        Status::Unauthorized
    );
}
