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
    /// `GET /healthz`.
    Health,
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
    /// The user id given in the `user-id` header, if this request has one:
    /// it is kept out of answers and logs.
    pub(crate) fn user_id(&self) -> Option<&UserId> {
        match &self.user {
            Some(UserRef::Id(u)) => Some(u),
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
            Kind::Health => return Err(Error::failure("internal: /healthz is no operation")),
        })
    }
}

fn decode(seg: &str) -> Result<String> {
    percent_encoding::percent_decode_str(seg)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::Usage("a path segment is not UTF-8 once percent-decoded".into()))
}

impl Matched {
    /// Parses the path segments and the `user-id` header (400 when one is
    /// missing or invalid).
    pub(crate) fn parse(&self, user_id: Option<&[u8]>) -> Result<Target> {
        let arg = |i: usize| -> Result<String> {
            self.args
                .get(i)
                .ok_or_else(|| Error::failure("internal: route without its arguments"))
                .and_then(|s| decode(s))
        };
        let header_user = || -> Result<UserRef> {
            let raw = user_id.ok_or_else(|| Error::Usage("missing user-id header".into()))?;
            let text = std::str::from_utf8(raw)
                .map_err(|_| Error::Usage("the user-id header is not UTF-8".into()))?;
            Ok(UserRef::Id(text.parse()?))
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
            Kind::GetSso | Kind::PutSso | Kind::RemoveSsoById => {
                parts.app = Some(arg(0)?.parse()?);
                parts.user = Some(header_user()?);
            }
            Kind::DeactivateSso | Kind::RemoveSsoByDid => {
                parts.app = Some(arg(0)?.parse()?);
                parts.user = Some(UserRef::Did(arg(1)?.parse()?));
            }
            Kind::PutDid | Kind::GetDid | Kind::DeleteDid => {
                parts.did = Some(arg(0)?.parse()?);
                parts.name = Some(arg(1)?.parse()?);
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
        match m.parse(user.map(str::as_bytes))? {
            Target::Ready(p) | Target::Put(p, _) => {
                Ok(p.into_request(SecretBytes::new(b"x".to_vec()))?.operation())
            }
            Target::Health => Err(Error::Usage("health".into())),
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
    }
}
