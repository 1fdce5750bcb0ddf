//! `sso-secrets serve` over real HTTP: the real binary, a real client.
#![cfg(feature = "serve")]

mod audit;
mod error_bodies;
mod front;
mod front_checks;
mod harness;
mod hostile;
mod nginx;
mod postgres;
mod postgres_audit;
mod robustness;
mod service;

use crate::common::did;
use harness::{Server, json_secret, vault_with_token};

const ALICE_DID: &str = "did:ssi:name:vault.example:demo/alice";

#[test]
fn every_route_and_spelling_answers() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    let d = did(ALICE_DID);

    // APIHub's routes, then the RFC text's, for SSO secrets.
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("a1"))
            .status,
        200
    );
    let r = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (200, "a1".into()));
    assert_eq!(r.header("content-type"), "text/plain; charset=utf-8");
    let put = h.put(
        "/secrets/getSSOSecret/demo",
        Some("alice"),
        &json_secret("a2"),
    );
    assert_eq!((put.status, put.text()), (200, String::new()));
    assert_eq!(
        h.get("/secrets/getSSOSecret/demo", Some("alice")).text(),
        "a2"
    );

    // Deactivate by DID: the name DID of app demo names user alice.
    assert_eq!(
        h.delete(&format!("/deactivateSSOSecret/demo/{d}"), None)
            .status,
        200
    );
    let gone = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((gone.status, gone.text()), (404, "no such secret\n".into()));
    assert_eq!(
        h.delete(&format!("/deactivateSSOSecret/demo/{d}"), None)
            .status,
        200
    );
    // A put re-activates.
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("a3"))
            .status,
        200
    );
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).text(), "a3");
    // Remove: by DID (RFC text), then by user-id header (APIHub).
    assert_eq!(
        h.delete(&format!("/removeSSOSecret/demo/{d}"), None).status,
        200
    );
    assert_eq!(
        h.delete(&format!("/removeSSOSecret/demo/{d}"), None).status,
        404
    );
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("bob"), &json_secret("b"))
            .status,
        200
    );
    assert_eq!(h.delete("/removeSSOSecret/demo", Some("bob")).status, 200);
    assert_eq!(h.get("/getSSOSecret/demo", Some("bob")).status, 404);

    // DID secrets: base58 and percent-encoded DID text address the same DID.
    let binary = [0u8, 159, 146, 150, b'\n'];
    assert_eq!(
        h.put(&format!("/putDIDSecret/{d}/credential"), None, &binary)
            .status,
        200
    );
    let text = ALICE_DID.replace(':', "%3A").replace('/', "%2F");
    let r = h.get(&format!("/getDIDSecret/{text}/credential"), None);
    assert_eq!((r.status, r.body.as_slice()), (200, &binary[..]));
    assert_eq!(r.header("content-type"), "application/octet-stream");
    assert_eq!(
        h.delete(&format!("/removeDIDSecret/{d}/credential"), None)
            .status,
        200
    );
    assert_eq!(
        h.delete(&format!("/removeDIDSecret/{d}/credential"), None)
            .status,
        404
    );
    for method in ["DELETE", "GET"] {
        assert_eq!(
            h.put(&format!("/putDIDSecret/{d}/n"), None, b"x").status,
            200
        );
        let r = h.send(method, &format!("/deleteDIDSecret/{d}/n"), &[], None);
        assert_eq!(r.status, 200, "{method} /deleteDIDSecret");
        assert_eq!(h.get(&format!("/getDIDSecret/{d}/n"), None).status, 404);
    }

    // What the command line sees is what the server wrote.
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .failure()
        .code(44);
    let health = harness::Http::new(&s.base, None).get("/healthz", None);
    assert_eq!((health.status, health.text()), (200, "ok\n".into()));
    let (status, _) = s.stop();
    assert!(status.success());
}

