//! Remembers which signatures of which vault file have verified, so that a
//! long-running process (`serve`) does not re-run Ed25519 verification on
//! every request while the file is unchanged.
//!
//! A file is identified by device, inode, size, and modification and
//! change times in nanoseconds. Writers replace the vault by rename (a new
//! inode); an in-place change to the same inode moves its ctime, which no
//! unprivileged process can set back. So while the identity is the same,
//! the bytes are the ones that verified, and the verdict still holds. Only
//! successes are remembered, never plaintext or keys: the entry is the
//! file identity, the public key and the signature.

use crate::crypto;
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
}
