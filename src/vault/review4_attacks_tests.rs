//! Review 4 of format 3: attacks on the review 3 fixes (rekeys that stop on
//! a failing partition unless a dropped token could write it, list/export
//! that skip, the record parse rule against bloated bucket tables). Each
//! attack uses the vault file, older copies of it and only the keys the
//! attacker's own slot opens. Every test asserts the SECURE behaviour: a
//! failing test means the attack worked. Tests named `review4_held_*`
//! are attacks that failed, kept as regression tests.

use super::Unlocker;
use super::format::{self, BucketRef};
use super::record::{self, MAX_PARTITION_BUCKETS, Record, SIGNER_DATA, SIGNER_SCOPE};
use super::test_support::*;
use crate::crypto::Signer;
use crate::secret::SecretString;
use crate::status::Status;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------

/// FINDING A (fix 4 bypassed with a sparse file; fixed by capping a
/// partition at 2^14 buckets). The record parse rule bounded a record's
/// bucket count by its claimed entries and its entries by its claimed
/// bucket *lengths*; the file length check compares those lengths with the
/// file's *apparent* size, and a hole costs nothing: a scoped writer claimed
/// 2^19 buckets, 64 of them 4 GiB long and "full", extended the file to
/// ~253 GiB of holes, and every reader of every scope parsed a 20 MiB
/// records region on every open. Now a record of more than 2^14 buckets is
/// refused (like any bytes that do not parse: availability, by design), and
/// the most a record can make every reader parse is 640 KiB, whatever sizes
/// it claims.
#[test]
fn review4_a_sparse_file_bloats_every_readers_open_again() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    let rb = fx.token("rb", &[app("b")], false);
    fx.put(&pass(), &app("b"), "u", "b-value").unwrap();
    let clean = fx.bytes();
    let bloat = |n: usize| -> (Vec<u8>, u64) {
        let mut r = Raw::parse(&clean);
        let a = partition_of(&r, &wa, "a");
        assert_eq!(a, r.records.len() - 1, "a's buckets end the file");
        let seed = write_seed(&r, &wa);
        // Entries per 4 GiB bucket that the byte rule lets a record claim.
        let per = u32::MAX / 79;
        let len = per * 79;
        let mut full = 0usize;
        while format::needs_rebucket_within(full * per as usize, n, MAX_PARTITION_BUCKETS)
            && full < 64
        {
            full += 1;
        }
        let empty = BucketRef {
            count: 0,
            len: 0,
            hash: crate::crypto::sha256(&[]),
        };
        let mut buckets = vec![empty; n];
        for b in buckets.iter_mut().rev().take(full) {
            *b = BucketRef {
                count: per,
                len,
                hash: [0; 32],
            };
        }
        r.records[a].buckets = buckets;
        r.records[a].seq += 1;
        r.parts[a] = Vec::new();
        sign_as_is(&mut r, a, &seed, SIGNER_SCOPE);
        let file = r.file();
        let apparent = file.len() as u64 + full as u64 * u64::from(len);
        (file, apparent)
    };
    let install = |file: &[u8], apparent: u64| {
        fx.set_bytes(file);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&fx.path)
            .unwrap()
            .set_len(apparent)
            .unwrap();
    };
    // 2^19 buckets: refused by every reader (500) while parsing the
    // records, before the file's length is even compared (so the file need
    // not be extended here).
    let (file, _) = bloat(1 << 19);
    fx.set_bytes(&file);
    assert_eq!(
        status(fx.get(&tok(&rb), &app("b"), "u")),
        Status::WrongFormat
    );
    // The most a record may hold: other scopes read on, and what every
    // open parses stays under 1 MiB.
    let (file, apparent) = bloat(MAX_PARTITION_BUCKETS);
    assert!(file.len() < clean.len() + (1 << 20), "{} bytes", file.len());
    install(&file, apparent);
    assert_eq!(
        fx.get(&tok(&rb), &app("b"), "u").unwrap().as_deref(),
        Some("b-value")
    );
}

