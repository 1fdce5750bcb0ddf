//! Issue 12, "A first hour without surprises": one test per numbered item,
//! each checking what the user sees (exit code, stderr line, file mode, the
//! terminal). The README walk itself is `tests/readme.rs`.

use crate::common::*;
use predicates::prelude::*;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::os::unix::fs::PermissionsExt;

const DID_TEXT: &str = "did:ssi:name:vault.example:demo/alice";

/// The binary on a pseudo-terminal (stdin, stdout and stderr), as a person
/// at a terminal runs it.
fn at_terminal(v: &Vault, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut c = raw_bin();
    c.arg("--vault").arg(&v.path).args(args);
    for (k, val) in env {
        c.env(k, val);
    }
    spawn_command(c, Some(30_000)).expect("spawn on a pty")
}

fn exit_code(mut p: PtySession) -> (String, i32) {
    let rest = p.exp_eof().expect("eof");
    match p.process_mut().wait().expect("wait") {
        WaitStatus::Exited(_, code) => (rest, code),
        other => panic!("not exited: {other:?}"),
    }
}

#[test]
fn item1_init_in_a_script_names_the_flags_it_has() {
    let v = Vault::empty();
    v.cmd().arg("init").assert().code(43).stderr(
        "sso-secrets: 403 unauthorized: no passphrase for the new vault: set \
             SSO_SECRETS_PASSPHRASE or pass --passphrase-file (--no-input forbids prompting)\n",
    );
    let pass = v.file("pass", format!("{PASS}\n").as_bytes());
    bin()
        .arg("--vault")
        .arg(&v.path)
        .arg("--passphrase-file")
        .arg(&pass)
        .args(["init", "--kdf-memory", "19", "--kdf-iterations", "2"])
        .assert()
        .success();
    v.pass().args(["vault", "info"]).assert().success();
}

#[test]
fn item2_man_pages_install_where_man_finds_them_and_completions_need_no_setup() {
    let v = Vault::empty();
    let dir = v.dir().join("share/man");
    bin()
        .args(["man", "--install-dir"])
        .arg(&dir)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::starts_with("sso-secrets: installed "));
    for page in [
        "sso-secrets.1",
        "sso-secrets-put-sso.1",
        "sso-secrets-token-create.1",
    ] {
        let p = dir.join("man1").join(page);
        assert!(p.is_file(), "{page} not installed");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o022,
            0
        );
    }
    // Without --install-dir, the main page for `man -l -`.
    bin()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".SH \"EXIT STATUS\""));
    // The bash script needs nothing from the bash-completion package.
    let script = String::from_utf8(stdout_of(bin().args(["completions", "bash"]))).unwrap();
    assert!(!script.contains("_init_completion") && !script.contains("_get_comp_words_by_ref"));
}

#[test]
fn item3_did_text_is_a_did_and_usage_puts_the_app_first() {
    let v = Vault::new();
    v.pass()
        .args(["put-did", DID_TEXT, "credential"])
        .write_stdin("c")
        .assert()
        .success();
    v.pass()
        .args(["get-did", &did(DID_TEXT), "credential"])
        .assert()
        .stdout("c");
    for cmd in ["deactivate-sso", "remove-sso"] {
        bin()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "Usage: sso-secrets {cmd} [OPTIONS] <APP> (<DID> | --user-id <USER_ID>)"
            )));
    }
}

#[test]
fn item4_empty_variables_count_as_unset() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    v.pass()
        .env("SSO_SECRETS_TOKEN", "")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .success()
        .stdout("s3cret");
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(predicate::str::contains("no credential"));
    // An empty SSO_SECRETS_VAULT is the default vault, not an empty --vault.
    let home = tempfile::tempdir().unwrap();
    bin()
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env("SSO_SECRETS_VAULT", "")
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .arg("list")
        .assert()
        .code(1)
        .stderr(format!(
            "sso-secrets: error: no vault at {}/.local/share/sso-secrets/vault \
             (create one with `sso-secrets init`)\n",
            home.path().display()
        ));
    bin()
        .env("SSO_SECRETS_VAULT", &v.path)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .env("SSO_SECRETS_READ_ONLY", "")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .success();
}

#[test]
fn item5_vault_busy_is_exit_75() {
    let v = Vault::new();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(v.dir().join("vault.lock"))
        .unwrap();
    lock.lock().unwrap();
    v.pass()
        .args(["--lock-timeout", "0.2", "put-sso", "demo", "--user-id", "a"])
        .write_stdin("x")
        .assert()
        .code(75)
        .stderr(predicate::str::starts_with(
            "sso-secrets: error: vault busy",
        ));
    lock.unlock().unwrap();
}

