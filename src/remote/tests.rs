use super::*;
use crate::credentials::Env;
use crate::names::{AppName, Did, SecretName, UserId, UserRef};
use crate::terminal::Terminal;
use std::io;

struct NoTerminal;

impl Terminal for NoTerminal {
    fn can_prompt(&self) -> bool {
        false
    }
    fn prompt_hidden(&self, _: &str) -> io::Result<SecretString> {
        Err(io::ErrorKind::Unsupported.into())
    }
    fn say(&self, _: &str) {}
    fn stdin_is_terminal(&self) -> bool {
        false
    }
    fn read_stdin(&self, _: u64) -> io::Result<SecretBytes> {
        Ok(SecretBytes::default())
    }
}

fn options(url: &str) -> Options {
    Options {
        url: url.into(),
        cacert: None,
        timeout: Duration::from_secs(1),
        retries: 2,
        insecure_http: false,
        read_only: false,
    }
}

fn sources(env: &Env) -> Sources<'_> {
    Sources {
        token_file: None,
        passphrase_file: None,
        env,
        term: &NoTerminal,
        no_input: true,
        warnings: Default::default(),
        origin: Default::default(),
    }
}

fn token_env(token: &str) -> Env {
    Env {
        token: Some(SecretString::new(token.into())),
        ..Env::default()
    }
}

fn backend() -> RemoteBackend {
    let env = token_env("Bearer ssos_abc");
    RemoteBackend::connect(&options("http://127.0.0.1:9/api/"), &sources(&env)).unwrap()
}

fn app(s: &str) -> AppName {
    AppName::new(s).unwrap()
}

fn user(s: &str) -> UserId {
    UserId::new(s).unwrap()
}

fn did(s: &str) -> Did {
    s.parse().unwrap()
}

fn name(s: &str) -> SecretName {
    SecretName::new(s).unwrap()
}

fn body(b: &[u8]) -> SecretBytes {
    SecretBytes::new(b.to_vec())
}

/// (method, url, user-id, body, content type)
fn route(
    r: Request,
) -> (
    String,
    String,
    Option<String>,
    Option<Vec<u8>>,
    Option<&'static str>,
) {
    let p = route::prepare(&backend().endpoint, r).ok().unwrap();
    (
        p.method.to_string(),
        p.url,
        p.user
            .map(|u| String::from_utf8(u.as_bytes().to_vec()).unwrap()),
        p.body.as_ref().map(|(b, _)| b.expose().to_vec()),
        p.body.map(|(_, t)| t),
    )
}