/// FINDING B (review 3's fix 2, missed in `vault info`; fixed: partitions are counted from their authenticated tables). A scoped write
/// token signs, with its own write key, a record whose bucket fails its
/// hash (or a bucket that does not parse). List and export skip it; but
/// `vault info` (`Vault::counts`) reads every bucket of every partition
/// and fails on it, for every credential: the passphrase and a read
/// token of an unrelated scope (which never reads that partition
/// otherwise) get a 500.
#[test]
fn review4_a_scoped_writer_breaks_vault_info_for_everyone() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    let rb = fx.token("rb", &[app("b")], false);
    fx.put(&pass(), &app("b"), "u", "b-value").unwrap();
    fx.put(&tok(&wa), &app("a"), "u", "a-value").unwrap();
    let clean = fx.bytes();
    let mut broken = Vec::new();
    for variant in ["bad hash", "malformed bucket"] {
        let mut r = Raw::parse(&clean);
        let a = partition_of(&r, &wa, "a");
        let seed = write_seed(&r, &wa);
        match variant {
            "bad hash" => {
                r.records[a].buckets[0].hash = [0x5a; 32];
                r.records[a].seq += 1;
                sign_as_is(&mut r, a, &seed, SIGNER_SCOPE);
            }
            _ => {
                // Long enough for the byte rule; kind byte 0xff.
                r.parts[a][0] = vec![0xff; 100];
                r.sign_record(a, &seed, SIGNER_SCOPE);
            }
        }
        fx.set_bytes(&r.file());
        // Other scopes still read, and the passphrase lists.
        assert_eq!(
            fx.get(&tok(&rb), &app("b"), "u").unwrap().as_deref(),
            Some("b-value")
        );
        assert!(fx.open(&pass()).unwrap().entries().is_ok());
        for (who, u) in [("passphrase", pass()), ("read token of b", tok(&rb))] {
            if let Err(e) = fx.open(&u).unwrap().counts() {
                broken.push(format!("{variant}: for the {who}: {}", e.detail()));
            }
        }
    }
    assert!(broken.is_empty(), "vault info fails: {broken:#?}");
}

/// FINDING C (review 3's fix 2 did not cover unscoped write tokens; fixed: a dropped holder of the data key forfeits everything). An
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
fn review4_an_unscoped_write_token_blocks_its_own_revocation() {
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

// ---------------------------------------------------------------------------
// What held
// ---------------------------------------------------------------------------

/// Drives app a's entry count to each target in turn, alternating the
/// scoped writer and the passphrase (each step one commit), and checks
/// after every step that every reader still opens the file, the record
/// satisfies the parse rule, and the scope holds exactly the model.
struct Driver<'a> {
    fx: &'a Fx,
    p: &'a Unlocker,
    wa: &'a SecretString,
    ra: &'a SecretString,
    live: BTreeSet<String>,
    next: usize,
    step: usize,
}

