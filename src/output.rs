//! Rendering outcomes and errors: exact bytes for scripts, JSON on request.

use crate::commands::Outcome;
use crate::error::Error;
use crate::status::Status;
use crate::time::rfc3339;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use std::io::{self, Write};

/// Where output goes, and whether stdout is a terminal.
pub struct Sink<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// True when stdout is a terminal (a missing final newline is added).
    pub out_is_terminal: bool,
    /// `--json`.
    pub json: bool,
}

fn json_line(w: &mut dyn Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}

fn secret_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(s) => json!({"status": 200, "secret": s}),
        Err(_) => json!({"status": 200, "secret_base64": B64.encode(bytes)}),
    }
}

impl Sink<'_> {
    /// Writes a successful outcome.
    pub fn outcome(&mut self, o: &Outcome) -> io::Result<()> {
        match o {
            Outcome::Export(lines) => {
                writeln!(
                    self.err,
                    "sso-secrets: warning: export writes every secret in clear text"
                )?;
                let mut buf = zeroize::Zeroizing::new(Vec::new());
                for l in lines {
                    serde_json::to_writer(&mut *buf, l)?;
                    buf.push(b'\n');
                }
                self.out.write_all(&buf)?;
            }
            _ if self.json => json_line(self.out, &json_of(o))?,
            Outcome::Done => {}
            Outcome::Secret(v) => {
                self.out.write_all(v.expose())?;
                if self.out_is_terminal && !v.expose().ends_with(b"\n") {
                    self.out.write_all(b"\n")?;
                }
            }
            Outcome::Token(t) => {
                writeln!(self.out, "{}", t.expose())?;
                if self.out_is_terminal {
                    writeln!(
                        self.err,
                        "sso-secrets: store this token now; it is not shown again"
                    )?;
                }
            }
            Outcome::Created { vault } => {
                writeln!(self.err, "sso-secrets: created vault {vault}")?;
            }
            Outcome::Value { value, .. } => writeln!(self.out, "{value}")?,
            Outcome::List(items) => {
                for i in items {
                    let (scope, key) = match i.kind {
                        "sso" => (&i.app, &i.user_id),
                        _ => (&i.did, &i.name),
                    };
                    writeln!(
                        self.out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        i.kind,
                        scope.as_deref().unwrap_or_default(),
                        key.as_deref().unwrap_or_default(),
                        i.state,
                        i.created,
                        i.updated
                    )?;
                }
            }
            Outcome::Tokens(tokens) => {
                for t in tokens {
                    let mut scope: Vec<String> =
                        t.apps.iter().map(|a| format!("app:{a}")).collect();
                    scope.extend(
                        t.dids
                            .iter()
                            .map(|d| format!("did:{}", crate::did::encode(d))),
                    );
                    let scope = if scope.is_empty() {
                        "all".to_string()
                    } else {
                        scope.join(",")
                    };
                    writeln!(
                        self.out,
                        "{}\t{}\t{}\t{}\t{}",
                        t.name,
                        scope,
                        if t.write { "read-write" } else { "read-only" },
                        rfc3339(t.created),
                        t.expires.map_or_else(|| "never".to_string(), rfc3339)
                    )?;
                }
            }
            Outcome::Info(i) => {
                writeln!(self.out, "vault:          {}", i.path)?;
                writeln!(self.out, "format version: {}", i.format_version)?;
                writeln!(
                    self.out,
                    "kdf:            {} ({} MiB, {} iterations)",
                    i.kdf, i.kdf_memory_mib, i.kdf_iterations
                )?;
                writeln!(self.out, "sso secrets:    {}", i.sso_secrets)?;
                writeln!(self.out, "did secrets:    {}", i.did_secrets)?;
                writeln!(
                    self.out,
                    "read-only:      {}",
                    if i.read_only { "on" } else { "off" }
                )?;
                writeln!(self.out, "tokens:         {}", i.tokens)?;
            }
        }
        self.out.flush()
    }
}

fn json_of(o: &Outcome) -> Value {
    match o {
        Outcome::Done | Outcome::Export(_) => json!({"status": 200}),
        Outcome::Secret(v) => secret_json(v.expose()),
        Outcome::Token(t) => json!({"status": 200, "token": t.expose()}),
        Outcome::Value { key, value } => json!({"status": 200, *key: value}),
        Outcome::Created { vault } => json!({"status": 200, "vault": vault}),
        Outcome::List(items) => json!({"status": 200, "entries": items}),
        Outcome::Tokens(tokens) => {
            let list: Vec<Value> = tokens
                .iter()
                .map(|t| {
                    json!({
                        "name": t.name,
                        "apps": t.apps,
                        "dids": t.dids,
                        "all": t.apps.is_empty() && t.dids.is_empty(),
                        "write": t.write,
                        "created": rfc3339(t.created),
                        "expires": t.expires.map(rfc3339),
                    })
                })
                .collect();
            json!({"status": 200, "tokens": list})
        }
        Outcome::Info(i) => {
            let mut v = json!(i);
            if let Some(m) = v.as_object_mut() {
                m.insert("status".into(), json!(200));
            }
            v
        }
    }
}

impl Sink<'_> {
    /// Writes the one-line error.
    pub fn error(&mut self, e: &Error) {
        let status = e.status();
        let line = if self.json {
            let v = json!({
                "status": status.rfc_status(),
                "error": format!("{}: {}", status.reason(), e.detail()),
            });
            v.to_string()
        } else {
            match status.rfc_status() {
                Some(code) => format!("sso-secrets: {code} {}: {}", status.reason(), e.detail()),
                None => format!("sso-secrets: {}: {}", status.reason(), e.detail()),
            }
        };
        let _ = writeln!(self.err, "{line}");
    }

    /// Writes warnings, one a line.
    pub fn warnings(&mut self, warnings: &[String]) {
        for w in warnings {
            let _ = writeln!(self.err, "sso-secrets: {w}");
        }
    }
}

/// The status of a usage error, for callers that render clap's own text.
pub fn usage_json(message: &str) -> String {
    json!({"status": Value::Null, "error": format!("{}: {}", Status::Usage.reason(), message.trim())}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut s = Sink {
            out: &mut out,
            err: &mut err,
            out_is_terminal: false,
            json: false,
        };
        s.error(&Error::NotFound("no DID secret \"x\" for did:a".into()));
        s.error(&Error::failure("boom"));
        s.json = true;
        s.error(&Error::NotFound("nope".into()));
        s.error(&Error::Usage("bad".into()));
        let text = String::from_utf8(err).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "sso-secrets: 404 not found: no DID secret \"x\" for did:a"
        );
        assert_eq!(lines[1], "sso-secrets: error: boom");
        assert_eq!(lines[2], r#"{"status":404,"error":"not found: nope"}"#);
        assert_eq!(lines[3], r#"{"status":null,"error":"usage: bad"}"#);
    }
}
