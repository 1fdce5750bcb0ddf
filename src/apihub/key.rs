//! APIHub's container keys, in the text form its server reads from
//! `SSO_SECRETS_ENCRYPTION_KEY`: base64 of 32 bytes, or `"new,old"` while a
//! rotation is under way.

use crate::error::{Error, Result};
use crate::secret::Key32;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use zeroize::Zeroizing;

/// The configured keys, newest first: export writes with the first, import
/// tries each in turn (the server itself reads with one, falls back to the
/// second only while rotating; a migration wants whatever opens the file).
pub struct Keys(Vec<Key32>);

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({} redacted)", self.0.len())
    }
}

impl Keys {
    /// Parses `new[,old…]`. `origin` names where the text came from, for the
    /// message; the message never repeats the text.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let mut keys = Vec::new();
        for (i, part) in text.split(',').enumerate() {
            keys.push(one(part.trim()).ok_or_else(|| {
                Error::Usage(format!(
                    "{origin}: key {} is not base64 of 32 bytes (APIHub's SSO_SECRETS_ENCRYPTION_KEY form)",
                    i + 1
                ))
            })?);
        }
        Ok(Keys(keys))
    }

    /// The key export writes with.
    pub fn first(&self) -> &Key32 {
        // `parse` yields at least one key: `split` always yields one part,
        // and an empty part fails to decode to 32 bytes.
        &self.0[0]
    }

    /// Every key, newest first.
    pub fn all(&self) -> &[Key32] {
        &self.0
    }

    /// The keys from raw bytes (tests).
    #[cfg(test)]
    pub fn from_keys(keys: Vec<Key32>) -> Option<Self> {
        (!keys.is_empty()).then_some(Keys(keys))
    }
}

/// Node's `Buffer.from(s, "base64")` takes either alphabet, with or
/// without padding; so do we, but a key must come out at exactly 32 bytes
/// (AES-256), where Node would fail later, at the first use.
fn one(part: &str) -> Option<Key32> {
    let unpadded = part.trim_end_matches('=');
    let bytes = Zeroizing::new(
        STANDARD_NO_PAD
            .decode(unpadded)
            .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
            .ok()?,
    );
    let arr: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(Key32::new(arr))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";

    #[test]
    fn parses_one_key_and_a_rotation_pair() {
        let k = Keys::parse(KEY_A, "env").unwrap();
        assert_eq!(k.all().len(), 1);
        assert_eq!(k.first().expose()[31], 0x1f);
        let k = Keys::parse(&format!("{KEY_B}, {KEY_A}"), "env").unwrap();
        assert_eq!(k.all().len(), 2);
        assert_eq!(k.first().expose()[0], b'B');
        assert_eq!(k.all()[1].expose()[0], 0);
    }

    #[test]
    fn accepts_both_alphabets_with_or_without_padding() {
        let url = "_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-8";
        assert_eq!(Keys::parse(url, "f").unwrap().first().expose()[0], 0xff);
        assert!(Keys::parse(KEY_A.trim_end_matches('='), "f").is_ok());
    }

    #[test]
    fn garbage_is_a_usage_error_that_does_not_repeat_the_text() {
        for bad in [
            "",
            "hunter2",
            "AAAA",
            &format!("{KEY_A},"),
            "!!!!",
            &KEY_A.repeat(2),
        ] {
            let e = Keys::parse(bad, "--apihub-key-file k").unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}");
            let m = e.detail();
            assert!(m.starts_with("--apihub-key-file k: key "), "{m}");
            assert!(!m.contains("hunter2"), "{m}");
        }
        assert!(format!("{:?}", Keys::parse(KEY_A, "x").unwrap()).contains("redacted"));
    }
}
