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
//! server with a private CA is trusted for that CA alone; a certificate in
//! it that the server presents itself is trusted as itself (`tls.rs`).

use super::endpoint::Endpoint;
use super::tls::{TlsConnector, client_config};
use crate::error::{Error, Result};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use ureq::Agent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, NextTimeout, TcpConnector};

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
    let tls = TlsConnector {
        config: if tls {
            Some(client_config(cacert)?)
        } else {
            None
        },
    };
    // ureq's default chain, with TLS of our own (ureq's takes roots, not a
    // verifier): a CONNECT proxy's tunnel, else a TCP connection, then TLS.
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(tls);
    let resolver = Checked {
        host: endpoint.host().to_string(),
        addrs: checked,
        system: DefaultResolver::default(),
    };
    Ok(Agent::with_parts(config.build(), connector, resolver))
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
