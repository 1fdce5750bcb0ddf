//! The HTTP client: ureq (synchronous, no async runtime to start, which
//! matters for a command run hundreds of times a minute) on rustls with
//! the `ring` provider the vault's crypto already uses.
//!
//! Trust: the system's roots through rustls-native-certs, not a compiled-in
//! Mozilla list (webpki-roots). A private CA an operator installed in the
//! system store (`update-ca-certificates`), or named in `SSL_CERT_FILE` /
//! `SSL_CERT_DIR`, is trusted exactly as curl on that machine trusts it,
//! and the list gets the distribution's security updates without a rebuild
//! of this tool. `--cacert` replaces the system roots, as with curl, so a
//! server with a private CA is trusted for that CA alone.

use super::endpoint::Endpoint;
use crate::error::{Error, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use ureq::Agent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Builds the agent for `endpoint`. Roots are loaded only when TLS is used,
/// so a loopback `serve` over http costs no certificate parsing. `checked`:
/// the only addresses to connect to (see [`Endpoint::plain_http_addrs`]).
pub fn build(
    endpoint: &Endpoint,
    checked: Option<Vec<SocketAddr>>,
    cacert: Option<&Path>,
    timeout: Duration,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Agent> {
    let mut config = Agent::config_builder()
        .http_status_as_error(false)
        // A redirect would carry the token to an address nobody chose.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("sso-secrets/", env!("CARGO_PKG_VERSION")))
        .proxy(None);
    let proxy = endpoint.proxy_from(&env);
    // TLS is needed for an https server, or to reach an https:// proxy.
    let tls = endpoint.is_https()
        || proxy
            .as_ref()
            .is_some_and(|(_, url)| url.to_ascii_lowercase().starts_with("https://"));
    if let Some((var, url)) = proxy {
        let proxy = ureq::Proxy::new(&url)
            .map_err(|e| Error::failure(format!("{var} is not a usable proxy URL: {e}")))?;
        config = config.proxy(Some(proxy));
    }
    if cacert.is_some() && !endpoint.is_https() {
        return Err(Error::Usage(
            "--cacert applies to https:// URLs only".into(),
        ));
    }
    let roots = match (tls, cacert) {
        (false, _) => RootCerts::new_with_certs(&[]),
        (true, Some(path)) => roots_from_pem(path)?,
        (true, None) => system_roots()?,
    };
    // The provider is always given: ureq would otherwise look for a
    // process-wide default and panic when there is none.
    config = config.tls_config(
        TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .build(),
    );
    let resolver = Checked {
        host: endpoint.host().to_string(),
        addrs: checked,
        system: DefaultResolver::default(),
    };
    Ok(Agent::with_parts(
        config.build(),
        DefaultConnector::new(),
        resolver,
    ))
}

/// The system's resolver, except for the endpoint's host when its
/// addresses were checked: then those addresses, and no second lookup.
#[derive(Debug)]
struct Checked {
    host: String,
    addrs: Option<Vec<SocketAddr>>,
    system: DefaultResolver,
}

impl Resolver for Checked {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(addrs) = self
            .addrs
            .as_ref()
            .filter(|_| uri.host() == Some(&self.host))
        else {
            return self.system.resolve(uri, config, timeout);
        };
        let mut out = self.empty();
        for a in addrs {
            if out.try_push(*a).is_err() {
                break;
            }
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// Every certificate of a PEM file (a bundle may hold several).
fn roots_from_pem(path: &Path) -> Result<RootCerts> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::io(format!("cannot read --cacert {}", path.display()), e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
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
    Ok(RootCerts::new_with_certs(&certs))
}

fn system_roots() -> Result<RootCerts> {
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
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
    let certs: Vec<Certificate<'static>> = found
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    Ok(RootCerts::new_with_certs(&certs))
}