#[test]
fn every_status_and_malformed_request() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let reader = v.create_token(&["reader", "--app", "demo"]);
    let other = v.create_token(&["other", "--app", "other", "--write"]);
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    let d = did(ALICE_DID);

    // 400: missing user-id, bad DID, bad names; never the value echoed.
    let r = h.get("/getSSOSecret/demo", None);
    assert_eq!(
        (r.status, r.text()),
        (400, "missing user-id header\n".into())
    );
    assert_eq!(h.get("/getDIDSecret/0OIl/credential", None).status, 400);
    let not_did = did("hello");
    assert_eq!(
        h.get(&format!("/getDIDSecret/{not_did}/credential"), None)
            .status,
        400
    );
    assert_eq!(h.get("/getSSOSecret/a%FF", Some("alice")).status, 400);
    assert_eq!(
        h.get(&format!("/getSSOSecret/{}", "x".repeat(300)), Some("a"))
            .status,
        400
    );
    let r = h.get("/getSSOSecret/demo", Some(&"u".repeat(300)));
    assert_eq!(r.status, 400);

    // 403: no token, a wrong one, another scheme, out of scope, read-only.
    let anon = harness::Http::new(&s.base, None);
    assert_eq!(anon.get("/getSSOSecret/demo", Some("alice")).status, 403);
    let wrong = harness::Http::new(&s.base, Some("ssos_1111"));
    assert_eq!(wrong.get("/getSSOSecret/demo", Some("alice")).status, 403);
    let basic = anon.send(
        "GET",
        "/getSSOSecret/demo",
        &[("user-id", "alice"), ("Authorization", "Basic eDp5")],
        None,
    );
    assert_eq!(basic.status, 403);
    let r = s.client(&other).get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (403, "access denied\n".into()));
    let r = s
        .client(&reader)
        .put("/putSSOSecret/demo", Some("alice"), &json_secret("x"));
    assert_eq!((r.status, r.text()), (403, "access denied\n".into()));
    assert_eq!(
        s.client(&reader)
            .get("/getSSOSecret/demo", Some("alice"))
            .text(),
        "s3cret"
    );

    // 404: unknown secret (the user id is not echoed), unknown route; 405.
    let r = h.get("/getSSOSecret/demo", Some("carol@example.com"));
    assert_eq!(r.status, 404);
    assert!(!r.text().contains("carol"), "{}", r.text());
    assert_eq!(
        h.get(&format!("/getDIDSecret/{d}/credential"), None).status,
        404
    );
    assert_eq!(h.get("/nope", None).status, 404);
    assert_eq!(h.get("/getSSOSecret", None).status, 404);
    let r = h.send(
        "POST",
        "/putSSOSecret/demo",
        &[("user-id", "alice")],
        Some(b"{}"),
    );
    assert_eq!((r.status, r.header("allow")), (405, "PUT".into()));

    // 500: empty secret, JSON that is not JSON or has no string secret.
    let r = h.put("/putSSOSecret/demo", Some("alice"), b"");
    assert_eq!(r.status, 500);
    for bad in [
        &b"not json"[..],
        br#"{"secret":42}"#,
        b"{}",
        br#"{"secret":""}"#,
    ] {
        let r = h.put("/putSSOSecret/demo", Some("alice"), bad);
        assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(bad));
        assert!(!r.text().contains("42"));
    }
    let raw = h.send(
        "PUT",
        "/putSSOSecret/demo",
        &[
            ("user-id", "alice"),
            ("content-type", "application/octet-stream"),
        ],
        Some(b"raw bytes"),
    );
    assert_eq!(raw.status, 200);
    assert_eq!(
        h.get("/getSSOSecret/demo", Some("alice")).text(),
        "raw bytes"
    );

    // 555: the vault set read-only while the server runs (reads still work).
    v.pass()
        .args(["vault", "read-only", "on"])
        .assert()
        .success();
    let r = h.put("/putSSOSecret/demo", Some("alice"), &json_secret("y"));
    assert_eq!(r.status, 555, "{}", r.text());
    // The read-only refusal outranks the body: one that is not JSON is
    // 555 too, not 500 (found by review).
    let r = h.put("/putSSOSecret/demo", Some("alice"), b"not json");
    assert_eq!(r.status, 555, "{}", r.text());
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    v.pass()
        .args(["vault", "read-only", "off"])
        .assert()
        .success();

    // Every line of the access log is JSON without names, DIDs or tokens.
    let (_, log) = s.stop();
    assert!(log.len() >= 25, "{log:?}");
    for line in &log {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(j["time"].as_str().unwrap().ends_with('Z'));
        for secret in ["alice", "carol", &d, &token, &reader, "s3cret", "raw bytes"] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
    assert!(log.iter().any(|l| l.contains(r#""token":"reader""#)));
    assert!(
        log.iter()
            .any(|l| l.contains(r#""route":"/getSSOSecret/{app}""#))
    );
}

#[test]
fn read_only_server_answers_555_to_writes() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let s = Server::start(&v, &["--read-only"]);
    let h = s.client(&token);
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"))
            .status,
        555
    );
    assert_eq!(h.delete("/removeSSOSecret/demo", Some("alice")).status, 555);
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), b"{not json")
            .status,
        555
    );
    // Authentication still outranks read-only.
    let anon = harness::Http::new(&s.base, Some("ssos_1111"));
    assert_eq!(
        anon.delete("/removeSSOSecret/demo", Some("alice")).status,
        403
    );
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).text(), "s3cret");
}