#[test]
fn item6_a_secret_typed_as_an_argument_is_never_echoed() {
    let v = Vault::new();
    let hint = "sso-secrets: hint: secrets are never taken as arguments: pipe them or use --file\n";
    v.pass()
        .args(["put-sso", "demo", "--user-id", "deploy", "hunter2"])
        .assert()
        .code(2)
        .stderr(format!(
            "sso-secrets: usage: unexpected argument for put-sso (not shown: it may be a secret)\n{hint}"
        ));
    v.pass()
        .args([
            "put-sso",
            "demo",
            "--user-id",
            "deploy",
            "--secret",
            "hunter2",
        ])
        .assert()
        .code(2)
        .stderr(format!(
            "sso-secrets: usage: unknown option --secret for put-sso\n{hint}"
        ));
    v.pass()
        .args(["put-sso", "demo", "--user-id", "deploy", "--secret=hunter2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hunter2").not());
    v.pass()
        .args(["--json", "get-sso", "demo", "--user-id", "a", "hunter2"])
        .assert()
        .code(2)
        .stderr(
            "{\"status\":null,\"error\":\"usage: unexpected argument for get-sso (not shown: it may be a secret)\",\"exit\":2}\n",
        );
    // Every usage error is one line, with at most one hint line after it.
    for args in [
        vec!["get-sso", "demo"],
        vec!["frobnicate"],
        vec!["token"],
        vec!["init", "--kdf-memory", "lots"],
    ] {
        let out = v.pass().args(&args).assert().code(2).get_output().clone();
        let err = stderr_of(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines[0].starts_with("sso-secrets: usage: "),
            "{args:?}: {err}"
        );
        assert!(lines.len() <= 2, "{args:?}: {err}");
        if let Some(l) = lines.get(1) {
            assert!(l.starts_with("sso-secrets: hint: "), "{args:?}: {err}");
        }
    }
}

#[test]
fn item7_at_a_terminal_typos_get_another_try_and_weak_passphrases_a_warning() {
    // init: a weak passphrase is named, a mismatch asks again.
    let v = Vault::empty();
    let mut p = at_terminal(
        &v,
        &["init", "--kdf-memory", "19", "--kdf-iterations", "2"],
        &[],
    );
    p.exp_string("New vault passphrase: ").unwrap();
    type_line(&mut p, "a");
    p.exp_string("warning: weak passphrase").unwrap();
    p.exp_string("Repeat the passphrase: ").unwrap();
    type_line(&mut p, "b");
    p.exp_string("the two passphrases differ; try again")
        .unwrap();
    p.exp_string("New vault passphrase: ").unwrap();
    type_line(&mut p, PASS);
    p.exp_string("Repeat the passphrase: ").unwrap();
    type_line(&mut p, PASS);
    let (rest, code) = exit_code(p);
    assert_eq!(code, 0, "{rest}");
    assert!(
        rest.contains("created vault") && !rest.contains("weak"),
        "{rest}"
    );

    // A mistyped passphrase may be typed again.
    let mut p = at_terminal(&v, &["put-sso", "demo", "--user-id", "alice"], &[]);
    p.exp_string("Vault passphrase: ").unwrap();
    type_line(&mut p, "wrong");
    p.exp_string("wrong passphrase; try again").unwrap();
    p.exp_string("Vault passphrase: ").unwrap();
    type_line(&mut p, PASS);
    // A typed secret is asked for twice.
    p.exp_string("Secret: ").unwrap();
    type_line(&mut p, "s3cret");
    p.exp_string("Repeat the secret: ").unwrap();
    type_line(&mut p, "s3cret");
    let (rest, code) = exit_code(p);
    assert_eq!(code, 0, "{rest}");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .stdout("s3cret");

    // Three wrong tries: 43.
    let mut p = at_terminal(&v, &["get-sso", "demo", "--user-id", "alice"], &[]);
    for _ in 0..3 {
        p.exp_string("Vault passphrase: ").unwrap();
        type_line(&mut p, "wrong");
    }
    let (rest, code) = exit_code(p);
    assert_eq!(code, 43, "{rest}");
    assert!(
        rest.contains("sso-secrets: 403 unauthorized: wrong passphrase"),
        "{rest}"
    );

    // In a script a wrong passphrase fails at once: no retry, no prompt.
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", "wrong")
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(
            "sso-secrets: 403 unauthorized: wrong passphrase \
             (the passphrase from SSO_SECRETS_PASSPHRASE)\n",
        );
}

