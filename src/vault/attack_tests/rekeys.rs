//! What a rekey (`token revoke`, `vault passwd`, `vault rotate`) keeps,
//! drops and signs: a detected tamper never becomes a silent deletion, a
//! rekey signs no number and no entry that nobody authenticated, what it
//! drops is reported, and `vault info`'s generation still shows a rollback.

use super::*;
use crate::secret::SecretString;
use crate::status::Status;
use crate::vault::keys::{Keyring, ScopeKeys};
use crate::vault::record::SIGNER_SCOPE;
use crate::vault::test_support::*;

/// Review 3, FINDING 1 (fixed: a rekey stopped instead; since issue 22 item 8, a rekey that drops a token keeps each entry that authenticates on its own). A partition whose record fails its signature is *detected*
/// by its readers (500) -- until the passphrase holder runs any rekey
/// (`token revoke`, `vault passwd`, `vault rotate`). The rekey lists
/// entries with `entries()`, which skips a failing partition with a
/// warning, then re-encrypts what it listed into a new epoch: the victim
/// scope's secrets are gone and every reader of it now gets a silent
/// "not found". Revoking the suspected token is the natural reaction to
/// the 500s, so the attacker (here: no key at all, one flipped bit; a
/// scoped writer can do the same) turns a detected tamper into a silent
/// deletion. A base bucket failing its hash, by contrast, stops the rekey.
#[test]
fn a_rekey_turns_a_detected_bad_record_into_a_silent_404() {
    let fx = Fx::new();
    let _wa = fx.token("wa", &[app("a")], true);
    let wc = fx.token("wc", &[app("c")], true);
    fx.put(&tok(&wc), &app("c"), "u", "c-value").unwrap();
    let mut r = Raw::parse(&fx.bytes());
    let c = partition_of(&r, &wc, "c");
    r.records[c].sig[0] ^= 1;
    fx.set_bytes(&r.file());
    // Detected, for now.
    assert_eq!(
        status(fx.get(&tok(&wc), &app("c"), "u")),
        Status::WrongFormat
    );
    // `vault passwd` (which drops no token) stops and points at `vault
    // check --repair` (the one command that drops data, after
    // confirmation); c stays detected.
    let e = fx
        .write(&pass(), |v| {
            v.change_passphrase(
                &crate::secret::SecretString::new("new pass".into()),
                crate::crypto::KdfParams::FLOOR,
            )
        })
        .expect_err("a rekey dropped a partition that failed authentication");
    assert_eq!(e.status(), Status::WrongFormat);
    assert!(
        e.detail().contains("vault check --repair"),
        "{}",
        e.detail()
    );
    assert_eq!(
        status(fx.get(&tok(&wc), &app("c"), "u")),
        Status::WrongFormat
    );
    // The passphrase holder revokes the token it suspects: the revoke
    // proceeds, keeps c's entry (it authenticates on its own, and no
    // read-only credential holds c's key) and says where it found it.
    let warnings = fx
        .write(&pass(), |v| {
            v.revoke_token("wa")?;
            Ok(v.take_warnings())
        })
        .unwrap();
    assert!(
        warnings.join("\n").contains("scope partition"),
        "{warnings:?}"
    );
    assert_eq!(
        fx.get(&tok(&wc), &app("c"), "u").unwrap().as_deref(),
        Some("c-value"),
        "a rekey turned a detected bad record into a silent 404"
    );
}

/// Review 3, FINDING 3b (fixed: nothing folds or keeps unauthenticated seqs; a revoke no longer stops at the failing record, issue 22 item 8). `writes()` sums the `seq` of records it never verified, and
/// every rekey folds that sum into the header generation it then signs
/// with the new data key: a root writer signs a number nobody
/// authenticated. With no key at all, an attacker sets one record's seq so
/// that the sum wraps: after the next revoke the signed generation has gone
/// *down* (to whatever the attacker chose).
#[test]
fn a_rekey_signs_an_unauthenticated_seq_into_the_generation() {
    let fx = Fx::new();
    let _wa = fx.token("wa", &[app("a")], true);
    let wc = fx.token("wc", &[app("c")], true);
    for i in 0..5 {
        fx.put(&pass(), &app("b"), "u", &format!("b{i}")).unwrap();
    }
    let gen_before = Raw::parse(&fx.bytes()).header.generation;
    let mut r = Raw::parse(&fx.bytes());
    let c = partition_of(&r, &wc, "c");
    let others: u64 = r.records.iter().map(|x| x.seq).sum::<u64>() - r.records[c].seq;
    // generation + seqs wraps to 1.
    r.records[c].seq = 1u64.wrapping_sub(r.header.generation).wrapping_sub(others);
    let forged = r.file();
    fx.set_bytes(&forged);
    // The record now fails its signature: the revoke keeps c's entries
    // (each authenticates on its own) in a partition built afresh, and
    // signs no sequence number it did not count itself.
    fx.write(&pass(), |v| v.revoke_token("wa")).unwrap();
    let after = Raw::parse(&fx.bytes());
    assert!(
        after.header.generation > gen_before,
        "the signed generation went {gen_before} -> {} after a revoke",
        after.header.generation
    );
    assert!(
        after.records.iter().all(|x| x.seq < 10),
        "an unauthenticated seq was kept"
    );
}

