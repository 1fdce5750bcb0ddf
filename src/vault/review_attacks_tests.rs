//! Attacks found by an adversarial review after format v2 landed, kept as
//! regression tests: each performs the attack with what the attacking
//! credential holds (plus write access to the file) and asserts that it
//! now fails, loudly.

use super::format::SlotLock;
use super::keys::Keyring;
use super::test_support::*;
use super::{Vault, admin};
use crate::crypto;
use crate::error::Result;

fn at_2000() -> Result<u64> {
    Ok(2000)
}

/// The attacker (a write token, expired) replaces its own slot with one
/// whose keyring it chose, padded to the exact length of another token's
/// slot, and copies that token's (valid) table signature onto it. The slot
/// signature check in a long-running process (`serve`) is memoised by
/// (file identity, public key, signature, message LENGTH), not by message:
/// once the victim's request has verified its own slot in this file, the
/// forged slot "verifies" too.
#[test]
fn review_cache_accepts_a_copied_slot_signature_for_a_forged_slot() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "a-secret").unwrap();
    let victim = fx.token("ci-deploy-production", &[], false);
    let w = fx
        .write(&pass(), |v| v.create_token("w", &[], true, Some(1500)))
        .unwrap();
    // Expired: refused (by the server's own clock, not the attacker's).
    assert!(Vault::open_at(&fx.store(), &tok(&w), at_2000).is_err());

    let mut raw = Raw::parse(&fx.bytes());
    let wu = tok(&w);
    let opened = wu.unlock(&raw.header).unwrap();
    let wk: Keyring = raw.keyring(&wu);
    let vslot = tok(&victim).unlock(&raw.header).unwrap().slot;
    let v = raw.header.slots[vslot].clone();
    let SlotLock::Token { escrow: vesc, .. } = &v.lock else {
        panic!()
    };
    let target = vesc.len() + v.sealed.len();

    let mut forged_keys = opened.keys;
    forged_keys.expires = None; // never expires
    forged_keys.name = "ci-deploy-production".into(); // spoofs the access log
    let s = &raw.header.slots[opened.slot];
    let SlotLock::Token { salt, check, .. } = &s.lock else {
        panic!()
    };
    let sealed_len = forged_keys.encode().expose().len() + 16;
    assert!(sealed_len <= target, "{sealed_len} > {target}");
    let lock = SlotLock::Token {
        salt: *salt,
        check: *check,
        escrow_nonce: [0; 12],
        escrow: vec![0; target - sealed_len],
    };
    let mut forged = admin::seal_slot(
        &raw.header.vault_id,
        s.id,
        lock,
        &opened.slot_key,
        &forged_keys,
    )
    .unwrap();
    forged.sig = v.sig; // the victim's signature
    raw.header.slots[opened.slot] = forged;
    fx.set_bytes(&raw.encode(&wk, None));

    // Fresh: the forged slot is refused, as documented.
    assert!(Vault::open_at(&fx.store(), &tok(&w), at_2000).is_err());
    // The victim makes a request to the same server process.
    assert!(fx.open(&tok(&victim)).is_ok());
    // Now the expired attacker gets in, under the victim's name.
    let r = Vault::open_at(&fx.store(), &tok(&w), at_2000);
    match r {
        Ok(v) => panic!(
            "FINDING: forged slot accepted through the verify cache: name {:?}, expires {:?}, write {}",
            v.keys.name, v.keys.expires, v.keys.write
        ),
        Err(e) => eprintln!("refused: {}", e.detail()),
    }
    let _ = crypto::sha256(b"");
}

/// Writes into the vault file through a shared mapping (a helper process:
/// the crate forbids `unsafe`). Stores into a page that is already dirty
/// and writable do not move mtime or ctime, so the file's identity
/// (dev, ino, size, mtime, ctime) stays the same while its bytes change.
struct Mapper(std::process::Child);

const MAPPER: &str = r#"
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
n = os.fstat(fd).st_size
m = mmap.mmap(fd, n, mmap.MAP_SHARED)
for off in range(0, n, 4096):
    m[off:off+1] = m[off:off+1]     # dirty every page now (one timestamp update)
print("ready", flush=True)
for line in sys.stdin:
    off, hexbytes = line.split()
    b = bytes.fromhex(hexbytes)
    m[int(off):int(off)+len(b)] = b
    print("done", flush=True)
"#;

impl Mapper {
    fn new(path: &std::path::Path) -> Mapper {
        use std::process::{Command, Stdio};
        let child = Command::new("python3")
            .args(["-c", MAPPER])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut m = Mapper(child);
        assert_eq!(m.line(), "ready");
        m
    }
    fn line(&mut self) -> String {
        use std::io::BufRead;
        let mut s = String::new();
        let out = self.0.stdout.as_mut().unwrap();
        std::io::BufReader::new(out).read_line(&mut s).unwrap();
        s.trim().to_string()
    }
    fn write_at(&mut self, off: usize, bytes: &[u8]) {
        use std::io::Write;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let stdin = self.0.stdin.as_mut().unwrap();
        writeln!(stdin, "{off} {hex}").unwrap();
        stdin.flush().unwrap();
        assert_eq!(self.line(), "done");
    }
}

