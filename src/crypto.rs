//! Cryptographic primitives: Argon2id, HKDF, AES-256-GCM, Ed25519, SHA-256.
//! No file I/O here; every function works on bytes.

use crate::error::{Error, Result};
use crate::secret::{Key32, SecretBytes};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use ring::{digest, hkdf};

/// Length of an AES-256-GCM tag.
pub const TAG_LEN: usize = 16;
/// Length of an Ed25519 signature.
pub const SIG_LEN: usize = 64;

/// Fills an array with cryptographically secure random bytes.
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| Error::failure("the system random number generator failed"))?;
    Ok(out)
}

/// A fresh random 256-bit key.
pub fn random_key() -> Result<Key32> {
    Ok(Key32::new(random()?))
}

/// Argon2id parameters as stored in a passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in MiB.
    pub memory_mib: u32,
    /// Number of passes.
    pub iterations: u32,
}

impl KdfParams {
    /// The smallest parameters accepted (OWASP's Argon2id minimum).
    pub const FLOOR: KdfParams = KdfParams {
        memory_mib: 19,
        iterations: 2,
    };
    /// What `init` uses unless told otherwise.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_mib: 64,
        iterations: 3,
    };
    /// The largest parameters a vault may ask for: a tampered header must not
    /// make us allocate the machine's memory or spin for minutes.
    pub const CEILING: KdfParams = KdfParams {
        memory_mib: 4096,
        iterations: 64,
    };

    /// Checks the parameters against floor and ceiling.
    pub fn check(self) -> std::result::Result<(), String> {
        let (f, c) = (Self::FLOOR, Self::CEILING);
        if !(f.memory_mib..=c.memory_mib).contains(&self.memory_mib) {
            return Err(format!(
                "KDF memory must be {} to {} MiB, got {}",
                f.memory_mib, c.memory_mib, self.memory_mib
            ));
        }
        if !(f.iterations..=c.iterations).contains(&self.iterations) {
            return Err(format!(
                "KDF iterations must be {} to {}, got {}",
                f.iterations, c.iterations, self.iterations
            ));
        }
        Ok(())
    }
}

/// Derives a slot key from a passphrase with Argon2id (one lane).
pub fn argon2id(passphrase: &[u8], salt: &[u8], params: KdfParams) -> Result<Key32> {
    params.check().map_err(Error::corrupt)?;
    let kib = params
        .memory_mib
        .checked_mul(1024)
        .ok_or_else(|| Error::corrupt("KDF memory overflows"))?;
    let p = argon2::Params::new(kib, params.iterations, 1, Some(32))
        .map_err(|e| Error::failure(format!("invalid KDF parameters: {e}")))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = [0u8; 32];
    a.hash_password_into(passphrase, salt, &mut out)
        .map_err(|e| Error::failure(format!("key derivation failed: {e}")))?;
    Ok(Key32::new(out))
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// HKDF-SHA256 extract-and-expand to a 256-bit key.
pub fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]]) -> Key32 {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    expand(&prk, info)
}

/// Two HKDF-SHA256 keys from one input: the same as two [`hkdf`] calls
/// with the two `info`s, at the cost of one extract.
pub fn hkdf_pair(salt: &[u8], ikm: &[u8], a: &[&[u8]], b: &[&[u8]]) -> (Key32, Key32) {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    (expand(&prk, a), expand(&prk, b))
}

/// HKDF-SHA256 expand only, for a key that is already uniformly random.
pub fn derive(key: &Key32, info: &[&[u8]]) -> Key32 {
    expand(
        &hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, key.expose()),
        info,
    )
}

fn expand(prk: &hkdf::Prk, info: &[&[u8]]) -> Key32 {
    let mut out = [0u8; 32];
    // HKDF-Expand fails only when asked for more than 255 * 32 bytes; we ask
    // for 32, so failure is a broken library: stop rather than use a key
    // that is not the derived one.
    let filled = prk.expand(info, Len32).and_then(|okm| okm.fill(&mut out));
    if filled.is_err() {
        impossible("HKDF-SHA256 refused to expand 32 bytes");
    }
    Key32::new(out)
}

