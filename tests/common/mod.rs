//! Shared test harness: the real binary on a fresh temporary vault, with
//! inherited SSO_SECRETS_* variables removed.
// Test helpers run only inside tests; a failed setup should panic loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const PASS: &str = "correct horse battery staple";

pub struct Vault {
    pub dir: TempDir,
    pub path: PathBuf,
}

/// Variables the binary reads; tests never inherit them.
pub const VARS: [&str; 6] = [
    "SSO_SECRETS_VAULT",
    "SSO_SECRETS_TOKEN",
    "SSO_SECRETS_PASSPHRASE",
    "SSO_SECRETS_READ_ONLY",
    "SSO_SECRETS_REMOTE",
    "SSO_SECRETS_ENCRYPTION_KEY",
];

/// Where the binary would remember what the passphrase saw of each vault
/// (`XDG_STATE_HOME`): a path below a file, which no one can create, so a
/// test neither writes to the user's state directory nor depends on what an
/// earlier test left there. Tests of that memory set their own.
pub const NO_STATE: &str = "/dev/null/sso-secrets-tests";

/// A command for the binary with a clean environment and no stdin.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("sso-secrets").expect("binary");
    for var in VARS {
        c.env_remove(var);
    }
    c.env("XDG_STATE_HOME", NO_STATE);
    c.write_stdin(Vec::<u8>::new());
    c
}

/// The same as a plain `std::process::Command`, for spawning children
/// that run concurrently or get killed.
pub fn raw_bin() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("sso-secrets"));
    for var in VARS {
        c.env_remove(var);
    }
    c.env("XDG_STATE_HOME", NO_STATE);
    c
}

pub fn did(text: &str) -> String {
    bs58::encode(text.as_bytes()).into_string()
}

impl Vault {
    /// A temp dir with no vault in it yet.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("vault");
        Vault { dir, path }
    }

    /// A new vault with cheap KDF parameters and passphrase [`PASS`].
    pub fn new() -> Self {
        let v = Self::empty();
        v.cmd()
            .env("SSO_SECRETS_PASSPHRASE", PASS)
            .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
            .assert()
            .success();
        v
    }

    /// The binary on this vault, no credential.
    pub fn cmd(&self) -> Command {
        let mut c = bin();
        c.arg("--vault").arg(&self.path).arg("--no-input");
        c
    }

    /// The binary on this vault with the passphrase.
    pub fn pass(&self) -> Command {
        let mut c = self.cmd();
        c.env("SSO_SECRETS_PASSPHRASE", PASS);
        c
    }

    /// The binary on this vault with an access token.
    pub fn token(&self, token: &str) -> Command {
        let mut c = self.cmd();
        c.env("SSO_SECRETS_TOKEN", token);
        c
    }

    pub fn put_sso(&self, app: &str, user: &str, value: &[u8]) {
        self.pass()
            .args(["put-sso", app, "--user-id", user])
            .write_stdin(value.to_vec())
            .assert()
            .success();
    }

    pub fn put_did(&self, did_text: &str, name: &str, value: &[u8]) {
        self.pass()
            .args(["put-did", &did(did_text), name])
            .write_stdin(value.to_vec())
            .assert()
            .success();
    }

    /// Issues a token with the passphrase and returns it.
    pub fn create_token(&self, args: &[&str]) -> String {
        let out = self
            .pass()
            .args(["token", "create"])
            .args(args)
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone())
            .expect("utf8")
            .trim_end()
            .to_string()
    }

    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).expect("read vault")
    }

    pub fn write_bytes(&self, bytes: &[u8]) {
        std::fs::write(&self.path, bytes).expect("write vault")
    }

    /// A file beside the vault, readable by its owner only, as a
    /// passphrase or token file should be (others' read access gets a
    /// warning on stderr).
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        use std::os::unix::fs::OpenOptionsExt;
        let p = self.dir.path().join(name);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&p)
            .expect("create file");
        std::io::Write::write_all(&mut f, contents).expect("write file");
        p
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Stdout of a successful command.
pub fn stdout_of(c: &mut Command) -> Vec<u8> {
    c.assert().success().get_output().stdout.clone()
}

/// Stderr of a command, as text.
pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A test whose tool or privilege is missing here: in CI (`CI` set, where
/// `.ci/run` installs the tools and runs as root) that is a failure, never a
/// quiet pass; on a developer's machine the test says so on stderr and stops.
pub fn unavailable(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what}, and CI is set: this test must run in CI");
    }
    skipped(&format!("skipped outside CI: {what}"));
}

/// Says on the terminal that a test (or part of one) did not run. libtest
/// captures what `print!` and `eprint!` write and shows it only for a
/// failing test, so a skip said with them would pass unseen; a write to the
/// stderr handle itself is not captured. libtest names each test's thread
/// after the test, which says whose skip it is.
pub fn skipped(line: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = writeln!(std::io::stderr(), "{test}: {line}");
}