impl Drop for Mapper {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

fn identity(path: &std::path::Path) -> (u64, u64, u64, i64, i64, i64, i64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    )
}

/// No key at all (or a read-only token, or a revoked one): only write
/// access to the file. A long-running reader (`serve`) has checked the
/// current file; the attacker then puts back an OLDER bucket (same length,
/// same key epoch) through a shared mapping. The header, its signature and
/// the bucket hash are all remembered for this "unchanged" file, so the
/// reader silently returns the old value of a secret: a per-entry rollback
/// by someone who holds no signing key, and one the generation counter
/// does not show.
#[test]
fn review_in_place_mmap_write_rolls_back_a_bucket_behind_the_cache() {
    let fx = Fx::new();
    let r = fx.token("reader", &[app("a")], false);
    fx.put(&pass(), &app("a"), "u", "old-value-1").unwrap();
    let old = Raw::parse(&fx.bytes());
    fx.put(&pass(), &app("a"), "u", "new-value-2").unwrap();
    let cur_bytes = fx.bytes();
    let cur = Raw::parse(&cur_bytes);
    assert_eq!(cur.buckets.len(), 1);
    assert_eq!(old.buckets[0].len(), cur.buckets[0].len());
    let off = cur_bytes.len() - cur.buckets[0].len();

    let mut m = Mapper::new(&fx.path);
    let id = identity(&fx.path);
    // The server answers a request: header, signatures, bucket hash checked
    // and remembered for this file identity.
    assert_eq!(
        fx.get(&tok(&r), &app("a"), "u").unwrap().as_deref(),
        Some("new-value-2")
    );
    m.write_at(off, &old.buckets[0]);
    assert_eq!(identity(&fx.path), id, "the file identity moved");
    // The bytes on disk no longer match the signed hash ...
    assert_ne!(
        crypto::sha256(&fx.bytes()[off..]),
        cur.header.buckets[0].hash
    );
    // ... yet the next request is answered from the tampered bucket.
    let got = fx.get(&tok(&r), &app("a"), "u");
    match got {
        Ok(Some(v)) if v == "old-value-1" => {
            panic!("FINDING: silent rollback to {v:?} by a keyless in-place write")
        }
        // Detected: the bucket fails its hash (500), never a silent answer.
        other => assert_eq!(
            other.map_err(|e| e.status()).err(),
            Some(crate::status::Status::WrongFormat)
        ),
    }
}

/// A READ-ONLY token scoped to app `a` holds K_app(a), so it can seal
/// entries of app `a` itself; only the data signature (bucket hash in the
/// signed header) stops it from writing. Behind the cache that check is
/// skipped: through an in-place mmap write it changes the value that every
/// other reader of app `a` gets from a long-running process (`serve`).
#[test]
fn review_a_read_only_token_changes_a_served_secret_through_the_cache() {
    let fx = Fx::new();
    let ro = fx.token("ro", &[app("a")], false);
    let other = fx.token("deployer", &[], false);
    fx.put(&pass(), &app("a"), "u", "real-value-1").unwrap();
    let bytes = fx.bytes();
    let raw = Raw::parse(&bytes);
    // The read-only token's own keys: K_app(a), no signing seed.
    let mut rk = raw.keyring(&tok(&ro));
    assert!(rk.signing_seed.is_none());
    let original = &super::format::parse_bucket(&raw.buckets[0], 0, 1, 1).unwrap()[0];
    // The sealed scope name is the same in every entry of the scope: copy it.
    let sk = super::keys::ScopeKeys::new(app("a"), rk.scope_key(&app("a")).unwrap());
    rk.name_cts.push((sk.tag, original.scope_ct.clone()));
    let forged = sk
        .seal(&raw.header.vault_id, &rk, &entry("u", "evil-value-1"))
        .unwrap();
    let bucket = super::format::encode_bucket(&[forged]);
    assert_eq!(bucket.len(), raw.buckets[0].len());
    let off = bytes.len() - bucket.len();

    let mut m = Mapper::new(&fx.path);
    assert_eq!(
        fx.get(&tok(&other), &app("a"), "u").unwrap().as_deref(),
        Some("real-value-1")
    );
    m.write_at(off, &bucket);
    let got = fx.get(&tok(&other), &app("a"), "u");
    match got {
        Ok(Some(v)) if v == "evil-value-1" => {
            panic!("FINDING: a read-only token changed the value another token reads: {v:?}")
        }
        other => assert_eq!(
            other.map_err(|e| e.status()).err(),
            Some(crate::status::Status::WrongFormat)
        ),
    }
    // A fresh process (no cache) refuses the file: the bucket fails its hash.
    drop(m);
}

