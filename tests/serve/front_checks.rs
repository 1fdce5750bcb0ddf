//! `serve --trusted-front` without nginx: what it refuses at start, the
//! Unix socket's file, and a server token that expires.
// Tests fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::Vault;
use crate::front::{APP, serve_on_socket, vault_with_front_token};
use crate::harness::{Http, Server, json_secret};

#[test]
fn the_flag_needs_a_token_and_a_peer_that_can_connect() {
    let (v, token) = vault_with_front_token();
    let file = v.file("front.token", token.as_bytes());
    let sock = format!("unix:{}", v.dir().join("s.sock").display());
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = v.cmd();
        c.arg("serve").args(args).envs(env.iter().copied());
        let out = c.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let pass = [("SSO_SECRETS_PASSPHRASE", crate::common::PASS)];
    let (code, err) = run(&["--listen", &sock, "--trusted-front", "unix"], &pass);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with(
            "sso-secrets: usage: --trusted-front serves with an access token, never the passphrase"
        ),
        "{err}"
    );
    let (code, err) = run(&["--listen", &sock, "--trusted-front", "unix"], &[]);
    assert_eq!(code, Some(43), "{err}");
    assert!(err.contains("no token for --trusted-front"), "{err}");
    let f = file.to_str().unwrap();
    let (code, err) = run(&["--trusted-front", "unix", "--token-file", f], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--trusted-front unix needs --listen unix:PATH"),
        "{err}"
    );
    let (code, err) = run(
        &[
            "--listen",
            &sock,
            "--trusted-front",
            "10.0.0.5",
            "--token-file",
            f,
        ],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    for bad in ["front.example", "10.0.0.0/8"] {
        let (code, err) = run(&["--trusted-front", bad, "--token-file", f], &[]);
        assert_eq!(code, Some(2), "{bad}: {err}");
    }
    let (code, err) = run(&["--listen", &sock, "--socket-mode", "666"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("every local user"), "{err}");
    // A revoked token stops the server at start, naming where it came from.
    v.pass()
        .args(["token", "revoke", "front"])
        .assert()
        .success();
    let (code, err) = run(
        &[
            "--listen",
            &sock,
            "--trusted-front",
            "unix",
            "--token-file",
            f,
        ],
        &[],
    );
    assert_eq!(code, Some(43), "{err}");
    assert!(
        err.contains("revoked") && err.contains("--token-file"),
        "{err}"
    );
    assert!(!err.contains(&token));
    assert!(!v.dir().join("s.sock").exists());
}

#[test]
fn a_socket_in_use_or_a_file_at_its_path_is_never_replaced() {
    let (v, token) = vault_with_front_token();
    let (s, sock) = serve_on_socket(&v, &token);
    let f = v.file("front.token", token.as_bytes());
    let listen = format!("unix:{}", sock.display());
    let out = v
        .cmd()
        .args([
            "serve",
            "--listen",
            &listen,
            "--trusted-front",
            "unix",
            "--token-file",
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a server is answering on that socket"),
        "{err}"
    );
    let (status, _) = s.stop();
    assert!(status.success());
    std::fs::write(&sock, b"not a socket").unwrap();
    let out = v
        .cmd()
        .args(["serve", "--listen", &listen])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&sock).unwrap(), b"not a socket");
}

#[test]
fn an_expired_server_token_stops_the_front_on_its_next_request() {
    let v = Vault::new();
    let began = std::time::Instant::now();
    let token = v.create_token(&["front", "--app", APP, "--write", "--expires-in", "5s"]);
    let file = v.file("front.token", token.as_bytes());
    // A loopback address as the front: every local process is trusted,
    // which the server says at start.
    let s = Server::start(
        &v,
        &[
            "--trusted-front",
            "127.0.0.1",
            "--token-file",
            file.to_str().unwrap(),
        ],
    );
    let front = Http::new(&s.base, None);
    let r = front.put(
        &format!("/putSSOSecret/{APP}"),
        Some("alice"),
        &json_secret("a"),
    );
    assert_eq!(r.status, 200);
    std::thread::sleep(std::time::Duration::from_secs(6).saturating_sub(began.elapsed()));
    let r = front.get(&format!("/getSSOSecret/{APP}"), Some("alice"));
    assert_eq!((r.status, r.text()), (403, "access denied\n".into()));
    let (_, log) = s.stop();
    assert!(
        log[0].starts_with("warning: --trusted-front 127.0.0.1 trusts every process on this host"),
        "{log:?}"
    );
    let last: serde_json::Value = serde_json::from_str(log.last().unwrap()).unwrap();
    assert_eq!(
        (last["reason"].as_str(), last["token"].as_str()),
        (Some("expired"), Some("front"))
    );
}
