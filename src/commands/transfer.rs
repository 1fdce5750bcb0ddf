//! Moving secrets in and out in bulk: JSON Lines `import` and `export`.

use super::{Ctx, Need, Outcome};
use crate::did::{self, check_label};
use crate::error::{Error, Result};
use crate::ops::check_body;
use crate::secret::SecretBytes;
use crate::vault::keys::{Entry, Scope, State};
use crate::vault::now;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// Largest `import` input: a million entries of ordinary size, or hundreds
/// of the largest secrets; more is refused before anything is stored.
pub const MAX_IMPORT: u64 = 1 << 30;

/// One line of `import` / `export`.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExportLine {
    /// "sso" or "did".
    pub kind: String,
    /// App name (SSO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// User id (SSO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// DID text, not base58 (DID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// Secret name (DID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The value in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_base64: Option<String>,
    /// "deactivated" for a deactivated SSO secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl std::fmt::Debug for ExportLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExportLine(redacted)")
    }
}

impl Drop for ExportLine {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret.zeroize();
        self.secret_base64.zeroize();
    }
}

/// One secret to import, validated.
pub(crate) struct Item {
    /// The app or DID.
    pub(crate) scope: Scope,
    /// User id or secret name.
    pub(crate) key: String,
    /// Active or deactivated.
    pub(crate) state: State,
    /// The secret.
    pub(crate) value: SecretBytes,
}

/// serde_json's message, except where it would quote a value: "invalid
/// type: string \"hunter2\"" must not put a secret on stderr.
fn json_error(e: serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("invalid type") || text.starts_with("invalid value") {
        format!(
            "a field has the wrong type (every field is a string), at column {}",
            e.column()
        )
    } else {
        text
    }
}

fn parse_line(line: &str) -> std::result::Result<Item, String> {
    let l: ExportLine = serde_json::from_str(line).map_err(json_error)?;
    check_line(&l)
}

/// What `import` checks of a line once it parsed: the names as the command
/// line accepts them, the value as `put-*` accepts it. `export` checks each
/// line it writes the same way, so that an export always imports.
fn check_line(l: &ExportLine) -> std::result::Result<Item, String> {
    let need =
        |v: &Option<String>, field: &str| v.clone().ok_or_else(|| format!("missing \"{field}\""));
    let err = |e: Error| e.detail().to_string();
    let (scope, key) = match l.kind.as_str() {
        "sso" => {
            let (app, user) = (need(&l.app, "app")?, need(&l.user_id, "user_id")?);
            check_label("app name", &app).map_err(err)?;
            check_label("user id", &user).map_err(err)?;
            if l.did.is_some() || l.name.is_some() {
                return Err("an SSO line has no \"did\" or \"name\"".into());
            }
            (Scope::App(app), user)
        }
        "did" => {
            let (d, name) = (need(&l.did, "did")?, need(&l.name, "name")?);
            did::check_did_text(&d).map_err(err)?;
            check_label("secret name", &name).map_err(err)?;
            if l.app.is_some() || l.user_id.is_some() {
                return Err("a DID line has no \"app\" or \"user_id\"".into());
            }
            (Scope::Did(d), name)
        }
        other => {
            return Err(format!(
                "unknown kind {other:?} (expected \"sso\" or \"did\")"
            ));
        }
    };
    let value = match (&l.secret, &l.secret_base64) {
        (Some(s), None) => SecretBytes::new(s.as_bytes().to_vec()),
        (None, Some(b)) => SecretBytes::new(
            B64.decode(b)
                .map_err(|_| "secret_base64 is not valid standard base64".to_string())?,
        ),
        _ => return Err("give exactly one of \"secret\" and \"secret_base64\"".into()),
    };
    check_body(&value).map_err(err)?;
    let state = match (l.state.as_deref(), &scope) {
        (None | Some("active"), _) => State::Active,
        (Some("deactivated"), Scope::App(_)) => State::Deactivated,
        (Some(other), _) => return Err(format!("invalid state {other:?} for a {} line", l.kind)),
    };
    Ok(Item {
        scope,
        key,
        state,
        value,
    })
}

