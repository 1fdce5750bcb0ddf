//! The file store's trail: `<vault>.audit` beside the vault, append-only.
//!
//! ```text
//! trail = frame*      frame = len u32  body (len bytes)  len u32
//! ```
//! The length at both ends lets an appender find the last record from the
//! end of the file. Appenders take an exclusive `flock` on the trail, read
//! the last record, append their frames with one `write` (the file is
//! opened `O_APPEND`) and `fsync` before anyone is answered.

use super::Trail;
use super::record::MAX_BODY;
use crate::durable::{self, Clobber, Staged, Step, TempName};
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// How long an appender waits for the trail's lock.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The trail of the vault file `vault`.
pub struct FileTrail {
    path: PathBuf,
}

impl FileTrail {
    /// The trail beside `vault`.
    pub fn new(vault: &Path) -> FileTrail {
        let mut p = vault.as_os_str().to_owned();
        p.push(".audit");
        FileTrail {
            path: PathBuf::from(p),
        }
    }

    fn open(&self, create: bool) -> Result<Option<File>> {
        let file = OpenOptions::new()
            .read(true)
            .append(create)
            .create(create)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK | nix::libc::O_CLOEXEC)
            .open(&self.path);
        let file = match file {
            Ok(f) => f,
            Err(e) if !create && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.cannot(e)),
        };
        let meta = file.metadata().map_err(|e| self.cannot(e))?;
        let shown = self.path.display();
        if !meta.is_file() {
            return Err(Error::failure(format!(
                "audit trail {shown} is not a regular file"
            )));
        }
        if meta.uid() != nix::unistd::geteuid().as_raw() {
            return Err(Error::failure(format!(
                "audit trail {shown} is owned by user id {}, not by you; refusing to use it",
                meta.uid()
            )));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(Error::failure(format!(
                "audit trail {shown} is writable by group or others (mode {mode:03o}); run: chmod 600 {shown}"
            )));
        }
        // Root writes through any mode: a trail its owner made read-only is
        // refused as it would be for anyone else.
        if create && mode & 0o200 == 0 {
            return Err(Error::failure(format!(
                "cannot append to audit trail {shown}: it is read-only (mode {mode:03o})"
            )));
        }
        Ok(Some(file))
    }

    /// The trail opened for appending and locked. A prune replaces the
    /// file while holding the lock, so a lock won on a file that is no
    /// longer at the path is let go and taken again on the new one.
    fn locked(&self) -> Result<File> {
        for _ in 0..100 {
            let file = self
                .open(true)?
                .ok_or_else(|| Error::failure("internal: no trail"))?;
            self.wait_for_lock(&file)?;
            let here = file.metadata().map_err(|e| self.cannot(e))?;
            match std::fs::symlink_metadata(&self.path) {
                Ok(m) if m.ino() == here.ino() && m.dev() == here.dev() => return Ok(file),
                _ => continue,
            }
        }
        Err(Error::Temporary(format!(
            "audit trail {} keeps being replaced",
            self.path.display()
        )))
    }

    /// Another appender holds the trail for one `write` and one flush;
    /// one that holds it for [`LOCK_WAIT`] is stuck (or hostile): 75,
    /// worth retrying, rather than an operation that never answers.
    fn wait_for_lock(&self, file: &File) -> Result<()> {
        let start = std::time::Instant::now();
        let mut pause = std::time::Duration::from_micros(200);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(()),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(self.cannot(e)),
            }
            if start.elapsed() >= LOCK_WAIT {
                return Err(Error::Temporary(format!(
                    "audit trail busy: another process held {} for more than {}s",
                    self.path.display(),
                    LOCK_WAIT.as_secs()
                )));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(std::time::Duration::from_millis(10));
        }
    }

    fn cannot(&self, e: std::io::Error) -> Error {
        Error::io(
            format!("cannot append to audit trail {}", self.path.display()),
            e,
        )
    }
}

fn u32_at(bytes: &[u8]) -> usize {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize
}

/// The complete frames of `bytes` and where they end (bytes after that are
/// an interrupted append or not a record at all).
pub(super) fn frames(bytes: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let (mut out, mut at) = (Vec::new(), 0);
    while bytes.len() - at >= 8 {
        let len = u32_at(&bytes[at..]);
        if len == 0 || len > MAX_BODY || bytes.len() - at - 8 < len {
            break;
        }
        if u32_at(&bytes[at + 4 + len..]) != len {
            break;
        }
        out.push(bytes[at + 4..at + 4 + len].to_vec());
        at += 8 + len;
    }
    (out, at)
}

/// The last complete frame of a file of `size` bytes, read from its end;
/// `None` when the end is not a frame boundary.
fn last_frame(file: &File, size: u64) -> Result<Option<Vec<u8>>> {
    if size < 8 {
        return Ok(None);
    }
    let mut tail = [0u8; 4];
    file.read_exact_at(&mut tail, size - 4)
        .map_err(|e| Error::io("cannot read the audit trail", e))?;
    let len = u32_at(&tail);
    if len == 0 || len > MAX_BODY || (len as u64 + 8) > size {
        return Ok(None);
    }
    let mut frame = vec![0u8; len + 4];
    file.read_exact_at(&mut frame, size - 8 - len as u64)
        .map_err(|e| Error::io("cannot read the audit trail", e))?;
    if u32_at(&frame) != len {
        return Ok(None);
    }
    Ok(Some(frame.split_off(4)))
}

