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
//! on one another for them); each kind is bounded in items per thread and
//! in bytes for all threads together, so memory does not grow with
//! requests, files or threads. Only a header that verified is kept.

use crate::crypto;
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

/// Bytes one kind of cache keeps, all threads together: a thread that
/// cannot reserve room drops what it kept itself, and if others hold the
/// room, keeps nothing new (and checks afresh), so memory stays bounded
/// whatever the number of threads, files or requests.
struct Budget {
    used: AtomicUsize,
    max: usize,
}

impl Budget {
    const fn new(max: usize) -> Budget {
        Budget {
            used: AtomicUsize::new(0),
            max,
        }
    }

    /// Reserves `n` bytes; false when that would pass the maximum.
    fn take(&self, n: usize) -> bool {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                u.checked_add(n).filter(|t| *t <= self.max)
            })
            .is_ok()
    }

    fn give(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }

    #[cfg(test)]
    fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
}

/// One thread's short list of kept values with their weights in bytes,
/// oldest first, charged to a [`Budget`].
struct Kept<T: 'static> {
    items: Vec<(T, usize)>,
    budget: &'static Budget,
    max_items: usize,
}

impl<T> Kept<T> {
    const fn new(budget: &'static Budget, max_items: usize) -> Kept<T> {
        Kept {
            items: Vec::new(),
            budget,
            max_items,
        }
    }

    fn find(&self, f: impl Fn(&T) -> bool) -> Option<&T> {
        self.items.iter().map(|(v, _)| v).find(|v| f(v))
    }

    fn remove_where(&mut self, f: impl Fn(&T) -> bool) {
        let budget = self.budget;
        self.items.retain(|(v, w)| {
            let keep = !f(v);
            if !keep {
                budget.give(*w);
            }
            keep
        });
    }

    fn push(&mut self, value: T, weight: usize) {
        if self.items.len() >= self.max_items && !self.items.is_empty() {
            let (_, w) = self.items.remove(0);
            self.budget.give(w);
        }
        if !self.budget.take(weight) {
            self.clear();
            if !self.budget.take(weight) {
                return;
            }
        }
        self.items.push((value, weight));
    }

    fn clear(&mut self) {
        for (_, w) in self.items.drain(..) {
            self.budget.give(w);
        }
    }
}

impl<T> Drop for Kept<T> {
    fn drop(&mut self) {
        self.clear();
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
static VERIFIED_BYTES: Budget = Budget::new(16 << 20);

thread_local! {
    static VERIFIED: RefCell<Kept<Verified>> = const { RefCell::new(Kept::new(&VERIFIED_BYTES, MAX_ENTRIES)) };
}

/// [`crypto::verify`], skipped when this exact (key, message, signature)
/// already verified: the verdict depends on the bytes alone.
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    let hit = |v: &Verified| v.0 == *public_key && v.1 == sig && v.2 == msg;
    if VERIFIED.with_borrow(|seen| seen.find(hit).is_some()) {
        return true;
    }
    let ok = crypto::verify(public_key, msg, sig);
    if ok && msg.len() <= MAX_MESSAGE {
        let weight = msg.len() + sig.len() + 32;
        VERIFIED.with_borrow_mut(|seen| {
            seen.push((*public_key, sig.to_vec(), msg.to_vec()), weight);
        });
    }
    ok
}

/// Buckets whose hash matched: bucket index → (hash, the bytes that
/// matched it). A newer bucket at the same index replaces the older one, so
/// a thread keeps at most one vault's worth, and all threads together at
/// most [`HASHED_BYTES`].
type Hashes = HashMap<usize, ([u8; 32], Vec<u8>)>;

/// Bucket bytes kept, all threads together (a vault of 100,000 secrets is
/// about 22 MiB; a server has one request thread per core).
static HASHED_BYTES: Budget = Budget::new(64 << 20);
/// What one kept bucket costs besides its bytes (index, hash, the Vec and
/// the map slot), charged too, so many tiny buckets cannot escape the budget.
const ENTRY_COST: usize = 128;

#[derive(Default)]
struct Hashed {
    map: Hashes,
    bytes: usize,
}

impl Hashed {
    fn release(&mut self, n: usize) {
        self.bytes -= n;
        HASHED_BYTES.give(n);
    }

