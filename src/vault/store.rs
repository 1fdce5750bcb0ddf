//! The vault file on disk: safe opening, the writer lock, atomic replace.
//!
//! Writers hold an exclusive advisory lock on a sidecar `<vault>.lock` (never
//! on the vault itself, which is replaced by rename) for their whole
//! read-modify-write. Readers take no lock: a rename swaps the whole file, so
//! an open descriptor sees either the old or the new vault, never a mix.

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Opens the vault for reading, refusing anything but a regular file that
/// only its owner can write. Returns the file and any warning to print.
pub fn open_vault(path: &Path) -> Result<(File, Option<String>)> {
    // O_NONBLOCK: opening a FIFO for reading would otherwise block forever.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::failure(format!(
                "no vault at {} (create one with `{}`)",
                path.display(),
                init_command(path)
            )),
            _ => Error::io(format!("cannot open vault {}", path.display()), e),
        })?;
    let meta = file.metadata().map_err(|e| Error::io(path.display(), e))?;
    if !meta.is_file() {
        return Err(Error::failure(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(Error::failure(format!(
            "vault {} is writable by group or others (mode {mode:03o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )));
    }
    let warning = (mode & 0o044 != 0).then(|| {
        format!(
            "warning: vault {} is readable by group or others (mode {mode:03o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )
    });
    Ok((file, warning))
}

/// The command that creates a vault at `path`: plain `sso-secrets init` for
/// the default location, else with the `--vault` the user gave, quoted for
/// a POSIX shell when it needs to be.
fn init_command(path: &Path) -> String {
    let default =
        directories::ProjectDirs::from("", "", "sso-secrets").map(|d| d.data_dir().join("vault"));
    if default.as_deref() == Some(path) {
        return "sso-secrets init".into();
    }
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        format!("sso-secrets --vault {text} init")
    } else {
        format!("sso-secrets --vault '{}' init", text.replace('\'', "'\\''"))
    }
}

/// Reads exactly `len` bytes at `offset`.
pub fn read_at(file: &mut File, offset: u64, len: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => Error::corrupt("vault file is truncated"),
            _ => Error::io("cannot read vault", e),
        })?;
    Ok(buf)
}

/// An exclusive writer lock, released on drop.
pub struct WriteLock {
    _file: File,
}

/// Why a lock could not be taken.
pub enum LockError {
    /// The file system is read-only (EROFS): the caller answers 555.
    ReadOnlyFs,
    /// Anything else.
    Other(Error),
}

fn lock_path(vault: &Path) -> PathBuf {
    let mut p = vault.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Takes the writer lock, waiting at most `timeout`.
pub fn lock(vault: &Path, timeout: Duration) -> std::result::Result<WriteLock, LockError> {
    let path = lock_path(vault);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| {
            if e.raw_os_error() == Some(nix::libc::EROFS) {
                LockError::ReadOnlyFs
            } else {
                LockError::Other(Error::io(
                    format!("cannot open lock file {}", path.display()),
                    e,
                ))
            }
        })?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(WriteLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => {
                return Err(LockError::Other(Error::io(
                    format!("cannot lock {}", path.display()),
                    e,
                )));
            }
        }
        if start.elapsed() >= timeout {
            return Err(LockError::Other(Error::Temporary(format!(
                "vault busy: another writer held {} for more than {:.1}s (see --lock-timeout)",
                path.display(),
                timeout.as_secs_f64()
            ))));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn temp_prefix(vault: &Path) -> String {
    let name = vault
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

fn parent(vault: &Path) -> &Path {
    match vault.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Removes temp files that a killed writer left behind. Only called with
/// the writer lock held, when no other writer can own such a file.
fn clean_stale_temps(vault: &Path) {
    let prefix = temp_prefix(vault);
    if let Ok(dir) = fs::read_dir(parent(vault)) {
        for e in dir.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Replaces the vault atomically and durably with what `write` puts into
/// a temp file: temp file (0600) in the same directory, write, fsync,
/// rename over the vault, fsync the directory. `_lock` proves the caller
/// holds the writer lock. With `create`, refuses to replace an existing
/// file. On any failure the previous vault is untouched and the temp file
/// is removed.
pub fn replace(
    vault: &Path,
    create: bool,
    _lock: &WriteLock,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<()> {
    clean_stale_temps(vault);
    let dir = parent(vault);
    let fail = |what: &str, e: io::Error| {
        if e.raw_os_error() == Some(nix::libc::EROFS) {
            Error::read_only_fs(vault)
        } else {
            Error::io(
                format!(
                    "cannot write vault {} ({what}); the previous vault is unchanged",
                    vault.display()
                ),
                e,
            )
        }
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(vault))
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(|e| fail("create temp file", e))?;
    write(tmp.as_file_mut()).map_err(|e| fail("write", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("fsync", e))?;
    if create {
        tmp.persist_noclobber(vault).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                Error::failure(format!(
                    "a vault already exists at {}; it was left untouched",
                    vault.display()
                ))
            } else {
                fail("rename", e.error)
            }
        })?;
    } else {
        tmp.persist(vault).map_err(|e| fail("rename", e.error))?;
    }
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| fail("fsync directory", e))?;
    Ok(())
}

/// Creates the vault's directory if it is missing: 0700 for the directory
/// itself, the usual mode for any parents (`~/.local/share` and the like).
pub fn ensure_dir(vault: &Path) -> Result<()> {
    let dir = parent(vault);
    if dir.exists() {
        return Ok(());
    }
    let fail = |e: io::Error| Error::io(format!("cannot create {}", dir.display()), e);
    if let Some(up) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(up).map_err(fail)?;
    }
    fs::DirBuilder::new().mode(0o700).create(dir).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_write_leaves_the_vault_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        std::fs::write(&vault, b"previous").unwrap();
        let lock = match lock(&vault, Duration::from_secs(1)) {
            Ok(l) => l,
            Err(_) => panic!("lock"),
        };
        for fail_after in [0usize, 3] {
            let err = replace(&vault, false, &lock, |f| {
                use std::io::Write;
                f.write_all(&b"partial"[..fail_after])?;
                Err(io::Error::other("injected failure"))
            })
            .unwrap_err();
            assert_eq!(err.status(), crate::status::Status::Failure);
            assert!(
                err.detail().contains("injected failure"),
                "{}",
                err.detail()
            );
            assert!(err.detail().contains("previous vault is unchanged"));
            assert_eq!(std::fs::read(&vault).unwrap(), b"previous");
            let names: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
        }
        replace(&vault, false, &lock, |f| {
            use std::io::Write;
            f.write_all(b"next")
        })
        .unwrap();
        assert_eq!(std::fs::read(&vault).unwrap(), b"next");
    }
}
