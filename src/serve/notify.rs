//! systemd's readiness protocol (`Type=notify`): when `NOTIFY_SOCKET` names
//! a Unix datagram socket (a path, or an abstract name starting with `@`),
//! the server sends `READY=1` once it listens and `STOPPING=1` when it
//! begins to shut down. Without the variable nothing is sent. No crate
//! needed: one datagram per state through std's `UnixDatagram`.
//!
//! Socket activation (`LISTEN_FDS`) is [`super::activation`].

use std::ffi::OsStr;
use std::os::unix::net::{SocketAddr, UnixDatagram};

/// Sends `state` (e.g. `READY=1`) to the service manager, if there is one.
/// A manager that cannot be reached is reported, not fatal: the server
/// works the same without it.
pub(crate) fn notify(state: &str) -> std::io::Result<()> {
    match std::env::var_os("NOTIFY_SOCKET") {
        Some(path) if !path.is_empty() => send(&path, state),
        _ => Ok(()),
    }
}

fn send(path: &OsStr, state: &str) -> std::io::Result<()> {
    let addr = address(path)?;
    let socket = UnixDatagram::unbound()?;
    socket.send_to_addr(state.as_bytes(), &addr)?;
    Ok(())
}

fn address(path: &OsStr) -> std::io::Result<SocketAddr> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_bytes();
    match bytes.strip_prefix(b"@") {
        Some(name) => abstract_address(name),
        None => SocketAddr::from_pathname(path),
    }
}

#[cfg(target_os = "linux")]
fn abstract_address(name: &[u8]) -> std::io::Result<SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    SocketAddr::from_abstract_name(name)
}

#[cfg(not(target_os = "linux"))]
fn abstract_address(_: &[u8]) -> std::io::Result<SocketAddr> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "abstract socket names exist only on Linux",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datagram_reaches_a_path_and_an_abstract_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        send(path.as_os_str(), "READY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");

        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let name = format!("sso-secrets-test-{}", std::process::id());
            let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
            let listener = UnixDatagram::bind_addr(&addr).unwrap();
            send(OsStr::new(&format!("@{name}")), "STOPPING=1").unwrap();
            let n = listener.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"STOPPING=1");
        }
        // Nobody listening: an error to report, not a panic.
        assert!(send(dir.path().join("none").as_os_str(), "READY=1").is_err());
    }
}
