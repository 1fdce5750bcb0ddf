//! Reading an APIHub secrets folder (`external-volume/secrets/`): every
//! `<container>.secret` file, and the plaintext per-user files of
//! deployments from before 2022-11 (`<app>/<user>.secret`, `.json` before
//! 2022-09).
//!
//! Everything is read and checked before anything is returned, so the
//! caller can store all of it or nothing.
//!
//! Nothing outside the folder is ever read. APIHub's `fs.readFile` follows
//! symbolic links, but for an import a link is someone pointing the vault
//! at a file of their choosing (a legacy `<app>/<user>.secret` linked to
//! `~/.ssh/id_ed25519` would become a secret that every token of that app
//! reads). So every entry is looked at with `lstat` and opened relative to
//! its folder's open descriptor with `O_NOFOLLOW`: a link, or one swapped
//! in while the folder is read, is skipped and listed, never followed. A
//! directory reached twice (a bind mount of the folder inside itself) is
//! read once, by (device, inode).

use super::classify::{Address, CREDENTIAL_CONTAINERS, Spelling, Stored, classify, value_bytes};
use super::format::{self, Container};
use super::key::Keys;
use crate::error::{Error, Result};
use crate::names::{AppName, UserId};
use crate::ops::{MAX_BODY, check_body};
use crate::secret::SecretBytes;
use nix::dir::Dir;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, Mode, SFlag};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fs::File;
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
    /// The containers read, empty ones too (not APIHub's credential
    /// containers, not links): the ones whose whole content is known, which
    /// `--prune` may therefore mirror.
    pub containers: Vec<String>,
    /// Secrets a container names without a value APIHub would serve
    /// (`""`, `null`, …): not imported, and not pruned either.
    pub valueless: Vec<Address>,
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
fn read_secret_file(mut f: File) -> std::io::Result<SecretBytes> {
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
fn read_container_file(f: File) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    f.take(MAX_CONTAINER + 1).read_to_end(&mut out)?;
    Ok(out)
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::io(what, e)
}

fn nix_io(what: String) -> impl FnOnce(nix::Error) -> Error {
    move |e| Error::io(what, std::io::Error::from(e))
}

/// Why a symbolic link yields nothing.
const LINK: &str = "a symbolic link: not followed";

/// What an entry of the folder is, as `lstat` sees it: a link is a link,
/// whatever it points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Link,
    Other,
}

fn kind(st: &FileStat) -> Kind {
    let fmt = SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT;
    if fmt == SFlag::S_IFREG {
        Kind::File
    } else if fmt == SFlag::S_IFDIR {
        Kind::Dir
    } else if fmt == SFlag::S_IFLNK {
        Kind::Link
    } else {
        Kind::Other
    }
}

/// Sorted entries of an open directory, with their names as UTF-8 (a name
/// that is not UTF-8 cannot be an app name or user id: 500) and what each
/// is, links not followed.
fn entries(dir: &mut Dir, shown: &str) -> Result<Vec<(String, Kind)>> {
    let mut names = Vec::new();
    for entry in dir.iter() {
        let entry = entry.map_err(nix_io(format!("cannot read APIHub folder {shown}")))?;
        let name = entry.file_name().to_str().map_err(|_| {
            Error::WrongFormat(format!(
                "{shown}: file name {:?} is not UTF-8",
                entry.file_name()
            ))
        })?;
        if name != "." && name != ".." {
            names.push(name.to_string());
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let st = nix::sys::stat::fstatat(&*dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW)
                .map_err(nix_io(format!("cannot read {shown}/{name}")))?;
            Ok((name, kind(&st)))
        })
        .collect()
}