#[test]
fn the_seven_requests_use_the_apihub_routes() {
    let base = "http://127.0.0.1:9/api";
    let alice = "did:ssi:name:v:demo/alice";
    let alice58 = crate::did::encode(alice);
    let r = route(Request::GetSso {
        app: app("demo"),
        user: user("alice"),
    });
    assert_eq!(r.0, "GET");
    assert_eq!(r.1, format!("{base}/getSSOSecret/demo"));
    assert_eq!(r.2.as_deref(), Some("alice"));
    assert!(r.3.is_none());

    let r = route(Request::PutSso {
        app: app("demo"),
        user: user("alice"),
        body: body(b"s\"3\n"),
    });
    assert_eq!(
        (r.0.as_str(), r.1),
        ("PUT", format!("{base}/putSSOSecret/demo"))
    );
    assert_eq!(r.3.unwrap(), br#"{"secret":"s\"3\n"}"#);
    assert_eq!(r.4, Some("application/json"));

    let r = route(Request::DeactivateSso {
        app: app("demo"),
        user: UserRef::Did(did(alice)),
    });
    assert_eq!(r.0, "DELETE");
    assert_eq!(r.1, format!("{base}/deactivateSSOSecret/demo/{alice58}"));
    assert_eq!(r.2.as_deref(), Some("alice"));

    let r = route(Request::RemoveSso {
        app: app("demo"),
        user: UserRef::Did(did(alice)),
    });
    assert_eq!(
        (r.1, r.2.as_deref()),
        (format!("{base}/removeSSOSecret/demo"), Some("alice"))
    );

    let r = route(Request::PutDid {
        did: did(alice),
        name: name("credential"),
        body: body(b"\0\xff"),
    });
    assert_eq!(r.1, format!("{base}/putDIDSecret/{alice58}/credential"));
    assert_eq!(
        (r.2, r.3.unwrap(), r.4),
        (None, b"\0\xff".to_vec(), Some("application/octet-stream"))
    );

    let r = route(Request::GetDid {
        did: did(alice),
        name: name("a b"),
    });
    assert_eq!(
        (r.0.as_str(), r.1),
        ("GET", format!("{base}/getDIDSecret/{alice58}/a%20b"))
    );

    let r = route(Request::DeleteDid {
        did: did(alice),
        name: name("credential"),
    });
    assert_eq!(
        (r.0.as_str(), r.1),
        (
            "DELETE",
            format!("{base}/removeDIDSecret/{alice58}/credential")
        )
    );
}

#[test]
fn deactivate_by_id_sends_a_did_that_names_the_same_user() {
    let r = route(Request::DeactivateSso {
        app: app("demo"),
        user: UserRef::Id(user("bob")),
    });
    let seg = r.1.rsplit('/').next().unwrap().to_string();
    let d: Did = seg.parse().unwrap();
    assert_eq!(UserRef::Did(d).resolve(&app("demo")).unwrap(), user("bob"));
    assert_eq!(r.2.as_deref(), Some("bob"));
    // An app with '/' cannot appear in a name DID; a DID user id names itself.
    let me = "did:ssi:key:xyz";
    let got = route::stand_in_did(&app("a/b"), &user(me));
    assert_eq!(got, crate::did::encode(me));
}

#[test]
fn non_utf8_sso_secret_and_bad_bodies_are_refused_before_sending() {
    let b = backend();
    let e = route::prepare(
        &b.endpoint,
        Request::PutSso {
            app: app("demo"),
            user: user("a"),
            body: body(b"\xff\xfe"),
        },
    )
    .err()
    .unwrap();
    assert_eq!(e.status(), crate::status::Status::WrongFormat);
    assert!(e.detail().contains("not UTF-8"), "{}", e.detail());
    for bad in [Vec::new(), vec![b'x'; MAX_BODY + 1]] {
        let e = route::prepare(
            &b.endpoint,
            Request::PutDid {
                did: did("did:x:y"),
                name: name("n"),
                body: SecretBytes::new(bad),
            },
        )
        .err()
        .unwrap();
        assert_eq!(e.status(), crate::status::Status::WrongFormat);
    }
}

#[test]
fn user_ids_the_header_would_change_are_usage_errors() {
    for u in [" alice", "alice\u{a0}x "] {
        let e = route::prepare(
            &backend().endpoint,
            Request::GetSso {
                app: app("demo"),
                user: user(u),
            },
        )
        .err()
        .unwrap();
        assert_eq!(e.status(), crate::status::Status::Usage, "{u:?}");
    }
    let r = route(Request::GetSso {
        app: app("demo"),
        user: user("zoë"),
    });
    assert_eq!(r.2.as_deref(), Some("zoë"));
}

#[test]
fn only_a_token_is_ever_sent_and_none_is_needed() {
    let none = Env::default();
    let b = RemoteBackend::connect(&options("http://127.0.0.1:9"), &sources(&none)).unwrap();
    assert!(b.bearer.is_none());
    assert!(b.no_token().contains("--token-file"));
    let pass = Env {
        passphrase: Some(SecretString::new("pw".into())),
        ..Env::default()
    };
    let b = RemoteBackend::connect(&options("http://127.0.0.1:9"), &sources(&pass)).unwrap();
    assert!(b.bearer.is_none(), "a passphrase is never a Bearer token");
    assert!(b.no_token().contains("a passphrase never is"));
    for bad in ["", "Bearer ", "tok\u{7f}en", "tök"] {
        let env = token_env(bad);
        let e = RemoteBackend::connect(&options("http://127.0.0.1:9"), &sources(&env))
            .err()
            .unwrap();
        assert_eq!(e.status(), crate::status::Status::Unauthorized, "{bad:?}");
    }
    let b = backend();
    let bearer = b.bearer.as_ref().unwrap();
    assert_eq!(bearer.to_str().unwrap(), "Bearer ssos_abc");
    assert!(bearer.is_sensitive());
    assert_eq!(b.principal(), Principal::Remote);
}

#[test]
fn the_url_is_checked_before_the_credential() {
    let none = Env::default();
    let e = RemoteBackend::connect(&options("http://vault.example"), &sources(&none))
        .err()
        .unwrap();
    assert_eq!(e.status(), crate::status::Status::Usage);
}

#[test]
fn read_only_refuses_writes_without_sending() {
    let env = token_env("t");
    let mut o = options("http://127.0.0.1:9");
    o.read_only = true;
    let b = RemoteBackend::connect(&o, &sources(&env)).unwrap();
    let e = b
        .call(Request::DeleteDid {
            did: did("did:x:y"),
            name: name("n"),
        })
        .unwrap_err();
    assert_eq!(e.status(), crate::status::Status::ReadOnly);
}

#[test]
fn backoff_is_bounded_and_jittered() {
    for attempt in 1..20 {
        let d = backoff(attempt);
        assert!(
            d >= Duration::from_millis(50) && d <= Duration::from_secs(2),
            "{d:?}"
        );
    }
    let spread: std::collections::HashSet<_> = (0..20).map(|_| backoff(3)).collect();
    assert!(spread.len() > 1);
}

#[test]
fn shorten_escapes_and_cuts() {
    assert_eq!(shorten("  a\tb\u{7}  "), "a\\tb\\u{7}");
    assert_eq!(
        shorten("x\u{202e}y\u{200b}z\u{2067}\u{feff}\\n"),
        "x\\u{202e}y\\u{200b}z\\u{2067}\\u{feff}\\n"
    );
    let s = shorten(&"é".repeat(300));
    assert_eq!(s.chars().count(), 201);
}
