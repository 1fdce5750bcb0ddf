//! The `inject` template language: text with `{{ sso "APP" "USER_ID" }}` and
//! `{{ did "DID" "NAME" }}` placeholders, and nothing else.
//!
//! It is strict on purpose. A template is usually a config file written
//! once and deployed many times; a typo that silently passed through as
//! text would ship a config without its secret. So anything that starts
//! like a placeholder and is not exactly one is a usage error naming its
//! line and column, and the names inside are checked like command-line
//! arguments (a bad app name or DID is the same usage error, at its
//! position).
//!
//! - Arguments are JSON strings (`"a\"b"`, `"\u00e9"`); whitespace (spaces,
//!   tabs) around the keyword and arguments is optional.
//! - `\{{` is a literal `{{`. In a run of backslashes right before `{{`,
//!   each `\\` stands for one backslash, so `\\{{ sso … }}` is a backslash
//!   followed by a secret. Every other byte, backslashes included, is
//!   copied as is: text without `{{` comes out unchanged, and the text
//!   may be any bytes, not only UTF-8.

use crate::error::Result;
use crate::names::{AppName, Did, SecretName, UserId};
use crate::secret::SecretBytes;
use std::collections::HashMap;
use std::fmt;

/// A placeholder's secret (the same address the rest of the crate uses).
pub type SecretRef = crate::names::SecretAddress;

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Bytes copied as they are (escapes already applied).
    Text(Vec<u8>),
    /// A placeholder, replaced by the secret's bytes.
    Secret(SecretRef),
}

/// A parsed template: literal byte runs and the secrets between them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    parts: Vec<Part>,
}

/// A template that is not exactly valid, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, on one line.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for TemplateError {}

impl Template {
    /// Parses `input`, checking every placeholder and every name in it.
    pub fn parse(input: &[u8]) -> Result<Template, TemplateError> {
        Parser { input, pos: 0 }.template()
    }

