//! `--trusted-front`: serving behind an APIHub deployment's SSO front.
//!
//! Real OpenDSU clients (SecretsHandler, trust-loader, the wallets) send no
//! `Authorization`: a front (an SSO middleware, or a reverse proxy doing
//! OAuth or basic auth) establishes who the browser is and sets `user-id`.
//! A request without `Authorization` that comes from a trusted peer is
//! therefore served with the one token the operator gave the server, and
//! its caller is the `user-id` the front set: SSO operations act on that
//! user only. From any other peer such a request is refused (403) as
//! without the flag, and a request with its own Bearer token is handled as
//! always.
//!
//! The server keeps the token's text in memory and nothing it derived: each
//! front request opens the token's slot afresh, exactly as a Bearer request
//! does, so a revoked or expired token fails on the next request.

use super::listen::Peer;
use crate::error::{Error, Result};
use crate::local::{Need, Session, VaultConfig};
use crate::names::UserId;
use crate::ops::Credential;
use crate::ops::Principal;
use crate::ops::Request;
use crate::secret::SecretString;
use crate::vault::Unlocker;
use std::net::IpAddr;
use std::str::FromStr;

/// One `--trusted-front` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trusted {
    /// Connections from this address.
    Ip(IpAddr),
    /// Connections on the `--listen unix:PATH` socket.
    Unix,
}

impl FromStr for Trusted {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Trusted, String> {
        if s == "unix" {
            return Ok(Trusted::Unix);
        }
        let ip = s
            .parse::<IpAddr>()
            .map_err(|_| "expected an IP address (no name, port or prefix) or `unix`".to_string())?
            .to_canonical();
        // No connection comes from these: trusting one trusts nobody, which
        // is never what was meant.
        if ip.is_unspecified() || ip.is_multicast() || ip == IpAddr::from([255, 255, 255, 255]) {
            return Err(format!(
                "{ip} is no peer's address: give the address the front connects from"
            ));
        }
        Ok(Trusted::Ip(ip))
    }
}

/// Why a front request is refused before the vault is asked.
pub(crate) enum Refusal {
    /// 400, with what is wrong.
    BadRequest(&'static str),
    /// 403, and the user the front named (for the log).
    Denied(Error, Option<UserId>),
}

/// What the operator gave: the peers, and the server's token.
pub(crate) struct Config {
    pub peers: Vec<Trusted>,
    pub token: SecretString,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("peers", &self.peers)
            .field("token", &"(redacted)")
            .finish()
    }
}

impl Clone for Config {
    fn clone(&self) -> Config {
        Config {
            peers: self.peers.clone(),
            token: self.token.clone(),
        }
    }
}

/// The front, once its token opened.
pub(crate) struct Front {
    peers: Vec<Trusted>,
    token: SecretString,
    /// The token's name when the server started, for the log of a request
    /// that fails before the slot opens (a revoked token, say).
    name: String,
    /// Keys the log's caller marker: random, in memory only, so the marker
    /// ties one user's requests together within this run and names nobody.
    marker: ring::hmac::Key,
}

impl Front {
    /// Opens the token once, so a wrong, revoked or expired one stops the
    /// server at start (403, exit 43) instead of failing every request.
    pub(crate) fn open(vault: &VaultConfig, config: Config) -> Result<Front> {
        let unlocker = Unlocker::new(Credential::Token(config.token.clone()));
        let mut session = Session::default();
        vault
            .present()?
            .unlock(&unlocker, &mut session)?
            .admit(&Need::default())?;
        let name = match session.principal {
            Some(Principal::Token(name)) => name,
            _ => {
                return Err(Error::failure(
                    "internal: the front's token opened no token slot",
                ));
            }
        };
        let rng = ring::rand::SystemRandom::new();
        let marker = ring::hmac::Key::generate(ring::hmac::HMAC_SHA256, &rng)
            .map_err(|_| Error::failure("cannot draw a random key"))?;
        Ok(Front {
            peers: config.peers,
            token: config.token,
            name,
            marker,
        })
    }

    /// Whether `peer` is a trusted front.
    pub(crate) fn trusts(&self, peer: Peer) -> bool {
        self.peers.iter().any(|t| match (t, peer) {
            (Trusted::Unix, Peer::Unix) => true,
            (Trusted::Ip(a), Peer::Ip(b)) => *a == b.to_canonical(),
            _ => false,
        })
    }

    /// The server's token, for one request.
    pub(crate) fn token(&self) -> SecretString {
        self.token.clone()
    }

    /// The user a front request acts for: the `user-id` the front set
    /// (`None`: none). An SSO operation that names its user by DID must
    /// name that same user; the front's users reach their own SSO secrets
    /// only. A `user-id` that is not a valid user id is a bad request.
    pub(crate) fn user_of(
        &self,
        header: Option<&[u8]>,
        request: &Request,
    ) -> std::result::Result<Option<UserId>, Refusal> {
        let user = match header {
            None => None,
            Some(raw) => Some(
                std::str::from_utf8(raw)
                    .ok()
                    .and_then(|t| UserId::new(t).ok())
                    .ok_or(Refusal::BadRequest("invalid user-id header"))?,
            ),
        };
        match (super::route::sso_user(request), &user) {
            (None, _) => Ok(user),
            (Some(_), None) => Err(Refusal::Denied(
                Error::Unauthorized("the front set no user-id for an SSO operation".into()),
                None,
            )),
            (Some(target), Some(u)) if target != *u => Err(Refusal::Denied(
                Error::Unauthorized(
                    "the front's user may reach only their own SSO secrets; the DID names \
                     another user"
                        .into(),
                ),
                user,
            )),
            (Some(_), Some(_)) => Ok(user),
        }
    }

