//! One APIHub container file: pskcrypto's AES-256-GCM layout around the
//! JSON text of one object.
//!
//! File = ciphertext ‖ iv (16) ‖ aad (32) ‖ tag (16). The 16-byte IV makes
//! GCM derive its counter block through GHASH, which `ring` does not offer;
//! RustCrypto's `AesGcm<Aes256, U16>` does, and is used for this format only.

use super::key::Keys;
use crate::secret::{Key32, SecretBytes};
use aes_gcm::aead::array::Array;
use aes_gcm::aead::consts::U16;
use aes_gcm::aes::Aes256;
use aes_gcm::{AeadInOut, AesGcm, KeyInit};
use serde_json::{Map, Value};
use zeroize::Zeroize;

/// IV length.
pub const IV_LEN: usize = 16;
/// Associated data length (random, stored in the clear).
pub const AAD_LEN: usize = 32;
/// GCM tag length.
pub const TAG_LEN: usize = 16;
/// Everything a file holds besides the ciphertext.
pub const OVERHEAD: usize = IV_LEN + AAD_LEN + TAG_LEN;

type Cipher = AesGcm<Aes256, U16>;

fn cipher(key: &Key32) -> Cipher {
    Cipher::new(&Array::from(*key.expose()))
}

/// Encrypts `plaintext` into the file layout with the given IV and AAD.
/// Fails only for a plaintext beyond GCM's limit of 64 GiB.
pub fn seal(
    key: &Key32,
    iv: &[u8; IV_LEN],
    aad: &[u8; AAD_LEN],
    plaintext: &[u8],
) -> Result<Vec<u8>, aes_gcm::Error> {
    let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
    out.extend_from_slice(plaintext);
    let tag =
        cipher(key).encrypt_inout_detached(&Array::from(*iv), aad, out.as_mut_slice().into())?;
    out.extend_from_slice(iv);
    out.extend_from_slice(aad);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Why a file could not be opened.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Shorter than the layout's fixed part.
    Truncated(usize),
    /// No key authenticates it.
    NoKey(usize),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Truncated(n) => write!(
                f,
                "truncated: {n} bytes, and the layout alone (IV, AAD, tag) takes {OVERHEAD}"
            ),
            OpenError::NoKey(1) => {
                f.write_str("the key does not open it (a different key, or the file is damaged)")
            }
            OpenError::NoKey(n) => write!(
                f,
                "none of the {n} keys opens it (a different key, or the file is damaged)"
            ),
        }
    }
}

/// Decrypts a file with the first key that authenticates it.
pub fn open(keys: &Keys, file: &[u8]) -> Result<SecretBytes, OpenError> {
    let Some(split) = file.len().checked_sub(OVERHEAD) else {
        return Err(OpenError::Truncated(file.len()));
    };
    let (ct, rest) = file.split_at(split);
    let (iv, rest) = rest.split_at(IV_LEN);
    let (aad, tag) = rest.split_at(AAD_LEN);
    let (Ok(iv), Ok(tag)) = (<[u8; IV_LEN]>::try_from(iv), <[u8; TAG_LEN]>::try_from(tag)) else {
        return Err(OpenError::Truncated(file.len()));
    };
    for key in keys.all() {
        let mut buf = SecretBytes::new(ct.to_vec());
        let ok = cipher(key)
            .decrypt_inout_detached(
                &Array::from(iv),
                aad,
                buf.expose_mut().as_mut_slice().into(),
                &Array::from(tag),
            )
            .is_ok();
        if ok {
            return Ok(buf);
        }
    }
    Err(OpenError::NoKey(keys.all().len()))
}

/// The decrypted JSON object of one container. Its strings are wiped when
/// it drops: they are secret values.
pub struct Container(pub Map<String, Value>);

impl std::fmt::Debug for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Container({} entries, redacted)", self.0.len())
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        for (_, v) in std::mem::take(&mut self.0) {
            wipe(v);
        }
    }
}

