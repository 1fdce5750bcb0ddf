//! Where the server listens: a TCP address (`--listen ADDR:PORT`), or a
//! Unix socket (`--listen unix:PATH`) for a front on the same host, and who
//! a connection comes from ([`Peer`]).
//!
//! A Unix socket's file is its access control: whoever may connect to it
//! may act as the front. So it is never reachable with other permissions
//! than `--socket-mode`, not even for an instant: it is bound inside a
//! fresh directory only this user can enter, given its mode there, then
//! renamed onto PATH (atomic, and it replaces a stale socket left by a
//! server that died). A socket some server still answers on, or anything
//! at PATH that is not a socket, is left alone and refused. On shutdown the
//! file is removed, unless another server has put its own at PATH since.

use crate::error::{Error, Result};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Who a connection comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// A TCP client's address.
    Ip(IpAddr),
    /// A process on this host, through the Unix socket.
    Unix,
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Peer::Ip(ip) => write!(f, "{}", ip.to_canonical()),
            Peer::Unix => f.write_str("unix"),
        }
    }
}

/// `--listen`, parsed.
#[derive(Debug, Clone)]
pub(crate) enum Addr {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl Addr {
    /// `ADDR:PORT` (a host name is resolved) or `unix:PATH`.
    pub(crate) fn parse(listen: &str) -> Result<Addr> {
        if let Some(path) = listen.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(Error::Usage(
                    "--listen unix: needs a path, e.g. unix:/run/sso-secrets/serve.sock".into(),
                ));
            }
            // sun_path holds 108 bytes, the terminating NUL included.
            if path.len() > 107 {
                return Err(Error::Usage(format!(
                    "--listen unix:PATH: the path is {} bytes, and a Unix socket's path holds at \
                     most 107; choose a shorter one, such as /run/sso-secrets/serve.sock",
                    path.len()
                )));
            }
            // The socket is made as PARENT/.sso-XXXXXX/s first (see
            // `bind_unix`), which must fit as well.
            let parent = Path::new(path)
                .parent()
                .map_or(1, |p| p.as_os_str().len().max(1));
            if parent + STAGED_EXTRA > 107 {
                return Err(Error::Usage(format!(
                    "--listen unix:PATH: the socket's directory is {parent} bytes long, and the \
                     socket is first made in it under a temporary name {STAGED_EXTRA} bytes \
                     longer, which must fit in a Unix socket's 107; choose a shorter directory, \
                     such as /run/sso-secrets"
                )));
            }
            return Ok(Addr::Unix(PathBuf::from(path)));
        }
        resolve(listen).map(Addr::Tcp)
    }
}

/// What the staged socket's path adds to its directory's:
/// `/.sso-XXXXXX/s`.
const STAGED_EXTRA: usize = "/.sso-XXXXXX/s".len();

