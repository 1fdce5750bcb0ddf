//! From an HTTP method and path to an RFC-134 operation: the route table
//! (APIHub's real routes and the RFC text's spellings), and the parsing of
//! path segments and the `user-id` header into the newtypes of
//! [`crate::names`]. A path that matches no template is 404; a template
//! that matches with another method is 405.

use crate::names::{AppName, Did, SecretName, UserId, UserRef};
use crate::ops::Request;
use crate::secret::SecretBytes;
use hyper::Method;
use std::sync::LazyLock;

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

/// The route table as a radix tree (`matchit`, axum's router): per
/// template, its methods in the table's order. Built once.
static ROUTER: LazyLock<matchit::Router<Methods>> = LazyLock::new(|| {
    let mut templates: Vec<Methods> = Vec::new();
    for (template, method, kind) in ROUTES {
        match templates.iter_mut().find(|(t, _)| t == template) {
            Some((_, methods)) => methods.push((method.clone(), *kind)),
            None => templates.push((template, vec![(method.clone(), *kind)])),
        }
    }
    let mut router = matchit::Router::new();
    for methods in templates {
        // The table is fixed and a test finds every route through the
        // router, so no insert fails; if one ever did, its route would
        // answer 404 rather than take the server down.
        let _ = router.insert(methods.0, methods);
    }
    router
});

/// A template and what each of its methods does.
type Methods = (&'static str, Vec<(Method, Kind)>);

/// A path that matched a route with the right method.
#[derive(Debug)]
pub(crate) struct Matched<'p> {
    /// The template, for the access log (never the raw path).
    pub template: &'static str,
    kind: Kind,
    /// The `{…}` segments as sent, percent-decoded when parsed.
    params: matchit::Params<'p, 'p>,
}

