//! What a (container, key) pair of an APIHub folder means, and back.
//!
//! APIHub keeps SSO and DID secrets in one namespace of containers: an SSO
//! secret lives in the container named after its app, under the `user-id`
//! header as sent; a DID secret in the container named after the secret,
//! under the DID exactly as it appeared in the URL (normally base58 of the
//! DID text, sometimes the text percent-encoded, since the server does not
//! decode path segments). A key that reads as a DID is therefore a DID
//! secret, and any other key an SSO secret.

use crate::names::{AppName, Did, SecretName, UserId};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::borrow::Cow;

use super::format::buffer_bytes;
use crate::secret::SecretBytes;

/// Containers that hold the server's own credentials, not user secrets.
pub const CREDENTIAL_CONTAINERS: [&str; 4] =
    ["apiKeys", "adminApiKeys", "userApiKeys", "simpleAuth"];

/// Which secret a (container, key) pair holds.
pub type Address = crate::names::SecretAddress;

/// How a key spelled its DID. When two keys of one container name the same
/// DID, the base58 one wins: it is the one real clients read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spelling {
    /// Percent-encoded DID text (`did%3A…`), stored literally by APIHub.
    PercentEncoded,
    /// The DID text itself.
    Text,
    /// Base58 of the DID text, or an SSO user id: the canonical form.
    Canonical,
}

/// Classifies one key of container `container`. The error is a message
/// for the user (names are not secret; values never reach here).
pub fn classify(container: &str, key: &str) -> Result<(Address, Spelling), String> {
    if let Some((did, spelling)) = key_as_did(key) {
        let name = SecretName::new(container).map_err(|e| e.detail())?;
        return Ok((Address::Did { did, name }, spelling));
    }
    let app = AppName::new(container).map_err(|e| e.detail())?;
    let user = UserId::new(key).map_err(|e| format!("key {key:?}: {}", e.detail()))?;
    Ok((Address::Sso { app, user }, Spelling::Canonical))
}

/// Base58 length of the longest DID text we accept (log 256 / log 58 ≈ 1.37).
const BASE58_DID_MAX: usize = crate::did::MAX_DID_LEN * 138 / 100 + 1;

fn key_as_did(key: &str) -> Option<(Did, Spelling)> {
    if key.starts_with("did:") {
        return Did::from_text(key).ok().map(|d| (d, Spelling::Text));
    }
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("did%")) {
        let text = percent_decode(key)?;
        return text
            .starts_with("did:")
            .then(|| Did::from_text(text).ok())
            .flatten()
            .map(|d| (d, Spelling::PercentEncoded));
    }
    // Base58 decoding is quadratic; no longer key can decode to a DID we
    // would accept, so a huge user id never costs more than this.
    if key.len() > BASE58_DID_MAX {
        return None;
    }
    let bytes = bs58::decode(key).into_vec().ok()?;
    bytes.starts_with(b"did:").then_some(())?;
    Did::from_text(String::from_utf8(bytes).ok()?)
        .ok()
        .map(|d| (d, Spelling::Canonical))
}

/// `decodeURIComponent`: every `%XX` becomes its byte; the result must be
/// UTF-8, and a stray `%` makes the whole key not a percent-encoded DID.
fn percent_decode(s: &str) -> Option<String> {
    // The crate keeps a `%` without two hex digits after it as it is;
    // decodeURIComponent throws.
    let well_formed = s.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    well_formed.then_some(())?;
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// Where an address goes in an APIHub folder: (container, key).
pub fn place(address: &Address) -> (&str, String) {
    match address {
        Address::Sso { app, user } => (app.as_str(), user.as_str().to_string()),
        Address::Did { did, name } => (name.as_str(), did.base58()),
    }
}

/// What kind of JSON value a secret was stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A string: its UTF-8 bytes.
    String,
    /// Node's Buffer wrapper: its bytes.
    Buffer,
    /// Any other JSON: its compact JSON text, as APIHub would send it.
    Json,
}