/// `ADDR:PORT`, resolved to its first address.
pub(crate) fn resolve(listen: &str) -> Result<SocketAddr> {
    let bad = || Error::Usage(format!("--listen {listen:?} is not ADDR:PORT or unix:PATH"));
    listen
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

/// A bound listener.
pub(crate) enum Listener {
    Tcp(tokio::net::TcpListener),
    Unix(tokio::net::UnixListener, SocketFile),
}

/// An accepted connection, not yet registered with a runtime (each
/// connection is served by the runtime it is handed to).
pub(crate) enum Accepted {
    Tcp(std::net::TcpStream),
    Unix(std::os::unix::net::UnixStream),
}

impl Listener {
    /// Binds `addr`; a Unix socket gets `mode`. Needs a runtime.
    pub(crate) async fn bind(addr: &Addr, mode: u32) -> Result<Listener> {
        match addr {
            Addr::Tcp(a) => tokio::net::TcpListener::bind(a)
                .await
                .map(Listener::Tcp)
                .map_err(|e| Error::io(format!("cannot listen on {a}"), e)),
            Addr::Unix(path) => {
                let (std, file) = bind_unix(path, mode)?;
                let listener = tokio::net::UnixListener::from_std(std).map_err(|e| {
                    Error::io(format!("cannot listen on unix:{}", path.display()), e)
                })?;
                Ok(Listener::Unix(listener, file))
            }
        }
    }

    /// What the first log line says after `listening on `.
    pub(crate) fn describe(&self, scheme: &str) -> Result<String> {
        match self {
            Listener::Tcp(l) => l
                .local_addr()
                .map(|a| format!("{scheme}://{a}"))
                .map_err(|e| Error::io("cannot read the bound address", e)),
            Listener::Unix(_, file) => Ok(format!("unix:{}", file.path.display())),
        }
    }

    /// The next connection and its peer.
    pub(crate) async fn accept(&self) -> std::io::Result<(Accepted, Peer)> {
        match self {
            Listener::Tcp(l) => {
                let (stream, peer) = l.accept().await?;
                let _ = stream.set_nodelay(true);
                Ok((Accepted::Tcp(stream.into_std()?), Peer::Ip(peer.ip())))
            }
            Listener::Unix(l, _) => {
                let (stream, _) = l.accept().await?;
                Ok((Accepted::Unix(stream.into_std()?), Peer::Unix))
            }
        }
    }
}

/// The socket's file at its path, removed when the listener goes.
pub(crate) struct SocketFile {
    path: PathBuf,
    /// Device and inode of the socket this server put there.
    id: (u64, u64),
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        // Only our own: another server started since may have replaced it.
        if let Ok(m) = std::fs::symlink_metadata(&self.path)
            && (m.dev(), m.ino()) == self.id
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Binds a Unix socket at `path` with `mode`, never reachable otherwise.
fn bind_unix(path: &Path, mode: u32) -> Result<(std::os::unix::net::UnixListener, SocketFile)> {
    use std::os::unix::fs::FileTypeExt;
    let shown = format!("unix:{}", path.display());
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => match std::os::unix::net::UnixStream::connect(path) {
            Ok(_) => {
                return Err(Error::failure(format!(
                    "cannot listen on {shown}: a server is answering on that socket"
                )));
            }
            // Nobody listens (refused), or it went meanwhile: left by a
            // server that died; replaced below.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
                ) => {}
            // Not ours to judge (another user's socket, say): a server may
            // well be answering there, so it is left alone.
            Err(e) => {
                return Err(Error::failure(format!(
                    "cannot listen on {shown}: a socket is at that path and this user cannot \
                     tell whether a server answers on it ({e}); remove it or choose another"
                )));
            }
        },
        Ok(_) => {
            return Err(Error::failure(format!(
                "cannot listen on {shown}: something that is not a socket is at that path; \
                 remove it or choose another"
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot listen on {shown}"), e)),
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e| Error::io(format!("cannot listen on {shown}"), e);
    // tempfile creates the directory 0700.
    let private = tempfile::Builder::new()
        // Short: the staged path must fit in sun_path too.
        .prefix(".sso-")
        .tempdir_in(parent)
        .map_err(fail)?;
    let staged = private.path().join("s");
    let listener = std::os::unix::net::UnixListener::bind(&staged).map_err(fail)?;
    std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(mode)).map_err(fail)?;
    std::fs::rename(&staged, path).map_err(fail)?;
    let m = std::fs::symlink_metadata(path).map_err(fail)?;
    listener.set_nonblocking(true).map_err(fail)?;
    Ok((
        listener,
        SocketFile {
            path: path.to_path_buf(),
            id: (m.dev(), m.ino()),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_parse() {
        assert!(matches!(Addr::parse("127.0.0.1:0"), Ok(Addr::Tcp(_))));
        assert!(
            matches!(Addr::parse("unix:/run/x.sock"), Ok(Addr::Unix(p)) if p == Path::new("/run/x.sock"))
        );
        assert!(matches!(Addr::parse("unix:"), Err(Error::Usage(_))));
        let long = format!("unix:/{}", "s".repeat(107));
        assert!(matches!(Addr::parse(&long), Err(Error::Usage(_))));
        // A short name in a long directory: the staged name would not fit.
        let deep = format!("unix:/{}/s", "d".repeat(94));
        assert!(matches!(Addr::parse(&deep), Err(Error::Usage(_))));
        let fits = format!("unix:/{}/s", "d".repeat(92));
        assert!(matches!(Addr::parse(&fits), Ok(Addr::Unix(_))));
        let dir = tempfile::tempdir().unwrap();
        let room = 107 - STAGED_EXTRA - dir.path().as_os_str().len() - 1;
        let at = dir.path().join("d".repeat(room));
        std::fs::create_dir(&at).unwrap();
        let path = at.join("s");
        assert!(Addr::parse(&format!("unix:{}", path.display())).is_ok());
        assert!(bind_unix(&path, 0o600).is_ok());
        assert!(matches!(Addr::parse("nowhere"), Err(Error::Usage(_))));
        assert_eq!(Peer::Unix.to_string(), "unix");
        assert_eq!(
            Peer::Ip("::ffff:10.0.0.1".parse().unwrap()).to_string(),
            "10.0.0.1"
        );
    }

    #[test]
    fn a_socket_gets_its_mode_replaces_a_stale_one_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        let (first, file) = bind_unix(&path, 0o600).unwrap();
        let m = std::fs::symlink_metadata(&path).unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o600);
        // A live socket is refused; nothing is left behind in the directory.
        assert!(bind_unix(&path, 0o600).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Dead: replaced, with the new mode.
        drop(first);
        std::mem::forget(file);
        let (_second, file) = bind_unix(&path, 0o660).unwrap();
        let m = std::fs::symlink_metadata(&path).unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o660);
        drop(file);
        assert!(!path.exists());
        // A file that is not a socket is never replaced.
        std::fs::write(&path, b"keep").unwrap();
        assert!(bind_unix(&path, 0o600).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"keep");
    }
}