/// Zeroizes every string inside `v` before freeing it.
pub fn wipe(v: Value) {
    match v {
        Value::String(mut s) => s.zeroize(),
        Value::Array(a) => a.into_iter().for_each(wipe),
        Value::Object(o) => o.into_iter().for_each(|(_, v)| wipe(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The bytes of Node's `JSON.stringify(buffer)` form,
/// `{"type":"Buffer","data":[…]}`, when `v` is exactly that.
pub fn buffer_bytes(v: &Value) -> Option<SecretBytes> {
    let o = v.as_object()?;
    if o.len() != 2 || o.get("type")?.as_str()? != "Buffer" {
        return None;
    }
    let data = o.get("data")?.as_array()?;
    let mut out = SecretBytes::new(Vec::with_capacity(data.len()));
    for b in data {
        out.expose_mut().push(u8::try_from(b.as_u64()?).ok()?);
    }
    Some(out)
}

/// How many times a Buffer wrapper may nest before we call it garbage.
const MAX_WRAPPING: usize = 3;

/// Parses a container's plaintext. A rotation bug of 2022-11..2023-01 could
/// store the container as `{"type":"Buffer","data":[…]}` around its JSON
/// text, or around a file it had encrypted once more: unwrap those.
pub fn parse(plaintext: &[u8], keys: Option<&Keys>) -> Result<Container, String> {
    let mut bytes = SecretBytes::new(plaintext.to_vec());
    for _ in 0..=MAX_WRAPPING {
        let value: Value = match serde_json::from_slice(bytes.expose()) {
            Ok(v) => v,
            Err(e) if e.is_syntax() || e.is_eof() => {
                return Err(format!("opens, but does not hold JSON ({e})"));
            }
            Err(_) => return Err("opens, but does not hold JSON text".into()),
        };
        let inner = buffer_bytes(&value);
        let Value::Object(map) = value else {
            wipe(value);
            return Err("holds JSON, but not an object of secrets".into());
        };
        let Some(inner) = inner else {
            return Ok(Container(map));
        };
        drop(Container(map));
        bytes = if serde_json::from_slice::<serde::de::IgnoredAny>(inner.expose()).is_ok() {
            inner
        } else {
            match keys.map(|k| open(k, inner.expose())) {
                Some(Ok(opened)) => opened,
                _ => {
                    return Err("holds a Buffer wrapper whose bytes are neither JSON \
                                nor a container a key opens"
                        .into());
                }
            }
        };
    }
    Err(format!(
        "holds Buffer wrappers nested more than {MAX_WRAPPING} deep"
    ))
}

/// The plaintext APIHub writes for a container, byte for byte: what
/// `JSON.stringify` makes of an object whose values are strings.
pub fn render(entries: &[(&str, &str)]) -> SecretBytes {
    // Braces, a colon per entry, commas between entries.
    let len = 2
        + entries.len().saturating_sub(1)
        + entries
            .iter()
            .map(|(k, v)| json_string_len(k) + 1 + json_string_len(v))
            .sum::<usize>();
    // Exactly the right capacity: a reallocation would leave a copy of the
    // secrets behind that the zeroizing wrapper never sees.
    let mut out = SecretBytes::new(Vec::with_capacity(len));
    let buf = out.expose_mut();
    buf.push(b'{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        push_json_string(buf, k);
        buf.push(b':');
        push_json_string(buf, v);
    }
    buf.push(b'}');
    out
}

fn json_string_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// `JSON.stringify` of a string: `"` and `\` escaped, the C0 controls as
/// `\b \t \n \f \r` or `\u00xx`, everything else as UTF-8 (V8's rules; written out here so
/// the length is known before a byte is written).
fn push_json_string(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            0x08 => buf.extend_from_slice(b"\\b"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            0x0c => buf.extend_from_slice(b"\\f"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            0..=0x1f => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xf)]);
            }
            _ => buf.push(b),
        }
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_a() -> Key32 {
        Key32::new(std::array::from_fn(|i| i as u8))
    }

    fn key_b() -> Key32 {
        Key32::new([b'B'; 32])
    }

    fn fixture(rel: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/apihub/");
        std::fs::read(format!("{dir}{rel}")).unwrap()
    }

    #[test]
    fn worked_example_is_byte_exact() {
        let file = fixture("worked-example/DSU_Fabric.secret");
        let plain = render(&[("alice@example.com", "s3cr3t")]);
        assert_eq!(plain.expose(), br#"{"alice@example.com":"s3cr3t"}"#);
        let iv: [u8; IV_LEN] = std::array::from_fn(|i| i as u8);
        let sealed = seal(&key_a(), &iv, &[0xaa; AAD_LEN], plain.expose()).unwrap();
        assert_eq!(sealed.len(), 94);
        assert_eq!(sealed, file);
        let keys = Keys::from_keys(vec![key_b(), key_a()]).unwrap();
        assert_eq!(open(&keys, &file).unwrap().expose(), plain.expose());
    }

    #[test]
    fn damage_anywhere_is_refused() {
        let file = fixture("worked-example/DSU_Fabric.secret");
        let keys = Keys::from_keys(vec![key_a()]).unwrap();
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 1;
            assert_eq!(
                open(&keys, &bad).unwrap_err(),
                OpenError::NoKey(1),
                "byte {i}"
            );
        }
        assert_eq!(
            open(&keys, &file[..63]).unwrap_err(),
            OpenError::Truncated(63)
        );
        assert_eq!(open(&keys, &file[1..]).unwrap_err(), OpenError::NoKey(1));
        let wrong = Keys::from_keys(vec![key_b()]).unwrap();
        assert!(
            open(&wrong, &file)
                .unwrap_err()
                .to_string()
                .contains("does not open")
        );
    }

    #[test]
    fn render_matches_json_stringify() {
        let tricky = "q\"b\\s/\u{8}\t\n\u{c}\r\u{1}\u{1f}\u{7f} é \u{2028} 🔑";
        let mut plain = render(&[("k", tricky), ("", "")]);
        let want = r#"{"k":"q\"b\\s/\b\t\n\f\r\u0001\u001f"#.to_string()
            + "\u{7f} é \u{2028} 🔑\",\"\":\"\"}";
        assert_eq!(std::str::from_utf8(plain.expose()).unwrap(), want);
        assert_eq!(
            plain.expose_mut().capacity(),
            plain.len(),
            "no reallocation"
        );
        let back: Map<String, Value> = serde_json::from_slice(plain.expose()).unwrap();
        assert_eq!(back["k"], tricky);
    }

    #[test]
    fn buffer_wrappers_are_unwrapped() {
        let inner = br#"{"u":"v"}"#;
        let data: Vec<String> = inner.iter().map(u8::to_string).collect();
        let wrapped = format!(r#"{{"type":"Buffer","data":[{}]}}"#, data.join(","));
        let c = parse(wrapped.as_bytes(), None).unwrap();
        assert_eq!(c.0["u"], "v");

        let keys = Keys::from_keys(vec![key_a()]).unwrap();
        let sealed = seal(&key_a(), &[1; IV_LEN], &[2; AAD_LEN], inner).unwrap();
        let data: Vec<String> = sealed.iter().map(u8::to_string).collect();
        let wrapped = format!(r#"{{"type":"Buffer","data":[{}]}}"#, data.join(","));
        assert_eq!(parse(wrapped.as_bytes(), Some(&keys)).unwrap().0["u"], "v");
        assert!(
            parse(wrapped.as_bytes(), None)
                .unwrap_err()
                .contains("Buffer")
        );
    }

    #[test]
    fn not_json_objects() {
        assert!(
            parse(b"not json", None)
                .unwrap_err()
                .contains("does not hold JSON")
        );
        assert!(parse(b"[1,2]", None).unwrap_err().contains("not an object"));
        assert!(
            parse(b"\xff\xfe", None)
                .unwrap_err()
                .contains("does not hold JSON")
        );
        let mut text = br#"{"a":"b"}"#.to_vec();
        for _ in 0..=MAX_WRAPPING {
            let data: Vec<String> = text.iter().map(u8::to_string).collect();
            text = format!(r#"{{"type":"Buffer","data":[{}]}}"#, data.join(",")).into_bytes();
        }
        assert!(parse(&text, None).unwrap_err().contains("nested"));
        assert!(format!("{:?}", parse(br#"{"a":"hunter2"}"#, None).unwrap()).contains("redacted"));
    }

    proptest::proptest! {
        #[test]
        fn any_container_round_trips(
            entries in proptest::collection::btree_map(".*", ".*", 0..8),
            iv: [u8; IV_LEN],
        ) {
            let pairs: Vec<(&str, &str)> =
                entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let plain = render(&pairs);
            let want: Map<String, Value> =
                entries.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
            proptest::prop_assert_eq!(plain.expose(), serde_json::to_vec(&want).unwrap());
            let file = seal(&key_a(), &iv, &[7; AAD_LEN], plain.expose()).unwrap();
            let keys = Keys::from_keys(vec![key_b(), key_a()]).unwrap();
            let back = parse(open(&keys, &file).unwrap().expose(), None).unwrap();
            proptest::prop_assert_eq!(&back.0, &want);
        }
    }
}