/// Review 3, FINDING 3a (fixed: `vault info` shows the header generation only). The runbook ("check that it was not rolled back: the
/// `generation` in `vault info` only grows") no longer holds: `vault info`
/// shows `Vault::writes()`, the signed header generation PLUS every
/// partition's `seq`, and a scoped writer sets its own `seq` at will. It
/// rolls the whole file back to an older copy, then re-signs its own
/// partition with a larger seq: `vault info` shows a generation larger than
/// before the rollback.
#[test]
fn a_scoped_writer_hides_a_whole_file_rollback_from_vault_info() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    fx.put(&pass(), &app("b"), "u", "b-old").unwrap();
    let older = fx.bytes();
    for i in 0..5 {
        fx.put(&pass(), &app("b"), "u", &format!("b-new-{i}"))
            .unwrap();
    }
    let before = fx.open(&pass()).unwrap().header.generation;
    let mut r = Raw::parse(&older);
    let a = partition_of(&r, &wa, "a");
    let seed = write_seed(&r, &wa);
    r.records[a].seq += 100;
    sign_as_is(&mut r, a, &seed, SIGNER_SCOPE);
    fx.set_bytes(&r.file());
    assert_eq!(
        fx.get(&pass(), &app("b"), "u").unwrap().as_deref(),
        Some("b-old"),
        "the (documented) whole-file rollback"
    );
    // The file is fully valid: every partition's reader is served.
    assert_eq!(fx.get(&tok(&wa), &app("a"), "u").unwrap(), None);
    assert!(fx.open(&pass()).unwrap().check().unwrap().is_clean());
    let after = fx.open(&pass()).unwrap().header.generation;
    assert!(
        after < before,
        "vault info's generation went {before} -> {after} across a rollback"
    );
}

/// Issue 22, item 8, what must not follow from keeping entries one by one: a
/// read-only token of scope b holds b's key, so it can seal an entry of b
/// that authenticates on its own (reusing b's sealed scope name, which is
/// the same in every entry of b). It plants one in b's partition, which
/// then fails its hash. A revoke keeps entries found in a failing place only
/// for scopes that no read-only credential can read: the planted value
/// never becomes a signed secret of b.
#[test]
fn a_revoke_never_signs_what_a_read_token_planted() {
    let s = three();
    let rb = s.fx.token("rb", &[app("b")], false);
    let mut r = Raw::parse(&s.fx.bytes());
    let b = partition_of(&r, &s.wb, "b");
    let mut keys: Keyring = r.keyring(&tok(&rb));
    let sk = ScopeKeys::new(app("b"), keys.scope_key(&app("b")).unwrap());
    let bucket = crate::vault::format::parse_bucket(&r.parts[b][0], 0, 1, 2).unwrap();
    keys.name_cts.push((sk.tag, bucket[0].scope_ct.clone()));
    let planted = sk
        .seal(&r.header.vault_id, &keys, &entry("u1", "planted"))
        .unwrap();
    let at = planted.lookup;
    let mut entries: Vec<_> = bucket
        .into_iter()
        .filter(|e| e.lookup != at)
        .chain([planted])
        .collect();
    entries.sort_by_key(|e| e.lookup);
    r.parts[b][0] = crate::vault::format::encode_bucket(&entries);
    // Its length as the file now has it (the record then fails too).
    r.records[b].buckets[0].len = r.parts[b][0].len() as u32;
    s.fx.set_bytes(&r.file());
    let warnings =
        s.fx.write(&pass(), |v| {
            v.revoke_token("wa")?;
            Ok(v.take_warnings())
        })
        .expect("the revoke proceeds");
    assert_ne!(
        s.fx.get(&tok(&s.wb), &app("b"), "u1").unwrap().as_deref(),
        Some("planted"),
        "a revoke signed what a read-only token wrote"
    );
    assert!(
        warnings.join("\n").contains("read-only"),
        "the revoke says why it dropped them: {warnings:?}"
    );
}

/// Review 4, HELD (a design limit to know). `vault rotate` drops every token, so
/// every partition is "forfeit": a partition broken by a keyless bit flip
/// is dropped by the rotation rather than stopping it. It is at least
/// reported, and a kept scope elsewhere is untouched; `vault passwd`
/// (no token dropped) stops instead.
#[test]
fn held_rotate_reports_the_partition_it_drops() {
    let fx = Fx::new();
    let wc = fx.token("wc", &[app("c")], true);
    fx.put(&tok(&wc), &app("c"), "u", "c-value").unwrap();
    fx.put(&pass(), &app("b"), "u", "b-value").unwrap();
    let mut r = Raw::parse(&fx.bytes());
    let c = partition_of(&r, &wc, "c");
    r.records[c].sig[0] ^= 1;
    fx.set_bytes(&r.file());
    let e = fx
        .write(&pass(), |v| {
            v.change_passphrase(
                &SecretString::new(PASS.into()),
                crate::crypto::KdfParams::FLOOR,
            )
        })
        .unwrap_err();
    assert_eq!(e.status(), Status::WrongFormat);
    let warnings = fx
        .write(&pass(), |v| {
            v.rotate(None)?;
            Ok(v.take_warnings())
        })
        .unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("scope partition")),
        "{warnings:?}"
    );
    assert_eq!(
        fx.get(&pass(), &app("b"), "u").unwrap().as_deref(),
        Some("b-value")
    );
}
