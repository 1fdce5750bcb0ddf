//! Clients that try to hold the server: bodies trickled without a token
//! that may write them, or with one, and many connections from one address.

use super::harness::{Http, Server, vault_with_token};
use crate::common::did;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How long a client waits before it concludes that the server is holding
/// it: never reached when the server behaves, so it only bounds how long a
/// broken server hangs a test. Far below the `--header-timeout 600` the
/// tests give the server, far above anything a working server needs.
const PATIENCE: Duration = Duration::from_secs(60);

/// Sends `bytes` and reads until the server closes the connection. Returns
/// what came back, and whether the server closed (false: it kept the
/// connection open, without finishing its answer, for [`PATIENCE`]).
fn send_and_read(c: &mut TcpStream, bytes: &[u8]) -> (String, bool) {
    c.set_read_timeout(Some(PATIENCE)).unwrap();
    c.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let closed = match c.read_to_end(&mut out) {
        Ok(_) => true,
        // A close with request bytes still unread is a reset.
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    };
    (String::from_utf8_lossy(&out).into_owned(), closed)
}

/// A connection to `to` from the loopback address `from` (127.0.0.2, …),
/// so that it counts as another peer than the test's own clients.
fn connect_from(from: &str, to: &str) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        let stream = socket.connect(to.parse().unwrap()).await.unwrap();
        let stream = stream.into_std().unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
    })
}

#[test]
fn a_put_is_refused_before_its_body_unless_its_token_may_write_there() {
    let (v, _) = vault_with_token();
    let reader = v.create_token(&["reader", "--app", "demo"]);
    let other = v.create_token(&["other", "--app", "other", "--write"]);
    let s = Server::start(&v, &["--header-timeout", "600"]);
    let d = did("did:ssi:key:trickle");
    let sso = "/putSSOSecret/demo".to_string();
    let did_put = format!("/putDIDSecret/{d}/n");
    let cases = [
        ("Bearer x", &sso),
        ("Bearer ssos_1111", &sso),
        (&format!("Bearer {reader}"), &sso),
        (&format!("Bearer {other}"), &sso),
        (&format!("Bearer {other}"), &did_put),
    ];
    for (auth, path) in cases {
        // A head that announces 1 MiB, then the first bytes of the body and
        // nothing more: the server must not wait for the rest.
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nuser-id: alice\r\nAuthorization: {auth}\r\n\
             Content-Length: 1048576\r\n\r\n{{\"secret\":\""
        );
        let mut c = TcpStream::connect(&s.addr).unwrap();
        let (answer, closed) = send_and_read(&mut c, head.as_bytes());
        let what = format!("{} {path}", &auth[..auth.len().min(12)]);
        assert!(answer.starts_with("HTTP/1.1 403"), "{what}: {answer:?}");
        assert!(
            closed,
            "{what}: the connection stayed open after {answer:?}"
        );
    }
    // The server is not held up, and nothing was written.
    assert_eq!(Http::new(&s.base, None).get("/healthz", None).status, 200);
    v.pass().args(["list"]).assert().success().stdout("");
}

#[test]
fn a_trickled_body_has_one_deadline_for_the_whole_request() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &["--header-timeout", "2"]);
    let d = did("did:ssi:key:trickle");
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_nodelay(true).unwrap();
    let head = format!(
        "PUT /putDIDSecret/{d}/n HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 100\r\n\r\n"
    );
    c.write_all(head.as_bytes()).unwrap();
    // One byte, then a pause far shorter than the timeout, and again: each
    // piece arrives in time, the whole body (100 pauses) never does.
    c.set_read_timeout(Some(Duration::from_millis(400)))
        .unwrap();
    let mut sent = 0;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while sent < 100 {
        if c.write_all(b"x").is_err() {
            break;
        }
        sent += 1;
        match c.read(&mut buf) {
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    c.set_read_timeout(Some(PATIENCE)).unwrap();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {sent} bytes: {answer:?}"
    );
    assert!(sent < 100, "the whole body was sent: {answer:?}");
    let h = s.client(&token);
    assert_eq!(h.get(&format!("/getDIDSecret/{d}/n"), None).status, 404);
    assert_eq!(
        h.put(&format!("/putDIDSecret/{d}/n"), None, b"in time")
            .status,
        200
    );
}

#[test]
fn one_address_cannot_hold_every_connection() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let s = Server::start(&v, &["--max-connections", "8", "--header-timeout", "600"]);
    // Eight connections from one address, each with half a request head
    // and then silence: as many as the server serves at once.
    let mut held: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut c = connect_from("127.0.0.2", &s.addr);
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c
        })
        .collect();
    // A client from another address is still answered.
    let r = s.client(&token).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (200, "s3cret".into()));
    // The connections over the peer's share were closed, the others are
    // still open (the header timeout is far away).
    let deadline = Instant::now() + PATIENCE;
    let mut closed = vec![false; held.len()];
    for c in &held {
        c.set_nonblocking(true).unwrap();
    }
    while closed.iter().filter(|c| **c).count() < 4 && Instant::now() < deadline {
        for (c, done) in held.iter_mut().zip(closed.iter_mut()) {
            let mut buf = [0u8; 64];
            match c.read(&mut buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                _ => *done = true,
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        closed.iter().filter(|c| **c).count(),
        4,
        "closed: {closed:?}"
    );
    drop(held);
    let (_, log) = s.stop();
    let refused: Vec<_> = log
        .iter()
        .filter(|l| l.contains(r#""event":"refused""#))
        .collect();
    assert_eq!(refused.len(), 4, "{log:?}");
    for line in refused {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(j["peer"], "127.0.0.2", "{line}");
        assert_eq!(j["reason"], "per_peer_limit", "{line}");
        assert!(j["detail"].as_str().unwrap().contains("per peer"), "{line}");
    }
}
