//! `serve --trusted-front` behind a real nginx (issue 27): the calls the
//! real OpenDSU clients make (no Authorization, a JSON content type, base58
//! DIDs) served through the front, and refused from anywhere else.

use super::harness::{Http, Resp, Server, json_secret};
use super::nginx::{self, Nginx, Upstream, basic};
use crate::common::{Vault, did};
use std::path::Path;

pub const APP: &str = "DSU_Fabric";
pub const WALLET: &str = "did:ssi:name:apihub.example:DSU_Fabric/wallet";
const USERS: &[(&str, &str)] = &[("alice", "alice-pw"), ("bob", "bob-pw")];

/// A vault with a front token for APP and WALLET (writes), and the token.
pub fn vault_with_front_token() -> (Vault, String) {
    let v = Vault::new();
    let t = v.create_token(&["front", "--app", APP, "--did", WALLET, "--write"]);
    (v, t)
}

/// `serve` on a Unix socket in the vault's directory, trusting it.
pub fn serve_on_socket(v: &Vault, token: &str) -> (Server, std::path::PathBuf) {
    let file = v.file("front.token", token.as_bytes());
    let sock = v.dir().join("serve.sock");
    let listen = format!("unix:{}", sock.display());
    let s = Server::start_with(
        v,
        &["--listen", &listen],
        &[
            "--trusted-front",
            "unix",
            "--token-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(s.base, listen);
    (s, sock)
}

/// A browser signed in to the front as `user`: basic auth, no Bearer.
struct Browser<'a> {
    http: Http,
    auth: String,
    _front: &'a Nginx,
}

impl<'a> Browser<'a> {
    fn new(front: &'a Nginx, user: &str, password: &str) -> Browser<'a> {
        Browser {
            http: Http::new(&front.base, None),
            auth: basic(user, password),
            _front: front,
        }
    }

    /// `method path` as SecretsHandler and trust-loader send it, with
    /// `extra` headers.
    fn call(&self, method: &str, path: &str, extra: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
        let mut h = vec![
            ("Authorization", self.auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        h.extend_from_slice(extra);
        self.http.send(method, path, &h, body)
    }
}

/// The four calls of SecretsHandler and trust-loader, through `b`, and
/// what they must answer when the front serves them.
fn real_client_calls(b: &Browser<'_>) {
    let d = did(WALLET);
    // SecretsHandler.storeDIDSecret: a JSON text body, as fetch sends it.
    let secret = br#"{"groupCredential":{"x":1},"enclave":"e"}"#;
    let path = format!("/putDIDSecret/{d}/credential");
    let r = b.call("PUT", &path, &[], Some(secret));
    assert_eq!((r.status, r.text()), (200, String::new()));
    // getDIDSecret, read with response.json().
    let r = b.call("GET", &format!("/getDIDSecret/{d}/credential"), &[], None);
    assert_eq!((r.status, r.body.as_slice()), (200, &secret[..]));
    let parsed: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(parsed["enclave"], "e");
    // clearDIDSecret, then the 404 a later get sees.
    let r = b.call(
        "DELETE",
        &format!("/removeDIDSecret/{d}/credential"),
        &[],
        None,
    );
    assert_eq!(r.status, 200);
    let r = b.call("GET", &format!("/getDIDSecret/{d}/credential"), &[], None);
    assert_eq!(r.status, 404);
    // trust-loader: putSSOSecret with {"secret": "<JSON text>"}, then the raw text.
    let wallet = r#"{"seed":"ssi:seed:abc"}"#;
    let r = b.call(
        "PUT",
        &format!("/putSSOSecret/{APP}"),
        &[],
        Some(&json_secret(wallet)),
    );
    assert_eq!(r.status, 200);
    let r = b.call("GET", &format!("/getSSOSecret/{APP}"), &[], None);
    assert_eq!((r.status, r.text()), (200, wallet.to_string()));
}

#[test]
fn the_real_clients_calls_are_served_through_nginx_on_the_socket() {
    let Some(bin) = nginx::binary() else { return };
    let (v, token) = vault_with_front_token();
    let (s, sock) = serve_on_socket(&v, &token);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&sock).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let front = Nginx::start(&bin, &Upstream::Unix(&sock), USERS);
    let alice = Browser::new(&front, "alice", "alice-pw");
    real_client_calls(&alice);
    // What alice stored is hers: the command line reads it under her id.
    let out = v
        .pass()
        .args(["get-sso", APP, "--user-id", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, br#"{"seed":"ssi:seed:abc"}"#);
    // The front refuses who it cannot authenticate; serve never sees them.
    let r = Browser::new(&front, "alice", "wrong").call(
        "GET",
        &format!("/getSSOSecret/{APP}"),
        &[],
        None,
    );
    assert_eq!(r.status, 401);

    let (status, log) = s.stop();
    assert!(status.success());
    // The log: the socket, the token's name, a marker for alice; never her id.
    let lines: Vec<serde_json::Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|j: &serde_json::Value| j.get("method").is_some())
        .collect();
    assert_eq!(lines.len(), 6, "{log:?}");
    let alice_marker = lines[4]["caller"].as_str().unwrap().to_string();
    assert!(alice_marker.starts_with("front:") && alice_marker.len() == 22);
    for l in &lines {
        assert_eq!(l["peer"], "unix");
        assert_eq!(l["token"], "front");
        assert_eq!(l["caller"], alice_marker.as_str());
    }
    let all = log.join("\n");
    assert!(!all.contains("alice") && !all.contains(&token), "{all}");
    // The socket went with the server.
    assert!(!Path::new(&sock).exists());
}

#[test]
fn the_front_names_the_user_and_the_token_bounds_the_front() {
    let Some(bin) = nginx::binary() else { return };
    let (v, token) = vault_with_front_token();
    v.put_sso(APP, "bob", b"bob's wallet");
    v.put_sso("other", "alice", b"out of scope");
    let (s, sock) = serve_on_socket(&v, &token);
    let front = Nginx::start(&bin, &Upstream::Unix(&sock), USERS);
    let alice = Browser::new(&front, "alice", "alice-pw");
    let get = format!("/getSSOSecret/{APP}");

    // alice says she is bob: the front sets user-id from who it
    // authenticated, so she reaches her own (absent) secret, never bob's.
    for spelling in ["user-id", "User-Id", "USER-ID"] {
        let r = alice.call("GET", &get, &[(spelling, "bob")], None);
        assert_eq!(r.status, 404, "{spelling}");
    }
    // A Bearer token sent to the front is not its basic auth: nginx answers
    // 401 and nothing reaches serve.
    let r = alice.http.send(
        "GET",
        &get,
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("user-id", "bob"),
        ],
        None,
    );
    assert_eq!(r.status, 401);
    // Naming bob by DID: the front's users reach their own SSO secrets only.
    let bob_did = did(&format!("did:ssi:name:apihub.example:{APP}/bob"));
    for path in [
        format!("/deactivateSSOSecret/{APP}/{bob_did}"),
        format!("/removeSSOSecret/{APP}/{bob_did}"),
    ] {
        let r = alice.call("DELETE", &path, &[], None);
        assert_eq!(
            (r.status, r.text()),
            (403, "access denied\n".into()),
            "{path}"
        );
    }
    // Her own DID passes that check (and she has no secret yet: 404).
    let alice_did = did(&format!("did:ssi:name:apihub.example:{APP}/alice"));
    let r = alice.call(
        "DELETE",
        &format!("/deactivateSSOSecret/{APP}/{alice_did}"),
        &[],
        None,
    );
    assert_eq!(r.status, 404);
    let bob = Browser::new(&front, "bob", "bob-pw");
    let r = bob.call("GET", &get, &[("user-id", "alice")], None);
    assert_eq!((r.status, r.text()), (200, "bob's wallet".into()));
    // An app or DID outside the server token's scope: 403.
    let r = alice.call("GET", "/getSSOSecret/other", &[], None);
    assert_eq!(r.status, 403);
    let stranger = did("did:ssi:name:apihub.example:other/x");
    let r = alice.call(
        "PUT",
        &format!("/putDIDSecret/{stranger}/credential"),
        &[],
        Some(b"\"x\""),
    );
    assert_eq!(r.status, 403);

    // Revoking the server's token stops the front's very next request.
    v.pass()
        .args(["token", "revoke", "front"])
        .assert()
        .success();
    let r = bob.call("GET", &get, &[], None);
    assert_eq!((r.status, r.text()), (403, "access denied\n".into()));
    let line = s.wait_for_log("the revoked request", |j| j["reason"] == "revoked");
    assert_eq!(line["token"], "front");
    assert!(line["caller"].as_str().unwrap().starts_with("front:"));
    let (status, log) = s.stop();
    assert!(status.success());
    let all = log.join("\n");
    assert!(!all.contains("alice") && !all.contains("\"bob"), "{all}");
}

#[test]
fn without_a_token_only_the_trusted_address_is_served() {
    let Some(bin) = nginx::binary() else { return };
    let (v, token) = vault_with_front_token();
    v.put_sso(APP, "alice", b"a1");
    let file = v.file("front.token", token.as_bytes());
    // The front connects from 127.0.0.2; everyone else comes from 127.0.0.1.
    let s = Server::start(
        &v,
        &[
            "--trusted-front",
            "127.0.0.2",
            "--token-file",
            file.to_str().unwrap(),
        ],
    );
    let front = Nginx::start(
        &bin,
        &Upstream::Tcp {
            addr: &s.addr,
            from: "127.0.0.2",
        },
        USERS,
    );
    let alice = Browser::new(&front, "alice", "alice-pw");
    real_client_calls(&alice);

    // Straight to serve, the same calls with no Authorization: 403, each.
    let direct = Http::new(&s.base, None);
    let d = did(WALLET);
    let json = [("Content-Type", "application/json"), ("user-id", "alice")];
    for (method, path, body) in [
        (
            "PUT",
            format!("/putDIDSecret/{d}/credential"),
            Some(&b"\"x\""[..]),
        ),
        ("GET", format!("/getDIDSecret/{d}/credential"), None),
        ("DELETE", format!("/removeDIDSecret/{d}/credential"), None),
        (
            "PUT",
            format!("/putSSOSecret/{APP}"),
            Some(&b"{\"secret\":\"x\"}"[..]),
        ),
        ("GET", format!("/getSSOSecret/{APP}"), None),
    ] {
        let r = direct.send(method, &path, &json, body);
        assert_eq!(
            (r.status, r.text()),
            (403, "access denied\n".into()),
            "{method} {path}"
        );
    }
    // A request with its own Bearer token is handled as without the flag.
    let reader = v.create_token(&["reader", "--app", APP]);
    let r = Http::new(&s.base, Some(&reader)).get(&format!("/getSSOSecret/{APP}"), Some("alice"));
    assert_eq!(r.status, 200);

    let (_, log) = s.stop();
    let refused = log
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|j| j["status"] == 403 && j["reason"] == "no_token")
        .count();
    assert_eq!(refused, 5, "{log:?}");
}
