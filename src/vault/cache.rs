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
//!
//! Each thread keeps its own caches (a server's request threads never wait
//! on one another for them); each is bounded, and a server runs one request
//! thread per core, so memory does not grow with requests.

use crate::crypto;
use crate::error::Result;
use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicUsize, Ordering};

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
        file.metadata().ok().map(|m| FileId::from_meta(&m))
    }

    /// The identity described by `m`, the metadata of an open file.
    pub fn from_meta(m: &std::fs::Metadata) -> FileId {
        FileId {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
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

thread_local! {
    static VERIFIED: RefCell<Vec<Verified>> = const { RefCell::new(Vec::new()) };
}

/// [`crypto::verify`], skipped when this exact (key, message, signature)
/// already verified: the verdict depends on the bytes alone.
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    let hit = |v: &Verified| v.0 == *public_key && v.1 == sig && v.2 == msg;
    if VERIFIED.with_borrow(|seen| seen.iter().any(hit)) {
        return true;
    }
    let ok = crypto::verify(public_key, msg, sig);
    if ok && msg.len() <= MAX_MESSAGE {
        VERIFIED.with_borrow_mut(|seen| {
            if seen.len() >= MAX_ENTRIES {
                seen.clear();
            }
            seen.push((*public_key, sig.to_vec(), msg.to_vec()));
        });
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

/// Buckets whose hash matched: bucket index → (hash, the bytes that
/// matched it). A newer bucket at the same index replaces the older one, so
/// a thread keeps at most one vault's worth; all threads together keep at
/// most [`MAX_HASHED_BYTES`]: past that, a thread drops what it kept (or,
/// if others hold the budget, keeps nothing new) and checks afresh, so
/// memory stays bounded however many requests come.
type Hashes = HashMap<usize, ([u8; 32], Vec<u8>)>;

/// Bucket bytes kept, all threads together (a vault of 100,000 secrets is
/// about 22 MiB; a server has one request thread per core).
const MAX_HASHED_BYTES: usize = 64 << 20;
static HASHED_TOTAL: AtomicUsize = AtomicUsize::new(0);

#[derive(Default)]
struct Hashed {
    map: Hashes,
    bytes: usize,
}

impl Hashed {
    fn release(&mut self, n: usize) {
        self.bytes -= n;
        HASHED_TOTAL.fetch_sub(n, Ordering::Relaxed);
    }

    fn insert(&mut self, index: usize, hash: [u8; 32], bytes: &[u8]) {
        if let Some((_, old)) = self.map.remove(&index) {
            self.release(old.len());
        }
        let fits = || HASHED_TOTAL.load(Ordering::Relaxed) + bytes.len() <= MAX_HASHED_BYTES;
        if !fits() {
            self.map = HashMap::new();
            self.release(self.bytes);
        }
        if fits() {
            HASHED_TOTAL.fetch_add(bytes.len(), Ordering::Relaxed);
            self.bytes += bytes.len();
            self.map.insert(index, (hash, bytes.to_vec()));
        }
    }
}

impl Drop for Hashed {
    fn drop(&mut self) {
        self.release(self.bytes);
    }
}

thread_local! {
    static HASHED: RefCell<Hashed> = RefCell::default();
}

/// True when SHA-256 of `bytes` is `expected`; skipped when these exact
/// bytes already matched `expected` as bucket `index`: the verdict depends
/// on the bytes alone (the index only says where to look for them).
pub fn hash_matches(index: usize, bytes: &[u8], expected: &[u8; 32]) -> bool {
    let hit = HASHED.with_borrow(|seen| {
        seen.map
            .get(&index)
            .is_some_and(|(h, b)| h == expected && b.as_slice() == bytes)
    });
    if hit {
        return true;
    }
    let ok = crypto::sha256(bytes) == *expected;
    if ok {
        HASHED.with_borrow_mut(|seen| seen.insert(index, *expected, bytes));
    }
    ok
}

/// Per file, its parsed header (an opaque value to this module; a clone is
/// handed out).
type Parsed = Option<Box<dyn Any>>;
thread_local! {
    static PARSED: RefCell<Vec<(FileId, Parsed)>> = const { RefCell::new(Vec::new()) };
}

/// `read(file)`, or a clone of what it returned for this file, unchanged.
/// `before` is the file's identity before anything was read from it.
pub fn parsed<T: Clone + 'static>(
    before: Option<FileId>,
    file: &File,
    read: impl FnOnce(&File) -> Result<T>,
) -> Result<T> {
    let Some(id) = before else {
        return read(file);
    };
    let hit = PARSED.with_borrow_mut(|seen| {
        entry(seen, id, || None)
            .as_ref()
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
    });
    if let Some(v) = hit {
        return Ok(v);
    }
    let value = read(file)?;
    // Only what was read from a file that stayed the same meanwhile.
    if FileId::of(file) == Some(id) {
        PARSED.with_borrow_mut(|seen| *entry(seen, id, || None) = Some(Box::new(value.clone())));
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
        let f = File::open(&path).unwrap();
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
        let read = |_: &File| {
            reads.set(reads.get() + 1);
            Ok(String::from("parsed"))
        };
        assert_eq!(parsed(id, &f, read).unwrap(), "parsed");
        assert_eq!(parsed(id, &f, read).unwrap(), "parsed");
        assert_eq!(reads.get(), 1);
        std::fs::write(&path, b"bucket2").unwrap();
        let changed = FileId::of(&f);
        assert!(!hash_matches(0, b"tekcub", &good));
        assert_eq!(parsed(changed, &f, read).unwrap(), "parsed");
        assert_eq!(reads.get(), 2);
    }

    #[test]
    fn kept_bucket_bytes_stay_within_the_budget() {
        let bucket = vec![7u8; 1 << 20];
        let hash = crypto::sha256(&bucket);
        for i in 0..(MAX_HASHED_BYTES >> 20) + 16 {
            assert!(hash_matches(i, &bucket, &hash));
            assert!(HASHED_TOTAL.load(Ordering::Relaxed) <= MAX_HASHED_BYTES);
        }
        // The same index again replaces rather than adds.
        let before = HASHED.with_borrow(|h| h.bytes);
        assert!(hash_matches(3, &bucket, &hash));
        assert!(HASHED.with_borrow(|h| h.bytes) <= before + bucket.len());
        assert!(HASHED.with_borrow(|h| h.map.len()) <= MAX_HASHED_BYTES >> 20);
    }
}
