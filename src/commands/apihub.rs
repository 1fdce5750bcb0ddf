//! `import --apihub` and `export --apihub`: secrets between an OpenDSU
//! APIHub server's secrets folder and the vault.
//!
//! Import takes the same all-or-nothing path as JSON Lines import (one
//! write session, one commit, the credential's scope and rights checked per
//! secret); export needs the passphrase, as JSON Lines export does.

use super::transfer::{Item, store_all};
use super::{Ctx, Need, Outcome};
use crate::apihub::{self, Address, Keys, Skipped};
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::secret::SecretBytes;
use crate::vault::keys::{Scope, State};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;

/// A secret's names without its value: what `--dry-run` shows.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Named {
    /// An SSO secret.
    Sso {
        /// App name.
        app: String,
        /// User id.
        user_id: String,
    },
    /// A DID secret.
    Did {
        /// DID text.
        did: String,
        /// Secret name.
        name: String,
    },
}

/// What an APIHub transfer did.
#[derive(Debug)]
pub enum Report {
    /// `import --apihub`.
    Imported {
        /// The folder.
        dir: String,
        /// Secrets stored.
        imported: usize,
        /// What yielded nothing.
        skipped: Vec<Skipped>,
    },
    /// `import --apihub --dry-run`.
    DryRun {
        /// The folder.
        dir: String,
        /// What an import would store.
        entries: Vec<Named>,
        /// What yielded nothing.
        skipped: Vec<Skipped>,
    },
    /// `export --apihub`.
    Exported {
        /// The folder.
        dir: String,
        /// Secrets written.
        exported: usize,
        /// Files written.
        containers: usize,
        /// Deactivated SSO secrets left out.
        deactivated: usize,
    },
}

impl Report {
    /// Lines for stdout in text mode: the dry run's names, as JSON Lines.
    pub fn stdout_lines(&self) -> Vec<String> {
        match self {
            Report::DryRun { entries, .. } => {
                entries.iter().map(|e| json!(e).to_string()).collect()
            }
            Report::Imported { .. } | Report::Exported { .. } => Vec::new(),
        }
    }

    /// Lines for stderr in text mode: counts, then what was skipped.
    pub fn stderr_lines(&self) -> Vec<String> {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let (head, skipped) = match self {
            Report::Imported {
                dir,
                imported,
                skipped,
            } => (
                format!(
                    "imported {} from {dir}, skipped {}",
                    plural(*imported, "secret", "secrets"),
                    skipped.len()
                ),
                skipped,
            ),
            Report::DryRun {
                dir,
                entries,
                skipped,
            } => (
                format!(
                    "dry run: would import {} from {dir}, skip {}; nothing stored",
                    plural(entries.len(), "secret", "secrets"),
                    skipped.len()
                ),
                skipped,
            ),
            Report::Exported {
                dir,
                exported,
                containers,
                deactivated,
            } => {
                return vec![format!(
                    "exported {} in {} to {dir}; left out {}",
                    plural(*exported, "secret", "secrets"),
                    plural(*containers, "container", "containers"),
                    plural(
                        *deactivated,
                        "deactivated SSO secret",
                        "deactivated SSO secrets"
                    ),
                )];
            }
        };
        let mut lines = vec![head];
        lines.extend(skipped.iter().map(|s| match &s.key {
            Some(k) => format!("skipped {} key {k:?}: {}", s.file, s.reason),
            None => format!("skipped {}: {}", s.file, s.reason),
        }));
        lines
    }

    /// The one JSON object of `--json`.
    pub fn json(&self) -> Value {
        match self {
            Report::Imported {
                imported, skipped, ..
            } => {
                json!({"status": 200, "imported": imported, "skipped": skipped})
            }
            Report::DryRun {
                entries, skipped, ..
            } => json!({
                "status": 200, "dry_run": true, "would_import": entries.len(),
                "entries": entries, "skipped": skipped,
            }),
            Report::Exported {
                exported,
                containers,
                deactivated,
                ..
            } => json!({
                "status": 200, "exported": exported, "containers": containers,
                "deactivated": deactivated,
            }),
        }
    }
}

/// The APIHub key(s): `--apihub-key-file` (first line) or
/// SSO_SECRETS_ENCRYPTION_KEY, as APIHub reads it. Garbage is a usage
/// error; the message never repeats the text.
fn keys(ctx: &Ctx<'_>, key_file: Option<&Path>) -> Result<Option<Keys>> {
    if let Some(p) = key_file {
        let origin = format!("--apihub-key-file {}", p.display());
        let mut buf = SecretBytes::new(Vec::with_capacity(4097));
        std::fs::File::open(p)
            .and_then(|f| f.take(4096).read_to_end(buf.expose_mut()))
            .map_err(|e| Error::io(format!("cannot read {origin}"), e))?;
        let line = buf
            .expose()
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        let text = std::str::from_utf8(line)
            .map_err(|_| Error::Usage(format!("{origin}: not text (APIHub keys are base64)")))?;
        return Keys::parse(text.trim_end_matches('\r'), &origin).map(Some);
    }
    match &ctx.sources.env.apihub_key {
        Some(k) => Keys::parse(k.expose(), "SSO_SECRETS_ENCRYPTION_KEY").map(Some),
        None => Ok(None),
    }
}