/// Finds the route for `method` and `path` (without the query).
pub(crate) fn find<'p>(method: &Method, path: &'p str) -> std::result::Result<Matched<'p>, Miss> {
    let found = ROUTER.at(path).map_err(|_| Miss::NotFound)?;
    let (template, methods) = found.value;
    match methods.iter().find(|(m, _)| m == method) {
        Some((_, kind)) => Ok(Matched {
            template,
            kind: *kind,
            params: found.params,
        }),
        None => Err(Miss::MethodNotAllowed(
            methods
                .iter()
                .map(|(m, _)| m.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
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

/// What a matched route asks for, its names parsed.
pub(crate) enum Target {
    /// `GET`/`HEAD /healthz`.
    Health,
    /// `GET`/`HEAD /metrics`.
    Metrics,
    /// An RFC operation; a put's body is empty until [`with_body`] fills it.
    Operation(Request, Option<BodyForm>),
}

/// Names the operation only (a request's names belong in no debug line).
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Health => f.write_str("Health"),
            Target::Metrics => f.write_str("Metrics"),
            Target::Operation(r, form) => f
                .debug_tuple("Operation")
                .field(&r.operation())
                .field(form)
                .finish(),
        }
    }
}

/// `request` (a put from [`Matched::parse`]) with its body.
pub(crate) fn with_body(request: Request, body: SecretBytes) -> Request {
    match request {
        Request::PutSso { app, user, .. } => Request::PutSso { app, user, body },
        Request::PutDid { did, name, .. } => Request::PutDid { did, name, body },
        other => other,
    }
}

/// `request`'s names without its body: kept to take them out of an
/// error's detail after the request itself went to the backend.
pub(crate) fn names_of(request: &Request) -> Request {
    let body = SecretBytes::default;
    match request {
        Request::GetSso { app, user } => Request::GetSso {
            app: app.clone(),
            user: user.clone(),
        },
        Request::PutSso { app, user, .. } => Request::PutSso {
            app: app.clone(),
            user: user.clone(),
            body: body(),
        },
        Request::DeactivateSso { app, user } => Request::DeactivateSso {
            app: app.clone(),
            user: user.clone(),
        },
        Request::RemoveSso { app, user } => Request::RemoveSso {
            app: app.clone(),
            user: user.clone(),
        },
        Request::PutDid { did, name, .. } => Request::PutDid {
            did: did.clone(),
            name: name.clone(),
            body: body(),
        },
        Request::GetDid { did, name } => Request::GetDid {
            did: did.clone(),
            name: name.clone(),
        },
        Request::DeleteDid { did, name } => Request::DeleteDid {
            did: did.clone(),
            name: name.clone(),
        },
    }
}

/// The user an SSO operation acts on (a DID resolved through its app);
/// `None` for DID operations, and for a DID that names no valid user id
/// (the operation refuses it in its own words).
pub(crate) fn sso_user(request: &Request) -> Option<UserId> {
    match request {
        Request::GetSso { user, .. } | Request::PutSso { user, .. } => Some(user.clone()),
        Request::DeactivateSso { app, user } | Request::RemoveSso { app, user } => {
            user.resolve(app).ok()
        }
        Request::PutDid { .. } | Request::GetDid { .. } | Request::DeleteDid { .. } => None,
    }
}

/// `text` with `request`'s names taken out: an error's detail names the
/// app, user, DID and secret name it is about (quoted, the DID as its
/// text), and the log names none of them.
pub(crate) fn redact(request: &Request, text: &str) -> String {
    let mut out = text.to_string();
    let (app, did, name) = match request {
        Request::GetSso { app, .. } | Request::PutSso { app, .. } => (Some(app), None, None),
        Request::DeactivateSso { app, user } | Request::RemoveSso { app, user } => {
            let did = match user {
                UserRef::Did(d) => Some(d),
                UserRef::Id(_) => None,
            };
            (Some(app), did, None)
        }
        Request::PutDid { did, name, .. }
        | Request::GetDid { did, name }
        | Request::DeleteDid { did, name } => (None, Some(did), Some(name)),
    };
    if let Some(did) = did {
        out = out.replace(did.text(), "(did)");
    }
    // A DID names its user through the app; the detail quotes that id.
    if let Some(u) = sso_user(request) {
        out = out.replace(&format!("{u:?}"), "(user-id)");
    }
    if let Some(app) = app {
        out = out.replace(&format!("{app:?}"), "(app)");
    }
    if let Some(name) = name {
        out = out.replace(&format!("{name:?}"), "(name)");
    }
    out
}

/// A request whose path or `user-id` header does not parse (400): what is
/// wrong, in words for an HTTP client, never the value it sent.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadRequest(pub &'static str);

impl Matched<'_> {
    /// Path parameter `key`, percent-decoded and parsed, or `what`.
    fn arg<T: std::str::FromStr>(
        &self,
        key: &str,
        what: &'static str,
    ) -> std::result::Result<T, BadRequest> {
        self.params
            .get(key)
            .and_then(|s| percent_encoding::percent_decode_str(s).decode_utf8().ok())
            .and_then(|s| s.parse().ok())
            .ok_or(BadRequest(what))
    }

    /// Parses the path segments and the `user-id` header (400 when one is
    /// missing or invalid).
    pub(crate) fn parse(&self, user_id: Option<&[u8]>) -> std::result::Result<Target, BadRequest> {
        let header_user = || -> std::result::Result<UserId, BadRequest> {
            let raw = user_id.ok_or(BadRequest("missing user-id header"))?;
            std::str::from_utf8(raw)
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or(BadRequest("invalid user-id header"))
        };
        let app = || self.arg::<AppName>("app", "invalid app name");
        let did = || self.arg::<Did>("did", "invalid DID");
        let name = || self.arg::<SecretName>("name", "invalid secret name");
        let body = SecretBytes::default;
        let (request, form) = match self.kind {
            Kind::Health => return Ok(Target::Health),
            Kind::Metrics => return Ok(Target::Metrics),
            Kind::GetSso => {
                let app = app()?;
                let user = header_user()?;
                (Request::GetSso { app, user }, None)
            }
            Kind::PutSso => {
                let app = app()?;
                let user = header_user()?;
                let body = body();
                (Request::PutSso { app, user, body }, Some(BodyForm::SsoJson))
            }
            Kind::RemoveSsoById => {
                let app = app()?;
                let user = UserRef::Id(header_user()?);
                (Request::RemoveSso { app, user }, None)
            }
            Kind::DeactivateSso => {
                let (app, user) = (app()?, UserRef::Did(did()?));
                (Request::DeactivateSso { app, user }, None)
            }
            Kind::RemoveSsoByDid => {
                let (app, user) = (app()?, UserRef::Did(did()?));
                (Request::RemoveSso { app, user }, None)
            }
            Kind::PutDid => {
                let (did, name, body) = (did()?, name()?, body());
                (Request::PutDid { did, name, body }, Some(BodyForm::Raw))
            }
            Kind::GetDid => (
                Request::GetDid {
                    did: did()?,
                    name: name()?,
                },
                None,
            ),
            Kind::DeleteDid => (
                Request::DeleteDid {
                    did: did()?,
                    name: name()?,
                },
                None,
            ),
        };
        Ok(Target::Operation(request, form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, Result};
    use crate::ops::Operation;

    fn op(method: Method, path: &str, user: Option<&str>) -> Result<Operation> {
        let m = find(&method, path).map_err(|e| Error::Usage(format!("{e:?}")))?;
        let parsed = m.parse(user.map(str::as_bytes));
        match parsed.map_err(|b| Error::Usage(b.0.into()))? {
            Target::Operation(r, _) => Ok(r.operation()),
            Target::Health | Target::Metrics => Err(Error::Usage("probe".into())),
        }
    }

    /// Every row of the table is reached through the router, with its
    /// template for the log.
    #[test]
    fn the_router_holds_every_route() {
        for (template, method, kind) in ROUTES {
            let path = template
                .replace("{app}", "a")
                .replace("{did}", "d")
                .replace("{name}", "n");
            let m = find(method, &path).unwrap();
            assert_eq!((m.template, m.kind), (*template, *kind), "{template}");
        }
    }

    #[test]
    fn puts_wait_for_their_body_and_other_operations_do_not() {
        let form = |m: Method, p: &str| match find(&m, p).unwrap().parse(Some(b"u")).unwrap() {
            Target::Operation(_, form) => form,
            Target::Health | Target::Metrics => unreachable!(),
        };
        assert_eq!(
            form(Method::PUT, "/putSSOSecret/a"),
            Some(BodyForm::SsoJson)
        );
        assert_eq!(form(Method::GET, "/getSSOSecret/a"), None);
        let d = crate::did::encode("did:ssi:key:x");
        assert_eq!(
            form(Method::PUT, &format!("/putDIDSecret/{d}/n")),
            Some(BodyForm::Raw)
        );
        let body = SecretBytes::new(b"s".to_vec());
        let Target::Operation(put, _) = find(&Method::PUT, "/putSSOSecret/a")
            .unwrap()
            .parse(Some(b"u"))
            .unwrap()
        else {
            unreachable!()
        };
        match with_body(put, body) {
            Request::PutSso { body, .. } => assert_eq!(body.expose(), b"s"),
            other => panic!("{:?}", other.operation()),
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
            Target::Operation(r, _) => r,
            Target::Health | Target::Metrics => unreachable!(),
        };
        let p = parts(Method::GET, "/getSSOSecret/demo", Some("alice@example.com"));
        assert_eq!(
            redact(
                &p,
                r#"no SSO secret for user "alice@example.com" of app "demo""#
            ),
            "no SSO secret for user (user-id) of app (app)"
        );
        assert_eq!(
            redact(&p, r#"access token "ci" does not cover app "demo""#),
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
            redact(&p, r#"no SSO secret for user "alice" of app "demo""#),
            "no SSO secret for user (user-id) of app (app)"
        );
        let d = crate::did::encode("did:ssi:key:abc");
        let p = parts(Method::GET, &format!("/getDIDSecret/{d}/credential"), None);
        assert_eq!(
            redact(&p, r#"no DID secret "credential" for did:ssi:key:abc"#),
            "no DID secret (name) for (did)"
        );
        assert_eq!(
            redact(&p, "access token \"ci\" does not cover DID did:ssi:key:abc"),
            "access token \"ci\" does not cover DID (did)"
        );
    }
}
