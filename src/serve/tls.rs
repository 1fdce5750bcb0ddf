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
