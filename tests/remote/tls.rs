//! TLS verified against a test CA (`--cacert`), a self-signed certificate
//! trusted as itself, TLS failures said in words, and `HTTPS_PROXY` /
//! `NO_PROXY` with a CONNECT proxy.
// Without `serve` the helpers that remote/serve.rs shares go unused.
#![cfg_attr(not(feature = "serve"), allow(dead_code, unused_imports))]

use super::fake_apihub::{ConnectProxy, FakeApiHub};
#[cfg(feature = "serve")]
use super::serve::Serve;
use super::{ALICE, remote, run};
use crate::common::Vault;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
    server: Arc<rustls::ServerConfig>,
}

/// A test CA and a server certificate it signed for localhost and vault.test.
pub fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["localhost".into(), "vault.test".into()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        server: server_config(&cert, &key),
    }
}

fn server_config(cert: &rcgen::Certificate, key: &rcgen::KeyPair) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    Arc::new(server)
}

/// A certificate as a newcomer makes one, `openssl req -x509 -newkey ec
/// -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=vault -addext
/// subjectAltName=IP:127.0.0.1`: self-signed and, from openssl's default
/// `v3_ca` section, CA:TRUE. `expired`: it ended on 1 January 2020.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

pub fn self_signed(names: &[&str], expired: bool) -> SelfSigned {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, date_time_ymd};
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.distinguished_name.push(DnType::CommonName, "vault");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    if expired {
        params.not_before = date_time_ymd(2019, 1, 1);
        params.not_after = date_time_ymd(2020, 1, 1);
    }
    let cert = params.self_signed(&key).unwrap();
    SelfSigned {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        server: server_config(&cert, &key),
    }
}

/// A CA certificate of another name than [`pki`]'s.
fn other_ca_pem() -> String {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(DnType::CommonName, "another test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.self_signed(&key).unwrap().pem()
}

/// The test PKI as PEM files in `dir`: (CA, server certificate, its key).
pub fn pki_files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let pki = pki();
    let files = [
        ("ca.pem", &pki.ca_pem),
        ("cert.pem", &pki.cert_pem),
        ("key.pem", &pki.key_pem),
    ];
    for (name, pem) in files {
        std::fs::write(dir.join(name), pem).unwrap();
    }
    (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    )
}

