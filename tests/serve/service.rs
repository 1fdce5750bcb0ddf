//! Running `serve` as a team's service (issue 24): `/healthz`, the access
//! log, systemd's readiness protocol and unit, `/metrics`, and certificate
//! rotation on SIGHUP. The real binary over real HTTP; nothing here asserts
//! how long anything takes.

use super::harness::{Http, Server, json_secret, vault_with_token};
use crate::common::{Vault, did};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::sync::Arc;
use std::time::Duration;

const ALICE_DID: &str = "did:ssi:name:vault.example:demo/alice";

fn json_lines(lines: &[String]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

// ---------------------------------------------------------------- health

#[test]
fn healthz_says_missing_and_corrupt_and_ok_again_after_repair() {
    let (v, _) = vault_with_token();
    let s = Server::start(&v, &[]);
    let h = Http::new(&s.base, None);
    let probe = |want: u16, word: &str| {
        let r = h.get("/healthz", None);
        assert_eq!((r.status, r.text()), (want, format!("{word}\n")));
        // HEAD: the same status and no body.
        let r = h.send("HEAD", "/healthz", &[], None);
        assert_eq!((r.status, r.body.len()), (want, 0), "HEAD /healthz");
    };
    probe(200, "ok");
    let aside = v.dir().join("vault.aside");
    std::fs::rename(&v.path, &aside).unwrap();
    probe(503, "missing");
    let len = std::fs::metadata(&aside).unwrap().len() as usize;
    std::fs::write(&v.path, vec![0x5a; len]).unwrap();
    probe(503, "corrupt");
    std::fs::write(&v.path, b"SSOSV").unwrap();
    probe(503, "corrupt");
    std::fs::rename(&aside, &v.path).unwrap();
    probe(200, "ok");
    let (_, log) = s.stop();
    let reasons: Vec<_> = json_lines(&log)
        .into_iter()
        .filter(|j| j["route"] == "/healthz" && j["status"] == 503)
        .map(|j| j["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "missing", "missing", "corrupt", "corrupt", "corrupt", "corrupt"
        ]
    );
}

// ------------------------------------------------------------------ logs

#[test]
fn every_request_line_has_the_peer_and_every_failure_a_reason_and_no_name() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret-value");
    let reader = v.create_token(&["reader", "--app", "demo"]);
    let other = v.create_token(&["other", "--app", "other", "--write"]);
    let revoked = v.create_token(&["gone", "--write"]);
    v.pass()
        .args(["token", "revoke", "gone"])
        .assert()
        .success();
    let short = v.create_token(&["short", "--expires-in", "1s"]);
    let stranger = Vault::new().create_token(&["stranger"]);
    let s = Server::start(&v, &[]);
    let d = did(ALICE_DID);
    // Expiry is by the clock: two seconds on, a 1s token has expired
    // whatever the machine's load.
    std::thread::sleep(Duration::from_millis(2100));

    let with = |t: &str| Http::new(&s.base, Some(t));
    let get = |h: &Http| h.get("/getSSOSecret/demo", Some("alice")).status;
    let anon = Http::new(&s.base, None);
    let owner = with(&token);
    let mut sent = Vec::new();
    let mut expect =
        |status: u16, reason: Option<&str>| sent.push((status, reason.map(String::from)));
    assert_eq!(get(&anon), 403);
    expect(403, Some("no_token"));
    assert_eq!(get(&with("x")), 403);
    expect(403, Some("malformed_token"));
    assert_eq!(get(&with(&stranger)), 403);
    expect(403, Some("unknown_token"));
    assert_eq!(get(&with(&revoked)), 403);
    expect(403, Some("revoked"));
    assert_eq!(get(&with(&other)), 403);
    expect(403, Some("out_of_scope"));
    assert_eq!(get(&with(&short)), 403);
    expect(403, Some("expired"));
    let r = with(&reader).put("/putSSOSecret/demo", Some("alice"), &json_secret("x"));
    assert_eq!(r.status, 403);
    expect(403, Some("read_only_token"));
    assert_eq!(owner.get("/getSSOSecret/demo", Some("bob")).status, 404);
    expect(404, Some("not_found"));
    assert_eq!(owner.get("/getSSOSecret/demo", None).status, 400);
    expect(400, Some("bad_request"));
    assert_eq!(
        owner.put("/putSSOSecret/demo", Some("alice"), b"{}").status,
        500
    );
    expect(500, Some("not_json"));
    assert_eq!(
        owner.put(&format!("/putDIDSecret/{d}/n"), None, b"").status,
        500
    );
    expect(500, Some("empty_secret"));
    assert_eq!(owner.get("/nowhere", None).status, 404);
    expect(404, Some("no_route"));
    assert_eq!(
        owner.send("POST", "/getSSOSecret/demo", &[], None).status,
        405
    );
    expect(405, Some("method_not_allowed"));
    assert_eq!(get(&owner), 200);
    expect(200, None);
    assert_eq!(get(&with(&reader)), 200);
    expect(200, None);

    let (_, log) = s.stop();
    let lines = json_lines(&log);
    let got: Vec<_> = lines
        .iter()
        .map(|j| {
            (
                j["status"].as_u64().unwrap() as u16,
                j["reason"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(got, sent, "{log:#?}");
    for (j, line) in lines.iter().zip(&log) {
        assert_eq!(j["peer"], "127.0.0.1", "{line}");
        assert!(
            j["method"].is_string() && j["duration_ms"].is_number(),
            "{line}"
        );
        for secret in [
            "s3cret-value",
            "alice",
            "bob",
            ALICE_DID,
            d.as_str(),
            &token,
            &reader,
            &other,
            &revoked,
            &short,
            &stranger,
        ] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
    // The token's name is the caller once its slot opened; an expired
    // token's detail names it.
    assert!(
        lines[5]["detail"]
            .as_str()
            .unwrap()
            .contains("\"short\" expired")
    );
    assert_eq!(lines[6]["token"], "reader");
}

fn test_ca() -> (rcgen::Certificate, rcgen::KeyPair, rcgen::CertificateParams) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "sso-secrets test CA");
    (ca.self_signed(&ca_key).unwrap(), ca_key, ca)
}

/// A certificate for `localhost` signed by the CA, and its key, in PEM.
fn leaf(
    ca: &rcgen::CertificateParams,
    ca_key: &rcgen::KeyPair,
    cn: &str,
) -> (String, String, Vec<u8>) {
    let issuer = rcgen::Issuer::new(ca.clone(), ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, cn);
    let cert = p.signed_by(&key, &issuer).unwrap();
    (cert.pem(), key.serialize_pem(), cert.der().to_vec())
}

#[test]
fn connection_events_are_logged_with_the_peer_and_a_reason() {
    let (v, _) = vault_with_token();
    let (_, ca_key, ca_params) = test_ca();
    let (cert, key, _) = leaf(&ca_params, &ca_key, "server");
    let cert_file = v.file("cert.pem", cert.as_bytes());
    let key_file = v.file("key.pem", key.as_bytes());
    let tls = Server::start(
        &v,
        &[
            "--tls-cert",
            cert_file.to_str().unwrap(),
            "--tls-key",
            key_file.to_str().unwrap(),
            "--header-timeout",
            "1",
        ],
    );
    let event = |s: &Server, event: &str, reason: &str| {
        let j = s.wait_for_log(&format!("{event} {reason}"), |j| {
            j["event"] == event && j["reason"] == reason
        });
        assert_eq!(j["peer"], "127.0.0.1", "{j}");
        assert!(j["detail"].is_string(), "{j}");
    };
    // Plain HTTP to the TLS port.
    let mut c = TcpStream::connect(&tls.addr).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let _ = c.read(&mut [0u8; 64]);
    event(&tls, "tls_handshake_failed", "plain_http");
    // A client that does not trust the certificate.
    let port = tls.addr.rsplit(':').next().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    assert!(
        agent
            .get(format!("https://localhost:{port}/healthz"))
            .call()
            .is_err()
    );
    event(&tls, "tls_handshake_failed", "tls_error");
    // A client that begins a handshake and stops.
    let mut c = TcpStream::connect(&tls.addr).unwrap();
    c.write_all(&[0x16, 0x03, 0x01]).unwrap();
    event(&tls, "tls_handshake_failed", "timeout");
    drop(c);
    // A port probe that connects and closes says nothing.
    drop(TcpStream::connect(&tls.addr).unwrap());
    let (_, log) = tls.stop();
    let events = json_lines(&log);
    assert!(events.iter().all(|j| j["reason"] != "closed"), "{log:?}");

    // Plain HTTP: a request head that never ends, bytes that are not
    // HTTP, every connection slot taken.
    let s = Server::start(
        &v,
        &[
            "--header-timeout",
            "1",
            "--max-connections",
            "2",
            "--max-connections-per-peer",
            "2",
        ],
    );
    let mut slow = TcpStream::connect(&s.addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost:").unwrap();
    event(&s, "timeout", "header_timeout");
    drop(slow);
    let mut junk = TcpStream::connect(&s.addr).unwrap();
    junk.write_all(b"\x01\x02\x03 not http\r\n\r\n").unwrap();
    let _ = junk.read(&mut [0u8; 256]);
    event(&s, "connection_error", "bad_http");
    drop(junk);
    let held: Vec<_> = (0..2)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    let j = s.wait_for_log("saturated", |j| j["event"] == "saturated");
    assert_eq!(j["reason"], "max_connections");
    drop(held);
    // An idle connection that times out is ordinary: no line.
    let (_, log) = s.stop();
    let timeouts = json_lines(&log)
        .into_iter()
        .filter(|j| j["event"] == "timeout")
        .count();
    assert_eq!(timeouts, 1, "{log:?}");
}

// --------------------------------------------------------------- systemd

fn notify_socket(at: &str) -> (UnixDatagram, Option<tempfile::TempDir>, String) {
    if let Some(name) = at.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name).unwrap();
        let sock = UnixDatagram::bind_addr(&addr).unwrap();
        return (sock, None, at.to_string());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(at);
    let sock = UnixDatagram::bind(&path).unwrap();
    (sock, Some(dir), path.to_str().unwrap().to_string())
}

fn receive(sock: &UnixDatagram) -> String {
    sock.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut buf = [0u8; 256];
    let n = sock.recv(&mut buf).expect("a notification");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn systemd_hears_ready_once_listening_and_stopping_at_shutdown() {
    let (v, _) = vault_with_token();
    let abstract_name = format!("@sso-secrets-notify-{}", std::process::id());
    for at in ["notify", abstract_name.as_str()] {
        let (sock, _dir, env) = notify_socket(at);
        let s = Server::start_env(
            &v,
            &["--listen", "127.0.0.1:0"],
            &[],
            &[("NOTIFY_SOCKET", &env)],
        );
        assert_eq!(receive(&sock), "READY=1", "{at}");
        // Ready means listening.
        assert_eq!(Http::new(&s.base, None).get("/healthz", None).status, 200);
        let (status, _) = s.stop();
        assert!(status.success(), "{status:?}");
        assert_eq!(receive(&sock), "STOPPING=1", "{at}");
    }
    // Without NOTIFY_SOCKET nothing is sent and nothing is said.
    let s = Server::start(&v, &[]);
    let (_, log) = s.stop();
    assert!(log.iter().all(|l| !l.contains("notify")), "{log:?}");
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    let read = |name: &str| {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("contrib/systemd")
                .join(name),
        )
        .unwrap()
    };
    let unit = read("sso-secrets.service");
    for directive in [
        "Type=notify",
        "ExecReload=",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/sso-secrets",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "LoadCredential=",
    ] {
        assert!(unit.contains(directive), "{directive} missing");
    }
    let socket = read("sso-secrets.socket");
    for directive in [
        "[Socket]",
        "ListenStream=",
        "Accept=no",
        "WantedBy=sockets.target",
    ] {
        assert!(
            socket.contains(directive),
            "{directive} missing in the socket unit"
        );
    }
    assert_eq!(
        socket.matches("\nListenStream=").count(),
        1,
        "serve takes one socket"
    );
    let analyze = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output();
    if !analyze.is_ok_and(|o| o.status.success()) {
        crate::common::unavailable("systemd-analyze is not installed (Debian: systemd)");
        return;
    }
    // verify checks that ExecStart's program exists: point it at the one
    // just built. The socket unit is checked with its service beside it.
    let bin = assert_cmd::cargo::cargo_bin("sso-secrets");
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("sso-secrets.service");
    std::fs::write(
        &service,
        unit.replace("/usr/local/bin/sso-secrets", bin.to_str().unwrap()),
    )
    .unwrap();
    let socket_path = dir.path().join("sso-secrets.socket");
    std::fs::write(&socket_path, &socket).unwrap();
    let out = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&socket_path)
        .arg(&service)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // An unknown key or a bad value is only a warning to verify.
    let complaints: Vec<_> = stderr
        .lines()
        .filter(|l| l.contains("sso-secrets.service") || l.contains("sso-secrets.socket"))
        .collect();
    assert!(complaints.is_empty(), "{stderr}");
}

/// Binds a listening socket the way systemd does for a `.socket` unit,
/// puts it at descriptor 3, sets `LISTEN_FDS=1` and `LISTEN_PID` (its own
/// pid, which `execv` keeps; `parent`: another process's), then execs the
/// real binary with `args`. `at` is a host for TCP (port 0) or `unix:PATH`.
const LAUNCH_ACTIVATED: &str = r#"
import os, socket, sys
at, pid = sys.argv[1], sys.argv[2]
if at.startswith("unix:"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(at[5:])
    port = 0
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((at, 0))
    port = s.getsockname()[1]
s.listen(64)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
print(port, flush=True)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid() if pid == "self" else os.getppid())
os.execv(sys.argv[3], sys.argv[3:])
"#;

/// `python3 LAUNCH_ACTIVATED AT PID sso-secrets --vault V serve ARGS…`,
/// spawned, and the port it bound.
fn activated(v: &Vault, at: &str, pid: &str, args: &[&str]) -> (std::process::Child, u16) {
    let bin = assert_cmd::cargo::cargo_bin("sso-secrets");
    let mut c = std::process::Command::new("python3");
    for var in crate::common::VARS {
        c.env_remove(var);
    }
    let mut child = c
        .env("XDG_STATE_HOME", crate::common::NO_STATE)
        .args(["-c", LAUNCH_ACTIVATED, at, pid])
        .arg(&bin)
        .arg("--vault")
        .arg(&v.path)
        .arg("serve")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (socket activation tests)");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().parse().unwrap_or_else(|_| panic!("{line:?}"));
    (child, port)
}

#[test]
fn socket_activation_serves_on_the_socket_systemd_passed() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret-value");
    // --listen names another port: the passed socket wins, and says so.
    let (child, port) = activated(&v, "127.0.0.1", "self", &["--listen", "127.0.0.1:0"]);
    let s = Server::attach(child);
    assert_eq!(s.addr, format!("127.0.0.1:{port}"));
    let h = s.client(&token);
    let r = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (200, "s3cret-value".to_string()));
    assert_eq!(h.get("/healthz", None).status, 200);
    let (status, log) = s.stop();
    assert!(status.success(), "{status:?} {log:?}");
    assert!(
        log.first()
            .is_some_and(|l| l.contains("socket systemd passed") && l.contains("--listen")),
        "{log:?}"
    );

    // LISTEN_PID naming another process: the variables were not meant
    // for this one, which binds --listen as usual.
    let (child, port) = activated(&v, "127.0.0.1", "parent", &["--listen", "127.0.0.1:0"]);
    let s = Server::attach(child);
    assert_ne!(s.addr, format!("127.0.0.1:{port}"));
    assert_eq!(s.client(&token).get("/healthz", None).status, 200);
    let (_, log) = s.stop();
    assert!(log.iter().all(|l| !l.contains("systemd")), "{log:?}");
}