fn aead_key(key: &Key32) -> LessSafeKey {
    // UnboundKey::new fails only on a wrong key length; Key32 is AES-256's.
    match UnboundKey::new(&AES_256_GCM, key.expose()) {
        Ok(k) => LessSafeKey::new(k),
        Err(_) => impossible("AES-256-GCM rejected a 32-byte key"),
    }
}

/// The one place a cryptographic operation that cannot fail is allowed to
/// panic: if ring ever refuses one, continuing would mean writing a zero
/// key or an unsealed buffer, which is worse than stopping.
#[allow(clippy::panic)]
fn impossible(what: &str) -> ! {
    // NOTE: every caller documents why its arm is unreachable.
    panic!("internal cryptographic failure: {what}")
}

/// AES-256-GCM seal; returns ciphertext with the tag appended.
pub fn seal(key: &Key32, nonce: [u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
    buf.extend_from_slice(plaintext);
    // Sealing fails only for inputs over ~64 GiB; ours are at most a few MiB.
    let sealed = aead_key(key).seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad),
        &mut buf,
    );
    if sealed.is_err() {
        impossible("AES-256-GCM refused to seal");
    }
    buf
}

/// AES-256-GCM open; `None` when authentication fails.
pub fn open(key: &Key32, nonce: [u8; NONCE_LEN], aad: &[u8], ct: &[u8]) -> Option<SecretBytes> {
    let mut buf = SecretBytes::new(ct.to_vec());
    let len = aead_key(key)
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            buf.expose_mut(),
        )
        .ok()?
        .len();
    buf.expose_mut().truncate(len);
    Some(buf)
}

/// SHA-256.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// An Ed25519 signing key, from a 32-byte seed.
pub struct Signer(Ed25519KeyPair);

impl Signer {
    /// Builds the key pair for `seed`.
    pub fn from_seed(seed: &Key32) -> Result<Self> {
        Ed25519KeyPair::from_seed_unchecked(seed.expose())
            .map(Signer)
            .map_err(|_| Error::corrupt("invalid signing key"))
    }
    /// The 32-byte public key.
    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.public_key().as_ref());
        out
    }
    /// Signs `msg`.
    pub fn sign(&self, msg: &[u8]) -> [u8; SIG_LEN] {
        let mut out = [0u8; SIG_LEN];
        out.copy_from_slice(self.0.sign(msg).as_ref());
        out
    }
}

/// Verifies an Ed25519 signature.
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(msg, sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hkdf_pair_is_two_hkdf_calls() {
        let (a, b) = hkdf_pair(b"salt", b"input", &[b"one"], &[b"two"]);
        assert_eq!(a.expose(), hkdf(b"salt", b"input", &[b"one"]).expose());
        assert_eq!(b.expose(), hkdf(b"salt", b"input", &[b"two"]).expose());
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let k = Key32::new([1; 32]);
        let ct = seal(&k, [0; 12], b"aad", b"secret");
        assert_eq!(
            open(&k, [0; 12], b"aad", &ct).map(|p| p.expose().to_vec()),
            Some(b"secret".to_vec())
        );
        assert!(open(&k, [0; 12], b"aaD", &ct).is_none());
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(open(&k, [0; 12], b"aad", &bad).is_none());
        assert!(open(&Key32::new([2; 32]), [0; 12], b"aad", &ct).is_none());
    }

    #[test]
    fn signatures_verify_only_for_the_message() {
        let s = Signer::from_seed(&Key32::new([3; 32])).unwrap();
        let sig = s.sign(b"header");
        assert!(verify(&s.public_key(), b"header", &sig));
        assert!(!verify(&s.public_key(), b"headeR", &sig));
    }

    #[test]
    fn kdf_bounds() {
        assert!(KdfParams::FLOOR.check().is_ok());
        assert!(KdfParams::DEFAULT.check().is_ok());
        assert!(
            KdfParams {
                memory_mib: 18,
                iterations: 2
            }
            .check()
            .is_err()
        );
        assert!(
            KdfParams {
                memory_mib: 19,
                iterations: 1
            }
            .check()
            .is_err()
        );
        assert!(
            KdfParams {
                memory_mib: 5000,
                iterations: 3
            }
            .check()
            .is_err()
        );
    }
}
