//! Remembers what was checked about a vault file while it stays unchanged,
//! so that a long-running process (`serve`) does not parse the header,
//! verify its Ed25519 signature and hash the bucket it reads on every
//! request: the parsed header, which signatures verified, and which
//! buckets matched their hash.
//!
//! A file is identified by device, inode, size, and modification and
//! change times in nanoseconds. Writers replace the vault by rename (a new
//! inode); an in-place change to the same inode moves its ctime, which no
//! unprivileged process can set back. So while the identity is the same,
//! the bytes are the ones that were checked, and the verdict still holds.
//! (Timestamps tick coarsely, a few ms; an in-place rewrite of the same size
//! within the tick of the last change would go unnoticed, which needs write
//! access to the owner's 0600 file.) Only successes are remembered, never
//! plaintext or keys: file identities, public keys, signatures, bucket
//! hashes, and the header as it is on disk.

use crate::crypto;
use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::sync::Mutex;

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

type Verified = (FileId, [u8; 32], Vec<u8>, usize);

/// Bounded by the number of distinct files, keys and signatures a process
/// sees between writes, not by the number of requests.
const MAX_ENTRIES: usize = 64;

static VERIFIED: Mutex<Vec<Verified>> = Mutex::new(Vec::new());

/// [`crypto::verify`] of `msg` read from `file`, skipped when this file,
/// unchanged, already passed the same check with the same key and
/// signature. `before` is the file's identity from before `msg` was read:
/// if it changed meanwhile, nothing is assumed.
pub fn verify(
    before: Option<FileId>,
    file: &File,
    public_key: &[u8; 32],
    msg: &[u8],
    sig: &[u8],
) -> bool {
    let id = match (before, FileId::of(file)) {
        (Some(a), Some(b)) if a == b => a,
        _ => return crypto::verify(public_key, msg, sig),
    };
    let hit = |v: &Verified| v.0 == id && v.1 == *public_key && v.2 == sig && v.3 == msg.len();
    if let Ok(seen) = VERIFIED.lock()
        && seen.iter().any(hit)
    {
        return true;
    }
    let ok = crypto::verify(public_key, msg, sig);
    if ok && let Ok(mut seen) = VERIFIED.lock() {
        if seen.len() >= MAX_ENTRIES {
            seen.clear();
        }
        seen.push((id, *public_key, sig.to_vec(), msg.len()));
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

/// Per file, the buckets whose hash matched: (offset, length) → hash.
/// Bounded by the vault's bucket count.
type Hashes = HashMap<(u64, usize), [u8; 32]>;
static HASHED: Mutex<Vec<(FileId, Hashes)>> = Mutex::new(Vec::new());

/// True when SHA-256 of `bytes`, read at `offset` of `file`, is `expected`;
/// skipped when this file, unchanged, already matched it there.
pub fn hash_matches(
    before: Option<FileId>,
    file: &File,
    offset: u64,
    bytes: &[u8],
    expected: &[u8; 32],
) -> bool {
    let id = match (before, FileId::of(file)) {
        (Some(a), Some(b)) if a == b => a,
        _ => return crypto::sha256(bytes) == *expected,
    };
    let key = (offset, bytes.len());
    if let Ok(mut seen) = HASHED.lock()
        && entry(&mut seen, id, HashMap::new).get(&key) == Some(expected)
    {
        return true;
    }
    let ok = crypto::sha256(bytes) == *expected;
    if ok && let Ok(mut seen) = HASHED.lock() {
        entry(&mut seen, id, HashMap::new).insert(key, *expected);
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
    fn a_changed_file_is_verified_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"one").unwrap();
        let signer = Signer::from_seed(&crate::secret::Key32::new([9; 32])).unwrap();
        let key = signer.public_key();
        let sig = signer.sign(b"message");
        let f = File::open(&path).unwrap();
        let id = FileId::of(&f);
        assert!(verify(id, &f, &key, b"message", &sig));
        assert!(verify(id, &f, &key, b"message", &sig));
        // A wrong signature is never remembered as good.
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify(id, &f, &key, b"message", &bad));
        // Same identity, other message length: checked for real.
        assert!(!verify(id, &f, &key, b"messag", &sig));
        // The identity stands for the bytes: an unchanged file is trusted.
        assert!(verify(id, &f, &key, b"massage", &sig));
        // Changed in place while being read, or since: checked for real.
        std::fs::write(&path, b"two!").unwrap();
        assert!(FileId::of(&f) != id);
        assert!(!verify(id, &f, &key, b"massage", &sig));
        let changed = FileId::of(&f);
        assert!(!verify(changed, &f, &key, b"massage", &sig));
    }

    #[test]
    fn bucket_hashes_and_parsed_headers_follow_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g");
        std::fs::write(&path, b"bucket").unwrap();
        let mut f = File::open(&path).unwrap();
        let id = FileId::of(&f);
        let good = crypto::sha256(b"bucket");
        assert!(hash_matches(id, &f, 0, b"bucket", &good));
        assert!(!hash_matches(id, &f, 0, b"bucket", &[0; 32]));
        // Remembered for this file, offset and length only.
        assert!(hash_matches(id, &f, 0, b"tekcub", &good));
        assert!(!hash_matches(id, &f, 1, b"tekcub", &good));

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
        assert!(!hash_matches(changed, &f, 0, b"tekcub", &good));
        assert_eq!(parsed(changed, &mut f, read).unwrap(), "parsed");
        assert_eq!(reads.get(), 2);
    }
}