#[test]
fn a_passed_socket_keeps_the_listen_rules_and_a_unix_one_is_served() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret-value");
    let refused = |at: &str, args: &[&str]| {
        let (child, _) = activated(&v, at, "self", args);
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A socket on every address, plain HTTP: refused as --listen would be.
    let (code, err) = refused("0.0.0.0", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--insecure-http"), "{err}");
    // ... and served with --insecure-http.
    let (child, port) = activated(&v, "0.0.0.0", "self", &["--insecure-http"]);
    let s = Server::attach(child);
    let h = Http::new(&format!("http://127.0.0.1:{port}"), None);
    assert_eq!(h.get("/healthz", None).status, 200);
    drop(s);

    // A Unix socket (ListenStream=/path): served as --listen unix: is,
    // and, like it, never with TLS.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sock");
    let at = format!("unix:{}", path.display());
    let (code, err) = refused(&at, &["--tls-cert", "c.pem", "--tls-key", "k.pem"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--tls-cert is for TCP"), "{err}");
    std::fs::remove_file(&path).unwrap();
    let (child, _) = activated(&v, &at, "self", &[]);
    let s = Server::attach(child);
    assert_eq!(s.base, at);
    let mut c = std::os::unix::net::UnixStream::connect(&path).unwrap();
    write!(
        c,
        "GET /getSSOSecret/demo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         user-id: alice\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("\r\n\r\ns3cret-value"), "{answer}");
    let (status, log) = s.stop();
    assert!(status.success(), "{status:?} {log:?}");
    // The socket is systemd's: the server leaves it where it was.
    assert!(path.exists());
}

// --------------------------------------------------------------- metrics

/// Checks every line of an OpenMetrics text exposition and returns the
/// samples, keyed `name{labels}`.
fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    let mut samples = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "{text}");
    assert!(text.ends_with("# EOF\n"));
    for line in &lines[..lines.len() - 1] {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut w = rest.splitn(3, ' ');
            let (kind, name, what) = (w.next().unwrap(), w.next().unwrap(), w.next().unwrap());
            assert!(matches!(kind, "HELP" | "TYPE" | "UNIT"), "{line}");
            assert!(name_ok(name), "{line}");
            if kind == "TYPE" {
                assert!(
                    matches!(what, "counter" | "gauge" | "histogram" | "info"),
                    "{line}"
                );
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("value in {line}")),
        };
        let name = series.split('{').next().unwrap();
        assert!(name_ok(name), "{line}");
        if let Some(labels) = series.strip_prefix(name)
            && !labels.is_empty()
        {
            let inner = labels
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .unwrap_or_else(|| panic!("{line}"));
            for pair in inner.split("\",") {
                let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
                assert!(name_ok(k), "{line}");
                assert!(!v.contains('\n'), "{line}");
            }
        }
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "twice: {line}"
        );
    }
    samples
}

