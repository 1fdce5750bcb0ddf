//! Vault lifecycle and administration: init, list, import, export, tokens,
//! read-only mode, passphrase change, info.

use super::{Ctx, Need, Outcome};
use crate::credentials::check_body;
use crate::crypto::KdfParams;
use crate::did::{self, check_label};
use crate::error::{Error, Result};
use crate::secret::SecretBytes;
use crate::vault::keys::{Entry, Scope, State};
use crate::vault::{self, Vault, format, now};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// `init`: create a vault protected by a new passphrase.
pub fn init(ctx: &Ctx<'_>, kdf: KdfParams) -> Result<Outcome> {
    kdf.check().map_err(Error::Usage)?;
    if ctx.read_only {
        return Err(Error::ReadOnly(
            "writes are disabled by --read-only or SSO_SECRETS_READ_ONLY".into(),
        ));
    }
    let pass = ctx.sources.init_passphrase()?;
    vault::create(&ctx.vault, &pass, kdf, ctx.lock_timeout)?;
    Ok(Outcome::Value {
        key: "vault",
        value: ctx.vault.display().to_string(),
    })
}

/// One row of `list`. Never a value.
#[derive(Debug, Serialize)]
pub struct ListItem {
    /// "sso" or "did".
    pub kind: &'static str,
    /// App name (SSO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// User id (SSO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// DID text (DID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// Secret name (DID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// "active" or "deactivated".
    pub state: &'static str,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub updated: String,
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Active => "active",
        State::Deactivated => "deactivated",
    }
}

/// `list`: the entries the credential may see.
pub fn list(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::default(), |v| {
        let items = v
            .entries()?
            .into_iter()
            .map(|(scope, e)| {
                let (kind, app, user_id, did, name) = match scope {
                    Scope::App(a) => ("sso", Some(a), Some(e.key.clone()), None, None),
                    Scope::Did(d) => ("did", None, None, Some(d), Some(e.key.clone())),
                };
                ListItem {
                    kind,
                    app,
                    user_id,
                    did,
                    name,
                    state: state_name(e.state),
                    created: crate::output::rfc3339(e.created),
                    updated: crate::output::rfc3339(e.updated),
                }
            })
            .collect();
        Ok(Outcome::List(items))
    })
}

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

struct Item {
    scope: Scope,
    key: String,
    state: State,
    value: SecretBytes,
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
    let mut input = SecretBytes::new(Vec::new());
    match file {
        Some(p) => std::fs::File::open(p)
            .and_then(|mut f| f.read_to_end(input.expose_mut()))
            .map_err(|e| Error::io(format!("cannot read {}", p.display()), e))?,
        None => std::io::stdin()
            .read_to_end(input.expose_mut())
            .map_err(|e| Error::io("cannot read stdin", e))?,
    };
    ctx.write(&u, Need::write(Vec::new()), |v| {
        let text = std::str::from_utf8(input.expose()).map_err(|e| {
            Error::WrongFormat(format!("input is not UTF-8 (byte {})", e.valid_up_to()))
        })?;
        let mut items = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            items.push(
                parse_line(line).map_err(|m| Error::WrongFormat(format!("line {}: {m}", i + 1)))?,
            );
        }
        let t = now();
        let n = items.len();
        let mut keys = std::collections::HashMap::new();
        for it in items {
            if !keys.contains_key(&it.scope) {
                keys.insert(it.scope.clone(), v.scope(&it.scope)?);
            }
            let sk = &keys[&it.scope];
            let created = v.get(sk, &it.key)?.map_or(t, |e| e.created);
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
        Ok(Outcome::Count { key: "imported", n })
    })
}

/// `export`: every entry as JSON Lines (needs the passphrase).
pub fn export(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(
        &u,
        Need {
            admin: true,
            ..Need::default()
        },
        |v| {
            let lines = v
                .entries()?
                .into_iter()
                .map(|(scope, e)| {
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
                })
                .collect();
            Ok(Outcome::Export(lines))
        },
    )
}

/// Parses a token lifetime: `30s`, `15m`, `12h`, `7d`, `1w`, `2h30m`,
/// `1h 30m` (humantime's units; a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<u64> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "invalid duration {s:?}: {why}; use e.g. 30s, 15m, 12h, 7d, 1w or 2h30m"
        ))
    };
    let secs = match s.trim().parse::<u64>() {
        Ok(n) => n,
        Err(_) => humantime::parse_duration(s.trim())
            .map_err(|_| bad("not a number with a unit"))?
            .as_secs(),
    };
    if secs == 0 {
        return Err(bad("it must be at least one second"));
    }
    // Past 1000 years the expiry time would not fit the format's clock.
    if secs > 1000 * 366 * 86_400 {
        return Err(bad("it is longer than 1000 years"));
    }
    Ok(secs)
}

