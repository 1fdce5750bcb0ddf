//! systemd's socket activation: when `LISTEN_FDS` and `LISTEN_PID` (this
//! process) say a listening socket was passed, the server serves on it
//! instead of binding `--listen`. systemd keeps the socket open across
//! restarts, so connections queue instead of being refused while the
//! server starts again.
//!
//! Adopting an inherited descriptor takes `FromRawFd`, which is `unsafe`
//! and forbidden in this crate: the `listenfd` crate does it, after
//! checking that the descriptor is a socket of the kind asked for, and
//! marks it close-on-exec.

use super::listen::{Addr, Listener};
use crate::error::{Error, Result};
use nix::sys::socket::{getsockopt, sockopt};
use std::path::{Path, PathBuf};

/// The socket systemd passed.
pub(crate) enum Passed {
    /// A TCP listening socket (`ListenStream=PORT` or `ADDR:PORT`).
    Tcp(std::net::TcpListener),
    /// A Unix stream socket (`ListenStream=/path`), as `--listen
    /// unix:PATH` would bind; its mode is the unit's `SocketMode=`.
    Unix(std::os::unix::net::UnixListener),
}

impl Passed {
    /// Where it listens, for the checks `--listen` gets (TLS beyond
    /// loopback, which fronts may be trusted).
    pub(crate) fn addr(&self) -> Result<Addr> {
        let fail = |e| Error::io("cannot read the address of the socket systemd passed", e);
        Ok(match self {
            Passed::Tcp(l) => Addr::Tcp(l.local_addr().map_err(fail)?),
            Passed::Unix(l) => {
                let a = l.local_addr().map_err(fail)?;
                // An abstract socket (`ListenStream=@name`) has no path.
                Addr::Unix(a.as_pathname().map_or_else(PathBuf::new, Path::to_path_buf))
            }
        })
    }

    /// The listener to accept on; needs a runtime.
    pub(crate) fn into_listener(self) -> Result<Listener> {
        let fail = |e| Error::io("cannot use the socket systemd passed", e);
        Ok(match self {
            Passed::Tcp(l) => {
                l.set_nonblocking(true).map_err(fail)?;
                Listener::Tcp(tokio::net::TcpListener::from_std(l).map_err(fail)?)
            }
            // systemd made the socket's file and removes it: no
            // SocketFile to clean up.
            Passed::Unix(l) => {
                l.set_nonblocking(true).map_err(fail)?;
                Listener::Unix(tokio::net::UnixListener::from_std(l).map_err(fail)?, None)
            }
        })
    }
}

/// The socket passed by the service manager, if any. `None` without
/// `LISTEN_FDS`, or when `LISTEN_PID` names another process (the variables
/// were meant for a parent). A passed descriptor that is not a listening
/// stream socket, or more than one, is a usage error: the `.socket` unit
/// is wrong, and guessing would serve the wrong port.
///
/// Call before any thread starts: reading the variables also removes them
/// from the environment (so nothing this process starts inherits them).
pub(crate) fn passed() -> Result<Option<Passed>> {
    let mut fds = listenfd::ListenFd::from_env();
    match fds.len() {
        0 => return Ok(None),
        1 => {}
        n => {
            return Err(Error::Usage(format!(
                "systemd passed {n} sockets (LISTEN_FDS): serve takes one, \
                 so give the .socket unit a single ListenStream="
            )));
        }
    }
    let bad = |e: std::io::Error| {
        Error::Usage(format!(
            "the socket systemd passed (LISTEN_FDS) is not a listening stream socket: {e}"
        ))
    };
    // A Unix socket is not a TCP one; try it only after.
    let passed = match fds.take_tcp_listener(0) {
        Ok(Some(l)) => Passed::Tcp(l),
        Ok(None) => return Ok(None),
        Err(_) => match fds.take_unix_listener(0) {
            Ok(Some(l)) => Passed::Unix(l),
            Ok(None) => return Ok(None),
            Err(e) => return Err(bad(e)),
        },
    };
    // A connected socket is a stream socket too, and accept on it would
    // fail for ever.
    let listening = match &passed {
        Passed::Tcp(l) => getsockopt(l, sockopt::AcceptConn),
        Passed::Unix(l) => getsockopt(l, sockopt::AcceptConn),
    };
    match listening {
        Ok(true) => Ok(Some(passed)),
        Ok(false) => Err(bad(std::io::Error::other("it does not listen"))),
        Err(e) => Err(bad(e.into())),
    }
}