/// A regular file of `dir`, opened without following a link; `Err` says
/// why it yields nothing (it became a link, or is not a regular file).
fn open_file(dir: &Dir, name: &str) -> std::io::Result<std::result::Result<File, &'static str>> {
    // O_NONBLOCK: a FIFO swapped in must not hang the import.
    let flags = OFlag::O_RDONLY
        | OFlag::O_NOFOLLOW
        | OFlag::O_NONBLOCK
        | OFlag::O_NOCTTY
        | OFlag::O_CLOEXEC;
    let file = match nix::fcntl::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => File::from(fd),
        Err(nix::Error::ELOOP) => return Ok(Err(LINK)),
        Err(e) => return Err(e.into()),
    };
    if !file.metadata()?.is_file() {
        return Ok(Err("not a regular file"));
    }
    Ok(Ok(file))
}

/// The directories read so far, by (device, inode).
#[derive(Default)]
struct Visited(HashSet<(u64, u64)>);

impl Visited {
    /// True the first time `dir` is seen.
    fn first(&mut self, dir: &Dir, shown: &str) -> Result<bool> {
        let st = nix::sys::stat::fstat(dir).map_err(nix_io(format!("cannot read {shown}")))?;
        Ok(self.0.insert((st.st_dev, st.st_ino)))
    }
}

/// Why a directory reached twice is not read again.
const SEEN: &str = "a directory already read (a bind mount or a loop): not read again";

