//! Remembers what was checked, so that a long-running process (`serve`)
//! does not parse the header, verify Ed25519 signatures and hash the bucket
//! it reads on every request.
//!
//! Verdicts are keyed on *content*, never on file metadata: a signature is
//! trusted again only for the exact (public key, message, signature) it
//! verified, and a bucket only when its bytes are exactly the bytes whose
//! hash matched. So no in-place rewrite, copied signature or timestamp
//! trick can make a cached verdict cover bytes that were not checked.
//! Only the parsed header is keyed on the file's identity (device, inode,
//! size, mtime, ctime): it is a parse, not a verdict, and everything it
//! says is still checked through the two content-keyed caches above.
//! Nothing secret is kept: public keys, signatures, and bytes as they are
//! on disk (encrypted).

use crate::crypto;
use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::sync::{LazyLock, Mutex};

/// The identity of an open file's current contents.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FileId {
    /// Reads the identity of `file` (one fstat); `None` if it cannot.
    pub fn of(file: &File) -> Option<FileId> {
        let m = file.metadata().ok()?;
        Some(FileId {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

/// (public key, signature, message) that verified.
type Verified = ([u8; 32], Vec<u8>, Vec<u8>);

/// Bounded by the number of distinct keys and signed messages a process
/// sees between writes, not by the number of requests.
const MAX_ENTRIES: usize = 64;
/// Messages larger than this are verified every time (keeping them would
/// cost more memory than the check costs time).
const MAX_MESSAGE: usize = 1 << 20;

static VERIFIED: Mutex<Vec<Verified>> = Mutex::new(Vec::new());

/// [`crypto::verify`], skipped when this exact (key, message, signature)
/// already verified: the verdict depends on the bytes alone.
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    let hit = |v: &Verified| v.0 == *public_key && v.1 == sig && v.2 == msg;
    if let Ok(seen) = VERIFIED.lock()
        && seen.iter().any(hit)
    {
        return true;
    }
    let ok = crypto::verify(public_key, msg, sig);
    if ok
        && msg.len() <= MAX_MESSAGE
        && let Ok(mut seen) = VERIFIED.lock()
    {
        if seen.len() >= MAX_ENTRIES {
            seen.clear();
        }
        seen.push((*public_key, sig.to_vec(), msg.to_vec()));
    }
    ok
}

/// How many files' entries are kept; the oldest go first.
const FILES: usize = 8;

/// The entry of file `id` in `list`, made with `new` if missing.
fn entry<V>(list: &mut Vec<(FileId, V)>, id: FileId, new: impl FnOnce() -> V) -> &mut V {
    let i = match list.iter().position(|(f, _)| *f == id) {
        Some(i) => i,
        None => {
            if list.len() >= FILES {
                list.remove(0);
            }
            list.push((id, new()));
            list.len() - 1
        }
    };
    &mut list[i].1
}

/// Buckets whose hash matched: offset → (hash, the bytes that matched it).
/// A newer bucket at the same offset replaces the older one; in all, at
/// most [`MAX_HASHED_BYTES`] are kept, then everything is dropped and
/// checked afresh, so memory stays bounded however many requests come.
type Hashes = HashMap<u64, ([u8; 32], Vec<u8>)>;
static HASHED: LazyLock<Mutex<(Hashes, usize)>> = LazyLock::new(Mutex::default);
/// Bucket bytes kept at most (a vault of about 100,000 secrets).
const MAX_HASHED_BYTES: usize = 24 << 20;

/// True when SHA-256 of `bytes` is `expected`; skipped when these exact
/// bytes already matched `expected` at this offset: the verdict depends on
/// the bytes alone.
pub fn hash_matches(offset: u64, bytes: &[u8], expected: &[u8; 32]) -> bool {
    if let Ok(seen) = HASHED.lock()
        && seen
            .0
            .get(&offset)
            .is_some_and(|(h, b)| h == expected && b.as_slice() == bytes)
    {
        return true;
    }
    let ok = crypto::sha256(bytes) == *expected;
    if ok && let Ok(mut seen) = HASHED.lock() {
        if seen.1 + bytes.len() > MAX_HASHED_BYTES {
            *seen = (HashMap::new(), 0);
        }
        let old = seen.0.insert(offset, (*expected, bytes.to_vec()));
        seen.1 = seen.1 + bytes.len() - old.map_or(0, |(_, b)| b.len());
    }
    ok
}

/// Per file, its parsed header (an opaque value to this module; a clone is
/// handed out).
type Parsed = Option<Box<dyn Any + Send>>;
static PARSED: Mutex<Vec<(FileId, Parsed)>> = Mutex::new(Vec::new());

/// `read(file)`, or a clone of what it returned for this file, unchanged.
/// `before` is the file's identity before anything was read from it.
pub fn parsed<T: Clone + Send + 'static>(
    before: Option<FileId>,
    file: &mut File,
    read: impl FnOnce(&mut File) -> Result<T>,
) -> Result<T> {
    let Some(id) = before else {
        return read(file);
    };
    if let Ok(mut seen) = PARSED.lock()
        && let Some(v) = entry(&mut seen, id, || None)
            .as_ref()
            .and_then(|v| v.downcast_ref::<T>())
    {
        return Ok(v.clone());
    }
    let value = read(file)?;
    // Only what was read from a file that stayed the same meanwhile.
    if FileId::of(file) == Some(id)
        && let Ok(mut seen) = PARSED.lock()
    {
        *entry(&mut seen, id, || None) = Some(Box::new(value.clone()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Signer;

    #[test]
    fn a_verdict_covers_exactly_the_bytes_that_were_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"one").unwrap();
        let signer = Signer::from_seed(&crate::secret::Key32::new([9; 32])).unwrap();
        let key = signer.public_key();
        let sig = signer.sign(b"message");
        let mut f = File::open(&path).unwrap();
        let id = FileId::of(&f);
        assert!(verify(&key, b"message", &sig));
        assert!(verify(&key, b"message", &sig));
        // A wrong signature is never remembered as good.
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify(&key, b"message", &bad));
        // A signature copied onto another message of the same length, in
        // the same unchanged file: checked for real, and refused.
        assert!(!verify(&key, b"massage", &sig));
        assert!(!verify(&key, b"messag", &sig));

        // Buckets: only the exact bytes that matched are trusted again,
        // whatever the file's identity says.
        let good = crypto::sha256(b"bucket");
        assert!(hash_matches(0, b"bucket", &good));
        assert!(hash_matches(0, b"bucket", &good));
        assert!(!hash_matches(0, b"bucket", &[0; 32]));
        assert!(!hash_matches(0, b"tekcub", &good));
        assert!(!hash_matches(1, b"tekcub", &good));

        let reads = std::cell::Cell::new(0);
        let read = |_: &mut File| {
            reads.set(reads.get() + 1);
            Ok(String::from("parsed"))
        };
        assert_eq!(parsed(id, &mut f, read).unwrap(), "parsed");
        assert_eq!(parsed(id, &mut f, read).unwrap(), "parsed");
        assert_eq!(reads.get(), 1);
        std::fs::write(&path, b"bucket2").unwrap();
        let changed = FileId::of(&f);
        assert!(!hash_matches(0, b"tekcub", &good));
        assert_eq!(parsed(changed, &mut f, read).unwrap(), "parsed");
        assert_eq!(reads.get(), 2);
    }
}