fn item(address: Address, value: SecretBytes) -> Item {
    let (scope, key) = match address {
        Address::Sso { app, user } => (Scope::App(app.as_str().into()), user.as_str().into()),
        Address::Did { did, name } => (Scope::Did(did.text().into()), name.as_str().into()),
    };
    Item {
        scope,
        key,
        state: State::Active,
        value,
    }
}

fn named(address: &Address) -> Named {
    match address {
        Address::Sso { app, user } => Named::Sso {
            app: app.to_string(),
            user_id: user.to_string(),
        },
        Address::Did { did, name } => Named::Did {
            did: did.to_string(),
            name: name.to_string(),
        },
    }
}

/// `import --apihub <DIR>`: every secret of the folder, or nothing.
pub fn import(
    ctx: &Ctx<'_>,
    dir: &Path,
    key_file: Option<&Path>,
    dry_run: bool,
) -> Result<Outcome> {
    let keys = keys(ctx, key_file)?;
    let shown = dir.display().to_string();
    let notes = |notes: Vec<String>| {
        let mut w = ctx.warnings.borrow_mut();
        w.extend(notes.into_iter().map(|n| format!("note: {n}")));
    };
    if dry_run {
        let reading = apihub::read(dir, keys.as_ref())?;
        notes(reading.notes);
        return Ok(Outcome::Apihub(Report::DryRun {
            dir: shown,
            entries: reading.found.iter().map(|f| named(&f.address)).collect(),
            skipped: reading.skipped,
        }));
    }
    let u = ctx.unlocker()?;
    // The folder is read inside the write session, as JSON Lines are parsed
    // there: the credential, scope and read-only checks come first, in the
    // contract's order, and a bad file still stores nothing.
    let (imported, skipped, said) = ctx.write(&u, Need::write(Vec::new()), |v| {
        let reading = apihub::read(dir, keys.as_ref())?;
        let items = reading
            .found
            .into_iter()
            .map(|f| item(f.address, f.value))
            .collect();
        Ok((store_all(v, items)?, reading.skipped, reading.notes))
    })?;
    // Only once committed: a failure is one line on stderr, nothing more.
    notes(said);
    Ok(Outcome::Apihub(Report::Imported {
        dir: shown,
        imported,
        skipped,
    }))
}

fn address(scope: Scope, key: String) -> Result<Address> {
    Ok(match scope {
        Scope::App(app) => Address::Sso {
            app: AppName::new(app)?,
            user: UserId::new(key)?,
        },
        Scope::Did(did) => Address::Did {
            did: Did::from_text(did)?,
            name: SecretName::new(key)?,
        },
    })
}

/// `export --apihub <DIR>`: the vault's active secrets as APIHub containers,
/// sealed with the first configured key. Passphrase only.
pub fn export(ctx: &Ctx<'_>, dir: &Path, key_file: Option<&Path>) -> Result<Outcome> {
    let keys = keys(ctx, key_file)?.ok_or_else(|| {
        Error::Usage(
            "export --apihub needs the key APIHub will read with: set SSO_SECRETS_ENCRYPTION_KEY or pass --apihub-key-file"
                .into(),
        )
    })?;
    let u = ctx.unlocker()?;
    let admin = Need::admin_read();
    let (planned, deactivated, warnings) = ctx.read(&u, admin, |v| {
        let mut secrets = Vec::new();
        let mut deactivated = 0;
        for (scope, mut e) in v.entries()? {
            if e.state == State::Deactivated {
                deactivated += 1;
                continue;
            }
            let value = std::mem::take(&mut e.value);
            secrets.push((address(scope, std::mem::take(&mut e.key))?, value));
        }
        let (planned, warnings) = apihub::write::plan(secrets.iter().map(|(a, v)| (a, v)))?;
        Ok((planned, deactivated, warnings))
    })?;
    apihub::write::write(dir, &planned, keys.first())?;
    ctx.warnings.borrow_mut().extend(warnings);
    Ok(Outcome::Apihub(Report::Exported {
        dir: dir.display().to_string(),
        exported: planned.iter().map(|p| p.count).sum(),
        containers: planned.len(),
        deactivated,
    }))
}