/// `token create`.
pub fn token_create(
    ctx: &Ctx<'_>,
    name: &str,
    apps: &[String],
    dids: &[String],
    write: bool,
    expires_in: Option<&str>,
) -> Result<Outcome> {
    check_label("token name", name)?;
    let mut scopes = Vec::new();
    for a in apps {
        check_label("app name", a)?;
        scopes.push(Scope::App(a.clone()));
    }
    for d in dids {
        scopes.push(Scope::Did(did::decode_did(d)?));
    }
    scopes.sort();
    scopes.dedup();
    let expires = expires_in
        .map(parse_duration)
        .transpose()?
        .map(|d| now().saturating_add(d));
    if expires.is_none() {
        ctx.warnings.borrow_mut().push(format!(
            "warning: token {name:?} never expires; pass --expires-in (e.g. 90d) to limit a leak, \
             or revoke it with `sso-secrets token revoke {name}`"
        ));
    }
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::admin(), |v| {
        Ok(Outcome::Token(
            v.create_token(name, &scopes, write, expires)?,
        ))
    })
}

/// `token list`.
pub fn token_list(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(
        &u,
        Need {
            admin: true,
            ..Need::default()
        },
        |v| Ok(Outcome::Tokens(v.tokens()?)),
    )
}

/// `token revoke`.
pub fn token_revoke(ctx: &Ctx<'_>, name: &str) -> Result<Outcome> {
    check_label("token name", name)?;
    let u = ctx.unlocker()?;
    ctx.write(&u, Need::admin(), |v| {
        v.revoke_token(name)?;
        Ok(Outcome::Done)
    })
}

/// `vault read-only on|off`.
pub fn vault_read_only(ctx: &Ctx<'_>, on: bool) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    let need = Need {
        ignores_read_only_flag: !on,
        ..Need::admin()
    };
    ctx.write(&u, need, |v| {
        v.set_read_only(on);
        Ok(Outcome::Done)
    })
}

/// `vault passwd`.
pub fn vault_passwd(
    ctx: &Ctx<'_>,
    new_file: Option<&Path>,
    memory: Option<u32>,
    iterations: Option<u32>,
) -> Result<Outcome> {
    let u = ctx.passphrase_unlocker()?;
    // Check the current passphrase before asking for a new one (twice);
    // the Argon2 result is cached, so the write below does not repeat it.
    ctx.read(&u, Need::admin(), |_| Ok(()))?;
    let new = ctx.sources.new_passphrase(new_file, None)?;
    ctx.write(&u, Need::admin(), |v| {
        let old = v.kdf().unwrap_or(KdfParams::DEFAULT);
        let kdf = KdfParams {
            memory_mib: memory.unwrap_or(old.memory_mib),
            iterations: iterations.unwrap_or(old.iterations),
        };
        v.change_passphrase(&new, kdf)?;
        Ok(Outcome::Done)
    })
}

/// `vault info`.
#[derive(Debug, Serialize)]
pub struct Info {
    /// Vault path.
    pub path: String,
    /// Format version.
    pub format_version: u16,
    /// KDF algorithm.
    pub kdf: &'static str,
    /// Argon2id memory.
    pub kdf_memory_mib: u32,
    /// Argon2id iterations.
    pub kdf_iterations: u32,
    /// SSO secrets.
    pub sso_secrets: usize,
    /// DID secrets.
    pub did_secrets: usize,
    /// Read-only flag.
    pub read_only: bool,
    /// Access tokens.
    pub tokens: usize,
    /// Writes since creation.
    pub generation: u64,
}

/// `vault info`.
pub fn vault_info(ctx: &Ctx<'_>) -> Result<Outcome> {
    let u = ctx.unlocker()?;
    ctx.read(&u, Need::default(), |v: &Vault| {
        let (sso, did) = v.counts()?;
        let kdf = v.kdf().unwrap_or(KdfParams::DEFAULT);
        Ok(Outcome::Info(Info {
            path: ctx.vault.display().to_string(),
            format_version: format::VERSION,
            kdf: "argon2id",
            kdf_memory_mib: kdf.memory_mib,
            kdf_iterations: kdf.iterations,
            sso_secrets: sso,
            did_secrets: did,
            read_only: v.header.read_only(),
            tokens: v.token_count(),
            generation: v.header.generation,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), 30);
        assert_eq!(parse_duration("15m").unwrap(), 900);
        assert_eq!(parse_duration("12h").unwrap(), 43_200);
        assert_eq!(parse_duration("7d").unwrap(), 604_800);
        assert_eq!(parse_duration("45").unwrap(), 45);
        assert_eq!(parse_duration("1w").unwrap(), 604_800);
        assert_eq!(parse_duration("2h30m").unwrap(), 9_000);
        assert_eq!(parse_duration("1h 30m").unwrap(), 5_400);
        for bad in ["", "d", "0s", "-1s", "1x", "99999999999999999999d", "5000y"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

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
