//! Secret-holding types: zeroized on drop, never printed.
//!
//! Nothing in here derives `Debug`; every impl prints `(redacted)` so a stray
//! `{:?}` in an error path can never leak key material or a secret value.

use std::fmt;
use zeroize::Zeroizing;

/// Arbitrary secret bytes (a stored value, a plaintext slot, ...).
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes`; they are wiped when this value drops.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }
    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    /// Mutable access, for building a secret in place without copies.
    pub fn expose_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// A secret string: a passphrase or an access token.
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `s`; it is wiped when this value drops.
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// A 256-bit symmetric key.
#[derive(Clone)]
pub struct Key32(Zeroizing<[u8; 32]>);

impl Key32 {
    /// Wraps raw key bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }
    /// The raw key bytes.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Who a request comes from, as the RFC's Bearer token or the vault
/// passphrase. A backend turns it into a principal; the vault into a slot
/// key (`vault::Unlocker`). Here, beside the secret types, so that every
/// layer may name it without depending on another (`ops` re-exports it).
#[derive(Debug)]
pub enum Credential {
    /// The vault passphrase.
    Passphrase(SecretString),
    /// An access token (`ssos_...`).
    Token(SecretString),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let b = SecretBytes::new(b"hunter2".to_vec());
        let s = SecretString::new("hunter2".into());
        let k = Key32::new([7; 32]);
        for text in [format!("{b:?}"), format!("{s:?}"), format!("{k:?}")] {
            assert_eq!(text, "(redacted)");
        }
    }
}