#[test]
fn a_token_revoked_while_running_fails_on_its_next_request() {
    let (v, token) = vault_with_token();
    v.put_sso("demo", "alice", b"s3cret");
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    assert_eq!(h.get("/getSSOSecret/demo", Some("alice")).status, 200);
    v.pass()
        .args(["token", "revoke", "writer"])
        .assert()
        .success();
    let r = h.get("/getSSOSecret/demo", Some("alice"));
    assert_eq!((r.status, r.text()), (403, "access denied\n".into()));
    assert_eq!(
        h.put("/putSSOSecret/demo", Some("alice"), &json_secret("x"))
            .status,
        403
    );
}

#[test]
fn real_clients_requests_succeed_unchanged() {
    let (v, token) = vault_with_token();
    let s = Server::start(&v, &[]);
    let h = s.client(&token);
    // OpenDSU-core SecretsHandler: a JSON text body, read back with .json().
    let d = did("did:ssi:name:vault:DSU_Fabric/alice");
    assert_eq!(d, "B279eipaoUD3gc8NbUqqpQyDynTsRkqtwXG8rd3cWzAtpmFa");
    let credential = r#"{"issuer":"did:ssi:key:abc","claims":[1,2]}"#;
    let json = [("Content-Type", "application/json")];
    let path = format!("/putDIDSecret/{d}/credential");
    assert_eq!(
        h.send("PUT", &path, &json, Some(credential.as_bytes()))
            .status,
        200
    );
    let r = h.get(&format!("/getDIDSecret/{d}/credential"), None);
    let back: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        back,
        serde_json::from_str::<serde_json::Value>(credential).unwrap()
    );
    assert_eq!(
        h.delete(&format!("/removeDIDSecret/{d}/credential"), None)
            .status,
        200
    );

    // Trust-loader: {"secret": "<JSON text>"}, read back as the raw text.
    let wallet = r#"{"seed":"abc","keySSI":"ssi:seed:x"}"#;
    let r = h.send(
        "PUT",
        "/putSSOSecret/DSU_Fabric",
        &[("user-id", "alice"), ("Content-Type", "application/json")],
        Some(&json_secret(wallet)),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        h.get("/getSSOSecret/DSU_Fabric", Some("alice")).text(),
        wallet
    );

    // Demiurge: 404 for an absent mqMigration, deactivate a member by DID,
    // remove the caller's own secret.
    assert_eq!(
        h.get(&format!("/getDIDSecret/{d}/mqMigration"), None)
            .status,
        404
    );
    assert_eq!(
        h.delete(&format!("/deactivateSSOSecret/DSU_Fabric/{d}"), None)
            .status,
        200
    );
    assert_eq!(h.get("/getSSOSecret/DSU_Fabric", Some("alice")).status, 404);
    assert_eq!(
        h.delete("/removeSSOSecret/DSU_Fabric", Some("alice"))
            .status,
        200
    );
    v.pass()
        .args(["list"])
        .assert()
        .success()
        .stdout(predicates::str::is_empty());
}
