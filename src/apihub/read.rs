//! Reading an APIHub secrets folder (`external-volume/secrets/`): every
//! `<container>.secret` file, and the plaintext per-user files of
//! deployments from before 2022-11 (`<app>/<user>.secret`, `.json` before
//! 2022-09).
//!
//! Everything is read and checked before anything is returned, so the
//! caller can store all of it or nothing.

use super::classify::{Address, CREDENTIAL_CONTAINERS, Spelling, Stored, classify, value_bytes};
use super::format::{self, Container};
use super::key::Keys;
use crate::credentials::{MAX_BODY, check_body};
use crate::error::{Error, Result};
use crate::names::{AppName, UserId};
use crate::secret::SecretBytes;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// One secret found in the folder (its Debug form shows the value as
/// `(redacted)`).
#[derive(Debug)]
pub struct Found {
    /// Which secret.
    pub address: Address,
    /// Its bytes.
    pub value: SecretBytes,
}

/// Something in the folder that yields no secret, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file, relative to the folder.
    pub file: String,
    /// The key within the container, when one entry is skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why.
    pub reason: String,
}

/// What a folder holds.
#[derive(Debug, Default)]
pub struct Reading {
    /// The secrets, in folder order.
    pub found: Vec<Found>,
    /// What was left out.
    pub skipped: Vec<Skipped>,
    /// Things worth telling the user (non-string values taken as JSON text).
    pub notes: Vec<String>,
}

/// Ranks competing sources of one secret; the higher one is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    LegacyJson,
    LegacySecret,
    Container(Spelling),
}

/// Where a kept secret came from, to name it when a rival is dropped.
struct Source {
    index: usize,
    rank: Rank,
    file: String,
    key: Option<String>,
}

impl Source {
    fn describe(&self) -> String {
        match &self.key {
            Some(k) => format!("{} key {k:?}", self.file),
            None => self.file.clone(),
        }
    }
}

#[derive(Default)]
struct Collector {
    reading: Reading,
    seen: HashMap<Address, Source>,
}

impl Collector {
    /// Adds a secret; when another source already named the same secret,
    /// keeps the better-ranked one (the first of equals) and lists the other
    /// as skipped.
    fn add(
        &mut self,
        address: Address,
        value: SecretBytes,
        rank: Rank,
        file: &str,
        key: Option<&str>,
    ) {
        let new = Source {
            index: self.reading.found.len(),
            rank,
            file: file.to_string(),
            key: key.map(str::to_string),
        };
        let dropped = |loser: &Source, winner: &Source| Skipped {
            file: loser.file.clone(),
            key: loser.key.clone(),
            reason: format!("the same secret as {}, which is kept", winner.describe()),
        };
        match self.seen.get_mut(&address) {
            None => {
                self.seen.insert(address.clone(), new);
                self.reading.found.push(Found { address, value });
            }
            Some(old) if old.rank >= rank => self.reading.skipped.push(dropped(&new, old)),
            Some(old) => {
                self.reading.skipped.push(dropped(old, &new));
                self.reading.found[old.index].value = value;
                *old = Source {
                    index: old.index,
                    ..new
                };
            }
        }
    }
}

/// Reads a whole file into zeroizing memory without reallocating (a
/// reallocation would leave an unwiped copy behind).
fn read_secret_file(path: &Path) -> std::io::Result<SecretBytes> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let cap = usize::try_from(len).unwrap_or(usize::MAX).min(MAX_BODY) + 1;
    let mut out = SecretBytes::new(Vec::with_capacity(cap));
    // One byte over the limit is enough to say it is too large.
    (&mut f).take(cap as u64).read_to_end(out.expose_mut())?;
    Ok(out)
}

/// Largest container file read: APIHub holds each container in memory as
/// one JSON text, so anything near this is not a folder it could serve.
const MAX_CONTAINER: u64 = 1 << 30;

/// Reads a container file, at most one byte past [`MAX_CONTAINER`].
fn read_container_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CONTAINER + 1)
        .read_to_end(&mut out)?;
    Ok(out)
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::io(what, e)
}

