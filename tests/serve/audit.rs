//! `serve` with the audit trail on (issue 25): every request is recorded
//! before it is answered, by a grouped appender; a kill mid-batch leaves a
//! trail that verifies.

use super::harness::{Http, Server, json_secret};
use crate::common::{Vault, stderr_of};
use std::sync::atomic::{AtomicUsize, Ordering};

fn audited() -> (Vault, String) {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    v.pass().args(["vault", "audit", "on"]).assert().success();
    let t = v.create_token(&["writer", "--write"]);
    (v, t)
}

/// Records, as `audit --json` lists them.
fn records(v: &Vault) -> Vec<serde_json::Value> {
    let out = v.pass().args(["audit", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    j["records"].as_array().unwrap().clone()
}

fn verifies(v: &Vault) {
    let out = v.pass().args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn thirty_two_concurrent_clients_lose_no_record() {
    let (v, t) = audited();
    let s = Server::start(&v, &[]);
    let answered = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for c in 0..32 {
            let (base, t, answered) = (&s.base, &t, &answered);
            scope.spawn(move || {
                let http = Http::new(base, Some(t));
                for i in 0..10 {
                    let r = if i % 3 == 0 {
                        let body = json_secret(&format!("v{c}-{i}"));
                        http.put("/putSSOSecret/demo", Some(&format!("u{c}")), &body)
                    } else {
                        http.get("/getSSOSecret/demo", Some("alice"))
                    };
                    assert_eq!(r.status, 200, "{}", r.text());
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    // One refused request is recorded too, with its peer.
    let r = Http::new(&s.base, Some("ssos_nope")).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!(r.status, 403);
    let r = records(&v);
    let served: Vec<_> = r.iter().filter(|x| x["front"]["kind"] == "serve").collect();
    assert_eq!(served.len(), answered.load(Ordering::Relaxed) + 1);
    assert_eq!(served.iter().filter(|x| x["status"] == 200).count(), 320);
    let refused = served.last().unwrap();
    assert_eq!(refused["status"], 403);
    assert_eq!(refused["principal"]["kind"], "unknown");
    assert_eq!(refused["front"]["peer"], "127.0.0.1");
    assert_eq!(served[0]["principal"]["name"], "writer");
    verifies(&v);
}

#[test]
fn a_read_only_trail_fails_a_get_and_sends_no_secret() {
    let (v, t) = audited();
    let s = Server::start(&v, &[]);
    let mut trail = v.path.as_os_str().to_owned();
    trail.push(".audit");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&trail, std::fs::Permissions::from_mode(0o400)).unwrap();
    let r = s.client(&t).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!(r.status, 500, "{}", r.text());
    assert!(!r.text().contains("s3cret"));
    std::fs::set_permissions(&trail, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = s.client(&t).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!(r.text(), "s3cret");
}

#[test]
fn a_kill_during_a_batch_leaves_a_trail_that_verifies() {
    let (v, t) = audited();
    for round in 0..3 {
        let s = Server::start(&v, &[]);
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..16 {
                let (base, t, stop) = (&s.base, &t, &stop);
                scope.spawn(move || {
                    let agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(std::time::Duration::from_secs(5)))
                        .build()
                        .new_agent();
                    while !stop.load(Ordering::Relaxed) {
                        // The server dies under us: errors are expected.
                        let _ = agent
                            .get(format!("{base}/getSSOSecret/demo"))
                            .header("Authorization", format!("Bearer {t}"))
                            .header("user-id", "alice")
                            .call();
                    }
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(150 + 100 * round));
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(s.pid() as i32),
                nix::sys::signal::Signal::SIGKILL,
            )
            .unwrap();
            stop.store(true, Ordering::Relaxed);
        });
        drop(s);
        verifies(&v);
    }
    assert!(records(&v).len() > 10);
}

/// Issue 27's trusted front: a request without a token of its own is
/// recorded as the user the front named, via the server's token.
#[test]
fn a_trusted_fronts_request_is_recorded_as_its_user() {
    let (v, _) = audited();
    let t = v.create_token(&["front-token", "--app", "demo"]);
    let file = v.file("front.token", t.as_bytes());
    let s = Server::start(
        &v,
        &[
            "--trusted-front",
            "127.0.0.1",
            "--token-file",
            file.to_str().unwrap(),
        ],
    );
    let r = Http::new(&s.base, None).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!(r.status, 200, "{}", r.text());
    drop(s);
    let r = records(&v);
    let last = r.iter().rfind(|x| x["front"]["kind"] == "serve").unwrap();
    assert_eq!(last["principal"]["kind"], "front");
    assert_eq!(last["principal"]["user"], "alice");
    assert_eq!(last["principal"]["name"], "front-token");
    verifies(&v);
}

/// Someone who can write the vault file puts a public key of their own in
/// the header's audit block: every request then fails verification and is
/// recorded as a refusal before a slot opened. Sealed to that key, such a
/// record must carry no names; once the server has seen a verified header
/// it seals them to the verified key instead.
#[test]
fn a_key_put_into_the_unverified_header_learns_no_names() {
    use sso_secrets::testing::vault::format::{self, Header};
    let (v, t) = audited();
    let original = std::fs::read(&v.path).unwrap();
    let secret = x25519_dalek::StaticSecret::from([7u8; 32]);
    let (version, hlen) = format::parse_prefix(&original[..format::PREFIX_LEN]).unwrap();
    let end = format::PREFIX_LEN + hlen as usize;
    let mut header = Header::parse(version, &original[format::PREFIX_LEN..end]).unwrap();
    header.audit.as_mut().unwrap().seal_key = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let mut forged = header.encode().unwrap();
    forged.extend_from_slice(&original[end..]);
    let mut trail = v.path.as_os_str().to_owned();
    trail.push(".audit");
    let opened_by_forger = || {
        let bytes = std::fs::read(&trail).unwrap();
        let (mut at, mut out) = (0, Vec::new());
        while at < bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let raw =
                sso_secrets::testing::audit::Raw::parse(&bytes[at + 4..at + 4 + len]).unwrap();
            if let Ok(c) = raw.open(&header.vault_id, &secret) {
                out.push(c.target);
            }
            at += 8 + len;
        }
        out
    };
    for seen_first in [false, true] {
        std::fs::write(&v.path, &original).unwrap();
        let s = Server::start(&v, &[]);
        if seen_first {
            let r = s.client(&t).get("/getSSOSecret/demo", Some("alice"));
            assert_eq!(r.status, 200);
        }
        std::fs::write(&v.path, &forged).unwrap();
        let r = s.client(&t).get("/getSSOSecret/demo", Some("alice"));
        assert_ne!(r.status, 200);
        let r = Http::new(&s.base, Some("ssos_nope")).get("/getSSOSecret/demo", Some("alice"));
        assert_ne!(r.status, 200, "{}", r.text());
    }
    let seen = opened_by_forger();
    assert!(!seen.is_empty(), "the refusals were recorded");
    assert!(
        seen.iter().all(Vec::is_empty),
        "names sealed to a key from an unverified header: {seen:?}"
    );
    std::fs::write(&v.path, &original).unwrap();
}
