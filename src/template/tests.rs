use super::*;
use crate::error::Error;
use crate::ops::Request;
use proptest::prelude::*;

fn sso(app: &str, user: &str) -> Part {
    Part::Secret(SecretRef::Sso {
        app: AppName::new(app).unwrap(),
        user: UserId::new(user).unwrap(),
    })
}

fn did(text: &str, name: &str) -> Part {
    Part::Secret(SecretRef::Did {
        did: Did::from_text(text).unwrap(),
        name: SecretName::new(name).unwrap(),
    })
}

fn text(t: &str) -> Part {
    Part::Text(t.as_bytes().to_vec())
}

fn parts(t: &str) -> Vec<Part> {
    Template::parse(t.as_bytes()).unwrap().parts().to_vec()
}

fn err(t: &str) -> (usize, usize, String) {
    let e = Template::parse(t.as_bytes()).unwrap_err();
    (e.line, e.column, e.message)
}

/// Renders with each secret's value being `<app or DID>/<user or name>`.
fn render(t: &[u8]) -> Vec<u8> {
    Template::parse(t)
        .unwrap()
        .render(|s| {
            let v = match s {
                SecretRef::Sso { app, user } => format!("{app}/{user}"),
                SecretRef::Did { did, name } => format!("{did}/{name}"),
            };
            Ok(SecretBytes::new(v.into_bytes()))
        })
        .unwrap()
        .expose()
        .to_vec()
}

/// The template that renders to exactly `text`.
fn escape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(k) = find(rest, b"{{") {
        let slashes = rest[..k].iter().rev().take_while(|&&b| b == b'\\').count();
        out.extend_from_slice(&rest[..k]);
        out.resize(out.len() + slashes, b'\\');
        out.extend_from_slice(b"\\{{");
        rest = &rest[k + 2..];
    }
    out.extend_from_slice(rest);
    out
}

#[test]
fn both_kinds_with_and_without_blanks() {
    assert_eq!(
        parts("user=alice\npass={{ sso \"demo\" \"alice\" }}\n"),
        vec![text("user=alice\npass="), sso("demo", "alice"), text("\n")]
    );
    assert_eq!(
        parts("{{sso\"demo\"\"alice\"}}{{\tdid  \"did:ssi:key:abc\" \"credential\"\t}}"),
        vec![sso("demo", "alice"), did("did:ssi:key:abc", "credential")]
    );
}

#[test]
fn did_may_be_base58_or_text() {
    let b58 = crate::did::encode("did:ssi:name:v:demo/alice");
    assert_eq!(
        parts(&format!("{{{{ did \"{b58}\" \"credential\" }}}}")),
        vec![did("did:ssi:name:v:demo/alice", "credential")]
    );
}