impl Driver<'_> {
    fn go(&mut self, target: usize) {
        let scoped = self.step.is_multiple_of(2);
        self.step += 1;
        let tu = tok(self.wa);
        let u: &Unlocker = if scoped { &tu } else { self.p };
        if target > self.live.len() {
            let add: Vec<String> = (0..target - self.live.len())
                .map(|_| {
                    self.next += 1;
                    format!("e{}", self.next)
                })
                .collect();
            self.fx
                .write(u, |v| {
                    let sk = v.scope(&app("a"))?;
                    for k in &add {
                        v.put(&sk, &entry(k, k))?;
                    }
                    Ok(())
                })
                .unwrap();
            self.live.extend(add);
        } else if target < self.live.len() {
            // Every other name first (spreads the deletions over buckets).
            let k = self.live.len() - target;
            let all: Vec<String> = self.live.iter().cloned().collect();
            let mut gone: Vec<String> = all.iter().step_by(2).take(k).cloned().collect();
            let more = k - gone.len();
            gone.extend(all.iter().skip(1).step_by(2).take(more).cloned());
            self.fx
                .write(u, |v| {
                    let sk = v.scope(&app("a"))?;
                    for k in &gone {
                        assert!(v.delete(&sk, k)?);
                    }
                    Ok(())
                })
                .unwrap();
            for k in &gone {
                self.live.remove(k);
            }
        }
        self.verify(target);
    }

    fn verify(&self, target: usize) {
        assert_eq!(self.live.len(), target);
        let raw = Raw::parse(&self.fx.bytes());
        for rec in &raw.records {
            let total = format::table_entries(&rec.buckets).unwrap();
            assert!(
                !format::needs_rebucket(total, rec.buckets.len()),
                "an honest writer left {} buckets for {total} entries",
                rec.buckets.len()
            );
        }
        let v = self.fx.open(&tok(self.ra)).unwrap();
        let got: BTreeSet<String> = v
            .entries()
            .unwrap()
            .into_iter()
            .filter(|(s, _)| *s == app("a"))
            .map(|(_, e)| e.key)
            .collect();
        assert!(v.take_warnings().is_empty());
        assert_eq!(got, self.live, "at {target} entries");
        assert_eq!(
            self.fx.get(self.p, &app("b"), "u").unwrap().as_deref(),
            Some("b-value")
        );
    }
}

