//! `import --apihub` and `export --apihub`: secrets between an OpenDSU
//! APIHub server's secrets folder and the vault.
//!
//! Import takes the same all-or-nothing path as JSON Lines import (one
//! write session, one commit, the credential's scope and rights checked per
//! secret); export needs the passphrase, as JSON Lines export does.
//!
//! Import says what it changes, by address, never by value: the local
//! secrets it overwrites or reactivates, and with `--prune` the ones it
//! removes. `--dry-run` opens the vault read-only and says the same of an
//! import it does not do.
//!
//! What `--prune` removes: a container the folder holds is taken as the
//! whole truth about its name, since APIHub keeps one container per app
//! (SSO secrets) and per DID secret name. So the SSO secrets of the app
//! named like a container, and the DID secrets named like one, that the
//! container does not name are removed. A container the folder does not
//! have (or that was skipped: a link, APIHub's own credentials) says
//! nothing, so its secrets stay; so do secrets the credential cannot read,
//! and any the container still names, with a value or without. Legacy
//! per-user folders are imported but prune nothing: APIHub stopped
//! writing them in 2022, so they are no picture of what it serves now.

use super::transfer::{Item, Prior, prior, store_all};
use super::{Ctx, Need, Outcome};
use crate::apihub::read::Reading;
use crate::apihub::{self, Address, Keys, Skipped};
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::secret::SecretBytes;
use crate::vault::Vault;
use crate::vault::keys::{Scope, State};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
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

/// What an import does, or would do, to the secrets already in the vault,
/// by address (never a value).
#[derive(Debug, Default)]
pub struct Changes {
    /// Secrets that were not there.
    pub new: usize,
    /// Secrets already there with the same value and state.
    pub unchanged: usize,
    /// Local secrets whose different value is replaced (lost).
    pub overwritten: Vec<Address>,
    /// Local deactivated secrets with the same value, made active again.
    pub reactivated: Vec<Address>,
    /// With `--prune`: local secrets the folder's containers no longer
    /// hold, removed.
    pub removed: Option<Vec<Address>>,
}

impl Changes {
    fn tally(addresses: &[Address], priors: &[Prior], removed: Option<Vec<Address>>) -> Self {
        let mut c = Changes {
            removed,
            ..Changes::default()
        };
        for (a, p) in addresses.iter().zip(priors) {
            match p {
                Prior::New => c.new += 1,
                Prior::Unchanged => c.unchanged += 1,
                Prior::Overwritten => c.overwritten.push(a.clone()),
                Prior::Restated => c.reactivated.push(a.clone()),
            }
        }
        c
    }

    /// One line per address: `would overwrite …` in a dry run, `overwrote
    /// …` after the import.
    fn lines(&self, dry_run: bool) -> Vec<String> {
        let (overwrite, reactivate, remove) = if dry_run {
            ("would overwrite", "would reactivate", "would remove")
        } else {
            ("overwrote", "reactivated", "removed")
        };
        let removed = self.removed.iter().flatten();
        (self.overwritten.iter().map(|a| format!("{overwrite} {a}")))
            .chain(self.reactivated.iter().map(|a| format!("{reactivate} {a}")))
            .chain(removed.map(|a| format!("{remove} {a}")))
            .collect()
    }

