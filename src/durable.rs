//! Files replaced whole, atomically and durably: the one recipe every file
//! this tool writes for keeps goes through. The new bytes go into a
//! temporary file (0600) in the target's own directory (a rename is only
//! atomic within one file system), which is flushed to disk before it is
//! renamed over the target, and the directory is flushed after, because
//! until then the rename itself may be lost in a crash. A reader therefore
//! sees the old file or the new one, whole, never a mixture; and on any
//! failure the temporary file is removed and the target is as it was.
//!
//! The temporary file is created with `O_EXCL` under a random name, so a
//! symbolic link planted at that name is never followed, and `rename`
//! replaces a link at the target rather than writing through it.
//!
//! Callers say what went wrong in their own words: a failure names the
//! [`Step`] it happened in and keeps the `io::Error`.

use std::fs::File;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The step of the recipe that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Creating the temporary file.
    Create,
    /// The caller's writing into it.
    Write,
    /// Flushing it to disk.
    Sync,
    /// Renaming it over (or, with [`Clobber::No`], onto) the target.
    Rename,
    /// Flushing the directory, which makes the rename durable.
    SyncDir,
}

/// A failed step and why it failed. The temporary file is gone by the time
/// the caller sees this.
#[derive(Debug)]
pub(crate) struct Failed {
    /// Where the recipe stopped.
    pub step: Step,
    /// The system's reason.
    pub error: io::Error,
    /// The temporary file's name, once it had one (for messages: it no
    /// longer exists).
    pub temp: Option<PathBuf>,
}

impl Failed {
    fn at(step: Step) -> impl FnOnce(io::Error) -> Self + use<> {
        move |error| Self {
            step,
            error,
            temp: None,
        }
    }

    /// The error, with the temporary file's name after it when it had one,
    /// worded as `tempfile` words a failed write through its own handle
    /// (`… at path "…"`): for the callers whose messages always said so.
    pub(crate) fn error_at_temp(self) -> io::Error {
        match self.temp {
            Some(temp) => io::Error::new(
                self.error.kind(),
                format!("{} at path {temp:?}", self.error),
            ),
            None => self.error,
        }
    }

    fn of(tmp: &NamedTempFile, step: Step) -> impl FnOnce(io::Error) -> Self + use<> {
        let temp = Some(tmp.path().to_path_buf());
        move |error| Self { step, error, temp }
    }
}

/// Whether the rename may replace a file already at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clobber {
    /// Replace it (`rename`).
    Yes,
    /// Refuse, with `ErrorKind::AlreadyExists` at [`Step::Rename`]
    /// (`renameat2(RENAME_NOREPLACE)`, or link and unlink where that is
    /// missing).
    No,
}

/// How the temporary file is named: `<prefix><random><suffix>`. A prefix
/// of its own lets a writer find the files a killed predecessor left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TempName<'a> {
    /// Goes before the random part; a leading `.` hides the file.
    pub prefix: &'a str,
    /// Goes after it.
    pub suffix: &'a str,
}

/// A file written and flushed to disk under a temporary name, not yet in
/// its place. Dropped without [`Staged::rename`], it is removed.
pub(crate) struct Staged {
    tmp: NamedTempFile,
}

impl Staged {
    /// Creates a temporary file (0600) named by `name` in `dir`, lets
    /// `write` fill it and flushes it to disk.
    pub(crate) fn write(
        dir: &Path,
        name: TempName<'_>,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<Self, Failed> {
        let mut tmp = tempfile::Builder::new()
            .prefix(name.prefix)
            .suffix(name.suffix)
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(Failed::at(Step::Create))?;
        write(tmp.as_file_mut()).map_err(Failed::of(&tmp, Step::Write))?;
        tmp.as_file()
            .sync_all()
            .map_err(Failed::of(&tmp, Step::Sync))?;
        Ok(Self { tmp })
    }

    /// Renames it to `target`, which must be in the directory it was
    /// written in. Not yet durable: [`sync_dir`] that directory after (once,
    /// for several files).
    pub(crate) fn rename(self, target: &Path, clobber: Clobber) -> Result<(), Failed> {
        let failed = Failed::of(&self.tmp, Step::Rename);
        let placed = match clobber {
            Clobber::Yes => self.tmp.persist(target),
            Clobber::No => self.tmp.persist_noclobber(target),
        };
        // A PersistError holds the temporary file: dropped here, removed.
        placed.map(drop).map_err(|e| failed(e.error))
    }
}

/// Flushes the directory `dir` itself, so that renames into it survive a
/// crash.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), Failed> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Failed::at(Step::SyncDir))
}

/// The directory a file is in: its parent, or `.` for a bare name.
pub(crate) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The whole recipe for one file: replaces `target` (or, with
/// [`Clobber::No`], creates it) with what `write` puts into a temporary
/// file named by `name` beside it, durably.
pub(crate) fn replace(
    target: &Path,
    name: TempName<'_>,
    clobber: Clobber,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), Failed> {
    let dir = parent(target);
    Staged::write(dir, name, write)?.rename(target, clobber)?;
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::MetadataExt;

    const NAME: TempName<'static> = TempName {
        prefix: ".t.",
        suffix: ".tmp",
    };

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_whole_and_private_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        replace(&target, NAME, Clobber::Yes, |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&target).unwrap().mode() & 0o777, 0o600);
        assert_eq!(names(dir.path()), ["f"]);
    }

    #[test]
    fn a_failed_step_says_which_and_removes_the_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f");
        std::fs::write(&target, b"old").unwrap();
        let e = replace(&target, NAME, Clobber::Yes, |f| {
            f.write_all(b"part")?;
            Err(io::Error::other("injected"))
        })
        .unwrap_err();
        assert_eq!(e.step, Step::Write);
        assert_eq!(e.error.to_string(), "injected");
        let e = replace(&target, NAME, Clobber::No, |f| f.write_all(b"new")).unwrap_err();
        assert_eq!(
            (e.step, e.error.kind()),
            (Step::Rename, io::ErrorKind::AlreadyExists)
        );
        let e = replace(&dir.path().join("no/f"), NAME, Clobber::Yes, |_| Ok(())).unwrap_err();
        assert_eq!(e.step, Step::Create);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["f"]);
    }

    #[test]
    fn a_link_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let target = dir.path().join("f");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        replace(&target, NAME, Clobber::Yes, |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&target).unwrap().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    /// The wording matches tempfile's own for a failed write through its
    /// handle, which the callers' messages used before this module.
    #[test]
    fn a_failed_write_can_name_the_temp_as_tempfile_did() {
        let dir = tempfile::tempdir().unwrap();
        let mut tmp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        let path = tmp.path().to_path_buf();
        // A write through a read-only handle to the same file fails as any
        // write may: tempfile adds the path.
        *tmp.as_file_mut() = std::fs::File::open(&path).unwrap();
        let theirs = tmp.write_all(b"x").unwrap_err();
        let os = std::fs::File::open(&path)
            .unwrap()
            .write_all(b"x")
            .unwrap_err();
        let ours = Failed {
            step: Step::Write,
            error: os,
            temp: Some(path),
        }
        .error_at_temp();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!(ours.kind(), theirs.kind());
    }
}