/// Reads `dir`. `keys` may be `None` when no key was configured: then only
/// a folder without encrypted containers can be read.
pub fn read(dir: &Path, keys: Option<&Keys>) -> Result<Reading> {
    let shown = dir.display().to_string();
    // The folder itself is what the user named: a link there is theirs.
    let mut root = Dir::open(
        dir,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(nix_io(format!("cannot read APIHub folder {shown}")))?;
    let mut visited = Visited::default();
    visited.first(&root, &shown)?;
    let list = entries(&mut root, &shown)?;
    let mut c = Collector::default();
    let mut any = false;
    // Which copy of a secret found twice is kept is decided by rank, not
    // by order (see `Collector::add`).
    for (name, kind) in &list {
        match kind {
            Kind::Link => c.skip(name, LINK),
            // APIHub's lock directory: mkdir'd around writes, holds nothing.
            Kind::Dir if name != "secret.lock" => {
                let app = Legacy {
                    root: dir,
                    app: name,
                };
                any |= app.read(&mut c, &mut visited, &root, name, "", 0)?;
            }
            _ => {}
        }
    }
    for (name, kind) in &list {
        if let (Kind::File, Some(container)) = (kind, name.strip_suffix(".secret")) {
            any = true;
            read_container(&mut c, &root, &dir.join(name), name, container, keys)?;
        }
    }
    if !any {
        return Err(Error::failure(format!(
            "{shown} holds no .secret file: not an APIHub secrets folder (its external-volume/secrets)"
        )));
    }
    Ok(c.reading)
}

impl Collector {
    /// Lists `file` as yielding nothing, for `reason`.
    fn skip(&mut self, file: &str, reason: &str) {
        self.reading.skipped.push(Skipped {
            file: file.to_string(),
            key: None,
            reason: reason.to_string(),
        });
    }
}

fn read_container(
    c: &mut Collector,
    dir: &Dir,
    path: &Path,
    file: &str,
    container: &str,
    keys: Option<&Keys>,
) -> Result<()> {
    // Not even opened: the server's API keys are no business of the vault.
    if CREDENTIAL_CONTAINERS.contains(&container) {
        c.skip(file, "APIHub's own credentials");
        return Ok(());
    }
    let bad = |m: String| Error::WrongFormat(format!("{}: {m}", path.display()));
    let keys = keys.ok_or_else(|| {
        Error::Usage(format!(
            "{} is encrypted: give APIHub's key in SSO_SECRETS_ENCRYPTION_KEY or --apihub-key-file",
            path.display()
        ))
    })?;
    let cannot = || io(format!("cannot read {}", path.display()));
    let f = match open_file(dir, file).map_err(cannot())? {
        Ok(f) => f,
        Err(reason) => {
            c.skip(file, reason);
            return Ok(());
        }
    };
    let bytes = read_container_file(f).map_err(cannot())?;
    if bytes.len() as u64 > MAX_CONTAINER {
        return Err(bad(format!("larger than {} MiB", MAX_CONTAINER >> 20)));
    }
    let plain = format::open(keys, &bytes).map_err(|e| bad(e.to_string()))?;
    let mut parsed: Container = format::parse(plain.expose(), Some(keys)).map_err(bad)?;
    c.reading.containers.push(container.to_string());
    if parsed.0.is_empty() {
        c.skip(file, "empty");
        return Ok(());
    }
    for (key, value) in std::mem::take(&mut parsed.0) {
        let taken = value_bytes(&value);
        format::wipe(value);
        let (address, spelling) = classify(container, &key).map_err(bad)?;
        let Some((secret, stored)) = taken else {
            c.reading.valueless.push(address);
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

/// One legacy app folder, `<app>/…/<user>.secret|.json`, of the folder at
/// `root`: each such file is one secret, the whole file.
struct Legacy<'a> {
    root: &'a Path,
    app: &'a str,
}

impl Legacy<'_> {
    /// Reads the subfolder `name` of `parent`, whose user ids start with
    /// `prefix` (`""` or ending in `/`), `depth` folders below the app's.
    /// Returns whether any such file was there.
    fn read(
        &self,
        c: &mut Collector,
        visited: &mut Visited,
        parent: &Dir,
        name: &str,
        prefix: &str,
        depth: usize,
    ) -> Result<bool> {
        let app = self.app;
        let rel = format!("{app}/{prefix}");
        let rel = rel.trim_end_matches('/');
        let path = self.root.join(rel);
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let mut dir = match Dir::openat(parent, name, flags, Mode::empty()) {
            Ok(d) => d,
            // Turned into a link since it was listed.
            Err(nix::Error::ELOOP) => {
                c.skip(rel, LINK);
                return Ok(false);
            }
            Err(e) => return Err(nix_io(format!("cannot read {}", path.display()))(e)),
        };
        if !visited.first(&dir, rel)? {
            c.skip(rel, SEEN);
            return Ok(false);
        }
        let list = entries(&mut dir, rel)?;
        let mut any = false;
        for (file, kind) in &list {
            let rel = format!("{app}/{prefix}{file}");
            let (user, rank) = match (file.strip_suffix(".secret"), file.strip_suffix(".json")) {
                (Some(u), _) => (u, Rank::LegacySecret),
                (None, Some(u)) => (u, Rank::LegacyJson),
                (None, None) if *kind == Kind::Link => {
                    c.skip(&rel, LINK);
                    continue;
                }
                (None, None) => continue,
            };
            let f = match kind {
                Kind::Link => Err(LINK),
                Kind::File => open_file(&dir, file).map_err(io(format!("cannot read {rel}")))?,
                Kind::Dir | Kind::Other => Err("not a regular file"),
            };
            let f = match f {
                Ok(f) => f,
                Err(reason) => {
                    // A folder named like a user's file is still a folder.
                    if *kind != Kind::Dir {
                        c.skip(&rel, reason);
                    }
                    continue;
                }
            };
            any = true;
            let bad = |m: String| Error::WrongFormat(format!("{}: {m}", path.join(file).display()));
            let address = Address::Sso {
                app: AppName::new(app).map_err(|e| bad(e.detail()))?,
                user: UserId::new(format!("{prefix}{user}")).map_err(|e| bad(e.detail()))?,
            };
            let value = read_secret_file(f).map_err(io(format!("cannot read {rel}")))?;
            if value.is_empty() {
                c.skip(&rel, "empty");
                continue;
            }
            check_body(&value).map_err(|e| bad(e.detail()))?;
            c.add(address, value, rank, &rel, None);
        }
        for (sub, _) in list.iter().filter(|(_, k)| *k == Kind::Dir) {
            if depth < MAX_DEPTH {
                let prefix = format!("{prefix}{sub}/");
                any |= self.read(c, visited, &dir, sub, &prefix, depth + 1)?;
            } else {
                c.skip(
                    &format!("{app}/{prefix}{sub}"),
                    &format!("more than {MAX_DEPTH} folders deep: not read"),
                );
            }
        }
        Ok(any)
    }
}