#[test]
fn item8_no_input_and_missing_secret_messages_at_a_terminal() {
    let v = Vault::new();
    let p = at_terminal(
        &v,
        &["--no-input", "get-sso", "demo", "--user-id", "a"],
        &[],
    );
    let (rest, code) = exit_code(p);
    assert_eq!(code, 43);
    assert!(rest.contains("(--no-input forbids prompting)"), "{rest}");
    let p = at_terminal(
        &v,
        &["--no-input", "put-sso", "demo", "--user-id", "a"],
        &[("SSO_SECRETS_PASSPHRASE", PASS)],
    );
    let (rest, code) = exit_code(p);
    assert_eq!(code, 50);
    assert!(
        rest.contains("no secret given: pipe it or use --file"),
        "{rest}"
    );
}

#[test]
fn item8_blank_secrets_warn_and_the_init_hint_keeps_the_vault() {
    let v = Vault::new();
    for blank in ["\n", "  \t\n"] {
        v.pass()
            .args(["put-sso", "demo", "--user-id", "a"])
            .write_stdin(blank)
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "warning: the secret is only whitespace",
            ));
    }
    let missing = v.dir().join("other vault");
    bin()
        .arg("--vault")
        .arg(&missing)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .arg("list")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "(create one with `sso-secrets --vault '{}' init`)",
            missing.display()
        )));
}

#[test]
fn item8_durations_and_a_warning_for_tokens_that_never_expire() {
    let v = Vault::new();
    for d in ["1w", "2h30m"] {
        v.pass()
            .args(["token", "create", &format!("t{d}"), "--expires-in", d])
            .assert()
            .success()
            .stderr("");
    }
    v.pass()
        .args(["token", "create", "forever"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: token \"forever\" never expires",
        ));
    v.pass()
        .args(["token", "create", "bad", "--expires-in", "1x"])
        .assert()
        .code(2);
}

#[test]
fn item8_tables_have_headers_and_writes_confirm_at_a_terminal_only() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"x");
    // Piped: no header, tab-separated, nothing on stderr.
    let piped = String::from_utf8(stdout_of(v.pass().arg("list"))).unwrap();
    assert!(piped.starts_with("sso\tdemo\talice\tactive\t"), "{piped}");
    v.pass()
        .args(["put-sso", "demo", "--user-id", "bob"])
        .write_stdin("y")
        .assert()
        .success()
        .stderr("");
    let env = [("SSO_SECRETS_PASSPHRASE", PASS)];
    let (out, code) = exit_code(at_terminal(&v, &["list"], &env));
    assert_eq!(code, 0);
    assert!(
        out.contains("KIND") && out.contains("USER ID OR NAME"),
        "{out}"
    );
    let (out, code) = exit_code(at_terminal(&v, &["token", "list"], &env));
    assert_eq!(code, 0);
    assert!(out.contains("nothing to list"), "{out}");
    let (out, code) = exit_code(at_terminal(
        &v,
        &["remove-sso", "demo", "--user-id", "bob"],
        &env,
    ));
    assert_eq!(code, 0);
    assert!(
        out.contains("sso-secrets: removed the SSO secret of user \"bob\""),
        "{out}"
    );
    let tpl = v.file("app.conf.tpl", b"pw={{ sso \"demo\" \"alice\" }}\n");
    let conf = v.dir().join("app.conf");
    let (out, code) = exit_code(at_terminal(
        &v,
        &[
            "inject",
            "-i",
            tpl.to_str().unwrap(),
            "-o",
            conf.to_str().unwrap(),
        ],
        &env,
    ));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(mode 0600)"), "{out}");
    assert_eq!(std::fs::read(&conf).unwrap(), b"pw=x\n");
}

#[test]
fn item8_completions_and_man_pages() {
    let bash = String::from_utf8(stdout_of(bin().args(["completions", "bash"]))).unwrap();
    let zsh = String::from_utf8(stdout_of(bin().args(["completions", "zsh"]))).unwrap();
    let fish = String::from_utf8(stdout_of(bin().args(["completions", "fish"]))).unwrap();
    for script in [&bash, &zsh, &fish] {
        assert!(!script.contains("generate-assets"));
    }
    let pages = sso_secrets::testing::assets::man_pages().unwrap();
    for (name, page) in &pages[1..] {
        let page = String::from_utf8_lossy(page);
        assert!(!page.contains(".SH EXTRA"), "{name}");
        assert!(page.contains(".SH \"EXIT STATUS\""), "{name}");
        assert!(page.contains(".SH EXAMPLES"), "{name}");
    }
    let get = pages
        .iter()
        .find(|(n, _)| n == "sso-secrets-get-sso.1")
        .map(|(_, p)| String::from_utf8_lossy(p).into_owned())
        .unwrap();
    assert!(get.contains("\\fI<USER_ID>\\fR"), "{get}");
}

/// Types `line` at the prompt as a person would: after the prompt has
/// turned echo off, not in the instant between the prompt and that change.
fn type_line(p: &mut rexpect::session::PtySession, line: &str) {
    std::thread::sleep(std::time::Duration::from_millis(50));
    p.send_line(line).unwrap();
}
