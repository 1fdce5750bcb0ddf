//! What a long-running process (`serve`) remembers of a vault file it has
//! verified (signatures, bucket hashes, the parsed header) never stands in
//! for bytes that changed: a copied signature, an in-place write through a
//! shared mapping and a forged header are each caught, and a writer never
//! re-signs a forgery it read through the cache.

use super::*;
use crate::crypto;
use crate::vault::format::SlotLock;
use crate::vault::keys::Keyring;
use crate::vault::test_support::*;
use crate::vault::{Vault, admin};

/// Review of format v2. The attacker (a write token, expired) replaces its own slot with one
/// whose keyring it chose, padded to the exact length of another token's
/// slot, and copies that token's (valid) table signature onto it. The slot
/// signature check in a long-running process (`serve`) is memoised by
/// (file identity, public key, signature, message LENGTH), not by message:
/// once the victim's request has verified its own slot in this file, the
/// forged slot "verifies" too.
#[test]
fn cache_accepts_a_copied_slot_signature_for_a_forged_slot() {
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

/// Review of format v2. No key at all (or a read-only token, or a revoked one): only write
/// access to the file. A long-running reader (`serve`) has checked the
/// current file; the attacker then puts back an OLDER bucket (same length,
/// same key epoch) through a shared mapping. The header, its signature and
/// the bucket hash are all remembered for this "unchanged" file, so the
/// reader silently returns the old value of a secret: a per-entry rollback
/// by someone who holds no signing key, and one the generation counter
/// does not show.
#[test]
fn in_place_mmap_write_rolls_back_a_bucket_behind_the_cache() {
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

/// Review of format v2. A READ-ONLY token scoped to app `a` holds K_app(a), so it can seal
/// entries of app `a` itself; only the data signature (bucket hash in the
/// signed header) stops it from writing. Behind the cache that check is
/// skipped: through an in-place mmap write it changes the value that every
/// other reader of app `a` gets from a long-running process (`serve`).
#[test]
fn a_read_only_token_changes_a_served_secret_through_the_cache() {
    let fx = Fx::new();
    let ro = fx.token("ro", &[app("a")], false);
    let other = fx.token("deployer", &[], false);
    fx.put(&pass(), &app("a"), "u", "real-value-1").unwrap();
    let bytes = fx.bytes();
    let raw = Raw::parse(&bytes);
    // The read-only token's own keys: K_app(a), no signing seed.
    let mut rk = raw.keyring(&tok(&ro));
    assert!(rk.signing_seed.is_none());
    let original = &crate::vault::format::parse_bucket(&raw.buckets[0], 0, 1, 1).unwrap()[0];
    // The sealed scope name is the same in every entry of the scope: copy it.
    let sk = crate::vault::keys::ScopeKeys::new(app("a"), rk.scope_key(&app("a")).unwrap());
    rk.name_cts.push((sk.tag, original.scope_ct.clone()));
    let forged = sk
        .seal(&raw.header.vault_id, &rk, &entry("u", "evil-value-1"))
        .unwrap();
    let bucket = crate::vault::format::encode_bucket(&[forged]);
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

/// Review of format v2. The same forged bucket, then ANY write into that bucket by a writer in
/// the same long-running process (here a write token for another app,
/// through the same code path `serve`'s writer thread uses): the writer
/// reads the touched bucket through the hash cache, so it re-signs the
/// read-only token's forgery into a new, validly signed file. From then on
/// every reader, fresh processes and `vault check` included, accepts it.
#[test]
fn a_writer_launders_a_forged_bucket_into_a_signed_file() {
    let fx = Fx::new();
    let ro = fx.token("ro", &[app("a")], false);
    let wb = fx.token("wb", &[], true);
    fx.put(&pass(), &app("a"), "u", "real-value-1").unwrap();
    let bytes = fx.bytes();
    let raw = Raw::parse(&bytes);
    let mut rk = raw.keyring(&tok(&ro));
    let original = &crate::vault::format::parse_bucket(&raw.buckets[0], 0, 1, 1).unwrap()[0];
    let sk = crate::vault::keys::ScopeKeys::new(app("a"), rk.scope_key(&app("a")).unwrap());
    rk.name_cts.push((sk.tag, original.scope_ct.clone()));
    let forged = sk
        .seal(&raw.header.vault_id, &rk, &entry("u", "evil-value-1"))
        .unwrap();
    let bucket = crate::vault::format::encode_bucket(&[forged]);
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

/// Review of format v2. Anyone who can write the file, with no key, replaces the vault with a
/// header of 2^20 bucket references and a zero signature, again and again:
/// a long-running process must not keep such a header (it never verified),
/// or each forged file costs it tens of MiB that stay after the vault is
/// restored.
#[test]
fn a_forged_header_is_refused_and_not_kept() {
    let fx = Fx::new();
    fx.put(&pass(), &app("a"), "u", "a-secret").unwrap();
    let reader = fx.token("reader", &[], false);
    let good = fx.bytes();
    // Verified: kept.
    fx.get(&tok(&reader), &app("a"), "u").unwrap();
    let id = |p: &std::path::Path| {
        crate::vault::cache::FileId::of(&std::fs::File::open(p).unwrap()).unwrap()
    };
    assert!(
        crate::vault::cache::parsed::<std::sync::Arc<crate::vault::HeadRead>>(id(&fx.path))
            .is_some()
    );

    let mut forged = good.clone();
    let (_, hlen) =
        crate::vault::format::parse_prefix(&good[..crate::vault::format::PREFIX_LEN]).unwrap();
    let sig_at = crate::vault::format::PREFIX_LEN + hlen as usize;
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
        crate::vault::cache::parsed::<std::sync::Arc<crate::vault::HeadRead>>(id(&fx.path))
            .is_none(),
        "a header that failed its signature was kept"
    );
    fx.set_bytes(&good);
    assert_eq!(
        fx.get(&tok(&reader), &app("a"), "u").unwrap().as_deref(),
        Some("a-secret")
    );
}