#[test]
fn json_escapes_in_arguments() {
    assert_eq!(
        parts(r#"{{ sso "a\"b\\c\/d" "\u00e9\ud83d\ude00 x" }}"#),
        vec![sso("a\"b\\c/d", "é😀 x")]
    );
}

#[test]
fn backslash_escapes_before_braces_only() {
    assert_eq!(render(br"a\{{b}}c"), b"a{{b}}c");
    assert_eq!(render(br#"\\{{ sso "x" "y" }}"#), b"\\x/y");
    assert_eq!(render(br"\\\{{"), b"\\{{");
    assert_eq!(render(br#"C:\dir\ {{ sso  "x" "y"}}"#), br"C:\dir\ x/y");
    assert_eq!(render(br"\n \\ \} {} { { }}"), br"\n \\ \} {} { { }}");
    assert_eq!(render(br"\{{{"), b"{{{");
}

#[test]
fn the_same_secret_is_read_once() {
    let t = Template::parse(br#"{{ sso "a" "u" }} {{ sso "a" "u" }} {{ sso "a" "v" }}"#).unwrap();
    assert_eq!(t.secrets().len(), 2);
    let mut calls = 0;
    let out = t
        .render(|_| {
            calls += 1;
            Ok(SecretBytes::new(vec![0, 0xff, b'\n']))
        })
        .unwrap();
    assert_eq!(calls, 2);
    assert_eq!(out.expose(), b"\0\xff\n \0\xff\n \0\xff\n");
}

#[test]
fn the_first_failure_stops_rendering() {
    let t = Template::parse(br#"{{ sso "a" "u" }}{{ sso "a" "v" }}{{ sso "a" "w" }}"#).unwrap();
    let mut asked = Vec::new();
    let e = t
        .render(|s| {
            asked.push(s.clone());
            match asked.len() {
                2 => Err(Error::NotFound("no".into())),
                _ => Ok(SecretBytes::new(b"x".to_vec())),
            }
        })
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert_eq!(asked.len(), 2);
}

#[test]
fn requests_are_gets() {
    let Part::Secret(s) = sso("demo", "alice") else {
        unreachable!()
    };
    assert!(matches!(Request::read(&s), Request::GetSso { app, user }
        if app.as_str() == "demo" && user.as_str() == "alice"));
    let Part::Secret(d) = did("did:x:y", "n") else {
        unreachable!()
    };
    assert!(matches!(Request::read(&d), Request::GetDid { did, name }
        if did.text() == "did:x:y" && name.as_str() == "n"));
    assert_eq!(
        s.to_string(),
        "the SSO secret of user \"alice\" of app \"demo\""
    );
}

#[test]
fn errors_name_line_and_column() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "a\nb {{ ssso \"x\" \"y\" }}",
            2,
            6,
            "unknown placeholder \"ssso\"",
        ),
        ("{{ }}", 1, 4, "expected `sso` or `did`"),
        ("{{ \"x\" }}", 1, 4, "expected `sso` or `did`"),
        ("x {{ sso \"a\" \"b\"", 1, 3, "not closed with `}}`"),
        ("{{ sso \"a\" \"b\" ", 1, 1, "not closed with `}}`"),
        ("{{ sso", 1, 1, "not closed with `}}`"),
        (
            "{{ sso demo \"b\" }}",
            1,
            8,
            "expected the app name as a JSON string",
        ),
        ("{{ sso \"a\" }}", 1, 12, "missing the user id"),
        ("{{ sso \"a\" \"b\" \"c\" }}", 1, 16, "too many arguments"),
        ("{{ sso \"a\" \"b\" x}}", 1, 16, "expected `}}`, found 'x'"),
        ("{{ sso \"a\" \"b\" }", 1, 16, "expected `}}`, found '}'"),
        (
            "{{ sso \"a\" \"b\"\n}}",
            1,
            15,
            "expected `}}`, found the end of the line",
        ),
        ("{{ sso \"\" \"b\" }}", 1, 8, "app name must not be empty"),
        (
            "{{ sso \"a\" \"b\\tc\" }}",
            1,
            12,
            "contains a control character",
        ),
        (
            "{{ did \"hello\" \"n\" }}",
            1,
            8,
            "invalid base58 \"hello\"",
        ),
        (
            "{{ did \"Cn8eVZg\" \"n\" }}",
            1,
            8,
            "does not start with \"did:\"",
        ),
        (
            "{{ did \"did:x\" \"\" }}",
            1,
            16,
            "secret name must not be empty",
        ),
        ("é {{ sso \"a\\q\" \"b\" }}", 1, 12, "invalid escape"),
        ("{{ sso \"a\\u12\" \"b\" }}", 1, 10, "four hex digits"),
        ("{{ sso \"a\\ud800\" \"b\" }}", 1, 10, "unpaired surrogate"),
        ("{{ sso \"a\\udc00\" \"b\" }}", 1, 10, "unpaired surrogate"),
        (
            "{{ sso \"a\\ud800\\u0041\" \"b\" }}",
            1,
            10,
            "unpaired surrogate",
        ),
        ("{{ sso \"a\n\" \"b\" }}", 1, 8, "not closed on its line"),
        ("{{ sso \"a\u{1}\" \"b\" }}", 1, 10, "control character"),
        ("{{ sso \"ab", 1, 8, "string is not closed"),
    ];
    for (input, line, column, message) in cases {
        let (l, c, m) = err(input);
        assert_eq!((l, c), (*line, *column), "{input:?}: {m}");
        assert!(m.contains(message), "{input:?}: {m:?} lacks {message:?}");
    }
}

#[test]
fn non_utf8_text_is_copied_and_columns_count_characters() {
    assert_eq!(
        render(b"\xff\xfe{{ sso \"a\" \"b\" }}\x80"),
        b"\xff\xfea/b\x80"
    );
    let e = Template::parse("ééé {{ nope }}".as_bytes()).unwrap_err();
    assert_eq!((e.line, e.column), (1, 8));
    let e = Template::parse(b"{{ sso \"\xff\" \"b\" }}").unwrap_err();
    assert_eq!(
        (e.column, e.message.as_str()),
        (8, "string is not valid UTF-8")
    );
    assert_eq!(e.to_string(), "line 1, column 8: string is not valid UTF-8");
}

#[test]
fn messages_echo_at_most_a_word() {
    let long = format!("{{{{ {} }}}}", "x".repeat(100));
    let (_, _, m) = err(&long);
    assert!(m.len() < 100, "{m}");
    let (_, _, m) = err("{{ sso \"a\" \"b\" hunter2 }}");
    assert!(!m.contains("hunter2"), "{m}");
}

proptest! {
    #[test]
    fn text_without_braces_is_unchanged(t in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assume!(find(&t, b"{{").is_none());
        let parsed = Template::parse(&t).unwrap();
        prop_assert!(parsed.secrets().is_empty());
        prop_assert_eq!(render(&t), t);
    }

    #[test]
    fn any_text_survives_escaping(t in "[a{}\\\\\n]{0,40}") {
        prop_assert_eq!(render(&escape(t.as_bytes())), t.as_bytes());
    }

    #[test]
    fn any_string_survives_json_quoting(app in "[^\\p{Cc}\\p{Cf}]{1,40}", user in "[^\\p{Cc}\\p{Cf}]{1,40}") {
        let t = format!(
            "{{{{ sso {} {} }}}}",
            serde_json::to_string(&app).unwrap(),
            serde_json::to_string(&user).unwrap()
        );
        prop_assume!(app.len() <= 256 && user.len() <= 256);
        prop_assert_eq!(parts(&t), vec![sso(&app, &user)]);
    }

    #[test]
    fn parsing_never_panics(t in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Template::parse(&t);
    }

    #[test]
    fn parsing_placeholder_like_text_never_panics(t in "(\\{\\{|}}|\\\\|\"|sso|did| |\\\\u|d8|dc|a)*") {
        let _ = Template::parse(t.as_bytes());
    }
}
