//! Limits, timeouts, TLS, shutdown and concurrent writers.

use super::harness::{Http, Server, json_secret, vault_with_token};
use crate::common::{Vault, did};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends `head` (and nothing more) and reads the answer until the server
/// closes the connection.
fn raw(addr: &str, head: &str) -> (String, Duration) {
    let start = Instant::now();
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
}

#[test]
fn oversized_bodies_are_refused_without_being_read() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &[]);
    let head = format!(
        "PUT /putDIDSecret/{}/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 1073741824\r\n\r\n",
        did("did:ssi:key:big")
    );
    let (answer, took) = raw(&s.addr, &head);
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert!(answer.contains("larger than 1 MiB"), "{answer}");
    assert!(took < Duration::from_secs(10));
    // Without a declared length too, and exactly 1 MiB still fits.
    let h = s.client(&token);
    let d = did("did:ssi:key:big");
    let r = h.put(
        &format!("/putDIDSecret/{d}/big"),
        None,
        &vec![7u8; (1 << 20) + 1],
    );
    assert_eq!(r.status, 500);
    assert_eq!(
        h.put(&format!("/putDIDSecret/{d}/big"), None, &vec![7u8; 1 << 20])
            .status,
        200
    );
    let big_json = json_secret(&"x".repeat((1 << 20) + 1));
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &big_json).status,
        500
    );
    // The check order holds: no token outranks the size.
    let (answer, _) = raw(&s.addr, &head.replace(&token, "ssos_1111"));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[test]
fn slow_clients_time_out_without_holding_up_others() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &["--header-timeout", "1"]);
    let (answer, took) = raw(&s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // A body that stops coming: 408.
    let head = format!(
        "PUT /putDIDSecret/{}/n HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 10\r\n\r\nabc",
        did("did:ssi:key:slow")
    );
    let (answer, took) = raw(&s.addr, &head);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    // Meanwhile, and after, the server answers.
    assert_eq!(Http::new(&s.base, None).get("/healthz", None).status, 200);
}

#[test]
fn a_vault_busy_past_the_lock_timeout_answers_503() {
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
    let r = h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"));
    assert_eq!(
        (r.status, r.header("retry-after")),
        (503, "1".into()),
        "{}",
        r.text()
    );
    lock.unlock().unwrap();
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"))
            .status,
        200
    );
}

#[test]
fn plain_http_beyond_loopback_is_refused_and_startup_errors_exit() {
    let v = Vault::new();
    let out = v
        .cmd()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("--insecure-http"), "{err}");
    v.cmd()
        .args(["serve", "--tls-cert", "c.pem"])
        .assert()
        .code(2);
    let none = Vault::empty();
    none.cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .assert()
        .code(1);
    let s = Server::start_with(&v, &["--listen", "0.0.0.0:0", "--insecure-http"], &[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let h = Http::new(&format!("http://127.0.0.1:{port}"), None);
    assert_eq!(h.get("/healthz", None).status, 200);
}

#[test]
fn tls_with_a_test_ca() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"over tls");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "sso-secrets test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let cert_file = v.file("cert.pem", leaf.pem().as_bytes());
    let key_file = v.file("key.pem", key.serialize_pem().as_bytes());
    let s = Server::start(
        &v,
        &[
            "--tls-cert",
            cert_file.to_str().unwrap(),
            "--tls-key",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(s.base.starts_with("https://"), "{}", s.base);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let roots = vec![ureq::tls::Certificate::from_der(ca_cert.der()).to_owned()];
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)))
        .build();
    let config = ureq::Agent::config_builder().tls_config(tls);
    let h = Http::with_agent(&format!("https://localhost:{port}"), Some(&token), config);
    let r = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (200, "over tls".into()));
    // Plain HTTP to the TLS port gets no answer.
    let (answer, _) = raw(&s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(!answer.contains("200 OK"), "{answer}");
    // A key that does not fit the certificate: exit 1 at startup.
    let other = v.file(
        "other.pem",
        rcgen::KeyPair::generate()
            .unwrap()
            .serialize_pem()
            .as_bytes(),
    );
    v.cmd()
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert_file)
        .arg("--tls-key")
        .arg(&other)
        .assert()
        .code(1);
}

#[test]
fn shutdown_finishes_requests_in_flight() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &[]);
    let d = did("did:ssi:key:inflight");
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "PUT /putDIDSecret/{d}/n HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 10\r\n\r\n01234"
    );
    c.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.terminate();
    // New connections are soon no longer accepted…
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&s.addr).is_ok() {
        assert!(
            Instant::now() < deadline,
            "still accepting 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // …but the request in flight completes and is stored.
    c.write_all(b"56789").unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, _) = s.stop();
    assert!(status.success(), "{status:?}");
    let got = v
        .token(&token)
        .args(["get-did", &d, "n"])
        .assert()
        .success();
    assert_eq!(got.get_output().stdout, b"0123456789");
}

#[test]
fn command_line_and_server_write_the_same_vault_with_nothing_lost() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &[]);
    let http: Vec<_> = (0..4)
        .map(|t| {
            let h = s.client(&token);
            std::thread::spawn(move || {
                for i in 0..40 {
                    let user = format!("http-{t}-{i}");
                    let r = h.put("/putSSOSecret/demo", Some(&user), &json_secret(&user));
                    assert_eq!(r.status, 200, "{}", r.text());
                }
            })
        })
        .collect();
    let cli: Vec<_> = (0..16)
        .map(|i| {
            let mut c = v.token(&token);
            c.args(["put-sso", "demo", "--user-id", &format!("cli-{i}")])
                .write_stdin(format!("cli-{i}"));
            std::thread::spawn(move || c.assert().success())
        })
        .collect();
    http.into_iter().for_each(|t| t.join().unwrap());
    cli.into_iter().for_each(|t| {
        t.join().unwrap();
    });
    let h = s.client(&token);
    let users = (0..4)
        .flat_map(|t| (0..40).map(move |i| format!("http-{t}-{i}")))
        .chain((0..16).map(|i| format!("cli-{i}")));
    for user in users {
        let r = h.get("/getSSOSecret/demo", Some(&user));
        assert_eq!((r.status, r.text()), (200, user.clone()));
    }
}

#[test]
fn a_second_signal_stops_waiting_for_requests_in_flight() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &["--header-timeout", "60"]);
    let mut c = TcpStream::connect(&s.addr).unwrap();
    let head = format!(
        "PUT /putDIDSecret/{}/n HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 10\r\n\r\n01234",
        did("did:ssi:key:stuck")
    );
    c.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    s.terminate();
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = s.stop();
    assert!(status.success(), "{status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_vault_tampered_with_while_serving_is_noticed_on_the_next_request() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    std::thread::sleep(Duration::from_millis(50));
    // In place, same size: only the file's change time tells.
    let mut bytes = v.bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    v.write_bytes(&bytes);
    let r = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!(
        (r.status, r.text()),
        (500, "vault failed authentication\n".into())
    );
}