fn scrape(h: &Http) -> BTreeMap<String, f64> {
    let r = h.get("/metrics", None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("content-type")
            .starts_with("application/openmetrics-text"),
        "{}",
        r.header("content-type")
    );
    parse_metrics(&r.text())
}

#[test]
fn metrics_count_exactly_the_requests_sent() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let s = Server::start(&v, &[]);
    let anon = Http::new(&s.base, None);
    let h = s.client(&token);
    let before = scrape(&anon);
    for _ in 0..3 {
        assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    }
    for _ in 0..2 {
        assert_eq!(h.get("/getSSOSecret/demo", Some("bob")).status, 404);
    }
    assert_eq!(anon.get("/getSSOSecret/demo", Some("alice")).status, 403);
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("carol"), &json_secret("c"))
            .status,
        200
    );
    let after = scrape(&anon);
    let delta =
        |k: &str| after.get(k).copied().unwrap_or(0.0) - before.get(k).copied().unwrap_or(0.0);
    let get = r#"route="/getSSOSecret/{app}",method="GET""#;
    assert_eq!(
        delta(&format!(
            r#"sso_secrets_http_requests_total{{{get},status="200"}}"#
        )),
        3.0
    );
    assert_eq!(
        delta(&format!(
            r#"sso_secrets_http_requests_total{{{get},status="404"}}"#
        )),
        2.0
    );
    assert_eq!(
        delta(&format!(
            r#"sso_secrets_http_requests_total{{{get},status="403"}}"#
        )),
        1.0
    );
    assert_eq!(
        delta(
            r#"sso_secrets_http_requests_total{route="/putSSOSecret/{app}",method="PUT",status="200"}"#
        ),
        1.0
    );
    // The first scrape is counted once it is answered.
    assert_eq!(
        delta(r#"sso_secrets_http_requests_total{route="/metrics",method="GET",status="200"}"#),
        1.0
    );
    assert_eq!(
        delta(r#"sso_secrets_http_request_duration_seconds_count{route="/getSSOSecret/{app}"}"#),
        6.0
    );
    assert_eq!(
        delta(
            r#"sso_secrets_http_request_duration_seconds_bucket{le="+Inf",route="/getSSOSecret/{app}"}"#
        ),
        6.0
    );
    // One write: one commit of one.
    assert_eq!(delta("sso_secrets_write_batch_size_count"), 1.0);
    assert_eq!(delta("sso_secrets_write_batch_size_sum"), 1.0);
    assert_eq!(
        delta("sso_secrets_write_commit_duration_seconds_count"),
        1.0
    );
    assert!(after["sso_secrets_open_connections"] >= 1.0);
    assert!(after["sso_secrets_connections_accepted_total"] >= 1.0);
    assert_eq!(
        after[&format!(
            r#"sso_secrets_build_info{{version="{}"}}"#,
            env!("CARGO_PKG_VERSION")
        )],
        1.0
    );
    // HEAD works as GET does, with no body.
    let r = anon.send("HEAD", "/metrics", &[], None);
    assert_eq!((r.status, r.body.len()), (200, 0));
    // A store that fails is counted by its reason.
    let aside = v.dir().join("aside");
    std::fs::rename(&v.path, &aside).unwrap();
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 500);
    std::fs::rename(&aside, &v.path).unwrap();
    let last = scrape(&anon);
    assert_eq!(
        last[r#"sso_secrets_store_errors_total{reason="failure"}"#],
        1.0
    );
}

#[test]
fn metrics_listen_serves_metrics_alone_on_its_own_address() {
    let (v, _) = vault_with_token();
    let s = Server::start(&v, &["--metrics-listen", "127.0.0.1:0"]);
    let main = Http::new(&s.base, None);
    assert_eq!(main.get("/metrics", None).status, 404);
    assert_eq!(main.get("/healthz", None).status, 200);
    let line = loop {
        if let Some(l) = s.lines().into_iter().find(|l| l.starts_with("metrics on ")) {
            break l;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let url = line.strip_prefix("metrics on ").unwrap();
    let base = url.strip_suffix("/metrics").unwrap();
    let m = Http::new(base, None);
    let samples = scrape(&m);
    // The main listener's requests are counted there.
    assert_eq!(
        samples[r#"sso_secrets_http_requests_total{route="/healthz",method="GET",status="200"}"#],
        1.0
    );
    assert_eq!(m.get("/healthz", None).status, 404);
}

// ----------------------------------------------------------- TLS rotation

/// A TLS connection trusting only `ca`, and the certificate it was shown.
struct TlsClient {
    stream: rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
}

impl TlsClient {
    fn connect(addr: &str, ca: &rcgen::Certificate) -> TlsClient {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut stream = rustls::StreamOwned::new(conn, tcp);
        while stream.conn.is_handshaking() {
            stream.conn.complete_io(&mut stream.sock).unwrap();
        }
        TlsClient { stream }
    }

    fn certificate(&self) -> Vec<u8> {
        self.stream.conn.peer_certificates().unwrap()[0].to_vec()
    }

    /// `GET /healthz` on this connection, kept alive: the status line.
    fn health(&mut self) -> String {
        self.stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            self.stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .unwrap();
        let mut body = vec![0u8; len];
        self.stream.read_exact(&mut body).unwrap();
        assert!(
            !head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
        head.lines().next().unwrap().to_string()
    }
}

#[test]
fn sighup_rotates_the_certificate_and_keeps_open_connections() {
    let (v, _) = vault_with_token();
    let (ca, ca_key, ca_params) = test_ca();
    let (cert1, key1, der1) = leaf(&ca_params, &ca_key, "first");
    let (cert2, key2, der2) = leaf(&ca_params, &ca_key, "second");
    let cert_file = v.file("cert.pem", cert1.as_bytes());
    let key_file = v.file("key.pem", key1.as_bytes());
    let s = Server::start(
        &v,
        &[
            "--tls-cert",
            cert_file.to_str().unwrap(),
            "--tls-key",
            key_file.to_str().unwrap(),
        ],
    );
    let mut old = TlsClient::connect(&s.addr, &ca);
    assert_eq!(old.certificate(), der1);
    assert_eq!(old.health(), "HTTP/1.1 200 OK");

    // The new pair, as a renewal job writes it, then SIGHUP.
    std::fs::write(&cert_file, &cert2).unwrap();
    std::fs::write(&key_file, &key2).unwrap();
    s.signal("HUP");
    s.wait_for_log("the reload", |j| j["event"] == "tls_reloaded");
    let mut new = TlsClient::connect(&s.addr, &ca);
    assert_eq!(new.certificate(), der2);
    assert_eq!(new.health(), "HTTP/1.1 200 OK");
    // The connection opened before the reload is still served.
    assert_eq!(old.health(), "HTTP/1.1 200 OK");

    // A pair that does not fit is refused, and the one in use is kept.
    std::fs::write(&cert_file, &cert1).unwrap();
    s.signal("HUP");
    let j = s.wait_for_log("the refusal", |j| j["event"] == "tls_reload_failed");
    assert_eq!(j["reason"], "bad_certificate");
    assert!(j["detail"].as_str().unwrap().contains("kept"), "{j}");
    let mut after = TlsClient::connect(&s.addr, &ca);
    assert_eq!(after.certificate(), der2);
    assert_eq!(after.health(), "HTTP/1.1 200 OK");
    assert_eq!(old.health(), "HTTP/1.1 200 OK");
    let (status, log) = s.stop();
    assert!(status.success(), "{status:?}");
    // Nothing of the key in the log.
    assert!(log.iter().all(|l| !l.contains("PRIVATE KEY")), "{log:?}");
}

// ------------------------------------------------ store failures, by reason

fn store_errors(h: &Http, reason: &str) -> f64 {
    scrape(h)
        .get(&format!(
            r#"sso_secrets_store_errors_total{{reason="{reason}"}}"#
        ))
        .copied()
        .unwrap_or(0.0)
}

#[test]
fn a_busy_vault_and_an_unreachable_database_are_told_apart() {
    // A file vault whose lock another writer holds: busy.
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &["--lock-timeout", "0.3"]);
    let mut lock_path = v.path.clone().into_os_string();
    lock_path.push(".lock");
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    let h = s.client(&token);
    let anon = Http::new(&s.base, None);
    let r = h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"));
    assert_eq!(r.status, 503);
    assert_eq!(store_errors(&anon, "busy"), 1.0);
    lock.unlock().unwrap();
    let (_, log) = s.stop();
    let busy = json_lines(&log)
        .into_iter()
        .find(|j| j["status"] == 503)
        .unwrap();
    assert_eq!(busy["reason"], "busy", "{busy}");

    // A PostgreSQL vault whose server stops answering: unreachable.
    let Some(mut db) = sso_secrets::testing::Cluster::start() else {
        return;
    };
    let mut v = Vault::empty();
    v.path = std::path::PathBuf::from(db.database("service"));
    v.pass()
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .success();
    let token = v.create_token(&["reader"]);
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    let anon = Http::new(&s.base, None);
    assert_eq!(anon.get("/healthz", None).status, 200);
    db.pause();
    // The server notices within its watch interval; wait for it, bounded.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while anon.get("/healthz", None).status != 503 {
        assert!(std::time::Instant::now() < deadline, "healthz stays 200");
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = anon.send("HEAD", "/healthz", &[], None);
    assert_eq!((r.status, r.body.len()), (503, 0));
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 503);
    assert_eq!(store_errors(&anon, "store_unreachable"), 1.0);
    db.resume();
    let (_, log) = s.stop();
    let lines = json_lines(&log);
    let get = lines
        .iter()
        .find(|j| j["route"] == "/getSSOSecret/{app}")
        .unwrap();
    assert_eq!(
        (get["status"].as_u64(), &get["reason"]),
        (Some(503), &serde_json::json!("store_unreachable"))
    );
    assert!(
        lines
            .iter()
            .any(|j| j["route"] == "/healthz" && j["reason"] == "unreachable"),
        "{log:?}"
    );
}
