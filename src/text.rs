//! Names from the vault or the command line made safe to print. Lowest
//! layer: every other module may use it, it uses none of them.

/// True for a character that changes how text reads without showing:
/// zero-width characters, bidi controls and the other Unicode format
/// characters (general category Cf) that make look-alike names.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// A name from the vault as one printable field: control and format
/// characters (tab, CR, escape sequences, bidi controls) and backslashes
/// are escaped, so a name can neither forge a field nor drive the terminal.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() || is_format_char(c) || c == '\\';
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Bytes as lowercase hexadecimal (an id, a digest, a marker; never a
/// secret). A table, not `format!` per byte: a server names the token of
/// every request this way.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// A name quoted for a message (Rust string syntax: control and format
/// characters escaped).
pub fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s).replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(super::hex(&[]), "");
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        let all: Vec<u8> = (0..=255).collect();
        let slow: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&all), slow);
    }
}