/// Sorted entries of a directory, with their names as UTF-8 (a name that
/// is not UTF-8 cannot be an app name or user id: 500).
fn entries(dir: &Path, shown: &str) -> Result<Vec<(String, std::fs::FileType)>> {
    let mut out = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(io(format!("cannot read APIHub folder {shown}")))?;
    for entry in rd {
        let entry = entry.map_err(io(format!("cannot read APIHub folder {shown}")))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| Error::WrongFormat(format!("{shown}: file name {n:?} is not UTF-8")))?;
        // Follows symbolic links, as APIHub's fs.readFile does.
        let ty = std::fs::metadata(entry.path())
            .map_err(io(format!("cannot read {shown}/{name}")))?
            .file_type();
        out.push((name, ty));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Reads `dir`. `keys` may be `None` when no key was configured: then only
/// a folder without encrypted containers can be read.
pub fn read(dir: &Path, keys: Option<&Keys>) -> Result<Reading> {
    let shown = dir.display().to_string();
    let list = entries(dir, &shown)?;
    let mut c = Collector::default();
    let mut any = false;
    // Which copy of a secret found twice is kept is decided by rank, not
    // by order (see `Collector::add`).
    for (name, ty) in &list {
        // APIHub's lock directory: mkdir'd around writes, holds nothing.
        if ty.is_dir() && name != "secret.lock" {
            any |= legacy_app(&mut c, &dir.join(name), name)?;
        }
    }
    for (name, ty) in &list {
        if let (true, Some(container)) = (ty.is_file(), name.strip_suffix(".secret")) {
            any = true;
            read_container(&mut c, &dir.join(name), name, container, keys)?;
        }
    }
    if !any {
        return Err(Error::failure(format!(
            "{shown} holds no .secret file: not an APIHub secrets folder (its external-volume/secrets)"
        )));
    }
    Ok(c.reading)
}

fn read_container(
    c: &mut Collector,
    path: &Path,
    file: &str,
    container: &str,
    keys: Option<&Keys>,
) -> Result<()> {
    let skip = |reason: &str| Skipped {
        file: file.to_string(),
        key: None,
        reason: reason.to_string(),
    };
    // Not even opened: the server's API keys are no business of the vault.
    if CREDENTIAL_CONTAINERS.contains(&container) {
        c.reading.skipped.push(skip("APIHub's own credentials"));
        return Ok(());
    }
    let bad = |m: String| Error::WrongFormat(format!("{}: {m}", path.display()));
    let keys = keys.ok_or_else(|| {
        Error::Usage(format!(
            "{} is encrypted: give APIHub's key in SSO_SECRETS_ENCRYPTION_KEY or --apihub-key-file",
            path.display()
        ))
    })?;
    let bytes = read_container_file(path).map_err(io(format!("cannot read {}", path.display())))?;
    if bytes.len() as u64 > MAX_CONTAINER {
        return Err(bad(format!("larger than {} MiB", MAX_CONTAINER >> 20)));
    }
    let plain = format::open(keys, &bytes).map_err(|e| bad(e.to_string()))?;
    let mut parsed: Container = format::parse(plain.expose(), Some(keys)).map_err(bad)?;
    if parsed.0.is_empty() {
        c.reading.skipped.push(skip("empty"));
        return Ok(());
    }
    for (key, value) in std::mem::take(&mut parsed.0) {
        let taken = value_bytes(&value);
        format::wipe(value);
        let (address, spelling) = classify(container, &key).map_err(bad)?;
        let Some((secret, stored)) = taken else {
            c.reading.skipped.push(Skipped {
                file: file.to_string(),
                key: Some(key),
                reason: "no value (APIHub answers 404 for it)".into(),
            });
            continue;
        };
        check_body(&secret).map_err(|e| bad(format!("key {key:?}: {}", e.detail())))?;
        match stored {
            Stored::String => {}
            Stored::Buffer => c.reading.notes.push(format!(
                "{file}: key {key:?} holds a Buffer wrapper; its bytes are imported"
            )),
            Stored::Json => c.reading.notes.push(format!(
                "{file}: key {key:?} holds JSON that is not a string; its compact JSON text is imported"
            )),
        }
        c.add(address, secret, Rank::Container(spelling), file, Some(&key));
    }
    Ok(())
}

/// Deepest user-id nesting followed in a legacy app folder (a user id with
/// `/` in it was written to a subfolder).
const MAX_DEPTH: usize = 8;

/// Reads `<app>/…/<user>.secret|.json`: the secret is the whole file.
/// Returns whether any such file was there.
fn legacy_app(c: &mut Collector, dir: &Path, app: &str) -> Result<bool> {
    let mut any = false;
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((path, prefix, depth)) = stack.pop() {
        let shown = format!("{app}/{prefix}");
        let list = entries(&path, shown.trim_end_matches('/'))?;
        // Subfolders go on the stack last-first, so they come off in order.
        for (name, _) in list.iter().rev().filter(|(_, ty)| ty.is_dir()) {
            if depth < MAX_DEPTH {
                stack.push((path.join(name), format!("{prefix}{name}/"), depth + 1));
            }
        }
        for (name, ty) in list {
            let rel = format!("{app}/{prefix}{name}");
            let (user, rank) = match (name.strip_suffix(".secret"), name.strip_suffix(".json")) {
                (Some(u), _) => (u, Rank::LegacySecret),
                (None, Some(u)) => (u, Rank::LegacyJson),
                (None, None) => continue,
            };
            if !ty.is_file() {
                continue;
            }
            any = true;
            let bad =
                |m: String| Error::WrongFormat(format!("{}: {m}", path.join(&name).display()));
            let address = Address::Sso {
                app: AppName::new(app).map_err(|e| bad(e.detail()))?,
                user: UserId::new(format!("{prefix}{user}")).map_err(|e| bad(e.detail()))?,
            };
            let value =
                read_secret_file(&path.join(&name)).map_err(io(format!("cannot read {rel}")))?;
            if value.is_empty() {
                c.reading.skipped.push(Skipped {
                    file: rel,
                    key: None,
                    reason: "empty".into(),
                });
                continue;
            }
            check_body(&value).map_err(|e| bad(e.detail()))?;
            c.add(address, value, rank, &rel, None);
        }
    }
    Ok(any)
}