/// `import`: all lines or nothing, in one atomic write.
pub fn import(ctx: &Ctx<'_>, file: Option<&Path>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    let limit = MAX_IMPORT + 1;
    let input = match file {
        Some(p) => {
            let mut buf = SecretBytes::new(Vec::new());
            std::fs::File::open(p)
                .and_then(|f| f.take(limit).read_to_end(buf.expose_mut()))
                .map_err(|e| Error::io(format!("cannot read {}", p.display()), e))?;
            buf
        }
        None => ctx
            .sources
            .term
            .read_stdin(limit)
            .map_err(|e| Error::io("cannot read stdin", e))?,
    };
    if input.len() as u64 > MAX_IMPORT {
        return Err(Error::WrongFormat(format!(
            "the import is larger than {} MiB; split it",
            MAX_IMPORT >> 20
        )));
    }
    // Parsed before the session so that it may be asked for every scope
    // the lines name, up to the first bad one: the credential, scope and
    // read-only checks then come first, in the contract's order, and a bad
    // line is reported (500) only after them.
    let parsed = parse_lines(input.expose());
    let mut seen = std::collections::HashSet::new();
    let scopes = (parsed.items.iter())
        .filter(|it| seen.insert(&it.scope))
        .map(|it| it.scope.clone())
        .collect();
    ctx.write(&u, Need::write(scopes), |v| {
        if let Some(e) = parsed.error {
            return Err(e);
        }
        let n = store_all(v, parsed.items)?.len();
        Ok(Outcome::Count { key: "imported", n })
    })
}

/// The lines of an import as parsed, up to the first that does not parse.
struct Parsed {
    items: Vec<Item>,
    /// The first line that does not parse (or input that is not UTF-8).
    error: Option<Error>,
}

fn parse_lines(input: &[u8]) -> Parsed {
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            return Parsed {
                items: Vec::new(),
                error: Some(Error::WrongFormat(format!(
                    "input is not UTF-8 (byte {})",
                    e.valid_up_to()
                ))),
            };
        }
    };
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(item) => items.push(item),
            Err(m) => {
                return Parsed {
                    items,
                    error: Some(Error::WrongFormat(format!("line {}: {m}", i + 1))),
                };
            }
        }
    }
    Parsed { items, error: None }
}

/// What an import does to the secret already at an item's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prior {
    /// There was none.
    New,
    /// The same bytes in the same state: only the update time changes.
    Unchanged,
    /// Different bytes: the local value is replaced, and lost.
    Overwritten,
    /// The same bytes, another state (a deactivated secret reactivated).
    Restated,
}

/// What putting `value` in `state` over `existing` (the entry at its
/// address) does. Compared in constant time: the values are secrets.
pub(crate) fn prior(existing: Option<&Entry>, state: State, value: &SecretBytes) -> Prior {
    use subtle::ConstantTimeEq;
    match existing {
        None => Prior::New,
        Some(e) if !bool::from(e.value.expose().ct_eq(value.expose())) => Prior::Overwritten,
        Some(e) if e.state != state => Prior::Restated,
        Some(_) => Prior::Unchanged,
    }
}

/// Puts every item into an open write session (the caller commits once):
/// the shared path of every bulk import. A scope the credential lacks is
/// 403 and nothing is stored. Returns, item by item, what each replaced.
pub(crate) fn store_all(v: &mut crate::vault::Vault, items: Vec<Item>) -> Result<Vec<Prior>> {
    let t = now();
    let mut priors = Vec::with_capacity(items.len());
    let mut keys = std::collections::HashMap::new();
    for it in items {
        if !keys.contains_key(&it.scope) {
            keys.insert(it.scope.clone(), v.scope(&it.scope)?);
        }
        let sk = &keys[&it.scope];
        let existing = v.get(sk, &it.key)?;
        priors.push(prior(existing.as_ref(), it.state, &it.value));
        let created = existing.map_or(t, |e| e.created);
        v.put(
            sk,
            &Entry {
                state: it.state,
                created,
                updated: t,
                key: it.key,
                value: it.value,
            },
        )?;
    }
    Ok(priors)
}