    /// Its fields of the `--json` object.
    fn add_json(&self, o: &mut serde_json::Map<String, Value>) {
        let names = |list: &[Address]| json!(list.iter().map(named).collect::<Vec<_>>());
        o.insert("new".into(), json!(self.new));
        o.insert("unchanged".into(), json!(self.unchanged));
        o.insert("overwritten".into(), names(&self.overwritten));
        o.insert("reactivated".into(), names(&self.reactivated));
        if let Some(removed) = &self.removed {
            o.insert("removed".into(), names(removed));
        }
    }
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
        /// What that changed in the vault.
        changes: Changes,
        /// What yielded nothing.
        skipped: Vec<Skipped>,
    },
    /// `import --apihub --dry-run`.
    DryRun {
        /// The folder.
        dir: String,
        /// What an import would store.
        entries: Vec<Named>,
        /// What that would change in the vault.
        changes: Changes,
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
        let removed = |c: &Changes, verb: &str| {
            c.removed
                .as_ref()
                .map(|r| format!(", {verb} {}", r.len()))
                .unwrap_or_default()
        };
        let (head, changes, skipped) = match self {
            Report::Imported {
                dir,
                imported,
                changes,
                skipped,
            } => (
                format!(
                    "imported {} from {dir}{}, skipped {}",
                    plural(*imported, "secret", "secrets"),
                    removed(changes, "removed"),
                    skipped.len()
                ),
                changes.lines(false),
                skipped,
            ),
            Report::DryRun {
                dir,
                entries,
                changes,
                skipped,
            } => (
                format!(
                    "dry run: would import {} from {dir}{}, skip {}; nothing stored",
                    plural(entries.len(), "secret", "secrets"),
                    removed(changes, "remove"),
                    skipped.len()
                ),
                changes.lines(true),
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
        lines.extend(changes);
        lines.extend(skipped.iter().map(|s| match &s.key {
            Some(k) => format!("skipped {} key {k:?}: {}", s.file, s.reason),
            None => format!("skipped {}: {}", s.file, s.reason),
        }));
        lines
    }

    /// The one JSON object of `--json`.
    pub fn json(&self) -> Value {
        let with_changes = |mut head: Value, changes: &Changes, skipped: &[Skipped]| {
            if let Some(o) = head.as_object_mut() {
                changes.add_json(o);
                o.insert("skipped".into(), json!(skipped));
            }
            head
        };
        match self {
            Report::Imported {
                imported,
                changes,
                skipped,
                ..
            } => with_changes(
                json!({"status": 200, "imported": imported}),
                changes,
                skipped,
            ),
            Report::DryRun {
                entries,
                changes,
                skipped,
                ..
            } => with_changes(
                json!({
                    "status": 200, "dry_run": true, "would_import": entries.len(),
                    "entries": entries,
                }),
                changes,
                skipped,
            ),
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

fn scope_and_key(address: &Address) -> (Scope, String) {
    match address {
        Address::Sso { app, user } => (Scope::App(app.as_str().into()), user.as_str().into()),
        Address::Did { did, name } => (Scope::Did(did.text().into()), name.as_str().into()),
    }
}

fn item(address: Address, value: SecretBytes) -> Item {
    let (scope, key) = scope_and_key(&address);
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

/// `import --apihub <DIR>`: every secret of the folder, or nothing; with
/// `prune`, also the removal of what the folder's containers no longer
/// hold, in the same write. With `dry_run`, the same reading and the same
/// comparison with the vault, opened read-only, and nothing written.
pub fn import(
    ctx: &Ctx<'_>,
    dir: &Path,
    key_file: Option<&Path>,
    dry_run: bool,
    prune: bool,
) -> Result<Outcome> {
    let keys = keys(ctx, key_file)?;
    let shown = dir.display().to_string();
    let notes = |notes: Vec<String>| {
        let mut w = ctx.warnings.borrow_mut();
        w.extend(notes.into_iter().map(|n| format!("note: {n}")));
    };
    let u = ctx.unlocker()?;
    if dry_run {
        // Only reads: a read-only credential, `--read-only` or a vault set
        // read-only may preview an import they could not do.
        let (reading, changes) = ctx.read(&u, Need::read(Vec::new()), |v| {
            let reading = apihub::read(dir, keys.as_ref())?;
            let changes = preview(v, &reading, prune)?;
            Ok((reading, changes))
        })?;
        notes(reading.notes);
        return Ok(Outcome::Apihub(Report::DryRun {
            dir: shown,
            entries: reading.found.iter().map(|f| named(&f.address)).collect(),
            changes,
            skipped: reading.skipped,
        }));
    }
    // The folder is read before the write session, so that the session
    // may be asked for every scope it holds; a folder that cannot be read
    // is reported inside it. The credential, scope and read-only checks so
    // come first, in the contract's order, and a bad file still stores (and
    // removes) nothing.
    let reading = apihub::read(dir, keys.as_ref());
    let mut scopes: Vec<Scope> = Vec::new();
    if let Ok(r) = &reading {
        let mut seen = std::collections::HashSet::new();
        for f in &r.found {
            let (scope, _) = scope_and_key(&f.address);
            if seen.insert(scope.clone()) {
                scopes.push(scope);
            }
        }
    }
    let (imported, changes, skipped, said) = ctx.write(&u, Need::write(scopes), |v| {
        let reading = reading?;
        // Chosen before anything is stored, from the vault as it was.
        let doomed = prune.then(|| doomed(v, &reading)).transpose()?;
        let addresses: Vec<Address> = reading.found.iter().map(|f| f.address.clone()).collect();
        let items = reading
            .found
            .into_iter()
            .map(|f| item(f.address, f.value))
            .collect();
        let priors = store_all(v, items)?;
        let removed = doomed.map(|d| remove(v, d)).transpose()?;
        let changes = Changes::tally(&addresses, &priors, removed);
        Ok((addresses.len(), changes, reading.skipped, reading.notes))
    })?;
    // Only once committed: a failure is one line on stderr, nothing more.
    notes(said);
    Ok(Outcome::Apihub(Report::Imported {
        dir: shown,
        imported,
        changes,
        skipped,
    }))
}

/// What importing `reading` into `v` would change, without changing it.
fn preview(v: &Vault, reading: &Reading, prune: bool) -> Result<Changes> {
    let mut scopes = HashMap::new();
    let mut addresses = Vec::with_capacity(reading.found.len());
    let mut priors = Vec::with_capacity(reading.found.len());
    for f in &reading.found {
        let (scope, key) = scope_and_key(&f.address);
        if !scopes.contains_key(&scope) {
            // 403 for a scope the credential lacks, as the import answers.
            let sk = v.scope(&scope)?;
            scopes.insert(scope.clone(), sk);
        }
        let existing = v.get(&scopes[&scope], &key)?;
        priors.push(prior(existing.as_ref(), State::Active, &f.value));
        addresses.push(f.address.clone());
    }
    let removed = prune
        .then(|| doomed(v, reading))
        .transpose()?
        .map(|d| d.into_iter().map(|(.., a)| a).collect());
    Ok(Changes::tally(&addresses, &priors, removed))
}

/// A local secret `--prune` removes: its scope, its key, its address.
type Doomed = (Scope, String, Address);

/// The secrets of `v` (those the credential can read) that `--prune`
/// removes: SSO secrets of an app, and DID secrets of a name, that is a
/// container the folder holds, which that container does not name.
fn doomed(v: &Vault, reading: &Reading) -> Result<Vec<Doomed>> {
    let containers: HashSet<&str> = reading.containers.iter().map(String::as_str).collect();
    let named: HashSet<&Address> = (reading.found.iter().map(|f| &f.address))
        .chain(&reading.valueless)
        .collect();
    let mut out = Vec::new();
    for (scope, e) in v.entries()? {
        let container = match &scope {
            Scope::App(app) => app.as_str(),
            Scope::Did(_) => e.key.as_str(),
        };
        if !containers.contains(container) {
            continue;
        }
        // A name the command line refuses (a modified client wrote it) is
        // no address a folder can hold: never pruned; `vault check` reports
        // it.
        let Ok(a) = address(scope.clone(), e.key.clone()) else {
            continue;
        };
        if !named.contains(&a) {
            out.push((scope, e.key.clone(), a));
        }
    }
    Ok(out)
}

/// Removes `doomed` from the open write session; returns their addresses.
fn remove(v: &mut Vault, doomed: Vec<Doomed>) -> Result<Vec<Address>> {
    let mut removed = Vec::with_capacity(doomed.len());
    for (scope, key, a) in doomed {
        let sk = v.scope(&scope)?;
        v.delete(&sk, &key)?;
        removed.push(a);
    }
    Ok(removed)
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
        let mut refused = Vec::new();
        for (scope, mut e) in v.entries()? {
            if e.state == State::Deactivated {
                deactivated += 1;
                continue;
            }
            let value = std::mem::take(&mut e.value);
            match address(scope.clone(), e.key.clone()) {
                Ok(a) => secrets.push((a, value)),
                // Written by a modified client: said, never exported.
                Err(_) => refused.push(scope.describe_entry(&e.key)),
            }
        }
        let (planned, mut warnings) = apihub::write::plan(secrets.iter().map(|(a, v)| (a, v)))?;
        if !refused.is_empty() {
            warnings.push(format!(
                "warning: left out {} entries whose names the command line refuses: {}; `sso-secrets vault check` reports them",
                refused.len(),
                refused.join(", ")
            ));
        }
        Ok((planned, deactivated, warnings))
    })?;
    // The folder receives every secret: its record is durable first (the
    // record says 200 even if the write then fails: over-recorded, never
    // under-recorded).
    ctx.audit(None, vec![("export --apihub".into(), 200, Vec::new())])?;
    apihub::write::write(dir, &planned, keys.first())?;
    ctx.warnings.borrow_mut().extend(warnings);
    Ok(Outcome::Apihub(Report::Exported {
        dir: dir.display().to_string(),
        exported: planned.iter().map(|p| p.count).sum(),
        containers: planned.len(),
        deactivated,
    }))
}
