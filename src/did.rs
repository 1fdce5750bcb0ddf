//! Base58 DIDs, names, and the OpenDSU name-DID to user-id rule.

use crate::error::{Error, Result};

/// Longest app name, user id or secret name, in bytes.
pub const MAX_NAME_LEN: usize = 256;
/// Longest DID text, in bytes.
pub const MAX_DID_LEN: usize = 4096;

/// Encodes DID text as base58 (Bitcoin alphabet) over its UTF-8 bytes.
pub fn encode(text: &str) -> String {
    bs58::encode(text.as_bytes()).into_string()
}

/// Longest base58 argument decoded: base58 of [`MAX_DID_LEN`] bytes is at
/// most ⌈4096 · log(256)/log(58)⌉ = 5,595 characters. Checked before
/// decoding, which is quadratic in the length.
pub const MAX_B58_LEN: usize = 5600;

/// A long argument, cut to a short prefix for a message, quoted and escaped.
pub fn shorten(s: &str) -> String {
    const SHOW: usize = 48;
    match s.char_indices().nth(SHOW) {
        Some((cut, _)) => format!("{}... ({} bytes)", crate::text::quote(&s[..cut]), s.len()),
        None => crate::text::quote(s),
    }
}

/// Decodes base58 to UTF-8 text (no `did:` requirement): `did decode`.
pub fn decode_text(b58: &str) -> Result<String> {
    if b58.len() > MAX_B58_LEN {
        return Err(Error::Usage(format!(
            "base58 {} is longer than the {MAX_B58_LEN} characters a DID can take",
            shorten(b58)
        )));
    }
    let bytes = bs58::decode(b58)
        .into_vec()
        .map_err(|e| Error::Usage(format!("invalid base58 {}: {e}", shorten(b58))))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Usage(format!(
            "base58 {} decodes to bytes that are not UTF-8: {}",
            shorten(b58),
            escape(&e.as_bytes()[..e.as_bytes().len().min(64)])
        ))
    })?;
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() || crate::text::is_format_char(c))
    {
        return Err(Error::Usage(format!(
            "base58 {} decodes to text with the invisible character U+{:04X}",
            shorten(b58),
            u32::from(c)
        )));
    }
    Ok(text)
}

/// Decodes a base58 `<DID>` argument; the text must start with `did:`.
pub fn decode_did(b58: &str) -> Result<String> {
    let text = decode_text(b58)?;
    if !text.starts_with("did:") {
        return Err(Error::Usage(format!(
            "DID {} decodes to {}, which does not start with \"did:\"",
            shorten(b58),
            shorten(&text)
        )));
    }
    check_name("DID", &text, MAX_DID_LEN)?;
    Ok(text)
}

/// Checks DID text given in clear (import, `token create --did`).
pub fn check_did_text(text: &str) -> Result<()> {
    if !text.starts_with("did:") {
        return Err(Error::Usage(format!(
            "DID {} does not start with \"did:\"",
            shorten(text)
        )));
    }
    check_name("DID", text, MAX_DID_LEN)
}

/// Checks an app name, user id or secret name: 1 to 256 bytes, no control characters.
pub fn check_name(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::Usage(format!("{what} must not be empty")));
    }
    if value.len() > max {
        return Err(Error::Usage(format!(
            "{what} is {} bytes; the limit is {max}",
            value.len()
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::Usage(format!(
            "{what} {} contains a control character",
            shorten(value)
        )));
    }
    if let Some(c) = value.chars().find(|&c| crate::text::is_format_char(c)) {
        return Err(Error::Usage(format!(
            "{what} {} contains the invisible format character U+{:04X} (zero-width or bidi control)",
            shorten(value),
            u32::from(c)
        )));
    }
    Ok(())
}

/// Checks an app name, user id or secret name with the standard limit.
pub fn check_label(what: &str, value: &str) -> Result<()> {
    check_name(what, value, MAX_NAME_LEN)
}

/// The user id that `deactivate-sso`/`remove-sso` address by DID.
///
/// An OpenDSU name DID `did:ssi:name:<domain>:<app>/<user>` of the same app
/// names `<user>`; any other DID names the user whose id is the DID text.
pub fn user_id_for(app: &str, did: &str) -> String {
    did.strip_prefix("did:ssi:name:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(_domain, rest)| rest.split_once('/'))
        .filter(|(did_app, user)| *did_app == app && !user.is_empty())
        .map(|(_, user)| user.to_string())
        .unwrap_or_else(|| did.to_string())
}

fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let text = "did:ssi:name:vault.example:demo/alice@example.com";
        assert_eq!(decode_did(&encode(text)).unwrap(), text);
    }

    #[test]
    fn rejects_non_did_and_bad_base58() {
        assert!(
            matches!(decode_did(&encode("hello")), Err(Error::Usage(m)) if m.contains("\"hello\""))
        );
        assert!(matches!(decode_did("0OIl"), Err(Error::Usage(_))));
        assert!(matches!(
            decode_text(&bs58::encode([0xff, 0xfe]).into_string()),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn name_did_user_id_rule() {
        assert_eq!(
            user_id_for("demo", "did:ssi:name:vault.example:demo/alice"),
            "alice"
        );
        assert_eq!(user_id_for("demo", "did:ssi:name:v:demo/a/b"), "a/b");
        assert_eq!(
            user_id_for("other", "did:ssi:name:v:demo/alice"),
            "did:ssi:name:v:demo/alice"
        );
        assert_eq!(user_id_for("demo", "did:ssi:key:abc"), "did:ssi:key:abc");
        assert_eq!(
            user_id_for("demo", "did:ssi:name:v:demo/"),
            "did:ssi:name:v:demo/"
        );
    }

    #[test]
    fn label_rules() {
        assert!(check_label("app", "a").is_ok());
        assert!(check_label("app", &"a".repeat(256)).is_ok());
        assert!(check_label("app", &"a".repeat(257)).is_err());
        assert!(check_label("app", "").is_err());
        assert!(check_label("app", "a\nb").is_err());
        assert!(check_label("app", "a\u{7f}").is_err());
        assert!(check_label("app", "pay\u{200B}pal").is_err());
        assert!(check_label("app", "\u{202E}lapyap").is_err());
        assert!(check_label("app", "café").is_ok());
    }

    #[test]
    fn long_arguments_are_refused_before_decoding_and_quoted_short() {
        let long = "1".repeat(120_000);
        let Err(Error::Usage(m)) = decode_did(&long) else {
            panic!("accepted")
        };
        // The length limit answered, not base58 (which costs seconds here).
        assert!(m.contains("is longer than"), "{m}");
        assert!(m.len() < 200, "{m}");
        assert!(m.contains("120000 bytes"), "{m}");
        let esc = encode("did:x\u{1b}[31m");
        let Err(Error::Usage(m)) = decode_did(&esc) else {
            panic!("accepted")
        };
        assert!(!m.contains('\u{1b}'), "{m}");
    }
}
