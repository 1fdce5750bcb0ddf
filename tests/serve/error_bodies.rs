//! What error bodies tell an HTTP client (the status and a short generic
//! reason) and what the server's log keeps (the detail, without names).

use super::harness::{Http, Server, json_secret, vault_with_token};
use crate::common::{Vault, did};
use std::time::Duration;

#[test]
fn error_bodies_say_only_the_status_and_the_log_says_why() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let reader = v.create_token(&["reader", "--app", "demo"]);
    let other = v.create_token(&["other", "--app", "other", "--write"]);
    let revoked = v.create_token(&["gone", "--write"]);
    v.pass()
        .args(["token", "revoke", "gone"])
        .assert()
        .success();
    let stranger = Vault::new().create_token(&["stranger", "--write"]);
    // A vault others can read: its path and mode join every refusal's detail.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let s = Server::start(&v, &["--lock-timeout", "0.3"]);
    let path = v.path.to_str().unwrap().to_string();
    let d = did("did:ssi:name:vault.example:demo/alice");

    let mut bodies = Vec::new();
    let mut expect = |r: super::harness::Resp, status: u16, body: &str| {
        assert_eq!((r.status, r.text()), (status, body.to_string()));
        bodies.push(r.text());
    };
    // 403, whatever the reason.
    let forbidden = "access denied\n";
    let anon = Http::new(&s.base, None);
    expect(
        anon.get("/getSSOSecret/demo", Some("alice")),
        403,
        forbidden,
    );
    for t in ["x", "ssos_1111", &stranger, &revoked, &other] {
        let r = Http::new(&s.base, Some(t)).get("/getSSOSecret/demo", Some("alice"));
        expect(r, 403, forbidden);
    }
    let r = s
        .client(&reader)
        .put("/putSSOSecret/demo", Some("alice"), &json_secret("x"));
    expect(r, 403, forbidden);
    // 404: absent and deactivated alike.
    let h = s.client(&token);
    expect(
        h.get("/getSSOSecret/demo", Some("bob")),
        404,
        "no such secret\n",
    );
    expect(
        h.delete(&format!("/deactivateSSOSecret/demo/{d}"), None),
        200,
        "",
    );
    expect(
        h.get("/getSSOSecret/demo", Some("alice")),
        404,
        "no such secret\n",
    );
    // 500 for the secret itself: what was wrong with it, nothing else.
    expect(
        h.put("/putSSOSecret/demo", Some("alice"), b"{}"),
        500,
        "secret refused: the body is not {\"secret\":\"…\"}\n",
    );
    expect(
        h.put(&format!("/putDIDSecret/{d}/n"), None, b""),
        500,
        "secret refused: empty\n",
    );
    // 555: the vault set read-only.
    v.pass()
        .args(["vault", "read-only", "on"])
        .assert()
        .success();
    expect(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("y")),
        555,
        "writes are disabled\n",
    );
    v.pass()
        .args(["vault", "read-only", "off"])
        .assert()
        .success();
    // 503: another writer holds the lock past --lock-timeout.
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
    let r = h.put("/putSSOSecret/demo", Some("alice"), &json_secret("z"));
    assert_eq!(r.header("retry-after"), "1");
    expect(r, 503, "vault busy, retry\n");
    lock.unlock().unwrap();
    // 500: the vault tampered with.
    std::thread::sleep(Duration::from_millis(50));
    let mut bytes = v.bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    v.write_bytes(&bytes);
    expect(
        h.get("/getSSOSecret/demo", Some("alice")),
        500,
        "vault failed authentication\n",
    );
    for b in &bodies {
        for leak in [
            &path[..],
            "mode",
            "revoked",
            "unknown",
            "sso-secrets",
            "--",
            "`",
        ] {
            assert!(!b.contains(leak), "{leak:?} in {b:?}");
        }
    }

    // The log has the detail, without user ids, DIDs, names or tokens.
    let (_, log) = s.stop();
    // After the startup warning about the mode, one JSON object per line.
    assert!(log[0].contains("readable by group or others"), "{log:?}");
    let details: Vec<String> = log[1..]
        .iter()
        .filter_map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            j["detail"].as_str().map(String::from)
        })
        .collect();
    for want in [
        "missing header Authorization",
        "malformed access token",
        "not issued for this vault",
        "revoked",
        "does not cover app (app)",
        "is read-only",
        "no SSO secret for user (user-id) of app (app)",
        "deactivated",
        "the secret is empty",
        "vault read-only off",
        "--lock-timeout",
        "fails authentication",
        "mode 640",
    ] {
        assert!(
            details.iter().any(|d| d.contains(want)),
            "no detail says {want:?}: {details:#?}"
        );
    }
    for line in &log {
        for secret in [
            "alice", "bob", "\"demo\"", &d, "did:ssi", &token, &reader, &other, &revoked,
            &stranger, "s3cret",
        ] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
}
