//! From an HTTP method and path to an RFC-134 operation: the route table
//! (APIHub's real routes and the RFC text's spellings), and the parsing of
//! path segments and the `user-id` header into the newtypes of
//! [`crate::names`]. A path that matches no template is 404; a template
//! that matches with another method is 405.

use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId, UserRef};
use crate::ops::Request;
use crate::secret::SecretBytes;
use hyper::Method;

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Health,
    Metrics,
    GetSso,
    PutSso,
    DeactivateSso,
    /// `/removeSSOSecret/{app}`: the user comes from the `user-id` header.
    RemoveSsoById,
    /// `/removeSSOSecret/{app}/{did}`: the DID names the user.
    RemoveSsoByDid,
    PutDid,
    GetDid,
    DeleteDid,
}

/// Template, method, operation. A template may appear with several methods.
const ROUTES: &[(&str, Method, Kind)] = &[
    ("/healthz", Method::GET, Kind::Health),
    // Load balancers and `curl -I` probe with HEAD: the same answer, no body.
    ("/healthz", Method::HEAD, Kind::Health),
    ("/metrics", Method::GET, Kind::Metrics),
    ("/metrics", Method::HEAD, Kind::Metrics),
    ("/getSSOSecret/{app}", Method::GET, Kind::GetSso),
    ("/putSSOSecret/{app}", Method::PUT, Kind::PutSso),
    // The RFC text puts both get and put on this path.
    ("/secrets/getSSOSecret/{app}", Method::GET, Kind::GetSso),
    ("/secrets/getSSOSecret/{app}", Method::PUT, Kind::PutSso),
    (
        "/deactivateSSOSecret/{app}/{did}",
        Method::DELETE,
        Kind::DeactivateSso,
    ),
    (
        "/removeSSOSecret/{app}",
        Method::DELETE,
        Kind::RemoveSsoById,
    ),
    (
        "/removeSSOSecret/{app}/{did}",
        Method::DELETE,
        Kind::RemoveSsoByDid,
    ),
    ("/putDIDSecret/{did}/{name}", Method::PUT, Kind::PutDid),
    ("/getDIDSecret/{did}/{name}", Method::GET, Kind::GetDid),
    (
        "/removeDIDSecret/{did}/{name}",
        Method::DELETE,
        Kind::DeleteDid,
    ),
    // The RFC text's spelling, and its method (GET) beside the proper one.
    (
        "/deleteDIDSecret/{did}/{name}",
        Method::DELETE,
        Kind::DeleteDid,
    ),
    (
        "/deleteDIDSecret/{did}/{name}",
        Method::GET,
        Kind::DeleteDid,
    ),
];

/// A request that matched no route.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// No template matches the path.
    NotFound,
    /// A template matches, with other methods (for the `Allow` header).
    MethodNotAllowed(String),
}

/// A path that matched a route with the right method.
#[derive(Debug)]
pub(crate) struct Matched {
    /// The template, for the access log (never the raw path).
    pub template: &'static str,
    kind: Kind,
    /// The `{…}` segments, percent-decoded later.
    args: Vec<String>,
}

/// Finds the route for `method` and `path` (without the query).
pub(crate) fn find(method: &Method, path: &str) -> std::result::Result<Matched, Miss> {
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let mut allowed: Vec<&str> = Vec::new();
    for (template, m, kind) in ROUTES {
        let Some(args) = capture(template, &segs) else {
            continue;
        };
        if m == method {
            return Ok(Matched {
                template,
                kind: *kind,
                args,
            });
        }
        allowed.push(m.as_str());
    }
    if allowed.is_empty() {
        Err(Miss::NotFound)
    } else {
        Err(Miss::MethodNotAllowed(allowed.join(", ")))
    }
}

fn capture(template: &str, segs: &[&str]) -> Option<Vec<String>> {
    let parts: Vec<&str> = template.split('/').skip(1).collect();
    if parts.len() != segs.len() {
        return None;
    }
    let mut args = Vec::new();
    for (p, s) in parts.iter().zip(segs) {
        if p.starts_with('{') {
            if s.is_empty() {
                return None;
            }
            args.push((*s).to_string());
        } else if p != s {
            return None;
        }
    }
    Some(args)
}