#[test]
fn tls_is_verified_against_the_given_ca() {
    let pki = pki();
    let hub = FakeApiHub::start_tls(pki.server.clone());
    let url = format!("https://localhost:{}", hub.addr.port());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    remote(&url)
        .arg("--cacert")
        .arg(&ca)
        .args(["put-did", ALICE, "credential"])
        .write_stdin("over tls")
        .assert()
        .code(0);
    let (code, out, _) =
        run(remote(&url)
            .arg("--cacert")
            .arg(&ca)
            .args(["get-did", ALICE, "credential"]));
    assert_eq!((code, out.as_slice()), (0, b"over tls".as_slice()));
    // The system's roots do not know the test CA: refused, not retried.
    let before = hub.seen().len();
    let (code, _, err) = run(remote(&url).args(["get-did", ALICE, "credential"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("sso-secrets: error: "), "{err}");
    assert_eq!(hub.seen().len(), before, "nothing reached the server");
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let (code, _, _) =
        run(remote(&url)
            .arg("--cacert")
            .arg(&bad)
            .args(["get-did", ALICE, "credential"]));
    assert_eq!(code, 1);
}

#[test]
fn https_proxy_is_used_unless_no_proxy_covers_the_host() {
    let pki = pki();
    let hub = FakeApiHub::start_tls(pki.server.clone());
    let proxy = ConnectProxy::start(hub.addr);
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    // vault.test resolves nowhere: only the proxy can reach it.
    let via = |c: &mut Command| {
        c.env("HTTPS_PROXY", format!("http://{}", proxy.addr))
            .arg("--cacert")
            .arg(&ca)
            .args(["--timeout", "3", "get-did", ALICE, "credential"]);
    };
    let mut c = remote("https://vault.test");
    via(&mut c);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 44, "{err}");
    assert_eq!(
        proxy.lines.lock().unwrap().as_slice(),
        ["CONNECT vault.test:443"]
    );
    let mut c = remote("https://vault.test");
    via(&mut c);
    c.env("NO_PROXY", ".test");
    let (code, _, _) = run(&mut c);
    assert_eq!(code, 75, "direct: the name does not resolve");
    assert_eq!(
        proxy.lines.lock().unwrap().len(),
        1,
        "the proxy was not asked"
    );
}

/// Issue 22 item 12: the certificate a newcomer makes with openssl works
/// with `serve` and with `curl --cacert`; `--remote --cacert` trusts it as
/// itself too, though it is a CA certificate (webpki alone refuses it as
/// `CaUsedAsEndEntity`).
#[cfg(feature = "serve")]
#[test]
fn a_self_signed_ca_certificate_given_to_cacert_is_trusted_as_itself() {
    let v = Vault::new();
    let token = v.create_token(&["w", "--write"]);
    let made = self_signed(&["127.0.0.1"], false);
    let cert = v.file("cert.pem", made.cert_pem.as_bytes());
    let key = v.file("key.pem", made.key_pem.as_bytes());
    let server = Serve::start(
        &v.path,
        &[
            "--tls-cert".as_ref(),
            cert.as_os_str(),
            "--tls-key".as_ref(),
            key.as_os_str(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let cmd = || {
        let mut c = remote(&server.url);
        c.env("SSO_SECRETS_TOKEN", &token)
            .arg("--cacert")
            .arg(&cert);
        c
    };
    let (code, _, err) = run(cmd()
        .args(["put-did", ALICE, "credential"])
        .write_stdin("self-signed"));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(cmd().args(["get-did", ALICE, "credential"]));
    assert_eq!((code, out.as_slice()), (0, b"self-signed".as_slice()));
}

/// Issue 22 item 12: every refusal says what is wrong and what to do, on
/// one line, exit 1, and nothing reaches the server.
#[test]
fn tls_failures_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, pem: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, pem).unwrap();
        p
    };
    let refused = |url: &str, cacert: Option<&Path>| {
        let mut c = remote(url);
        if let Some(ca) = cacert {
            c.arg("--cacert").arg(ca);
        }
        let (code, _, err) = run(c.args(["get-did", ALICE, "credential"]));
        assert_eq!(code, 1, "{err}");
        assert!(err.starts_with("sso-secrets: error: TLS with "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };

    // A CA the client does not know: from the system's roots, then from
    // another --cacert.
    let pki = pki();
    let hub = FakeApiHub::start_tls(pki.server.clone());
    let url = format!("https://localhost:{}", hub.addr.port());
    let err = refused(&url, None);
    assert!(
        err.contains("signed by a CA this machine does not trust")
            && err.contains("give --cacert with the CA that signed it"),
        "{err}"
    );
    let other = write("other-ca.pem", &other_ca_pem());
    let err = refused(&url, Some(&other));
    assert!(
        err.contains(&format!(
            "not signed by a CA in --cacert {}",
            other.display()
        )) && err.contains("give --cacert with the CA that signed it"),
        "{err}"
    );
    // A CA of the same name with another key (made again, say).
    let again = write("again-ca.pem", &self::pki().ca_pem);
    let err = refused(&url, Some(&again));
    assert!(
        err.contains("not signed by the key of the CA it names")
            && err.contains("give --cacert with the CA that signed it"),
        "{err}"
    );

    // The right CA, the wrong name: the certificate names localhost and
    // vault.test, the URL an address.
    let ca = write("ca.pem", &pki.ca_pem);
    let ip_url = format!("https://127.0.0.1:{}", hub.addr.port());
    let err = refused(&ip_url, Some(&ca));
    assert!(
        err.contains("its certificate is for localhost, vault.test, not 127.0.0.1")
            && err.contains("subjectAltName=IP:127.0.0.1"),
        "{err}"
    );
    assert!(hub.seen().is_empty(), "nothing reached the server");

    // A CA certificate presented as the server's own, not in --cacert.
    let made = self_signed(&["127.0.0.1"], false);
    let hub = FakeApiHub::start_tls(made.server.clone());
    let url = format!("https://127.0.0.1:{}", hub.addr.port());
    let err = refused(&url, Some(&ca));
    assert!(
        err.contains("presents a CA certificate (CA:TRUE) as its own")
            && err.contains("give --cacert with that certificate"),
        "{err}"
    );
    // Trusted as itself, it still must name the host.
    let own = write("own.pem", &made.cert_pem);
    let err = refused(
        &format!("https://localhost:{}", hub.addr.port()),
        Some(&own),
    );
    assert!(
        err.contains("its certificate is for 127.0.0.1, not localhost"),
        "{err}"
    );
    assert!(hub.seen().is_empty(), "nothing reached the server");

    // Trusted as itself, it still must be in date.
    let old = self_signed(&["127.0.0.1"], true);
    let hub = FakeApiHub::start_tls(old.server.clone());
    let old_pem = write("old.pem", &old.cert_pem);
    let err = refused(
        &format!("https://127.0.0.1:{}", hub.addr.port()),
        Some(&old_pem),
    );
    assert!(
        err.contains("its certificate expired at 2020-01-01T00:00:00Z") && err.contains("renew it"),
        "{err}"
    );
    assert!(hub.seen().is_empty(), "nothing reached the server");
}