    /// The literal runs and placeholders, in order.
    #[cfg(test)]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Every secret the template names, in order of appearance, each once.
    pub fn secrets(&self) -> Vec<&SecretRef> {
        let mut seen = std::collections::HashSet::new();
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Secret(s) if seen.insert(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// Fills in every placeholder with `fetch`'s answer, reading each
    /// secret once, in order of appearance. The whole output is built in
    /// memory (wiped on drop), so nothing is written before every secret has
    /// been read; the first failure is returned as it is.
    pub fn render(
        &self,
        mut fetch: impl FnMut(&SecretRef) -> Result<SecretBytes>,
    ) -> Result<SecretBytes> {
        let mut values: HashMap<&SecretRef, SecretBytes> = HashMap::new();
        for s in self.secrets() {
            values.insert(s, fetch(s)?);
        }
        let mut out = SecretBytes::default();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.expose_mut().extend_from_slice(t),
                Part::Secret(s) => {
                    if let Some(v) = values.get(s) {
                        out.expose_mut().extend_from_slice(v.expose());
                    }
                }
            }
        }
        Ok(out)
    }
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Parser<'_> {
    fn template(mut self) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut text = Vec::new();
        while let Some(k) = find(self.rest(), b"{{") {
            let before = &self.rest()[..k];
            let slashes = before.iter().rev().take_while(|&&b| b == b'\\').count();
            text.extend_from_slice(&before[..k - slashes]);
            text.resize(text.len() + slashes / 2, b'\\');
            let open = self.pos + k;
            self.pos = open + 2;
            if slashes % 2 == 1 {
                text.extend_from_slice(b"{{");
                continue;
            }
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Secret(self.placeholder(open)?));
        }
        text.extend_from_slice(self.rest());
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    fn rest(&self) -> &[u8] {
        self.input.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn error(&self, at: usize, message: impl Into<String>) -> TemplateError {
        let before = self.input.get(..at).unwrap_or(self.input);
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        TemplateError {
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            // Characters, not bytes: what an editor shows. Counting the bytes
            // that do not continue a UTF-8 sequence does that without
            // requiring the text to be UTF-8.
            column: before[start..]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count()
                + 1,
            message: message.into(),
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// After `{{` at `open`: `keyword "ARG" "ARG" }}`.
    fn placeholder(&mut self, open: usize) -> Result<SecretRef, TemplateError> {
        self.skip_blanks();
        let start = self.pos;
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(&self.input[start..self.pos]).into_owned();
        let secret = match word.as_str() {
            "sso" => SecretRef::Sso {
                app: self.argument(open, AppName::WHAT, AppName::new)?,
                user: self.argument(open, UserId::WHAT, UserId::new)?,
            },
            "did" => SecretRef::Did {
                did: self.argument(open, "DID", |s: String| s.parse::<Did>())?,
                name: self.argument(open, SecretName::WHAT, SecretName::new)?,
            },
            "" if self.peek().is_none() => {
                return Err(self.error(open, "placeholder is not closed with `}}`"));
            }
            "" => {
                return Err(self.error(
                    start,
                    format!(
                        "expected `sso` or `did` after `{{{{`, found {} (write `\\{{{{` for a literal `{{{{`)",
                        self.found()
                    ),
                ));
            }
            _ => {
                let shown: String = word.chars().take(32).collect();
                return Err(self.error(
                    start,
                    format!("unknown placeholder {shown:?}: expected `sso` or `did`"),
                ));
            }
        };
        self.skip_blanks();
        match self.peek() {
            None => Err(self.error(open, "placeholder is not closed with `}}`")),
            Some(_) if self.rest().starts_with(b"}}") => {
                self.pos += 2;
                Ok(secret)
            }
            Some(b'"') => Err(self.error(
                self.pos,
                "too many arguments: a placeholder takes two quoted strings",
            )),
            Some(_) => {
                Err(self.error(self.pos, format!("expected `}}}}`, found {}", self.found())))
            }
        }
    }

    /// What is at the cursor, for messages: one character at most, so a
    /// template never has more of itself echoed than that.
    fn found(&self) -> String {
        match self.rest() {
            [] => "the end of the input".into(),
            [b'\n', ..] | [b'\r', b'\n', ..] => "the end of the line".into(),
            rest => match String::from_utf8_lossy(rest).chars().next() {
                Some(c) if !c.is_control() && c != char::REPLACEMENT_CHARACTER => format!("{c:?}"),
                _ => format!("byte 0x{:02x}", rest[0]),
            },
        }
    }

    /// One quoted argument, checked by `make` like the command-line
    /// argument it stands for.
    fn argument<T>(
        &mut self,
        open: usize,
        what: &str,
        make: impl FnOnce(String) -> Result<T>,
    ) -> Result<T, TemplateError> {
        self.skip_blanks();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.error(open, "placeholder is not closed with `}}`")),
            Some(_) if self.rest().starts_with(b"}}") => {
                return Err(self.error(
                    start,
                    format!("missing the {what}: a placeholder takes two quoted strings"),
                ));
            }
            Some(_) => {
                return Err(self.error(
                    start,
                    format!(
                        "expected the {what} as a JSON string in double quotes, found {}",
                        self.found()
                    ),
                ));
            }
        }
        let text = self.json_string()?;
        make(text).map_err(|e| self.error(start, e.detail()))
    }

    /// A JSON string (RFC 8259) starting at the cursor's `"`.
    fn json_string(&mut self) -> Result<String, TemplateError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let at = self.pos;
            let Some(b) = self.peek() else {
                return Err(self.error(start, "string is not closed with `\"`"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let c = self.escape(at)?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                b'\n' | b'\r' => {
                    return Err(self.error(start, "string is not closed on its line"));
                }
                0..0x20 => {
                    return Err(self.error(
                        at,
                        "control character in a string (write it as \\t or \\u00XX)",
                    ));
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error(start, "string is not valid UTF-8"))
    }

    /// After a `\` at `at`.
    fn escape(&mut self, at: usize) -> Result<char, TemplateError> {
        let c = self.peek();
        self.pos += 1;
        Ok(match c {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(at)?;
                let code = match hi {
                    0xD800..=0xDBFF => {
                        let low_at = self.pos;
                        if !self.rest().starts_with(b"\\u") {
                            return Err(self.error(at, "unpaired surrogate in \\u escape"));
                        }
                        self.pos += 2;
                        let lo = self.hex4(low_at)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(self.error(at, "unpaired surrogate in \\u escape"));
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error(at, "unpaired surrogate in \\u escape"));
                    }
                    _ => hi,
                };
                char::from_u32(code)
                    .ok_or_else(|| self.error(at, "\\u escape is not a character"))?
            }
            _ => {
                self.pos -= 1;
                return Err(self.error(
                    at,
                    format!(
                        "invalid escape in a string: after `\\` expected one of \" \\ / b f n r t u, found {}",
                        self.found()
                    ),
                ));
            }
        })
    }

    fn hex4(&mut self, at: usize) -> Result<u32, TemplateError> {
        let digits = self.rest().get(..4).unwrap_or_default();
        let value = std::str::from_utf8(digits)
            .ok()
            .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error(at, "\\u must be followed by four hex digits"))?;
        self.pos += 4;
        Ok(value)
    }
}

#[cfg(test)]
mod tests;