/// How a put carries its secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyForm {
    /// putSSOSecret: `{"secret":"…"}`, or raw with
    /// `Content-Type: application/octet-stream`.
    SsoJson,
    /// putDIDSecret: the raw body.
    Raw,
}

/// An operation with its names parsed, waiting for its body (puts).
#[derive(Debug)]
pub(crate) enum Target {
    /// `GET`/`HEAD /healthz`.
    Health,
    /// `GET`/`HEAD /metrics`.
    Metrics,
    /// Any RFC operation but the puts.
    Ready(RequestParts),
    /// A put, once the body is read.
    Put(RequestParts, BodyForm),
}

/// The parsed names of one request; see [`Target`].
#[derive(Debug, Clone)]
pub(crate) struct RequestParts {
    kind: Kind,
    app: Option<AppName>,
    user: Option<UserRef>,
    did: Option<Did>,
    name: Option<SecretName>,
}

impl RequestParts {
    /// `text` with this request's names taken out: an error's detail names
    /// the app, user, DID and secret name it is about (quoted, the DID as
    /// its text), and the log names none of them.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        let user_did = match &self.user {
            Some(UserRef::Did(d)) => Some(d),
            _ => None,
        };
        for did in self.did.iter().chain(user_did) {
            out = out.replace(did.text(), "(did)");
        }
        // A DID names its user through the app; the detail quotes that id.
        let user = match (&self.user, &self.app) {
            (Some(u), Some(app)) => u.resolve(app).ok(),
            _ => None,
        };
        if let Some(u) = user {
            out = out.replace(&format!("{u:?}"), "(user-id)");
        }
        if let Some(app) = &self.app {
            out = out.replace(&format!("{app:?}"), "(app)");
        }
        if let Some(name) = &self.name {
            out = out.replace(&format!("{name:?}"), "(name)");
        }
        out
    }

    /// The user an SSO operation acts on (a DID resolved through its
    /// app); `None` for DID operations, and for a DID that names no valid
    /// user id (the operation refuses it in its own words).
    pub(crate) fn sso_user(&self) -> Option<UserId> {
        match (&self.user, &self.app) {
            (Some(u), Some(app)) => u.resolve(app).ok(),
            _ => None,
        }
    }

    /// The operation, with `body` for the puts.
    pub(crate) fn into_request(self, body: SecretBytes) -> Result<Request> {
        let missing = || Error::failure("internal: route without its arguments");
        let app = || self.app.clone().ok_or_else(missing);
        let did = || self.did.clone().ok_or_else(missing);
        let name = || self.name.clone().ok_or_else(missing);
        let user = || self.user.clone().ok_or_else(missing);
        let user_id = || match user()? {
            UserRef::Id(u) => Ok(u),
            UserRef::Did(_) => Err(missing()),
        };
        Ok(match self.kind {
            Kind::GetSso => Request::GetSso {
                app: app()?,
                user: user_id()?,
            },
            Kind::PutSso => Request::PutSso {
                app: app()?,
                user: user_id()?,
                body,
            },
            Kind::DeactivateSso => Request::DeactivateSso {
                app: app()?,
                user: user()?,
            },
            Kind::RemoveSsoById | Kind::RemoveSsoByDid => Request::RemoveSso {
                app: app()?,
                user: user()?,
            },
            Kind::PutDid => Request::PutDid {
                did: did()?,
                name: name()?,
                body,
            },
            Kind::GetDid => Request::GetDid {
                did: did()?,
                name: name()?,
            },
            Kind::DeleteDid => Request::DeleteDid {
                did: did()?,
                name: name()?,
            },
            Kind::Health | Kind::Metrics => {
                return Err(Error::failure("internal: a probe is no operation"));
            }
        })
    }
}

/// A request whose path or `user-id` header does not parse (400): what is
/// wrong, in words for an HTTP client, never the value it sent.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadRequest(pub &'static str);

/// Path segment `i` of `args`, percent-decoded and parsed, or `what`.
fn arg<T: std::str::FromStr>(
    args: &[String],
    i: usize,
    what: &'static str,
) -> std::result::Result<T, BadRequest> {
    args.get(i)
        .and_then(|s| percent_encoding::percent_decode_str(s).decode_utf8().ok())
        .and_then(|s| s.parse().ok())
        .ok_or(BadRequest(what))
}

