//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary
//! directory (once per test binary, then copied), the server on a Unix
//! socket in that directory, no TCP (but for [`Cluster::start_tls`]: TLS on
//! a loopback port too). As the `postgres` user when run as root, as the
//! server refuses root. Not part of the tool's interface.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running cluster, stopped and removed on drop.
pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    child: Option<Child>,
    owner: Option<(u32, u32)>,
    /// The server's port (its socket's name), and whether it also listens
    /// with TLS on 127.0.0.1 at that port.
    port: u16,
    tls: bool,
}

/// The installed server's binaries (Debian: /usr/lib/postgresql/<v>/bin),
/// or `None`: then the caller skips, unless CI is set, where a missing
/// server is a failure (`.ci/run` installs it).
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
    });
    found.pop()
}

/// The uid and gid the server runs as: `postgres` when we are root.
fn owner() -> Option<(u32, u32)> {
    if !nix::unistd::geteuid().is_root() {
        return None;
    }
    let u = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .expect("running as root needs a `postgres` user to run the server");
    Some((u.uid.as_raw(), u.gid.as_raw()))
}

fn as_owner(cmd: &mut Command, owner: Option<(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
}

fn chown(path: &Path, owner: Option<(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    }
}

/// One initialised data directory per test binary, copied for each cluster.
/// It is kept between runs (keyed on the server's directory), made under
/// a temporary name and renamed into place, so concurrent runs agree.
fn template(bin: &Path, owner: Option<(u32, u32)>) -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let tag = bin
            .to_string_lossy()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>();
        let kept = std::env::temp_dir().join(format!(
            "sso-secrets-pg-template-{}-{tag}",
            nix::unistd::geteuid()
        ));
        if kept.join("data/PG_VERSION").exists() {
            return kept.join("data");
        }
        let dir = tempfile::tempdir().unwrap();
        open_up(dir.path(), owner);
        let data = dir.path().join("data");
        let mut cmd = Command::new(bin.join("initdb"));
        cmd.args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .arg("-D")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        as_owner(&mut cmd, owner);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let made = dir.keep();
        if std::fs::rename(&made, &kept).is_err() {
            // Another run made it first.
            let _ = std::fs::remove_dir_all(&made);
        }
        kept.join("data")
    })
}

fn open_up(dir: &Path, owner: Option<(u32, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    chown(dir, owner);
}

impl Cluster {
    /// Starts a new cluster, or `None` (skip) where no server is installed
    /// and CI is not set.
    pub fn start() -> Option<Cluster> {
        Self::start_with(None)
    }

    /// Starts a new cluster that also listens on 127.0.0.1 (at
    /// [`Cluster::port`]) with TLS, presenting `cert_pem` (whose key is
    /// `key_pem`); `None` as for [`Cluster::start`].
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Option<Cluster> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn start_with(tls: Option<(&str, &str)>) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but no PostgreSQL server is installed (apt-get install postgresql)"
            );
            // Not `eprintln!`: libtest captures it and hides it when the
            // test passes, and a skip must be seen. libtest names the
            // test's thread after the test.
            use std::io::Write;
            let test = std::thread::current().name().unwrap_or("a test").to_owned();
            let _ = writeln!(
                std::io::stderr(),
                "{test}: skipped: no PostgreSQL server installed"
            );
            return None;
        };
        let owner = owner();
        let data = template(&bin, owner);
        let dir = tempfile::tempdir().unwrap();
        open_up(dir.path(), owner);
        let status = Command::new("cp")
            .arg("-a")
            .arg(data)
            .arg(dir.path().join("data"))
            .status()
            .unwrap();
        assert!(status.success());
        let port = match tls {
            None => 5432,
            Some((cert, key)) => {
                use std::os::unix::fs::PermissionsExt;
                for (name, pem) in [("server.crt", cert), ("server.key", key)] {
                    let path = dir.path().join("data").join(name);
                    std::fs::write(&path, pem).unwrap();
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                        .unwrap();
                    chown(&path, owner);
                }
                // A free port now; the server takes it right after.
                let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                l.local_addr().unwrap().port()
            }
        };
        let mut c = Cluster {
            dir,
            bin,
            child: None,
            owner,
            port,
            tls: tls.is_some(),
        };
        c.resume();
        Some(c)
    }

    /// The socket directory.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A new empty database, and its URL.
    pub fn database(&self, name: &str) -> String {
        let mut admin = self.client("postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        self.url(name)
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        let port = match self.port {
            5432 => String::new(),
            p => format!("&port={p}"),
        };
        format!(
            "postgresql://postgres@/{name}?host={}{port}",
            self.socket_dir().display()
        )
    }

    /// A plain client of database `name` (for tests that look at or
    /// change the tables directly, as a database administrator could).
    pub fn client(&self, name: &str) -> postgres::Client {
        postgres::Config::new()
            .host_path(self.socket_dir())
            .port(self.port)
            .user("postgres")
            .dbname(name)
            .connect(postgres::NoTls)
            .unwrap()
    }

    /// The server binaries' directory (for `pg_dump`).
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// Stops the server (fast shutdown); the data stays.
    pub fn pause(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
            let _ = child.wait();
        }
    }

    /// Starts the server on the existing data and waits until it answers.
    pub fn resume(&mut self) {
        assert!(self.child.is_none());
        let mut cmd = Command::new(self.bin.join("postgres"));
        cmd.arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-k")
            .arg(self.dir.path())
            .args(["-c", "listen_addresses=", "-c", "fsync=off"])
            .args(["-c", "max_connections=200", "-c", "shared_buffers=32MB"])
            .args(["-c", &format!("port={}", self.port)])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if self.tls {
            cmd.args(["-c", "listen_addresses=127.0.0.1", "-c", "ssl=on"]);
        }
        as_owner(&mut cmd, self.owner);
        self.child = Some(cmd.spawn().unwrap());
        let start = Instant::now();
        loop {
            let ok = postgres::Config::new()
                .host_path(self.socket_dir())
                .port(self.port)
                .user("postgres")
                .dbname("postgres")
                .connect(postgres::NoTls)
                .is_ok();
            if ok {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the PostgreSQL server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Immediate shutdown: the postmaster takes its backends with it.
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGQUIT);
            let _ = child.wait();
        }
    }
}