/// `export`: every entry as JSON Lines (needs the passphrase).
/// Entries that `import` would refuse (names the command line refuses, an
/// empty or oversized value: written by a modified client) are left out,
/// and said on stderr, so that what `export` writes always imports.
pub fn export(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    let mut left_out = Vec::new();
    let out = ctx.read(&u, Need::admin_read(), |v| {
        let lines = v
            .entries()?
            .into_iter()
            .filter_map(|(scope, e)| {
                let l = export_line(scope.clone(), &e);
                match check_line(&l) {
                    Ok(_) => Some(l),
                    Err(why) => {
                        left_out.push(format!("{} ({why})", scope.describe_entry(&e.key)));
                        None
                    }
                }
            })
            .collect();
        Ok(Outcome::Export(lines))
    });
    if !left_out.is_empty() {
        let shown = left_out.len().min(5);
        ctx.warnings.borrow_mut().push(format!(
            "warning: export left out {} entries that import would refuse: {}{}; `sso-secrets vault check` reports names the command line refuses, and --repair drops them",
            left_out.len(),
            left_out[..shown].join("; "),
            match left_out.len() - shown {
                0 => String::new(),
                more => format!("; and {more} more"),
            }
        ));
    }
    out
}

/// One entry as an export line.
fn export_line(scope: Scope, e: &Entry) -> ExportLine {
    let (secret, secret_base64) = match std::str::from_utf8(e.value.expose()) {
        Ok(s) => (Some(s.to_string()), None),
        Err(_) => (None, Some(B64.encode(e.value.expose()))),
    };
    let mut l = ExportLine::default();
    l.secret = secret;
    l.secret_base64 = secret_base64;
    match scope {
        Scope::App(a) => {
            l.kind = "sso".into();
            l.app = Some(a);
            l.user_id = Some(e.key.clone());
            l.state = (e.state == State::Deactivated).then(|| "deactivated".into());
        }
        Scope::Did(d) => {
            l.kind = "did".into();
            l.did = Some(d);
            l.name = Some(e.key.clone());
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_lines() {
        assert!(parse_line(r#"{"kind":"sso","app":"a","user_id":"u","secret":"s"}"#).is_ok());
        assert!(
            parse_line(r#"{"kind":"did","did":"did:x:y","name":"n","secret_base64":"AAE="}"#)
                .is_ok()
        );
        let e = |l: &str| parse_line(l).err().unwrap_or_default();
        assert!(e(r#"{"kind":"sso","app":"a","user_id":"u"}"#).contains("exactly one"));
        assert!(e(r#"{"kind":"did","did":"x","name":"n","secret":"s"}"#).contains("did:"));
        assert!(e(r#"{"kind":"sso","app":"a","user_id":"u","secret":""}"#).contains("empty"));
        assert!(
            e(r#"{"kind":"did","did":"did:x","name":"n","secret":"s","state":"deactivated"}"#)
                .contains("state")
        );
        assert!(
            e(r#"{"kind":"sso","app":"a","user_id":"u","secret":"s","extra":1}"#)
                .contains("unknown field")
        );
        assert!(e("not json").contains("expected"));
        // Error messages never quote a value.
        let m = e(r#"{"kind":"sso","app":"a","user_id":"u","secret":12345678}"#);
        assert!(m.contains("wrong type") && !m.contains("12345678"), "{m}");
        let m = e(r#"{"kind":"sso","app":"a","user_id":"u","secret_base64":"hunter2!"}"#);
        assert!(!m.contains("hunter2") && !m.contains('!'), "{m}");
    }
}
