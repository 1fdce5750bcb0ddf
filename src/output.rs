//! Rendering outcomes and errors: exact bytes for scripts, JSON on request.

use crate::commands::Outcome;
use crate::error::Error;
use crate::status::Status;
use crate::time::rfc3339;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use std::io::{self, Write};

use crate::text::escape;

/// Where output goes, and whether stdout is a terminal.
pub struct Sink<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// True when stdout is a terminal (a missing final newline is added,
    /// tables get a header and aligned columns).
    pub out_is_terminal: bool,
    /// True when stderr is a terminal (a write confirms itself there).
    pub err_is_terminal: bool,
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
            Outcome::Count { .. } => {}
            #[cfg(feature = "apihub")]
            Outcome::Apihub(r) => {
                for l in r.stdout_lines() {
                    writeln!(self.out, "{l}")?;
                }
                for l in r.stderr_lines() {
                    writeln!(self.err, "sso-secrets: {l}")?;
                }
            }
            Outcome::Done | Outcome::Exec(_) => {}
            Outcome::Audit(records) => {
                for r in records {
                    writeln!(self.out, "{}", r.text_line())?;
                }
            }
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
                let rows = items.iter().map(|i| {
                    let (scope, key) = match i.kind {
                        "sso" => (&i.app, &i.user_id),
                        _ => (&i.did, &i.name),
                    };
                    vec![
                        i.kind.to_string(),
                        escape(scope.as_deref().unwrap_or_default()).into_owned(),
                        escape(key.as_deref().unwrap_or_default()).into_owned(),
                        i.state.to_string(),
                        i.created.clone(),
                        i.updated.clone(),
                    ]
                });
                let header = [
                    "KIND",
                    "APP OR DID",
                    "USER ID OR NAME",
                    "STATE",
                    "CREATED",
                    "UPDATED",
                ];
                self.table(&header, rows.collect())?;
            }
            Outcome::Tokens(tokens) => {
                let rows = tokens.iter().map(|t| {
                    let mut scope: Vec<String> = t
                        .apps
                        .iter()
                        .map(|a| format!("app:{}", escape(a)))
                        .collect();
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
                    vec![
                        escape(&t.name).into_owned(),
                        scope,
                        (if t.write { "read-write" } else { "read-only" }).to_string(),
                        rfc3339(t.created),
                        t.expires.map_or_else(|| "never".to_string(), rfc3339),
                    ]
                });
                let header = ["NAME", "SCOPE", "RIGHTS", "CREATED", "EXPIRES"];
                self.table(&header, rows.collect())?;
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
                writeln!(self.out, "write scopes:   {}", i.write_scopes)?;
                writeln!(self.out, "generation:     {}", i.generation)?;
            }
        }
        self.out.flush()
    }
}

fn json_of(o: &Outcome) -> Value {
    match o {
        Outcome::Done | Outcome::Export(_) | Outcome::Exec(_) => json!({"status": 200}),
        Outcome::Audit(records) => {
            json!({"status": 200, "records": records.iter().map(|r| r.json()).collect::<Vec<_>>()})
        }
        Outcome::Secret(v) => secret_json(v.expose()),
        #[cfg(feature = "apihub")]
        Outcome::Apihub(r) => r.json(),
        Outcome::Token(t) => json!({"status": 200, "token": t.expose()}),
        Outcome::Value { key, value } => json!({"status": 200, *key: value}),
        Outcome::Count { key, n } => json!({"status": 200, *key: n}),
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
    /// Rows of a table: tab-separated for scripts; at a terminal, under a
    /// header, in aligned columns.
    fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) -> io::Result<()> {
        if !self.out_is_terminal {
            for r in rows {
                writeln!(self.out, "{}", r.join("\t"))?;
            }
            return Ok(());
        }
        if rows.is_empty() {
            return writeln!(self.err, "sso-secrets: nothing to list");
        }
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        for r in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (cell, w) in r.iter().zip(&widths) {
                line.push_str(&format!("{cell:<w$}  "));
            }
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(())
    }

    /// After a write that printed nothing: one line on stderr saying what
    /// was done, for a person at a terminal only (scripts see exit 0).
    pub fn confirm(&mut self, o: &Outcome, what: Option<&str>) -> io::Result<()> {
        if self.json || !self.err_is_terminal {
            return Ok(());
        }
        match (o, what) {
            (Outcome::Done, Some(what)) => writeln!(self.err, "sso-secrets: {what}"),
            (Outcome::Count { key, n }, _) => writeln!(self.err, "sso-secrets: {key} {n}"),
            _ => Ok(()),
        }
    }

    /// Writes the one-line error of a command that exits with its status.
    pub fn error(&mut self, e: &Error) {
        self.error_exiting(e, e.status().exit_code());
    }

    /// Writes the one-line error; `exit` is the process's exit code, which
    /// a JSON error carries so that a script can tell a retryable failure
    /// (75) from a fatal one without `$?` (`exec` exits 126 or 127 with a
    /// failure's message).
    pub fn error_exiting(&mut self, e: &Error, exit: u8) {
        let status = e.status();
        let line = if self.json {
            let v = json!({
                "status": status.rfc_status(),
                "error": format!("{}: {}", status.reason(), e.detail()),
                "exit": exit,
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
    json!({
        "status": Value::Null,
        "error": format!("{}: {}", Status::Usage.reason(), message.trim()),
        "exit": Status::Usage.exit_code(),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_forge_fields_or_drive_the_terminal() {
        assert_eq!(escape("alice"), "alice");
        assert_eq!(escape("café"), "café");
        assert_eq!(escape("a\tb\r\n"), "a\\tb\\r\\n");
        assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape("pay\u{200b}pal\u{202e}"), "pay\\u{200b}pal\\u{202e}");
        assert_eq!(escape("a\\tb"), "a\\\\tb");
        assert_eq!(crate::text::quote("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut sink = Sink {
            out: &mut out,
            err: &mut err,
            out_is_terminal: false,
            err_is_terminal: false,
            json: false,
        };
        sink.outcome(&Outcome::Tokens(vec![crate::vault::TokenInfo {
            name: "evil\tall\tread-write".into(),
            apps: vec!["x\u{1b}]0;title\u{7}".into()],
            dids: vec![],
            write: false,
            created: 0,
            expires: None,
        }]))
        .unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(line.matches('\t').count(), 4, "{line:?}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }

    #[test]
    fn error_lines() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut s = Sink {
            out: &mut out,
            err: &mut err,
            out_is_terminal: false,
            err_is_terminal: false,
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
        assert_eq!(
            lines[2],
            r#"{"status":404,"error":"not found: nope","exit":44}"#
        );
        assert_eq!(lines[3], r#"{"status":null,"error":"usage: bad","exit":2}"#);
    }
}
