//! TLS for `--remote`: rustls on `ring`, with a certificate verifier that
//! trusts what curl trusts, plugged into ureq as the last connector of the
//! chain (ureq takes roots but no verifier of its own).
//!
//! A certificate given to `--cacert` that the server presents itself is
//! trusted as itself. That is how a newcomer's certificate works with curl
//! (`openssl req -x509 ... -addext subjectAltName=IP:127.0.0.1` makes a
//! self-signed certificate with CA:TRUE, and OpenSSL accepts any
//! certificate of the CA file as a trust anchor), whereas webpki refuses a
//! CA certificate as the server's own (`CaUsedAsEndEntity`) and a leaf
//! without its issuer. Such a certificate must still be in date and name
//! the host, and the handshake signature, checked by webpki as always,
//! proves the server holds its key; everything else goes to webpki.
//!
//! ureq's transport API is outside its semver promise ("unversioned");
//! Cargo.lock pins the version this is written against.

use crate::error::{Error, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// The client configuration: `--cacert`'s certificates (each also trusted
/// as itself), or the system's roots.
pub fn client_config(cacert: Option<&Path>) -> Result<Arc<ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let (roots, own) = match cacert {
        Some(path) => {
            let certs = certs_from_pem(path)?;
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(certs.iter().cloned());
            (roots, certs)
        }
        None => (system_roots()?, Vec::new()),
    };
    if let (Some(path), true) = (cacert, roots.is_empty()) {
        return Err(Error::failure(format!(
            "--cacert {}: no certificate in it can be read as a trust anchor",
            path.display()
        )));
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Error::failure(format!("cannot set up TLS verification: {e}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::failure(format!("cannot set up TLS: {e}")))?
        .dangerous()
        // Not dangerous: webpki decides every case but one, which is
        // checked as strictly as the format allows (see the module docs).
        .with_custom_certificate_verifier(Arc::new(Verifier { webpki, own }))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Every certificate of a PEM file (a bundle may hold several).
fn certs_from_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    use ureq::tls::PemItem;
    let pem = std::fs::read(path)
        .map_err(|e| Error::io(format!("cannot read --cacert {}", path.display()), e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(CertificateDer::from(c.der().to_vec())),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::failure(format!(
                    "--cacert {} is not PEM: {e}",
                    path.display()
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::failure(format!(
            "--cacert {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

fn system_roots() -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(found.certs);
    if roots.is_empty() {
        let why = found
            .errors
            .first()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        return Err(Error::failure(format!(
            "no trusted root certificates found on this system{why}; install ca-certificates, \
             set SSL_CERT_FILE, or pass --cacert"
        )));
    }
    Ok(roots)
}

/// webpki, except for a certificate of `--cacert` that the server
/// presents itself.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    /// `--cacert`'s certificates, DER.
    own: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if !self.own.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            return self.webpki.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            );
        }
        // Trusted as itself: what a chain would add (an issuer's signature,
        // its constraints) has no meaning here; the period and the name
        // still do, in webpki's order.
        let cert = ParsedCertificate::try_from(end_entity)?;
        check_validity(end_entity.as_ref(), now)?;
        verify_server_name(&cert, server_name)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.webpki.root_hint_subjects()
    }
}

/// The certificate's notBefore ≤ `now` ≤ notAfter, as webpki checks it
/// (and reports it) for the certificates it verifies.
fn check_validity(der: &[u8], now: UnixTime) -> std::result::Result<(), rustls::Error> {
    let (not_before, not_after) = validity(der).ok_or(CertificateError::BadEncoding)?;
    let at = |secs| UnixTime::since_unix_epoch(Duration::from_secs(secs));
    if now.as_secs() < not_before {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before: at(not_before),
        }
        .into());
    }
    if now.as_secs() > not_after {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after: at(not_after),
        }
        .into());
    }
    Ok(())
}

/// (notBefore, notAfter) of an X.509 certificate, in Unix seconds:
/// Certificate → TBSCertificate → [0] version, serialNumber, signature,
/// issuer, then validity (RFC 5280 4.1). webpki keeps it to itself.
fn validity(der: &[u8]) -> Option<(u64, u64)> {
    let (0x30, cert, _) = tlv(der)? else {
        return None;
    };
    let (0x30, mut tbs, _) = tlv(cert)? else {
        return None;
    };
    if tbs.first() == Some(&0xa0) {
        tbs = tlv(tbs)?.2;
    }
    for tag in [0x02, 0x30, 0x30] {
        let (t, _, rest) = tlv(tbs)?;
        if t != tag {
            return None;
        }
        tbs = rest;
    }
    let (0x30, period, _) = tlv(tbs)? else {
        return None;
    };
    let (tag, not_before, rest) = tlv(period)?;
    let not_before = der_time(tag, not_before)?;
    let (tag, not_after, _) = tlv(rest)?;
    Some((not_before, der_time(tag, not_after)?))
}

/// One DER element: (tag, contents, what follows).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (bytes, rest) = rest.split_at(n);
        let len = bytes.iter().fold(0usize, |l, &b| (l << 8) | usize::from(b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (contents, rest) = rest.split_at(len);
    Some((tag, contents, rest))
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950 to 2049) or GeneralizedTime
/// (`YYYYMMDDHHMMSSZ`), the two forms RFC 5280 allows, in Unix seconds.
fn der_time(tag: u8, value: &[u8]) -> Option<u64> {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let full = match (tag, value) {
        (0x17, [y1, y2, rest @ .., b'Z']) if rest.len() == 10 && digits(&value[..12]) => {
            let century: &[u8] = if *y1 >= b'5' { b"19" } else { b"20" };
            [century, &[*y1, *y2], rest].concat()
        }
        (0x18, [rest @ .., b'Z']) if rest.len() == 14 && digits(rest) => rest.to_vec(),
        _ => return None,
    };
    let text = String::from_utf8(full).ok()?;
    // Only a notBefore can be that old; it is then simply in the past.
    if text.get(0..4)? < "1970" {
        return Some(0);
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        text.get(0..4)?,
        text.get(4..6)?,
        text.get(6..8)?,
        text.get(8..10)?,
        text.get(10..12)?,
        text.get(12..14)?
    );
    let at = humantime::parse_rfc3339(&rfc3339).ok()?;
    Some(at.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

/// The last connector of the chain: wraps the connection in TLS when the
/// URL (the server's, or an https:// proxy's) asks for it.
#[derive(Debug)]
pub struct TlsConnector {
    /// None when no TLS is needed: an https URL then fails.
    pub config: Option<Arc<ClientConfig>>,
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let Some(config) = &self.config else {
            return Err(ureq::Error::Tls("TLS was not set up for this connection"));
        };
        let host = details.uri.host().unwrap_or_default();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_string())
            .map_err(|_| ureq::Error::Tls("the host is not a name a certificate can hold"))?;
        let mut conn = ClientConnection::new(config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        // rustls reports a refused certificate inside an io::Error; bring
        // it out, so that it can be said in words.
        conn.complete_io(&mut sock).map_err(|e| {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                Some(tls) => ureq::Error::Rustls(tls.clone()),
                None => ureq::Error::from(e),
            }
        })?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

/// A TLS connection as ureq's transport.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        params.self_signed(&key).unwrap().der().to_vec()
    }

    fn unix(text: &str) -> u64 {
        humantime::parse_rfc3339(text)
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn the_validity_period_is_read_in_both_time_forms() {
        // rcgen writes UTCTime up to 2049, GeneralizedTime from 2050.
        let der = cert((2019, 1, 2), (2020, 3, 4));
        assert_eq!(
            validity(&der),
            Some((unix("2019-01-02T00:00:00Z"), unix("2020-03-04T00:00:00Z")))
        );
        let der = cert((1975, 1, 1), (4096, 1, 1));
        assert_eq!(
            validity(&der),
            Some((unix("1975-01-01T00:00:00Z"), unix("4096-01-01T00:00:00Z")))
        );
        assert_eq!(
            der_time(0x17, b"491231235959Z"),
            Some(unix("2049-12-31T23:59:59Z"))
        );
        assert_eq!(der_time(0x17, b"500101000000Z"), Some(0), "1950");
        for bad in [&b"4912312359Z"[..], b"49123123595aZ", b"491231235959+", b""] {
            assert_eq!(der_time(0x17, bad), None, "{bad:?}");
        }
        assert_eq!(der_time(0x04, b"20200101000000Z"), None);
        // Any cut of a certificate is refused, never misread.
        for n in 0..der.len() {
            assert_eq!(validity(&der[..n]), None, "{n}");
        }
    }

    #[test]
    fn a_certificate_of_cacert_is_trusted_as_itself_and_nothing_else_is() {
        let make = || {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut p = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
            p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            CertificateDer::from(p.self_signed(&key).unwrap().der().to_vec())
        };
        let (own, stranger) = (make(), make());
        let mut roots = RootCertStore::empty();
        roots.add(own.clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let v = Verifier {
            webpki: WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap(),
            own: vec![own.clone()],
        };
        let ip = ServerName::try_from("127.0.0.1").unwrap();
        let now = UnixTime::now();
        assert!(v.verify_server_cert(&own, &[], &ip, &[], now).is_ok());
        let other_name = ServerName::try_from("localhost").unwrap();
        let e = v
            .verify_server_cert(&own, &[], &other_name, &[], now)
            .unwrap_err();
        assert!(
            matches!(
                e,
                rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })
            ),
            "{e:?}"
        );
        // Anything else is webpki's to judge, and it refuses a CA
        // certificate as a server's own.
        let e = v
            .verify_server_cert(&stranger, &[], &ip, &[], now)
            .unwrap_err();
        assert!(format!("{e:?}").contains("CaUsedAsEndEntity"), "{e:?}");
    }

    #[test]
    fn a_certificate_trusted_as_itself_must_be_in_date() {
        let der = cert((2019, 1, 1), (2020, 1, 1));
        let at = |t: &str| UnixTime::since_unix_epoch(Duration::from_secs(unix(t)));
        assert!(check_validity(&der, at("2019-06-01T00:00:00Z")).is_ok());
        let late = check_validity(&der, at("2021-01-01T00:00:00Z")).unwrap_err();
        assert!(
            matches!(
                late,
                rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { .. })
            ),
            "{late:?}"
        );
        let early = check_validity(&der, at("2018-01-01T00:00:00Z")).unwrap_err();
        assert!(
            matches!(
                early,
                rustls::Error::InvalidCertificate(CertificateError::NotValidYetContext { .. })
            ),
            "{early:?}"
        );
        let broken = check_validity(b"\x30\x03\x02\x01\x00", at("2019-06-01T00:00:00Z"));
        assert!(matches!(
            broken,
            Err(rustls::Error::InvalidCertificate(
                CertificateError::BadEncoding
            ))
        ));
    }
}
