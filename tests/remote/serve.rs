//! The seven operations' command-line assertions, run twice: on a local
//! vault, and through `--remote` against `sso-secrets serve` on a second
//! vault made the same way. Every step must end the same on both sides:
//! exit code, stdout bytes and stderr, except that an RFC error line from
//! serve carries its short generic reason as the detail (serve keeps the
//! command line's detail for its own log).
#![cfg(feature = "serve")]

use super::tls::pki_files;
use super::{ALICE, PROXY_VARS, run};
use crate::common::{PASS, Vault, bin, did};
use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

/// `sso-secrets serve` on a vault, stopped on drop.
pub struct Serve {
    child: Child,
    pub url: String,
}

impl Serve {
    pub fn start(vault: &Path, extra: &[&std::ffi::OsStr]) -> Self {
        let mut c = crate::common::raw_bin();
        c.arg("--vault")
            .arg(vault)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("serve said: {first}"))
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        // Keep reading the access log so serve never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Serve { child, url }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One vault and how the binary reaches it.
struct Side {
    vault: Vault,
    tokens: Vec<(String, PathBuf)>,
    server: Option<Serve>,
}

impl Side {
    fn new(remote: bool) -> Self {
        let vault = Vault::new();
        let mut tokens = Vec::new();
        for (name, args) in [
            ("all", &["--write"][..]),
            ("reader", &["--app", "demo"]),
            ("demo-writer", &["--app", "demo", "--write"]),
            ("revoked", &["--write"]),
        ] {
            let mut a = vec![name];
            a.extend_from_slice(args);
            let token = vault.create_token(&a);
            tokens.push((
                name.to_string(),
                vault.file(&format!("{name}.token"), token.as_bytes()),
            ));
        }
        vault
            .pass()
            .args(["token", "revoke", "revoked"])
            .assert()
            .code(0);
        let server = remote.then(|| Serve::start(&vault.path, &[]));
        Side {
            vault,
            tokens,
            server,
        }
    }

