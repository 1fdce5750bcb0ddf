//! TLS verified against a test CA (`--cacert`), and `HTTPS_PROXY` /
//! `NO_PROXY` with a CONNECT proxy.

use super::{ALICE, remote, run};
use crate::fake_apihub::{ConnectProxy, FakeApiHub};
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
    Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        server: Arc::new(server),
    }
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