    fn insert(&mut self, index: usize, hash: [u8; 32], bytes: &[u8]) {
        if let Some((_, old)) = self.map.remove(&index) {
            self.release(ENTRY_COST + old.len());
        }
        // An empty bucket costs nothing to hash again; keeping it would
        // cost a map entry.
        if bytes.is_empty() {
            return;
        }
        let cost = ENTRY_COST + bytes.len();
        if !HASHED_BYTES.take(cost) {
            self.map = HashMap::new();
            self.release(self.bytes);
            if !HASHED_BYTES.take(cost) {
                return;
            }
        }
        self.bytes += cost;
        self.map.insert(index, (hash, bytes.to_vec()));
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

/// How many files' parsed headers a thread keeps; the oldest go first.
const FILES: usize = 8;
/// Parsed headers kept, all threads together.
static PARSED_BYTES: Budget = Budget::new(32 << 20);

thread_local! {
    /// Per file, its parsed header (an opaque value to this module; a
    /// clone is handed out).
    static PARSED: RefCell<Kept<(FileId, Box<dyn Any>)>> = const { RefCell::new(Kept::new(&PARSED_BYTES, FILES)) };
}

/// The header parsed earlier for the file with identity `id`, if kept.
pub fn parsed<T: Clone + 'static>(id: FileId) -> Option<T> {
    PARSED.with_borrow(|seen| {
        seen.find(|(f, _)| *f == id)
            .and_then(|(_, v)| v.downcast_ref::<T>())
            .cloned()
    })
}

/// Keeps `value`, the header parsed from `file` whose identity was `id`
/// before it was read, if the file is still the same and the value weighs
/// (about `weight` bytes) no more than [`MAX_MESSAGE`] twice. The caller
/// keeps only a header that verified: a forged one must not take room.
pub fn remember_parsed<T: 'static>(id: FileId, file: &File, value: T, weight: usize) {
    if weight > 2 * MAX_MESSAGE || FileId::of(file) != Some(id) {
        return;
    }
    PARSED.with_borrow_mut(|seen| {
        seen.remove_where(|(f, _)| *f == id);
        seen.push((id, Box::new(value)), weight);
    });
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

        // Parsed headers: kept per file identity; a changed file misses.
        let id = id.unwrap();
        assert_eq!(parsed::<String>(id), None);
        remember_parsed(id, &f, String::from("parsed"), 6);
        assert_eq!(parsed::<String>(id).as_deref(), Some("parsed"));
        std::fs::write(&path, b"bucket2").unwrap();
        let changed = FileId::of(&f).unwrap();
        assert!(!hash_matches(0, b"tekcub", &good));
        assert_eq!(parsed::<String>(changed), None);
        // Not kept: a value read from a file that changed meanwhile, or one
        // too large to be worth keeping.
        remember_parsed(id, &f, String::from("stale"), 5);
        assert_eq!(parsed::<String>(id).as_deref(), Some("parsed"));
        remember_parsed(changed, &f, String::from("huge"), 3 * MAX_MESSAGE);
        assert_eq!(parsed::<String>(changed), None);
    }

    #[test]
    fn a_budget_is_shared_by_all_threads_and_given_back() {
        static B: Budget = Budget::new(100);
        let fill = || {
            let mut k: Kept<u32> = Kept::new(&B, 4);
            for i in 0..10 {
                k.push(i, 30);
                assert!(B.used() <= 100);
            }
            // At most four items, and whatever the budget allowed.
            assert!(k.items.len() <= 4);
            k
        };
        let here = fill();
        let there = std::thread::spawn(move || {
            let k = fill();
            let n = k.items.len();
            drop(k);
            n
        })
        .join()
        .unwrap();
        assert!(here.items.len() * 30 + there * 30 <= 130);
        drop(here);
        assert_eq!(B.used(), 0, "every byte is given back");
    }

    #[test]
    fn kept_bucket_bytes_stay_within_the_budget() {
        let bucket = vec![7u8; 1 << 20];
        let hash = crypto::sha256(&bucket);
        for i in 0..(HASHED_BYTES.max >> 20) + 16 {
            assert!(hash_matches(i, &bucket, &hash));
            assert!(HASHED_BYTES.used() <= HASHED_BYTES.max);
        }
        // The same index again replaces rather than adds.
        let before = HASHED.with_borrow(|h| h.bytes);
        assert!(hash_matches(3, &bucket, &hash));
        assert!(HASHED.with_borrow(|h| h.bytes) <= before + bucket.len() + ENTRY_COST);
        assert!(HASHED.with_borrow(|h| h.map.len()) <= HASHED_BYTES.max >> 20);
    }

    /// A signer can publish 2^20 empty (or tiny) buckets: they must not be
    /// kept for free (found by review).
    #[test]
    fn many_tiny_buckets_are_charged_for() {
        let empty = crypto::sha256(b"");
        for i in 0..1000 {
            assert!(hash_matches(i, b"", &empty));
        }
        assert_eq!(
            HASHED.with_borrow(|h| h.map.len()),
            0,
            "empty buckets are not kept"
        );
        let one = crypto::sha256(b"x");
        for i in 0..(1usize << 20) {
            assert!(hash_matches(i, b"x", &one));
        }
        assert!(HASHED_BYTES.used() <= HASHED_BYTES.max);
        let kept = HASHED.with_borrow(|h| h.map.len());
        assert!(kept <= HASHED_BYTES.max / ENTRY_COST, "{kept} kept");
    }
}