    fn cmd(&self, token: &str) -> Command {
        let file = &self.tokens.iter().find(|(n, _)| n == token).unwrap().1;
        let mut c = match &self.server {
            Some(s) => {
                let mut c = bin();
                for v in PROXY_VARS {
                    c.env_remove(v);
                }
                c.args(["--no-input", "--remote", &s.url]);
                c
            }
            None => self.vault.cmd(),
        };
        c.arg("--token-file").arg(file);
        c
    }
}

/// (token, arguments, stdin)
type Step = (&'static str, Vec<String>, Vec<u8>);

fn step(token: &'static str, args: &[&str], stdin: &[u8]) -> Step {
    (
        token,
        args.iter().map(|s| s.to_string()).collect(),
        stdin.to_vec(),
    )
}

/// What serve answers as the detail of a failure.
const GENERIC: [&str; 9] = [
    "access denied",
    "no such secret",
    "secret refused: empty",
    "secret refused: larger than 1 MiB",
    "secret refused",
    "writes are disabled",
    "vault busy, retry",
    "vault failed authentication",
    "internal server error",
];

/// An RFC error line, `sso-secrets: 404 not found: <detail>`, as its
/// status and reason, and its detail.
fn rfc_error(stderr: &str) -> Option<(&str, &str)> {
    let line = stderr.strip_suffix('\n')?;
    let (status, detail) = line.strip_prefix("sso-secrets: ")?.split_once(": ")?;
    (!line.contains('\n') && status.starts_with(|c: char| c.is_ascii_digit()))
        .then_some((status, detail))
}

#[test]
fn the_seven_operations_answer_the_same_through_serve() {
    let d = did(ALICE);
    let name_did = did("did:ssi:name:vault.example:demo/alice");
    let big = vec![0x5au8; 1 << 20];
    let too_big = vec![0x5au8; (1 << 20) + 1];
    let binary: Vec<u8> = (0..=255u8).chain(*b"\0\n\r\n").collect();
    let steps = vec![
        step("all", &["put-sso", "demo", "--user-id", "alice"], b"s3cret"),
        step("all", &["get-sso", "demo", "--user-id", "alice"], b""),
        step("reader", &["get-sso", "demo", "--user-id", "alice"], b""),
        step(
            "all",
            &["--json", "get-sso", "demo", "--user-id", "alice"],
            b"",
        ),
        step(
            "all",
            &["deactivate-sso", "demo", "--user-id", "alice"],
            b"",
        ),
        step(
            "all",
            &["deactivate-sso", "demo", "--user-id", "alice"],
            b"",
        ),
        step("all", &["get-sso", "demo", "--user-id", "alice"], b""),
        step("all", &["put-sso", "demo", "--user-id", "alice"], b"new\n"),
        step("all", &["get-sso", "demo", "--user-id", "alice"], b""),
        step("all", &["deactivate-sso", "demo", &name_did], b""),
        step("all", &["get-sso", "demo", "--user-id", "alice"], b""),
        step("all", &["remove-sso", "demo", &name_did], b""),
        step("all", &["remove-sso", "demo", "--user-id", "alice"], b""),
        step(
            "all",
            &["deactivate-sso", "demo", "--user-id", "alice"],
            b"",
        ),
        step("all", &["put-sso", "other", "--user-id", ALICE], b"b"),
        step("all", &["remove-sso", "other", &d], b""),
        step("all", &["get-sso", "other", "--user-id", ALICE], b""),
        step("reader", &["put-sso", "demo", "--user-id", "bob"], b"x"),
        step("demo-writer", &["put-did", &d, "credential"], b"x"),
        step("revoked", &["get-sso", "demo", "--user-id", "alice"], b""),
        step(
            "all",
            &["--read-only", "put-sso", "demo", "--user-id", "bob"],
            b"x",
        ),
        step("all", &["put-did", &d, "credential"], b"{\"k\":1}"),
        step("all", &["get-did", &d, "credential"], b""),
        step("all", &["get-did", ALICE, "credential"], b""),
        step("all", &["--json", "get-did", &d, "credential"], b""),
        step("all", &["delete-did", &d, "credential"], b""),
        step("all", &["get-did", &d, "credential"], b""),
        step("all", &["delete-did", &d, "credential"], b""),
        step("all", &["remove-did", &d, "credential"], b""),
        step("all", &["put-did", &d, "blob"], &binary),
        step("all", &["get-did", &d, "blob"], b""),
        step("all", &["--json", "get-did", &d, "blob"], b""),
        step("all", &["put-did", &d, "big"], &big),
        step("all", &["get-did", &d, "big"], b""),
        step("all", &["put-did", &d, "empty"], b""),
        step("all", &["put-did", &d, "huge"], &too_big),
        step("all", &["get-did", &d, "huge"], b""),
        step("all", &["get-did", "not-base58!", "credential"], b""),
        step("all", &["get-sso", "demo"], b""),
        step("all", &["remove-sso", "demo", &d, "--user-id", "x"], b""),
    ];
    let local = Side::new(false);
    let remote = Side::new(true);
    let mut codes = Vec::new();
    for (token, args, stdin) in &steps {
        let l = run(local.cmd(token).args(args).write_stdin(stdin.clone()));
        let r = run(remote.cmd(token).args(args).write_stdin(stdin.clone()));
        assert_eq!(l.0, r.0, "exit of {args:?}: local {} / remote {}", l.2, r.2);
        assert!(l.1 == r.1, "stdout of {args:?} differs");
        match (rfc_error(&l.2), rfc_error(&r.2)) {
            (Some((local_status, _)), Some((remote_status, detail))) => {
                assert_eq!(local_status, remote_status, "status of {args:?}");
                // The same line when the client refused by itself (--read-only).
                // A refused token's line names where it came from.
                let detail = detail.split(" (the token from ").next().unwrap_or(detail);
                assert!(
                    GENERIC.contains(&detail) || l.2 == r.2,
                    "detail of {args:?}: {}",
                    r.2
                );
            }
            _ => assert_eq!(l.2, r.2, "stderr of {args:?}"),
        }
        codes.push(l.0);
    }
    assert_eq!(
        codes,
        [
            0, 0, 0, 0, 0, 0, 44, 0, 0, 0, 44, 0, 44, 44, 0, 0, 44, 43, 43, 43, 55, 0, 0, 0, 0, 0,
            44, 44, 44, 0, 0, 0, 0, 0, 50, 50, 44, 2, 2, 2
        ]
    );
}

#[test]
fn serve_over_tls_with_a_test_ca() {
    let v = Vault::new();
    let token = v.create_token(&["w", "--write"]);
    let (ca, cert, key) = pki_files(v.dir());
    let server = Serve::start(
        &v.path,
        &[
            "--tls-cert".as_ref(),
            cert.as_os_str(),
            "--tls-key".as_ref(),
            key.as_os_str(),
        ],
    );
    assert!(server.url.starts_with("https://"), "{}", server.url);
    // serve reports its bound address; the certificate names localhost.
    let url = server.url.replace("127.0.0.1", "localhost");
    let cmd = || {
        let mut c = super::remote(&url);
        c.env("SSO_SECRETS_TOKEN", &token).arg("--cacert").arg(&ca);
        c
    };
    cmd()
        .args(["put-did", ALICE, "credential"])
        .write_stdin("tls")
        .assert()
        .code(0);
    let (code, out, _) = run(cmd().args(["get-did", ALICE, "credential"]));
    assert_eq!((code, out.as_slice()), (0, b"tls".as_slice()));
    // A passphrase is never sent: serve sees no token and refuses, and the
    // line says why.
    let mut c = super::remote(&url);
    c.env_remove("SSO_SECRETS_TOKEN")
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .arg("--cacert")
        .arg(&ca)
        .args(["get-did", ALICE, "credential"]);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 43, "{err}");
    assert!(
        err.contains("(no access token was sent, and a passphrase never is;")
            && !err.contains(PASS),
        "{err}"
    );
}
