//! The server's address: `--remote <URL>` checked once, the request paths
//! built on it, and the choice of proxy for it.

use crate::error::{Error, Result};
use std::net::IpAddr;
use ureq::http::Uri;

/// A checked `--remote` URL: http or https, a host, no credentials, no
/// query; kept without its trailing `/` so routes append to it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    base: String,
    host: String,
    https: bool,
}

impl Endpoint {
    /// Checks `url` and whether a token may travel to it.
    pub fn parse(url: &str, insecure_http: bool) -> Result<Self> {
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
        if !https && !insecure_http && !is_loopback(&host) {
            return Err(Error::Usage(format!(
                "refusing to send the token over plain http:// to {host}, which is not a loopback \
                 address; use https://, or --insecure-http if the network is trusted"
            )));
        }
        let scheme = if https { "https" } else { "http" };
        let path = uri.path().trim_end_matches('/');
        Ok(Endpoint {
            base: format!("{scheme}://{authority}{path}"),
            host,
            https,
        })
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

/// `localhost` or a loopback IP literal (IPv6 in brackets).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") || bare.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || (b"-._~!$&'()*+,;=:@".contains(&b) && !(all_dots && b == b'.'));
        if keep {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(url: &str) -> Endpoint {
        Endpoint::parse(url, false).unwrap()
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
            let e = Endpoint::parse(bad, true).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://localhost:1",
            "http://127.0.0.5",
            "http://[::1]:8134",
            "http://a.localhost",
        ] {
            assert!(Endpoint::parse(ok, false).is_ok(), "{ok}");
        }
        for far in [
            "http://vault.example",
            "http://10.0.0.1",
            "http://[2001:db8::1]",
            "http://127.0.0.1.nip.io",
        ] {
            let e = Endpoint::parse(far, false).unwrap_err();
            assert!(e.detail().contains("--insecure-http"), "{far}");
            assert!(Endpoint::parse(far, true).is_ok());
        }
        assert!(Endpoint::parse("https://vault.example", false).is_ok());
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
        let plain = Endpoint::parse("http://vault.example", true).unwrap();
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
