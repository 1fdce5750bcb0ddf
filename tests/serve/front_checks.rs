//! `serve --trusted-front` without nginx: what it refuses at start, the
//! Unix socket's file, and a server token that expires.

use super::front::{APP, serve_on_socket, vault_with_front_token};
use super::harness::{Http, Server, json_secret};
use crate::common::Vault;

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
    // A loopback address as the front: every local process is trusted,
    // which the server says at start.
    let s = serve_trusting_loopback(&v, &token);
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

#[test]
fn a_live_socket_serve_cannot_connect_to_is_never_replaced() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let v = Vault::new();
    let sock = v.dir().join("live.sock");
    // Another server listens there, and serve's user may not connect to it
    // (another user's socket): connect fails, but not because nobody answers.
    let _live = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let mut cmd = crate::common::raw_bin();
    if nix::unistd::geteuid().is_root() {
        // Root connects whatever the mode: serve runs as another user.
        if !std::path::Path::new("/usr/bin/setpriv").exists() {
            crate::common::unavailable("setpriv is not installed (util-linux)");
            return;
        }
        let nobody = Some(65534);
        std::os::unix::fs::chown(v.dir(), nobody, nobody).unwrap();
        std::os::unix::fs::chown(&v.path, nobody, nobody).unwrap();
        std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o600)).unwrap();
        let program = cmd.get_program().to_owned();
        let mut as_nobody = std::process::Command::new("/usr/bin/setpriv");
        as_nobody
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program);
        for var in crate::common::VARS {
            as_nobody.env_remove(var);
        }
        as_nobody.env("XDG_STATE_HOME", crate::common::NO_STATE);
        cmd = as_nobody;
    } else {
        std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let id = |p: &std::path::Path| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.dev(), m.ino())
    };
    let before = id(&sock);
    let listen = format!("unix:{}", sock.display());
    let (code, err) = exits_soon(
        cmd.arg("--vault")
            .arg(&v.path)
            .args(["serve", "--listen", &listen]),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("cannot tell whether a server answers"),
        "{err}"
    );
    assert_eq!(id(&sock), before, "the live socket was replaced");
}

#[test]
fn a_trusted_address_of_this_host_is_warned_about_and_no_address_is_refused() {
    let (v, token) = vault_with_front_token();
    let file = v.file("front.token", token.as_bytes());
    let f = file.to_str().unwrap();
    // Addresses no connection comes from: a usage error, not a front that
    // silently trusts nobody.
    for nobody in ["0.0.0.0", "::", "224.0.0.1"] {
        let (code, err) = exits_soon(
            crate::common::raw_bin()
                .arg("--vault")
                .arg(&v.path)
                .args(["serve", "--listen", "127.0.0.1:0"])
                .args(["--trusted-front", nobody, "--token-file", f]),
        );
        assert_eq!(code, Some(2), "{nobody}: {err}");
        assert!(err.contains("is no peer's address"), "{nobody}: {err}");
    }
    // This host's own address, not loopback: every local process connecting
    // to it comes from it, so the server warns as for loopback.
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let own = probe
        .connect("192.0.2.1:9")
        .and_then(|()| probe.local_addr())
        .map(|a| a.ip());
    let Ok(own) = own.map(|ip| ip.to_string()) else {
        crate::common::skipped("skipped: this host has no route, so no address but loopback");
        return;
    };
    if own.starts_with("127.") || own == "0.0.0.0" {
        crate::common::skipped("skipped: this host has no address but loopback");
        return;
    }
    let s = Server::start(&v, &["--trusted-front", &own, "--token-file", f]);
    let (_, log) = s.stop();
    assert!(
        log[0].starts_with(&format!(
            "warning: --trusted-front {own} is an address of this host"
        )),
        "{log:?}"
    );
}

/// Runs `cmd`, which should stop at once; a server still running after ten
/// seconds is killed and counts as no exit code. Its stderr, too.
fn exits_soon(cmd: &mut std::process::Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (code, err)
}

/// Through the front, a GET never deletes: a browser sends GETs on any
/// site's say (an image, a link) with the front's login attached. The RFC's
/// `GET /deleteDIDSecret` spelling stays for clients with their own token
/// (found by review).
#[test]
fn through_the_front_only_delete_deletes() {
    let (v, token) = vault_with_front_token();
    v.put_did(super::front::WALLET, "credential", b"c1");
    let s = serve_trusting_loopback(&v, &token);
    let d = crate::common::did(super::front::WALLET);
    let path = format!("/deleteDIDSecret/{d}/credential");
    let front = Http::new(&s.base, None);
    let r = front.get(&path, Some("alice"));
    assert_eq!((r.status, r.header("allow")), (405, "DELETE".into()));
    let read = format!("/getDIDSecret/{d}/credential");
    assert_eq!(front.get(&read, Some("alice")).text(), "c1");
    // With its own token, the RFC's spelling still deletes.
    let owner = v.create_token(&["owner", "--did", super::front::WALLET, "--write"]);
    assert_eq!(
        Http::new(&s.base, Some(&owner)).get(&path, None).status,
        200
    );
    assert_eq!(front.get(&read, Some("alice")).status, 404);
    // And through the front, DELETE does.
    v.put_did(super::front::WALLET, "credential", b"c2");
    assert_eq!(front.delete(&path, Some("alice")).status, 200);
    assert_eq!(front.get(&read, Some("alice")).status, 404);
}

/// `serve` trusting 127.0.0.1 (every local process, so this test's client)
/// as its front, with `token` as the server's token.
fn serve_trusting_loopback(v: &Vault, token: &str) -> Server {
    let file = v.file("front.token", token.as_bytes());
    Server::start(
        v,
        &[
            "--trusted-front",
            "127.0.0.1",
            "--token-file",
            file.to_str().unwrap(),
        ],
    )
}
