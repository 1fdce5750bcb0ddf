//! TLS for `--tls-cert`/`--tls-key`: rustls with the `ring` provider,
//! HTTP/1.1 only.

use crate::error::{Error, Result};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Builds the acceptor from a PEM certificate chain and a PEM private key.
pub(crate) fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor> {
    let bad = |path: &Path, what: &str| {
        Error::failure(format!("cannot read {what} from {}", path.display()))
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| Error::failure(format!("cannot read {}: {e}", cert.display())))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| bad(cert, "a PEM certificate"))?;
    if certs.is_empty() {
        return Err(bad(cert, "a PEM certificate"));
    }
    // The error text of a key parse never holds key material, but say no
    // more than which file failed.
    let key = PrivateKeyDer::from_pem_file(key).map_err(|_| bad(key, "a PEM private key"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| Error::failure(format!("TLS certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Why a TLS handshake failed: a one-word reason, and the detail for the
/// log (`None`: not worth a line, such as a port probe that connected and
/// closed without a byte).
pub(crate) struct Failed {
    pub reason: &'static str,
    pub detail: Option<String>,
}

/// The TLS handshake of one connection, within `timeout`. Its first byte
/// tells a TLS client (a handshake record, 0x16) from plain HTTP sent to
/// the TLS port, which rustls would only call a bad message.
pub(crate) async fn handshake(
    acceptor: &TlsAcceptor,
    stream: tokio::net::TcpStream,
    timeout: std::time::Duration,
) -> std::result::Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>, Failed> {
    let failed = |reason, detail: &str| Failed {
        reason,
        detail: Some(detail.to_string()),
    };
    let run = async {
        let mut first = [0u8; 1];
        match stream.peek(&mut first).await {
            Ok(0) => {
                return Err(Failed {
                    reason: "closed",
                    detail: None,
                });
            }
            Ok(_) if first[0] != 0x16 => {
                return Err(if first[0].is_ascii_uppercase() {
                    failed(
                        "plain_http",
                        "plain HTTP sent to the TLS port (the client should use https://)",
                    )
                } else {
                    failed("not_tls", "the client did not start a TLS handshake")
                });
            }
            Ok(_) => {}
            Err(e) => return Err(failed("io", &e.to_string())),
        }
        acceptor
            .accept(stream)
            .await
            .map_err(|e| failed("tls_error", &e.to_string()))
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(done) => done,
        Err(_) => Err(failed(
            "timeout",
            "the TLS handshake was not complete within --header-timeout",
        )),
    }
}
