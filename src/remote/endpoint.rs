//! The server's address: `--remote <URL>` checked once, where plain http
//! may go, the request paths built on it, and the choice of proxy for it.

use crate::error::{Error, Result};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::net::{IpAddr, SocketAddr};
use ureq::http::Uri;

/// A checked `--remote` URL: http or https, a host, no credentials, no
/// query; kept without its trailing `/` so routes append to it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    base: String,
    host: String,
    port: u16,
    https: bool,
}

impl Endpoint {
    /// Checks the syntax of `url`. Where plain http may go is
    /// [`Endpoint::plain_http_addrs`]'s question.
    pub fn parse(url: &str) -> Result<Self> {
        let bad = |why: &str| Error::Usage(format!("--remote {}: {why}", super::shorten(url)));
        let uri: Uri = url
            .parse()
            .map_err(|_| bad("not a URL like https://host[:port][/prefix]"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad("the URL must start with https:// or http://")),
        };
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') {
            // A password in the URL would end up in shell history and in
            // /proc; tokens have their own sources.
            return Err(bad(
                "credentials in the URL are refused; give the token with --token-file or SSO_SECRETS_TOKEN",
            ));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(bad("a query or fragment has no meaning here"));
        }
        let host = authority.host().to_string();
        let scheme = if https { "https" } else { "http" };
        let path = uri.path().trim_end_matches('/');
        Ok(Endpoint {
            base: format!("{scheme}://{authority}{path}"),
            host,
            port: authority.port_u16().unwrap_or(if https { 443 } else { 80 }),
            https,
        })
    }

    /// The addresses plain http may connect to, which are then the only
    /// ones used: `None` for https or with `--insecure-http` (connect
    /// wherever the name resolves). Without TLS, whoever is on the path
    /// reads the token and the secrets and can change the answers, so
    /// only this machine qualifies: a loopback literal, or `localhost`
    /// itself once `resolve` (the system's resolver) gave loopback
    /// addresses, of which the others are dropped. Any other name, one
    /// under `.localhost` included, is the resolver's to send anywhere;
    /// and connecting to the checked addresses, not to the name again,
    /// leaves a second lookup no chance to answer otherwise.
    pub fn plain_http_addrs(
        &self,
        insecure_http: bool,
        with_token: bool,
        resolve: impl FnOnce(&str, u16) -> std::io::Result<Vec<SocketAddr>>,
    ) -> Result<Option<Vec<SocketAddr>>> {
        if self.https || insecure_http {
            return Ok(None);
        }
        let refuse = |why: &str| {
            let what = if with_token {
                "the token and the secrets"
            } else {
                "the secrets"
            };
            Error::Usage(format!(
                "refusing plain http:// to {}, {why}: {what} would cross the network in clear; \
                 use https://, or --insecure-http if the network is trusted",
                self.host
            ))
        };
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            if !ip.to_canonical().is_loopback() {
                return Err(refuse("which is not a loopback address"));
            }
            return Ok(Some(vec![SocketAddr::new(ip.to_canonical(), self.port)]));
        }
        if !bare.eq_ignore_ascii_case("localhost") {
            return Err(refuse("which is not a loopback address"));
        }
        let found = resolve("localhost", self.port).map_err(|e| {
            Error::Temporary(format!("cannot resolve the host name localhost: {e}"))
        })?;
        let (loopback, elsewhere): (Vec<SocketAddr>, Vec<SocketAddr>) = found
            .into_iter()
            .partition(|a| a.ip().to_canonical().is_loopback());
        if loopback.is_empty() {
            let to: Vec<String> = elsewhere.iter().map(|a| a.ip().to_string()).collect();
            return Err(refuse(&format!(
                "which resolves to {} on this machine, not to a loopback address",
                to.join(", ")
            )));
        }
        Ok(Some(loopback))
    }

    /// The host, as written in the URL (for messages).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// True for https:// URLs.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The URL of a route: the base followed by `segments`, each encoded.
    pub fn url(&self, segments: &[&str]) -> String {
        let mut url = self.base.clone();
        for s in segments {
            url.push('/');
            push_segment(&mut url, s);
        }
        url
    }

    /// The proxy for this endpoint from the environment (`HTTPS_PROXY` for
    /// https, `HTTP_PROXY` for http, then `ALL_PROXY`; lower-case names too),
    /// unless `NO_PROXY` covers the host. Loopback hosts never go through
    /// a proxy, as in Go's and Python's clients: a proxy elsewhere cannot
    /// reach this machine's loopback, and a `serve` on 127.0.0.1 must keep
    /// working in a shell where a corporate proxy is set.
    pub fn proxy_from(&self, var: impl Fn(&str) -> Option<String>) -> Option<(String, String)> {
        let get = |names: &[&str]| {
            names.iter().find_map(|n| {
                var(n)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (n.to_string(), v.trim().to_string()))
            })
        };
        if is_loopback(&self.host) {
            return None;
        }
        if let Some((_, list)) = get(&["NO_PROXY", "no_proxy"])
            && no_proxy_matches(&list, &self.host)
        {
            return None;
        }
        let scheme_vars: &[&str] = if self.https {
            &["HTTPS_PROXY", "https_proxy"]
        } else {
            // Lower-case only for http: CGI servers set HTTP_PROXY from a
            // request's `Proxy:` header (httpoxy), so curl ignores it too.
            &["http_proxy"]
        };
        get(scheme_vars).or_else(|| get(&["ALL_PROXY", "all_proxy"]))
    }
}

