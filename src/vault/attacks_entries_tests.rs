//! Issue 11's findings against entries and writes, performed with the file
//! and only the attacking credential's keys (see `attacks_tests.rs` for the
//! key slot attacks).

use super::Vault;
use super::format;
use super::keys;
use super::test_support::*;
use crate::status::Status;

#[test]
fn a_planted_entry_does_not_stop_list_revoke_or_check() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "keep").unwrap();
    let w = fx.token("w", &[app("a")], true);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    // App a's entries are in its partition, which the token signs.
    let mut planted = format::parse_bucket(&raw.parts[0][0], 0, 1, 1).unwrap()[0].clone();
    planted.lookup = [0xff; 32];
    planted.body_ct[0] ^= 1;
    let mut entries = format::parse_bucket(&raw.parts[0][0], 0, 1, 1).unwrap();
    entries.push(planted);
    raw.parts[0][0] = format::encode_bucket(&entries);
    raw.records[0].buckets[0].count = 2;
    raw.sign_record(0, &wk.write_keys[0].2, super::record::SIGNER_SCOPE);
    fx.set_bytes(&raw.file());
    let v = fx.open(&pass()).unwrap();
    assert_eq!(v.entries().unwrap().len(), 1);
    let w0 = v.take_warnings().join("\n");
    assert!(
        w0.contains("skipped 1 entries") && w0.contains("scope partition 0 bucket 0 entry 1"),
        "{w0}"
    );
    drop(v);
    // Revoking the planter still works (and drops the planted entry).
    fx.write(&pass(), |v| v.revoke_token("w")).unwrap();
    assert_eq!(status(fx.open(&tok(&w))), Status::Unauthorized);
    assert_eq!(
        fx.get(&pass(), &app("a"), "u").unwrap().as_deref(),
        Some("keep")
    );
    let v = fx.open(&pass()).unwrap();
    assert_eq!(v.len(), 1);
}

#[test]
fn check_finds_and_repair_drops_a_failing_entry() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "keep").unwrap();
    fx.put(&pass(), &app("a"), "x", "spoil").unwrap();
    let w = fx.token("w", &[], true);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    let mut entries = format::parse_bucket(&raw.buckets[0], 0, 1, 2).unwrap();
    entries[1].body_ct[3] ^= 1;
    raw.buckets[0] = format::encode_bucket(&entries);
    fx.set_bytes(&raw.encode(&wk, None));
    let v = Vault::open_for_admin(&fx.store(), &pass()).unwrap();
    let r = v.check().unwrap();
    assert!(r.table_ok && r.bad_entries == vec![(0, 0, Some(1))] && r.good_entries == 1);
    drop(v);
    let mut v = Vault::open_for_admin_write(fx.lock(), &pass()).unwrap();
    let r = v.check().unwrap();
    assert!(v.repair(&r).unwrap().is_empty());
    v.commit().unwrap();
    let v = Vault::open_for_admin(&fx.store(), &pass()).unwrap();
    assert!(v.check().unwrap().is_clean());
    assert_eq!(v.len(), 1);
    // The token survives a repair that needed no rotation.
    assert!(fx.open(&tok(&w)).is_ok());
}

#[test]
fn a_scoped_write_token_holds_no_names_key_and_learns_no_foreign_name() {
    let fx = Fx::new();
    fx.put(&pass(), &app("secret-project"), "u", "x").unwrap();
    let w = fx.token("w", &[app("a")], true);
    let wk = Raw::parse(&fx.bytes()).keyring(&tok(&w));
    assert!(wk.names_key.is_none() && wk.sso_root.is_none() && wk.escrow_key.is_none());
    assert!(wk.table_seed.is_none());
    fx.put(&tok(&w), &app("a"), "mine", "y").unwrap();
    let raw = Raw::parse(&fx.bytes());
    for (i, b) in raw.buckets.iter().enumerate() {
        for e in format::parse_bucket(b, i, raw.header.buckets.len(), raw.header.buckets[i].count)
            .unwrap()
        {
            assert!(
                keys::open_scope_name(2, &raw.header.vault_id, &wk, &e)
                    .unwrap()
                    .is_none()
            );
        }
    }
    // The entry it wrote is labelled for root holders all the same.
    let names: Vec<String> = fx
        .open(&pass())
        .unwrap()
        .entries()
        .unwrap()
        .into_iter()
        .map(|(s, e)| format!("{}/{}", s.name(), e.key))
        .collect();
    assert_eq!(names, ["a/mine", "secret-project/u"]);
}

#[test]
fn a_bucket_count_that_disagrees_with_its_entries_is_refused() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "x").unwrap();
    let w = fx.token("w", &[app("a")], true);
    let mut raw = Raw::parse(&fx.bytes());
    let wk = raw.keyring(&tok(&w));
    raw.records[0].buckets[0].count = 0;
    raw.sign_record(0, &wk.write_keys[0].2, super::record::SIGNER_SCOPE);
    fx.set_bytes(&raw.file());
    assert_eq!(status(fx.get(&pass(), &app("a"), "u")), Status::WrongFormat);
    // A write would have wrapped the count around; now it is refused.
    assert_eq!(
        status(fx.write(&tok(&w), |v| {
            let sk = v.scope(&app("a"))?;
            v.delete(&sk, "u")
        })),
        Status::WrongFormat
    );
}

#[test]
fn a_writer_never_publishes_a_table_its_readers_refuse() {
    let fx = Fx::new();
    let w = fx.token("w", &[], true);
    // A writer whose keyring names another epoch (as after a splice) is
    // stopped at the re-parse-and-verify step, and the file is unchanged.
    let before = fx.bytes();
    let e = fx
        .write(&tok(&w), |v| {
            v.keys.epoch = [1; 16];
            let sk = v.scope(&app("a"))?;
            v.put(&sk, &entry("u", "x"))
        })
        .err()
        .unwrap();
    assert!(e.detail().contains("does not verify"), "{}", e.detail());
    assert_eq!(fx.bytes(), before);
}
