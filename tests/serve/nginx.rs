//! A real nginx (Debian's `nginx`) in front of `serve`, configured with the
//! README's recipe ("Behind an APIHub's SSO front"): the test takes the
//! README's ```nginx block and changes only what a test machine must (the
//! port instead of 443 with TLS, the socket and password file paths), so
//! the recipe operators copy is the one that runs here.

use crate::common::unavailable;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where `serve` is, for the README's `upstream`.
pub enum Upstream<'a> {
    /// `--listen unix:PATH`.
    Unix(&'a Path),
    /// `--listen ADDR:PORT`, with nginx connecting from `from`
    /// (`proxy_bind`), the address `--trusted-front` names.
    Tcp { addr: &'a str, from: &'a str },
}

pub struct Nginx {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _dir: tempfile::TempDir,
}

/// The nginx binary, or `None` (then the caller returns: skipped outside
/// CI, a failure with CI set).
pub fn binary() -> Option<PathBuf> {
    let found = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        unavailable("nginx is not installed (apt-get install nginx)");
    }
    found
}

/// The README's nginx block.
fn recipe() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("\n```nginx\n")
        .expect("README: an ```nginx block")
        + 10;
    let len = readme[start..].find("\n```\n").expect("the block's end");
    readme[start..start + len].to_string()
}

/// `text` with `from` replaced by `to`, which must be there.
fn swap(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the README's nginx block no longer has {from:?}"
    );
    text.replace(from, to)
}

/// `users`: (name, password) pairs for the password file.
fn config(dir: &Path, port: u16, upstream: &Upstream<'_>, users: &[(&str, &str)]) -> String {
    let mut block = recipe();
    block = swap(
        &block,
        "listen 443 ssl;",
        &format!("listen 127.0.0.1:{port};"),
    );
    block = block
        .lines()
        .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
        .collect::<Vec<_>>()
        .join("\n");
    let passwords = dir.join("htpasswd");
    let lines: String = users
        .iter()
        .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
        .collect();
    std::fs::write(&passwords, lines).unwrap();
    block = swap(
        &block,
        "/etc/nginx/apihub.htpasswd",
        passwords.to_str().unwrap(),
    );
    let socket = "unix:/run/sso-secrets/serve.sock";
    block = match upstream {
        Upstream::Unix(path) => swap(&block, socket, &format!("unix:{}", path.display())),
        Upstream::Tcp { addr, from } => swap(
            &swap(&block, socket, addr),
            "proxy_pass http://sso_secrets;",
            &format!("proxy_pass http://sso_secrets;\n        proxy_bind {from};"),
        ),
    };
    let d = dir.display();
    // As root, the master starts its workers as `user`: root here, so they
    // can open serve's 0600 socket (in production: www-data, in the socket's
    // group with --socket-mode 660). As anyone else, workers run as that
    // user and nginx ignores the directive, so it is left out.
    let user = if nix::unistd::geteuid().is_root() {
        "user root;"
    } else {
        ""
    };
    format!(
        "{user}\nworker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n    access_log off;\n    client_body_temp_path {d}/body;\n    \
         proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    \
         uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n{block}\n}}\n"
    )
}

impl Nginx {
    /// nginx on a free port of 127.0.0.1 in front of `upstream`.
    pub fn start(nginx: &Path, upstream: &Upstream<'_>, users: &[(&str, &str)]) -> Nginx {
        // The port is found free, then nginx binds it: another process may
        // take it in between, so a bind failure tries another.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let conf = dir.path().join("nginx.conf");
            std::fs::write(&conf, config(dir.path(), port, upstream, users)).unwrap();
            let errors = dir.path().join("error.log");
            let mut child = Command::new(nginx)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(&errors)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn nginx");
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Nginx {
                        child,
                        base: format!("http://127.0.0.1:{port}"),
                        _dir: dir,
                    };
                }
                if let Some(status) = child.try_wait().unwrap() {
                    let log = std::fs::read_to_string(&errors).unwrap_or_default();
                    assert!(
                        log.contains("Address already in use"),
                        "nginx exited ({status}): {log}"
                    );
                    break;
                }
                assert!(Instant::now() < deadline, "nginx did not listen on {port}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("nginx found no free port in five tries");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM: the master stops its workers; KILL would leave them behind.
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Authorization: Basic …` for `user`:`password`.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