/// The same forged bucket, then ANY write into that bucket by a writer in
/// the same long-running process (here a write token for another app,
/// through the same code path `serve`'s writer thread uses): the writer
/// reads the touched bucket through the hash cache, so it re-signs the
/// read-only token's forgery into a new, validly signed file. From then on
/// every reader, fresh processes and `vault check` included, accepts it.
#[test]
fn review_a_writer_launders_a_forged_bucket_into_a_signed_file() {
    let fx = Fx::new();
    let ro = fx.token("ro", &[app("a")], false);
    let wb = fx.token("wb", &[], true);
    fx.put(&pass(), &app("a"), "u", "real-value-1").unwrap();
    let bytes = fx.bytes();
    let raw = Raw::parse(&bytes);
    let mut rk = raw.keyring(&tok(&ro));
    let original = &super::format::parse_bucket(&raw.buckets[0], 0, 1, 1).unwrap()[0];
    let sk = super::keys::ScopeKeys::new(app("a"), rk.scope_key(&app("a")).unwrap());
    rk.name_cts.push((sk.tag, original.scope_ct.clone()));
    let forged = sk
        .seal(&raw.header.vault_id, &rk, &entry("u", "evil-value-1"))
        .unwrap();
    let bucket = super::format::encode_bucket(&[forged]);
    let off = bytes.len() - bucket.len();

    let mut m = Mapper::new(&fx.path);
    // One request reads the bucket (any reader: here the attacker itself).
    assert_eq!(
        fx.get(&tok(&ro), &app("a"), "u").unwrap().as_deref(),
        Some("real-value-1")
    );
    m.write_at(off, &bucket);
    // An unrelated write, same process, same (one) bucket: the writer reads
    // the tampered bucket, finds it fails its hash, and refuses to sign it.
    let e = fx.put(&tok(&wb), &app("b"), "x", "b-value").unwrap_err();
    assert_eq!(
        e.status(),
        crate::status::Status::WrongFormat,
        "{}",
        e.detail()
    );
    drop(m);
    // A new file (renamed into place): nothing is cached for it.
    let fresh = Vault::open(&fx.store(), &pass()).unwrap();
    let got = fx.get(&pass(), &app("a"), "u");
    match got {
        Ok(Some(v)) if v == "evil-value-1" => panic!(
            "FINDING: forgery by a read-only token now validly signed; passphrase reads {v:?}, check clean: {}",
            fresh.check().map(|c| c.is_clean()).unwrap_or(false)
        ),
        other => assert_eq!(
            other.map_err(|e| e.status()).err(),
            Some(crate::status::Status::WrongFormat)
        ),
    }
}

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

fn slot_len(s: &super::format::Slot) -> usize {
    let lock = match &s.lock {
        SlotLock::Passphrase { .. } => 1 + 4 + 4 + 16,
        SlotLock::Token { escrow, .. } => 1 + 16 + 32 + 12 + 2 + escrow.len(),
    };
    16 + lock + 12 + 4 + s.sealed.len()
}

/// A write token rewrites the vault as format version 1, which every
/// credential still reads and whose slot table nothing authenticates: its
/// own slot, resealed over a keyring it chose (no expiry), is accepted.
#[test]
fn review_a_write_token_downgrades_to_v1_and_its_forged_slot_is_accepted() {
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
    raw.header.version = super::format::VERSION_2;
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

/// Anyone who can write the file, with no key, replaces the vault with a
/// header of 2^20 bucket references and a zero signature, again and again:
/// a long-running process must not keep such a header (it never verified),
/// or each forged file costs it tens of MiB that stay after the vault is
/// restored.
#[test]
fn review_a_forged_header_is_refused_and_not_kept() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "a-secret").unwrap();
    let reader = fx.token("reader", &[], false);
    let good = fx.bytes();
    // Verified: kept.
    fx.get(&tok(&reader), &app("a"), "u").unwrap();
    let id =
        |p: &std::path::Path| super::cache::FileId::of(&std::fs::File::open(p).unwrap()).unwrap();
    assert!(super::cache::parsed::<std::sync::Arc<super::HeadRead>>(id(&fx.path)).is_some());

    let mut forged = good.clone();
    let (_, hlen) = super::format::parse_prefix(&good[..super::format::PREFIX_LEN]).unwrap();
    let sig_at = super::format::PREFIX_LEN + hlen as usize;
    forged[sig_at..sig_at + 64].fill(0);
    // Renamed in, as a writer would: another inode, so nothing parsed
    // earlier applies to it.
    let next = fx.path.with_extension("next");
    std::fs::write(&next, &forged).unwrap();
    std::fs::rename(&next, &fx.path).unwrap();
    assert_eq!(
        status(fx.get(&tok(&reader), &app("a"), "u")),
        crate::status::Status::WrongFormat
    );
    assert!(
        super::cache::parsed::<std::sync::Arc<super::HeadRead>>(id(&fx.path)).is_none(),
        "a header that failed its signature was kept"
    );
    fx.set_bytes(&good);
    assert_eq!(
        fx.get(&tok(&reader), &app("a"), "u").unwrap().as_deref(),
        Some("a-secret")
    );
}