impl Matched {
    /// Parses the path segments and the `user-id` header (400 when one is
    /// missing or invalid).
    pub(crate) fn parse(&self, user_id: Option<&[u8]>) -> std::result::Result<Target, BadRequest> {
        let args = &self.args[..];
        let header_user = || {
            let raw = user_id.ok_or(BadRequest("missing user-id header"))?;
            std::str::from_utf8(raw)
                .ok()
                .and_then(|t| t.parse().ok())
                .map(UserRef::Id)
                .ok_or(BadRequest("invalid user-id header"))
        };
        let mut parts = RequestParts {
            kind: self.kind,
            app: None,
            user: None,
            did: None,
            name: None,
        };
        match self.kind {
            Kind::Health => return Ok(Target::Health),
            Kind::Metrics => return Ok(Target::Metrics),
            Kind::GetSso | Kind::PutSso | Kind::RemoveSsoById => {
                parts.app = Some(arg(args, 0, "invalid app name")?);
                parts.user = Some(header_user()?);
            }
            Kind::DeactivateSso | Kind::RemoveSsoByDid => {
                parts.app = Some(arg(args, 0, "invalid app name")?);
                parts.user = Some(UserRef::Did(arg(args, 1, "invalid DID")?));
            }
            Kind::PutDid | Kind::GetDid | Kind::DeleteDid => {
                parts.did = Some(arg(args, 0, "invalid DID")?);
                parts.name = Some(arg(args, 1, "invalid secret name")?);
            }
        }
        Ok(match self.kind {
            Kind::PutSso => Target::Put(parts, BodyForm::SsoJson),
            Kind::PutDid => Target::Put(parts, BodyForm::Raw),
            _ => Target::Ready(parts),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;

    fn op(method: Method, path: &str, user: Option<&str>) -> Result<Operation> {
        let m = find(&method, path).map_err(|e| Error::Usage(format!("{e:?}")))?;
        let parsed = m.parse(user.map(str::as_bytes));
        match parsed.map_err(|b| Error::Usage(b.0.into()))? {
            Target::Ready(p) | Target::Put(p, _) => {
                Ok(p.into_request(SecretBytes::new(b"x".to_vec()))?.operation())
            }
            Target::Health | Target::Metrics => Err(Error::Usage("probe".into())),
        }
    }

    #[test]
    fn every_spelling_finds_its_operation() {
        let did = crate::did::encode("did:ssi:name:v:demo/alice");
        let cases = [
            (
                Method::GET,
                "/getSSOSecret/demo".to_string(),
                Operation::GetSso,
            ),
            (
                Method::GET,
                "/secrets/getSSOSecret/demo".into(),
                Operation::GetSso,
            ),
            (Method::PUT, "/putSSOSecret/demo".into(), Operation::PutSso),
            (
                Method::PUT,
                "/secrets/getSSOSecret/demo".into(),
                Operation::PutSso,
            ),
            (
                Method::DELETE,
                format!("/deactivateSSOSecret/demo/{did}"),
                Operation::DeactivateSso,
            ),
            (
                Method::DELETE,
                "/removeSSOSecret/demo".into(),
                Operation::RemoveSso,
            ),
            (
                Method::DELETE,
                format!("/removeSSOSecret/demo/{did}"),
                Operation::RemoveSso,
            ),
            (
                Method::PUT,
                format!("/putDIDSecret/{did}/credential"),
                Operation::PutDid,
            ),
            (
                Method::GET,
                format!("/getDIDSecret/{did}/credential"),
                Operation::GetDid,
            ),
            (
                Method::DELETE,
                format!("/removeDIDSecret/{did}/credential"),
                Operation::DeleteDid,
            ),
            (
                Method::DELETE,
                format!("/deleteDIDSecret/{did}/credential"),
                Operation::DeleteDid,
            ),
            (
                Method::GET,
                format!("/deleteDIDSecret/{did}/credential"),
                Operation::DeleteDid,
            ),
        ];
        for (method, path, want) in cases {
            assert_eq!(op(method, &path, Some("alice")).unwrap(), want, "{path}");
        }
    }

    #[test]
    fn misses_are_404_or_405() {
        assert_eq!(find(&Method::GET, "/nope").unwrap_err(), Miss::NotFound);
        assert_eq!(
            find(&Method::GET, "/getSSOSecret/").unwrap_err(),
            Miss::NotFound
        );
        assert_eq!(
            find(&Method::GET, "/getSSOSecret/a/b").unwrap_err(),
            Miss::NotFound
        );
        assert_eq!(
            find(&Method::POST, "/getSSOSecret/demo").unwrap_err(),
            Miss::MethodNotAllowed("GET".into())
        );
        assert_eq!(
            find(&Method::DELETE, "/secrets/getSSOSecret/demo").unwrap_err(),
            Miss::MethodNotAllowed("GET, PUT".into())
        );
    }

    #[test]
    fn names_are_checked_and_percent_decoded() {
        let bad = |m: Method, p: &str, u: Option<&str>| {
            let e = op(m, p, u).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{p}: {e:?}");
        };
        bad(Method::GET, "/getSSOSecret/demo", None);
        bad(Method::GET, "/getDIDSecret/0OIl/credential", None);
        bad(Method::GET, "/getDIDSecret/abc/credential", None);
        bad(Method::GET, "/getSSOSecret/a%FFb", Some("alice"));
        bad(Method::GET, "/getSSOSecret/a%09b", Some("alice"));
        let text = "/getDIDSecret/did%3Assi%3Aname%3Av%3Ademo%2Falice/credential";
        assert_eq!(op(Method::GET, text, None).unwrap(), Operation::GetDid);
        // What is wrong, never the value.
        let why = |m: Method, p: &str, u: Option<&str>| {
            find(&m, p)
                .unwrap()
                .parse(u.map(str::as_bytes))
                .unwrap_err()
                .0
        };
        assert_eq!(
            why(Method::GET, "/getSSOSecret/demo", None),
            "missing user-id header"
        );
        let long = "u".repeat(300);
        assert_eq!(
            why(Method::GET, "/getSSOSecret/demo", Some(&long)),
            "invalid user-id header"
        );
        assert_eq!(
            why(Method::GET, "/getSSOSecret/a%FFb", Some("a")),
            "invalid app name"
        );
        assert_eq!(
            why(Method::GET, "/getDIDSecret/0OIl/n", None),
            "invalid DID"
        );
        let d = crate::did::encode("did:ssi:key:x");
        assert_eq!(
            why(Method::GET, &format!("/getDIDSecret/{d}/a%09b"), None),
            "invalid secret name"
        );
    }

    #[test]
    fn redacted_details_name_no_app_user_did_or_secret() {
        let parts = |m: Method, p: &str, u: Option<&str>| match find(&m, p)
            .unwrap()
            .parse(u.map(str::as_bytes))
            .unwrap()
        {
            Target::Ready(p) | Target::Put(p, _) => p,
            Target::Health | Target::Metrics => unreachable!(),
        };
        let p = parts(Method::GET, "/getSSOSecret/demo", Some("alice@example.com"));
        assert_eq!(
            p.redact(r#"no SSO secret for user "alice@example.com" of app "demo""#),
            "no SSO secret for user (user-id) of app (app)"
        );
        assert_eq!(
            p.redact(r#"access token "ci" does not cover app "demo""#),
            r#"access token "ci" does not cover app (app)"#
        );
        // A name DID names its user through the app.
        let d = crate::did::encode("did:ssi:name:v:demo/alice");
        let p = parts(
            Method::DELETE,
            &format!("/deactivateSSOSecret/demo/{d}"),
            None,
        );
        assert_eq!(
            p.redact(r#"no SSO secret for user "alice" of app "demo""#),
            "no SSO secret for user (user-id) of app (app)"
        );
        let d = crate::did::encode("did:ssi:key:abc");
        let p = parts(Method::GET, &format!("/getDIDSecret/{d}/credential"), None);
        assert_eq!(
            p.redact(r#"no DID secret "credential" for did:ssi:key:abc"#),
            "no DID secret (name) for (did)"
        );
        assert_eq!(
            p.redact("access token \"ci\" does not cover DID did:ssi:key:abc"),
            "access token \"ci\" does not cover DID (did)"
        );
    }
}