fn read_all(file: &File) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut f = file;
    std::io::Read::read_to_end(&mut f, &mut bytes)
        .map_err(|e| Error::io("cannot read the audit trail", e))?;
    Ok(bytes)
}

impl Trail for FileTrail {
    fn append(&self, build: &mut super::Build<'_>) -> Result<()> {
        let file = self.locked()?;
        let size = file.metadata().map_err(|e| self.cannot(e))?.len();
        let last = match last_frame(&file, size)? {
            Some(b) => Some(b),
            None if size == 0 => None,
            None => {
                // Not a frame boundary: an append was interrupted (it never
                // answered anyone), or someone wrote bytes that are not a
                // record. The first is cut; the second is refused.
                let bytes = read_all(&file)?;
                let (found, end) = frames(&bytes);
                let rest = &bytes[end..];
                let torn = rest.len() < 4 || {
                    let declared = u32_at(rest);
                    declared > 0 && declared <= MAX_BODY && declared + 8 > rest.len()
                };
                if !torn {
                    return Err(Error::corrupt(format!(
                        "audit trail {} holds bytes that are not a record (run `sso-secrets audit verify`)",
                        self.path.display()
                    )));
                }
                file.set_len(end as u64).map_err(|e| self.cannot(e))?;
                found.last().cloned()
            }
        };
        let bodies = build(last.as_deref())?;
        let mut buf = Vec::with_capacity(bodies.iter().map(|b| b.len() + 8).sum());
        for b in &bodies {
            let len = u32::try_from(b.len())
                .map_err(|_| Error::failure("internal: an audit record over 4 GiB"))?;
            buf.extend_from_slice(&len.to_be_bytes());
            buf.extend_from_slice(b);
            buf.extend_from_slice(&len.to_be_bytes());
        }
        let mut f = &file;
        f.write_all(&buf).map_err(|e| self.cannot(e))?;
        file.sync_data().map_err(|e| self.cannot(e))?;
        Ok(())
    }

    fn read(&self) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
        let Some(file) = self.open(false)? else {
            return Ok((Vec::new(), Vec::new()));
        };
        let bytes = read_all(&file)?;
        let (found, end) = frames(&bytes);
        Ok((found, bytes[end..].to_vec()))
    }

    fn prune(&self, start_seq: u64) -> Result<usize> {
        let file = self.locked()?;
        let (all, _) = frames(&read_all(&file)?);
        let keep: Vec<&Vec<u8>> = all
            .iter()
            .filter(|b| super::Raw::parse(b).is_ok_and(|r| r.seq >= start_seq))
            .collect();
        let dropped = all.len() - keep.len();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut buf = Vec::new();
        for b in keep {
            let len = (b.len() as u32).to_be_bytes();
            buf.extend_from_slice(&len);
            buf.extend_from_slice(b);
            buf.extend_from_slice(&len);
        }
        let name = TempName {
            prefix: ".audit-prune-",
            suffix: "",
        };
        let failed = |f: durable::Failed| match f.step {
            Step::Write => self.cannot(f.error_at_temp()),
            _ => self.cannot(f.error),
        };
        let staged = Staged::write(dir, name, |f| f.write_all(&buf)).map_err(failed)?;
        // Renamed while the old file is locked: appenders waiting on it
        // find it replaced and take the new one's lock.
        staged.rename(&self.path, Clobber::Yes).map_err(failed)?;
        let _ = durable::sync_dir(dir);
        drop(file);
        Ok(dropped)
    }

    fn since(&self, seq: u64) -> Result<Vec<Vec<u8>>> {
        let Some(file) = self.open(false)? else {
            return Ok(Vec::new());
        };
        let mut size = file.metadata().map_err(|e| self.cannot(e))?.len();
        let mut out = Vec::new();
        while let Some(body) = last_frame(&file, size)? {
            size -= body.len() as u64 + 8;
            let at = super::Raw::parse(&body).map_or(0, |r| r.seq);
            out.push(body);
            if at <= seq || size == 0 {
                out.reverse();
                return Ok(out);
            }
        }
        // Not a frame boundary: read it all, forwards.
        let (all, _) = frames(&read_all(&file)?);
        let first = all
            .iter()
            .position(|b| super::Raw::parse(b).is_ok_and(|r| r.seq >= seq))
            .unwrap_or(all.len());
        Ok(all[first..].to_vec())
    }

    fn last(&self) -> Result<Option<Vec<u8>>> {
        let Some(file) = self.open(false)? else {
            return Ok(None);
        };
        let size = file.metadata().map_err(|e| self.cannot(e))?.len();
        match last_frame(&file, size)? {
            Some(b) => Ok(Some(b)),
            None => Ok(frames(&read_all(&file)?).0.pop()),
        }
    }
}