/// The secret a stored value stands for, or `None` for the values APIHub
/// answers 404 for (`if (!secret)`: null, false, 0 and the empty string).
pub fn value_bytes(v: &Value) -> Option<(SecretBytes, Stored)> {
    match v {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) if n.as_f64() == Some(0.0) => None,
        Value::String(s) => Some((SecretBytes::new(s.as_bytes().to_vec()), Stored::String)),
        other => match buffer_bytes(other) {
            Some(b) => Some((b, Stored::Buffer)),
            None => Some((
                SecretBytes::new(other.to_string().into_bytes()),
                Stored::Json,
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "did:ssi:name:vault:DSU_Fabric/alice";
    const ALICE_B58: &str = "B279eipaoUD3gc8NbUqqpQyDynTsRkqtwXG8rd3cWzAtpmFa";

    fn did(text: &str, name: &str) -> Address {
        Address::Did {
            did: Did::from_text(text).unwrap(),
            name: SecretName::new(name).unwrap(),
        }
    }

    fn sso(app: &str, user: &str) -> Address {
        Address::Sso {
            app: AppName::new(app).unwrap(),
            user: UserId::new(user).unwrap(),
        }
    }

    #[test]
    fn dids_in_every_spelling() {
        let c = |k: &str| classify("credential", k).unwrap();
        assert_eq!(
            c(ALICE_B58),
            (did(ALICE, "credential"), Spelling::Canonical)
        );
        assert_eq!(c(ALICE), (did(ALICE, "credential"), Spelling::Text));
        let pct = "did%3Assi%3Aname%3Avault%3Aplain";
        let want = did("did:ssi:name:vault:plain", "credential");
        assert_eq!(c(pct), (want.clone(), Spelling::PercentEncoded));
        assert_eq!(
            c(&pct.to_lowercase()).0,
            did("did:ssi:name:vault:plain", "credential")
        );
        // DID methods are lower case: "DID:" is no DID.
        assert!(matches!(
            c("DID%3Assi%3Aname%3Avault%3Aplain").0,
            Address::Sso { .. }
        ));
    }

    /// As `decodeURIComponent`: a `%` without two hex digits, or bytes
    /// that are not UTF-8, fail the whole key.
    #[test]
    fn percent_decoding_is_all_or_nothing() {
        assert_eq!(percent_decode("did%3Ax%2fy").as_deref(), Some("did:x/y"));
        assert_eq!(percent_decode("%c3%A9").as_deref(), Some("é"));
        assert_eq!(percent_decode("é+").as_deref(), Some("é+"));
        for bad in ["%", "%4", "a%2", "%%41", "%41%", "%zz", "%4g", "%C3", "%FF"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn everything_else_is_an_sso_user_id_as_stored() {
        let c = |k: &str| classify("DSU_Fabric", k).unwrap().0;
        assert_eq!(
            c("alice@example.com"),
            sso("DSU_Fabric", "alice@example.com")
        );
        assert_eq!(c("u%40x"), sso("DSU_Fabric", "u%40x"));
        assert_eq!(c("bob"), sso("DSU_Fabric", "bob"));
        assert_eq!(c("did%zz"), sso("DSU_Fabric", "did%zz"));
        assert_eq!(
            c(&bs58::encode("hello").into_string()),
            sso("DSU_Fabric", "Cn8eVZg")
        );
        let long = "x".repeat(300);
        assert!(classify("DSU_Fabric", &long).unwrap_err().contains("256"));
        assert!(classify("", "bob").is_err());
    }

    #[test]
    fn place_inverts_classify() {
        for a in [
            sso("DSU_Fabric", "alice@example.com"),
            did(ALICE, "credential"),
        ] {
            let (container, key) = place(&a);
            assert_eq!(classify(container, &key).unwrap().0, a);
        }
        assert_eq!(place(&did(ALICE, "mqMigration")).1, ALICE_B58);
    }

    #[test]
    fn values() {
        let v = |j: &str| value_bytes(&serde_json::from_str(j).unwrap());
        let text = |j: &str| {
            let (b, s) = v(j).unwrap();
            (String::from_utf8(b.expose().to_vec()).unwrap(), s)
        };
        assert_eq!(text(r#""s3cr3t""#), ("s3cr3t".into(), Stored::String));
        assert_eq!(
            text(r#"{"b":2,"a":1}"#),
            (r#"{"b":2,"a":1}"#.into(), Stored::Json)
        );
        assert_eq!(text("true"), ("true".into(), Stored::Json));
        assert_eq!(text("12"), ("12".into(), Stored::Json));
        assert_eq!(
            text(r#"{"type":"Buffer","data":[104,105]}"#),
            ("hi".into(), Stored::Buffer)
        );
        for falsy in ["null", "false", "0", "0.0", r#""""#] {
            assert!(v(falsy).is_none(), "{falsy}");
        }
        let bad_buffer = r#"{"type":"Buffer","data":[256]}"#;
        assert_eq!(text(bad_buffer), (bad_buffer.into(), Stored::Json));
    }
}