/// `localhost` or a loopback IP literal (IPv6 in brackets): a host that a
/// proxy elsewhere could not reach.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// NO_PROXY as curl reads it: `*`, or a comma-separated list of host names
/// (a name covers its subdomains; a leading `.` or `*.` is the same) and IP
/// literals. Ports in entries are ignored.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        let entry = entry.trim_start_matches('[');
        let entry = match entry.find(']') {
            Some(i) => &entry[..i],
            None if entry.matches(':').count() == 1 => entry.split(':').next().unwrap_or(entry),
            None => entry,
        };
        let entry = entry.to_ascii_lowercase();
        !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// Appends `s` as one path segment. RFC 3986 lets a segment hold unreserved
/// characters, sub-delimiters, `:` and `@` as they are; only the rest is
/// percent-encoded, because APIHub does not decode paths and keys secrets by
/// the segment exactly as sent. Base58 DIDs never need encoding. A segment of
/// only dots is encoded too, or URL normalisation would remove it.
fn push_segment(url: &mut String, s: &str) {
    let all_dots = !s.is_empty() && s.bytes().all(|b| b == b'.');
    let set = if all_dots { DOTS } else { SEGMENT };
    url.extend(utf8_percent_encode(s, set));
}

/// What [`push_segment`] encodes: every byte but ASCII letters, digits,
/// the unreserved `-._~`, the sub-delimiters `!$&'()*+,;=`, `:` and `@`.
/// (Bytes above ASCII are always encoded.)
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// A segment of only dots: those too.
const DOTS: &AsciiSet = &SEGMENT.add(b'.');

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(url: &str) -> Endpoint {
        Endpoint::parse(url).unwrap()
    }

    /// What plain http may connect to, with `resolve` as the resolver.
    fn plain(
        url: &str,
        resolve: impl FnOnce(&str, u16) -> std::io::Result<Vec<SocketAddr>>,
    ) -> Result<Option<Vec<SocketAddr>>> {
        ep(url).plain_http_addrs(false, true, resolve)
    }

    fn never(_: &str, _: u16) -> std::io::Result<Vec<SocketAddr>> {
        panic!("nothing but localhost is resolved here")
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn urls_are_checked() {
        assert_eq!(
            ep("https://vault.example/").url(&["a"]),
            "https://vault.example/a"
        );
        assert_eq!(
            ep("https://vault.example:8443/api/").url(&["getSSOSecret", "demo"]),
            "https://vault.example:8443/api/getSSOSecret/demo"
        );
        assert_eq!(
            ep("http://127.0.0.1:8134").url(&["x"]),
            "http://127.0.0.1:8134/x"
        );
        for bad in [
            "vault.example",
            "ftp://vault.example",
            "https://user:pw@vault.example",
            "https://vault.example/?a=b",
            "https://vault.example/#x",
            "",
        ] {
            let e = Endpoint::parse(bad).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert_eq!(
            plain("http://127.0.0.5", never).unwrap(),
            Some(addrs(&["127.0.0.5:80"]))
        );
        assert_eq!(
            plain("http://[::1]:8134", never).unwrap(),
            Some(addrs(&["[::1]:8134"]))
        );
        assert_eq!(
            plain("http://[::ffff:127.0.0.1]:1", never).unwrap(),
            Some(addrs(&["127.0.0.1:1"]))
        );
        for far in [
            "http://vault.example",
            "http://10.0.0.1",
            "http://[2001:db8::1]",
            "http://127.0.0.1.nip.io",
            "http://a.localhost",
            "http://localhost.",
        ] {
            let e = plain(far, never).unwrap_err();
            assert_eq!(e.status(), crate::status::Status::Usage, "{far}");
            assert!(e.detail().contains("--insecure-http"), "{far}");
            assert!(e.detail().contains("the token and the secrets"), "{far}");
            let allowed = ep(far).plain_http_addrs(true, true, never);
            assert_eq!(allowed.unwrap(), None, "{far}");
            let e = ep(far).plain_http_addrs(false, false, never).unwrap_err();
            assert!(e.detail().contains(": the secrets would cross"), "{far}");
        }
        assert_eq!(plain("https://vault.example", never).unwrap(), None);
    }

    #[test]
    fn localhost_is_used_only_at_the_loopback_addresses_it_resolved_to() {
        let both = plain("http://LocalHost:8134/api", |name, port| {
            assert_eq!((name, port), ("localhost", 8134));
            Ok(addrs(&["10.1.2.3:8134", "127.0.0.1:8134", "[::1]:8134"]))
        });
        assert_eq!(
            both.unwrap(),
            Some(addrs(&["127.0.0.1:8134", "[::1]:8134"])),
            "what is not loopback is dropped"
        );
        let e = plain("http://localhost", |_, _| Ok(addrs(&["10.1.2.3:80"]))).unwrap_err();
        assert_eq!(e.status(), crate::status::Status::Usage);
        assert!(
            e.detail().contains("resolves to 10.1.2.3 on this machine"),
            "{}",
            e.detail()
        );
        let e = plain("http://localhost", |_, _| {
            Err(std::io::ErrorKind::NotFound.into())
        })
        .unwrap_err();
        assert_eq!(e.status(), crate::status::Status::Temporary);
        // With TLS, or allowed, the name is resolved as any other.
        assert_eq!(plain("https://localhost", never).unwrap(), None);
        let allowed = ep("http://localhost").plain_http_addrs(true, true, never);
        assert_eq!(allowed.unwrap(), None);
    }

    #[test]
    fn segments_are_encoded_only_where_required() {
        let e = ep("https://h");
        assert_eq!(e.url(&["B279eipao"]), "https://h/B279eipao");
        assert_eq!(e.url(&["a b/c?d#e%f"]), "https://h/a%20b%2Fc%3Fd%23e%25f");
        assert_eq!(e.url(&["did:ssi:x@y+z"]), "https://h/did:ssi:x@y+z");
        assert_eq!(e.url(&["é"]), "https://h/%C3%A9");
        assert_eq!(e.url(&[".."]), "https://h/%2E%2E");
        assert_eq!(e.url(&["a..b"]), "https://h/a..b");
        assert_eq!(e.url(&["."]), "https://h/%2E");
        assert_eq!(e.url(&[""]), "https://h/");
        assert_eq!(e.url(&["-._~!$&'()*+,;=:@"]), "https://h/-._~!$&'()*+,;=:@");
        assert_eq!(
            e.url(&["\0\"<>[]\\^`{|}\x7f"]),
            "https://h/%00%22%3C%3E%5B%5D%5C%5E%60%7B%7C%7D%7F"
        );
    }

    #[test]
    fn proxy_choice_follows_scheme_and_no_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let far = ep("https://vault.example");
        let got = far.proxy_from(env(&[("HTTPS_PROXY", "http://p:3128")]));
        assert_eq!(got.map(|p| p.1).as_deref(), Some("http://p:3128"));
        assert!(
            far.proxy_from(env(&[("HTTP_PROXY", "http://p:3128")]))
                .is_none()
        );
        assert!(far.proxy_from(env(&[("HTTPS_PROXY", "")])).is_none());
        let all = far.proxy_from(env(&[("ALL_PROXY", "http://q:1")]));
        assert_eq!(all.map(|p| p.1).as_deref(), Some("http://q:1"));
        for np in [
            "example",
            ".example",
            "*.example",
            "vault.example:443",
            "x, vault.example",
            "*",
        ] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(
                vec![("HTTPS_PROXY", "http://p:3128"), ("NO_PROXY", np)].into_boxed_slice(),
            );
            assert!(far.proxy_from(env(pairs)).is_none(), "{np}");
        }
        let pairs = &[
            ("HTTPS_PROXY", "http://p:3128"),
            ("NO_PROXY", "ample,other.example"),
        ];
        assert!(far.proxy_from(env(pairs)).is_some());
        let local = ep("https://localhost:8134");
        assert!(
            local
                .proxy_from(env(&[("HTTPS_PROXY", "http://p:3128")]))
                .is_none()
        );
        let plain = ep("http://vault.example");
        assert!(
            plain
                .proxy_from(env(&[("HTTP_PROXY", "http://p:3128")]))
                .is_none()
        );
        assert!(
            plain
                .proxy_from(env(&[("http_proxy", "http://p:3128")]))
                .is_some()
        );
    }
}