    /// Who a front request acted as: the token's name (as the slot told
    /// it, else as it was at start) and the user the front named.
    pub(crate) fn principal(&self, opened: &Principal, user: Option<UserId>) -> Principal {
        let token = match opened {
            Principal::Token(name) => name.clone(),
            _ => self.name.clone(),
        };
        Principal::Front { token, user }
    }

    /// The log's `caller` for a front request: `front:` and 16 hex digits
    /// that are the same for one user id throughout this run, and cannot be
    /// turned back into it (the log never holds a user id); `front` when the
    /// front named no user.
    pub(crate) fn caller(&self, user: Option<&UserId>) -> String {
        match user {
            None => "front".into(),
            Some(u) => {
                let tag = ring::hmac::sign(&self.marker, u.as_str().as_bytes());
                format!("front:{}", crate::text::hex(&tag.as_ref()[..8]))
            }
        }
    }
}

/// Startup checks of `--trusted-front` against `--listen`: a trusted peer
/// that can never connect is a mistake worth stopping for.
pub(crate) fn check_peers(peers: &[Trusted], unix: bool) -> Result<()> {
    for p in peers {
        match (p, unix) {
            (Trusted::Unix, false) => {
                return Err(Error::Usage(
                    "--trusted-front unix needs --listen unix:PATH".into(),
                ));
            }
            (Trusted::Ip(ip), true) => {
                return Err(Error::Usage(format!(
                    "--trusted-front {ip}: nothing connects from an address to --listen unix:PATH \
                     (use --trusted-front unix)"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A warning for trusted addresses every local user can connect from: a
/// loopback address, or any other address of this host (a process here
/// that connects to it comes from it).
pub(crate) fn loopback_warning(peers: &[Trusted]) -> Option<String> {
    peers.iter().find_map(|p| match p {
        Trusted::Ip(ip) if ip.is_loopback() => Some(format!(
            "warning: --trusted-front {ip} trusts every process on this host, any user's; \
             --listen unix:PATH with --trusted-front unix limits it to who may open the socket"
        )),
        // Binding succeeds only for an address this host has.
        Trusted::Ip(ip) if std::net::UdpSocket::bind((*ip, 0)).is_ok() => Some(format!(
            "warning: --trusted-front {ip} is an address of this host, so it trusts every \
             process on this host, any user's; --listen unix:PATH with --trusted-front unix \
             limits it to who may open the socket"
        )),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_parse_and_match() {
        assert_eq!("unix".parse::<Trusted>(), Ok(Trusted::Unix));
        assert_eq!(
            "::ffff:10.0.0.5".parse::<Trusted>(),
            Ok(Trusted::Ip("10.0.0.5".parse().unwrap()))
        );
        for bad in [
            "10.0.0.5:80",
            "10.0.0.0/8",
            "front.example",
            "",
            "Unix",
            "0.0.0.0",
            "::",
            "::ffff:0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert!(bad.parse::<Trusted>().is_err(), "{bad}");
        }
        assert!(check_peers(&[Trusted::Unix], false).is_err());
        assert!(check_peers(&[Trusted::Ip("10.0.0.5".parse().unwrap())], true).is_err());
        assert!(check_peers(&[Trusted::Unix], true).is_ok());
        assert!(loopback_warning(&[Trusted::Ip("127.0.0.1".parse().unwrap())]).is_some());
        assert!(loopback_warning(&[Trusted::Unix]).is_none());
    }

    #[test]
    fn the_caller_marker_is_stable_and_names_nobody() {
        let rng = ring::rand::SystemRandom::new();
        let front = Front {
            peers: vec![Trusted::Unix, Trusted::Ip("10.0.0.5".parse().unwrap())],
            token: SecretString::new("ssos_x".into()),
            name: "front".into(),
            marker: ring::hmac::Key::generate(ring::hmac::HMAC_SHA256, &rng).unwrap(),
        };
        let alice = UserId::new("alice@example.com").unwrap();
        let bob = UserId::new("bob").unwrap();
        let a = front.caller(Some(&alice));
        assert_eq!(a, front.caller(Some(&alice)));
        assert_ne!(a, front.caller(Some(&bob)));
        assert!(a.starts_with("front:") && a.len() == 22 && !a.contains("alice"));
        assert_eq!(front.caller(None), "front");
        assert!(front.trusts(Peer::Unix));
        assert!(front.trusts(Peer::Ip("::ffff:10.0.0.5".parse().unwrap())));
        assert!(!front.trusts(Peer::Ip("10.0.0.6".parse().unwrap())));
    }
}