/// HELD. Honest writes never publish a record that the new parse rule
/// refuses: every sequence of puts and deletes around the 64/65 and
/// 217/218 thresholds (one bucket <-> 32 <-> 64), by the scoped writer
/// and by the passphrase, a partition filled by `token create` moving 70
/// base entries, a revoke in between, and a partition emptied by `vault
/// check --repair` and refilled.
#[test]
fn review4_held_honest_writes_across_thresholds_stay_readable() {
    let fx = Fx::new();
    let p = pass();
    fx.put(&p, &app("b"), "u", "b-value").unwrap();
    // 70 entries of app a in the base, moved by `token create`.
    fx.write(&p, |v| {
        let sk = v.scope(&app("a"))?;
        for i in 0..70 {
            v.put(&sk, &entry(&format!("e{i}"), "x"))?;
        }
        Ok(())
    })
    .unwrap();
    let wa = fx.token("wa", &[app("a")], true);
    let ra = fx.token("ra", &[app("a")], false);
    let _x = fx.token("x", &[app("z")], true);
    let mut d = Driver {
        fx: &fx,
        p: &p,
        wa: &wa,
        ra: &ra,
        live: (0..70).map(|i| format!("e{i}")).collect(),
        next: 100,
        step: 0,
    };
    d.verify(70);
    for t in [
        64, 65, 64, 63, 1, 65, 66, 64, 0, 64, 65, 130, 217, 218, 217, 216, 218,
    ] {
        d.go(t);
    }
    fx.write(&p, |v| v.revoke_token("x")).unwrap();
    d.verify(218);
    for t in [219, 217, 70, 65, 64, 2, 0, 1] {
        d.go(t);
    }
    // A failing record, emptied by the repair; then refilled.
    d.go(90);
    let mut r = Raw::parse(&fx.bytes());
    let a = partition_of(&r, &wa, "a");
    r.records[a].sig[0] ^= 1;
    fx.set_bytes(&r.file());
    repair(&fx, &p);
    d.live.clear();
    d.verify(0);
    for t in [1, 64, 65, 218, 64, 0] {
        d.go(t);
    }
    assert!(fx.open(&p).unwrap().check().unwrap().is_clean());
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 6,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// HELD. As above, with random targets (each case a fresh vault).
    #[test]
    fn review4_held_random_honest_writes_stay_readable(
        targets in proptest::collection::vec(0usize..240, 1..7)
    ) {
        let fx = Fx::new();
        let p = pass();
        fx.put(&p, &app("b"), "u", "b-value").unwrap();
        let wa = fx.token("wa", &[app("a")], true);
        let ra = fx.token("ra", &[app("a")], false);
        let mut d = Driver {
            fx: &fx,
            p: &p,
            wa: &wa,
            ra: &ra,
            live: BTreeSet::new(),
            next: 0,
            step: 0,
        };
        for t in targets {
            d.go(t);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 512,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// HELD. Hostile records regions: no panic, and whatever parses obeys
    /// both limits (random bytes, and structured tables with hostile
    /// counts and lengths, then one byte flipped).
    #[test]
    fn review4_held_hostile_records_never_panic(
        bytes in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..700),
        n in 0usize..4,
        log in 0u32..11,
        counts in proptest::collection::vec(proptest::arbitrary::any::<u32>(), 1..64),
        lens in proptest::collection::vec(proptest::arbitrary::any::<u32>(), 1..64),
        small in proptest::arbitrary::any::<bool>(),
        flip in proptest::arbitrary::any::<(usize, u8)>(),
    ) {
        let _ = record::parse_records(&bytes, n);
        let mut rec = Record::empty();
        rec.buckets = (0..1usize << log)
            .map(|i| BucketRef {
                count: if small { counts[i % counts.len()] % 200 } else { counts[i % counts.len()] },
                len: lens[i % lens.len()],
                hash: [0; 32],
            })
            .collect();
        let mut enc = record::encode_records(&[rec]).unwrap();
        for b in [false, true] {
            if b {
                let i = 4 + flip.0 % (enc.len() - 4);
                enc[i] ^= flip.1 | 1;
            }
            if let Ok(parsed) = record::parse_records(&enc[4..], 1) {
                let t = &parsed[0].buckets;
                let total = format::table_entries(t).unwrap();
                proptest::prop_assert!(!format::needs_rebucket(total, t.len()));
                proptest::prop_assert!(t.iter().all(|x| u64::from(x.count) * 79 <= u64::from(x.len)));
                let _ = parsed[0].data_len();
            }
        }
    }
}

/// HELD. A scoped read token of a partitioned scope (c, written by wc)
/// never sees another partition's failures: a's record failing its
/// signature, or validly signed with a bucket failing its hash.
#[test]
fn review4_held_a_partitioned_reader_ignores_other_partitions() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    let wc = fx.token("wc", &[app("c")], true);
    let rc = fx.token("rc", &[app("c")], false);
    fx.put(&tok(&wa), &app("a"), "u", "a-value").unwrap();
    fx.put(&tok(&wc), &app("c"), "u", "c-value").unwrap();
    let clean = fx.bytes();
    for variant in ["bad signature", "bad hash"] {
        let mut r = Raw::parse(&clean);
        let a = partition_of(&r, &wa, "a");
        let seed = write_seed(&r, &wa);
        if variant == "bad signature" {
            r.records[a].sig[0] ^= 1;
        } else {
            r.records[a].buckets[0].hash = [0x5a; 32];
            sign_as_is(&mut r, a, &seed, SIGNER_SCOPE);
        }
        fx.set_bytes(&r.file());
        for u in [tok(&rc), tok(&wc)] {
            assert_eq!(
                fx.get(&u, &app("c"), "u").unwrap().as_deref(),
                Some("c-value"),
                "{variant}"
            );
            let v = fx.open(&u).unwrap();
            assert_eq!(v.entries().unwrap().len(), 1, "{variant}");
            assert!(v.take_warnings().is_empty(), "{variant}");
        }
        // c's writer still writes; a stays as it was for its readers.
        fx.put(&tok(&wc), &app("c"), "v", "c2").unwrap();
        assert_eq!(
            status(fx.get(&tok(&wa), &app("a"), "u")),
            Status::WrongFormat,
            "{variant}"
        );
    }
}

/// HELD (a design limit to know). `vault rotate` drops every token, so
/// every partition is "forfeit": a partition broken by a keyless bit flip
/// is dropped by the rotation rather than stopping it. It is at least
/// reported, and a kept scope elsewhere is untouched; `vault passwd`
/// (no token dropped) stops instead.
#[test]
fn review4_held_rotate_reports_the_partition_it_drops() {
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
