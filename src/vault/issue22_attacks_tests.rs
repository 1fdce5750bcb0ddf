//! Issue 22, items 8 and 9: attacks by a scoped write token (or by anyone
//! who can write the file), performed with the file and only the keys the
//! attacker's own slot opens. Each test asserts the secure behaviour.

use super::keys::{Entry, Keyring, Scope, ScopeKeys};
use super::test_support::*;
use crate::secret::SecretString;
use crate::status::Status;

/// Three scopes: `a` written by the token `wa` (the attacker), `b` by `wb`
/// (two secrets), `c` in the base (the passphrase's).
struct Three {
    fx: Fx,
    wb: SecretString,
}

fn three() -> Three {
    let fx = Fx::new();
    let _wa = fx.token("wa", &[app("a")], true);
    let wb = fx.token("wb", &[app("b")], true);
    fx.put(&tok(&wb), &app("b"), "u1", "b-one").unwrap();
    fx.put(&tok(&wb), &app("b"), "u2", "b-two").unwrap();
    fx.put(&pass(), &app("c"), "u", "c-value").unwrap();
    Three { fx, wb }
}

/// Item 8. The token `wa` flips one bit of scope b's partition (b's record
/// signature, or one byte of one of b's entries), which readers of b then
/// refuse (500). Revoking `wa` used to stop with exit 50 ("run `vault check
/// --repair`", which drops all of b): the token blocked its own
/// revocation. A revoke must proceed, keep every entry that still
/// authenticates on its own (re-encrypted), and report the rest.
#[test]
fn issue22_a_scoped_writer_blocks_its_own_revocation_by_breaking_another_partition() {
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

/// Item 8, what must not follow from keeping entries one by one: a
/// read-only token of scope b holds b's key, so it can seal an entry of b
/// that authenticates on its own (reusing b's sealed scope name, which is
/// the same in every entry of b). It plants one in b's partition, which
/// then fails its hash. A revoke keeps entries found in a failing place only
/// for scopes that no read-only credential can read: the planted value
/// never becomes a signed secret of b.
#[test]
fn issue22_a_revoke_never_signs_what_a_read_token_planted() {
    let s = three();
    let rb = s.fx.token("rb", &[app("b")], false);
    let mut r = Raw::parse(&s.fx.bytes());
    let b = partition_of(&r, &s.wb, "b");
    let mut keys: Keyring = r.keyring(&tok(&rb));
    let sk = ScopeKeys::new(app("b"), keys.scope_key(&app("b")).unwrap());
    let bucket = super::format::parse_bucket(&r.parts[b][0], 0, 1, 2).unwrap();
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
    r.parts[b][0] = super::format::encode_bucket(&entries);
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

/// Item 9. A scoped write token stores, through the library, a user id the
/// command line refuses (a control character). `vault check` said the
/// vault was clean, and `export` wrote a line `import` refuses (and import
/// is all or nothing): the backup did not restore.
#[test]
fn issue22_a_name_the_command_line_refuses_is_refused_reported_and_repaired() {
    let fx = Fx::new();
    let wa = fx.token("wa", &[app("a")], true);
    let root = fx.token("root", &[], true);
    fx.put(&tok(&wa), &app("a"), "ok", "fine").unwrap();
    let bad = Entry {
        key: "x\u{1}y".into(),
        ..entry("-", "v")
    };
    // The library refuses it on every write path.
    let put = fx.write(&tok(&wa), |v| {
        let sk = v.scope(&app("a"))?;
        v.put(&sk, &bad)
    });
    assert_eq!(
        put.err().map(|e| e.status()),
        Some(Status::Usage),
        "Vault::put stored a user id the command line refuses"
    );
    let scope = fx.write(&tok(&root), |v| {
        let sk = v.scope(&Scope::App("a\u{202e}b".into()))?;
        v.put(&sk, &entry("u", "v"))
    });
    assert_eq!(scope.err().map(|e| e.status()), Some(Status::Usage));
    // A modified client stores it anyway (it holds the keys).
    fx.write(&tok(&wa), |v| {
        let sk = v.scope(&app("a"))?;
        let raw = sk.seal(&v.header.vault_id, &v.keys, &bad)?;
        v.put_raw(raw)
    })
    .unwrap();
    let report = fx.open(&pass()).unwrap().check().unwrap();
    assert!(!report.is_clean(), "vault check says the vault is clean");
    let said = report.lines().join("\n");
    assert!(said.contains("x\\u{1}y"), "{said}");
    assert!(said.contains("command line"), "{said}");
    // A rekey keeps it (it authenticates); the repair drops it.
    fx.write(&pass(), |v| v.revoke_token("root")).unwrap();
    assert_eq!(fx.open(&pass()).unwrap().entries().unwrap().len(), 2);
    repair(&fx, &pass());
    assert!(fx.open(&pass()).unwrap().check().unwrap().is_clean());
    assert_eq!(
        fx.get(&tok(&wa), &app("a"), "ok").unwrap().as_deref(),
        Some("fine")
    );
    assert_eq!(fx.open(&pass()).unwrap().entries().unwrap().len(), 1);
}
