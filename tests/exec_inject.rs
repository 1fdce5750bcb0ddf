//! `exec` and `inject`: secrets into a process's environment or a file,
//! through the real binary.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

const ALICE: &str = "did:ssi:name:vault.example:demo/alice";

/// A vault with an SSO secret, a DID secret and a binary SSO secret.
fn vault() -> Vault {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    v.put_did(ALICE, "credential", b"{\"k\":1}");
    v.put_sso("demo", "binary", b"\xff\xfe\n\x01");
    v
}

fn run(c: &mut assert_cmd::Command) -> std::process::Output {
    c.output().unwrap()
}

/// A marker file the command would create if it ran.
fn ran(v: &Vault) -> std::path::PathBuf {
    v.dir().join("ran")
}

fn touch(v: &Vault) -> [String; 2] {
    ["touch".into(), ran(v).display().to_string()]
}

#[test]
fn exec_passes_secrets_as_bytes_and_the_exit_code_through() {
    let v = vault();
    let out = run(v
        .pass()
        .args(["exec", "--sso", "PW", "demo", "alice"])
        .args(["--did", "CRED", &did(ALICE), "credential"])
        .args(["--sso", "BIN", "demo", "binary", "--"])
        .args([
            "sh",
            "-c",
            r#"printf '%s|%s|%s' "$PW" "$CRED" "$BIN"; exit 7"#,
        ]));
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    assert_eq!(out.stdout, b"s3cret|{\"k\":1}|\xff\xfe\n\x01");
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
}

#[test]
fn exec_the_did_text_works_like_base58_and_args_reach_the_command_verbatim() {
    let v = vault();
    let out = run(v
        .pass()
        .args(["exec", "--did", "C", ALICE, "credential", "--"])
        .args([
            "sh",
            "-c",
            r#"printf '%s %s %s %s' "$C" "$1" "$2" "${SSO_SECRETS_PASSPHRASE-withheld}""#,
            "sh",
            "--json",
            "-x",
        ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(out.stdout, b"{\"k\":1} --json -x withheld");
}

#[test]
fn exec_is_the_same_process_so_signals_reach_the_command() {
    let v = vault();
    let mut child = raw_bin()
        .args(["--no-input", "--vault"])
        .arg(&v.path)
        .args(["exec", "--sso", "PW", "demo", "alice", "--"])
        .args([
            "sh",
            "-c",
            r#"trap 'echo "got TERM with $PW"; exit 42' TERM; echo $$; while :; do sleep 0.05; done"#,
        ])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let pid: u32 = lines.next().unwrap().unwrap().parse().unwrap();
    assert_eq!(
        pid,
        child.id(),
        "the command runs in the tool's own process"
    );
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(lines.next().unwrap().unwrap(), "got TERM with s3cret");
    assert_eq!(child.wait().unwrap().code(), Some(42));

    // Without a handler the command dies of the signal, as it would alone.
    let mut child = raw_bin()
        .args(["--no-input", "--vault"])
        .arg(&v.path)
        .args(["exec", "--sso", "PW", "demo", "alice", "--"])
        .args(["sh", "-c", "echo $$; exec sleep 30"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), child.id().to_string());
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(15));
}

#[test]
fn exec_a_missing_secret_stops_the_command() {
    let v = vault();
    let out = run(v
        .pass()
        .args([
            "exec", "--sso", "A", "demo", "alice", "--sso", "B", "demo", "bob", "--",
        ])
        .args(touch(&v)));
    assert_eq!(out.status.code(), Some(44));
    assert_eq!(
        stderr_of(&out),
        "sso-secrets: 404 not found: no SSO secret for user \"bob\" of app \"demo\"\n"
    );
    assert!(!ran(&v).exists());
    assert!(out.stdout.is_empty());
}

#[test]
fn exec_a_token_out_of_scope_stops_the_command() {
    let v = vault();
    let token = v.create_token(&["ci", "--app", "other"]);
    let out = run(v
        .token(&token)
        .args(["exec", "--sso", "A", "demo", "alice", "--"])
        .args(touch(&v)));
    assert_eq!(out.status.code(), Some(43), "{}", stderr_of(&out));
    assert!(stderr_of(&out).starts_with("sso-secrets: 403 unauthorized: "));
    assert!(!ran(&v).exists());
    // In scope, the same token works, and is not handed on to the command.
    let token = v.create_token(&["ci2", "--app", "demo"]);
    let out = run(v
        .token(&token)
        .args(["exec", "--sso", "A", "demo", "alice", "--"])
        .args([
            "sh",
            "-c",
            r#"printf '%s %s' "$A" "${SSO_SECRETS_TOKEN-withheld}""#,
        ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(out.stdout, b"s3cret withheld");
}

#[test]
fn exec_a_nul_in_a_value_is_500_naming_the_variable() {
    let v = vault();
    v.put_sso("demo", "nul", b"a\0b");
    let out = run(v
        .pass()
        .args([
            "exec", "--sso", "GOOD", "demo", "alice", "--sso", "DB_PASS", "demo", "nul",
        ])
        .arg("--")
        .args(touch(&v)));
    assert_eq!(out.status.code(), Some(50));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("sso-secrets: 500 wrong secret format: "),
        "{err}"
    );
    assert!(err.contains("DB_PASS") && err.contains("NUL"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert!(!ran(&v).exists());
}

#[test]
fn exec_127_when_not_found_126_when_not_runnable() {
    let v = vault();
    let out = run(v.pass().args([
        "exec",
        "--sso",
        "A",
        "demo",
        "alice",
        "--",
        "no-such-command-here",
    ]));
    assert_eq!(out.status.code(), Some(127));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("sso-secrets: error: cannot run \"no-such-command-here\": "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert!(!err.contains("s3cret"));

    let script = v.file("script.sh", b"#!/bin/sh\necho hi\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    for target in [script.as_path(), v.dir()] {
        let out = run(v
            .pass()
            .args(["exec", "--sso", "A", "demo", "alice", "--"])
            .arg(target));
        assert_eq!(out.status.code(), Some(126), "{target:?}");
        assert!(stderr_of(&out).starts_with("sso-secrets: error: cannot run "));
        assert_eq!(stderr_of(&out).lines().count(), 1);
    }
}

#[test]
fn exec_usage_errors_come_before_the_credential_and_run_nothing() {
    let v = vault();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--sso", "1X", "demo", "alice"],
            "not an environment variable name",
        ),
        (
            &["--sso", "A=B", "demo", "alice"],
            "not an environment variable name",
        ),
        (
            &["--sso", "", "demo", "alice"],
            "not an environment variable name",
        ),
        (
            &["--sso", "A", "", "alice"],
            "--sso A: app name must not be empty",
        ),
        (&["--did", "A", "hello", "x"], "--did A: invalid base58"),
        (
            &["--sso", "A", "demo", "alice", "--did", "A", ALICE, "n"],
            "given more than once",
        ),
        (&["--sso", "A", "demo"], "3 values required"),
    ];
    for (args, message) in cases {
        // No credential at all: usage still comes first (exit 2, not 43).
        let out = run(v.cmd().arg("exec").args(*args).arg("--").args(touch(&v)));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(err.starts_with("sso-secrets: usage: "), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!ran(&v).exists());
    }
    let out = run(v.pass().args(["exec", "--sso", "A", "demo", "alice"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("<COMMAND>"));
}

#[test]
fn exec_overrides_variables_and_says_so_only_at_a_terminal() {
    let v = vault();
    let out = run(v
        .pass()
        .env("PW", "old")
        .args(["exec", "--sso", "PW", "demo", "alice", "--"])
        .args(["sh", "-c", r#"printf '%s' "$PW""#]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"s3cret");
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));

    // At a terminal (util-linux `script` gives the tool a pty).
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        return unavailable("util-linux `script` is not installed");
    }
    let bin = assert_cmd::cargo::cargo_bin("sso-secrets");
    let line = format!(
        "PW=old {} --no-input --vault {} exec --sso PW demo alice -- true",
        bin.display(),
        v.path.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .env("XDG_STATE_HOME", NO_STATE)
        .env_remove("SSO_SECRETS_TOKEN")
        .env_remove("SSO_SECRETS_VAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sso-secrets: note: PW was already set; the secret replaces it"),
        "{text:?}"
    );
    assert!(!text.contains("s3cret"));
}

#[test]
fn inject_stdin_to_stdout_with_bytes_escapes_and_json_strings() {
    let v = vault();
    let template = format!(
        "user = alice\npass = {{{{ sso \"demo\" \"alice\" }}}}\ncred={{{{did \"{}\" \"credential\"}}}}\n\
         bin={{{{ sso \"d\\u0065mo\" \"binary\" }}}};\\{{{{ not a placeholder }}}}\n",
        did(ALICE)
    );
    let out = run(v.pass().arg("inject").write_stdin(template));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        out.stdout,
        b"user = alice\npass = s3cret\ncred={\"k\":1}\nbin=\xff\xfe\n\x01;{{ not a placeholder }}\n"
    );
    // With --json, stdout is one JSON object (like get-*).
    let out = run(v
        .pass()
        .args(["--json", "inject"])
        .write_stdin("p={{ sso \"demo\" \"alice\" }}"));
    assert_eq!(out.stdout, b"{\"status\":200,\"secret\":\"p=s3cret\"}\n");
}

#[test]
fn inject_writes_the_file_0600_replacing_an_existing_one() {
    let v = vault();
    let tpl = v.file("app.conf.tpl", b"password={{ sso \"demo\" \"alice\" }}\n");
    let conf = v.file("app.conf", b"old contents\n");
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(v
        .pass()
        .arg("inject")
        .arg("-i")
        .arg(&tpl)
        .arg("-o")
        .arg(&conf));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&conf).unwrap(), b"password=s3cret\n");
    let mode = std::fs::metadata(&conf).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // A new file is created 0600 too; --json says only the status.
    let fresh = v.dir().join("fresh.conf");
    let out = run(v
        .pass()
        .args(["--json", "inject", "--in-file"])
        .arg(&tpl)
        .arg("--out-file")
        .arg(&fresh));
    assert_eq!(out.stdout, b"{\"status\":200}\n");
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // In place: the template is read whole before the file is replaced.
    let both = v.file("both.conf", b"x={{ sso \"demo\" \"alice\" }}");
    let out = run(v
        .pass()
        .arg("inject")
        .arg("-i")
        .arg(&both)
        .arg("-o")
        .arg(&both));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&both).unwrap(), b"x=s3cret");

    // Through a symlink, the file it points to is replaced.
    let link = v.dir().join("link.conf");
    std::os::unix::fs::symlink(&conf, &link).unwrap();
    std::fs::write(&tpl, "v2={{ sso \"demo\" \"alice\" }}").unwrap();
    run(v
        .pass()
        .arg("inject")
        .arg("-i")
        .arg(&tpl)
        .arg("-o")
        .arg(&link));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&conf).unwrap(), b"v2=s3cret");
}

fn dir_listing(v: &Vault) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(v.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn inject_a_failing_secret_leaves_the_output_untouched() {
    let v = vault();
    let conf = v.file("app.conf", b"old contents\n");
    let before = dir_listing(&v);
    let tpl = "a={{ sso \"demo\" \"alice\" }}\nb={{ sso \"demo\" \"bob\" }}\n";
    let out = run(v.pass().arg("inject").arg("-o").arg(&conf).write_stdin(tpl));
    assert_eq!(out.status.code(), Some(44));
    assert_eq!(
        stderr_of(&out),
        "sso-secrets: 404 not found: no SSO secret for user \"bob\" of app \"demo\"\n"
    );
    assert_eq!(std::fs::read(&conf).unwrap(), b"old contents\n");
    assert_eq!(dir_listing(&v), before, "no temporary file is left behind");

    // To stdout, nothing at all is written.
    let out = run(v.pass().arg("inject").write_stdin(tpl));
    assert_eq!(out.status.code(), Some(44));
    assert!(out.stdout.is_empty());

    // Out of scope: 43, same guarantee.
    let token = v.create_token(&["other", "--app", "other"]);
    let out = run(v
        .token(&token)
        .arg("inject")
        .arg("-o")
        .arg(&conf)
        .write_stdin(tpl));
    assert_eq!(out.status.code(), Some(43));
    assert_eq!(std::fs::read(&conf).unwrap(), b"old contents\n");
}

#[test]
fn inject_template_errors_name_line_and_column_before_any_credential() {
    let v = vault();
    let conf = v.dir().join("out.conf");
    let cases = [
        (
            "ok\n  {{ ssso \"a\" \"b\" }}",
            "line 2, column 6: unknown placeholder \"ssso\"",
        ),
        (
            "{{ sso \"demo\" }}",
            "line 1, column 15: missing the user id",
        ),
        (
            "x {{ sso \"demo\" \"alice\"",
            "line 1, column 3: placeholder is not closed",
        ),
        (
            "{{ sso \"\\x\" \"b\" }}",
            "line 1, column 9: invalid escape",
        ),
        (
            "{{ did \"did:x\" \"a\\tb\" }}",
            "line 1, column 16: secret name \"a\\tb\" contains a control character",
        ),
    ];
    for (template, message) in cases {
        let out = run(v
            .cmd()
            .arg("inject")
            .arg("-o")
            .arg(&conf)
            .write_stdin(template));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{template:?}: {}",
            stderr_of(&out)
        );
        let err = stderr_of(&out);
        let want = format!("sso-secrets: usage: template on stdin: {message}");
        assert!(
            err.starts_with(&want),
            "{template:?}: {err:?} lacks {want:?}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!conf.exists());
    }
    let tpl = v.file("bad.tpl", b"\n\n   {{ nope }}");
    let out = run(v.pass().arg("inject").arg("-i").arg(&tpl));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("bad.tpl: line 3, column 7: unknown placeholder \"nope\""));
}

#[test]
fn inject_and_exec_read_many_secrets_with_one_argon2_run() {
    use sso_secrets::names::{AppName, UserId};
    use sso_secrets::testing::exec::{EnvSecret, render, resolve};
    use sso_secrets::testing::exec::{SecretRef, Template};
    use sso_secrets::testing::local::{LocalVault, VaultConfig};
    use sso_secrets::testing::secret::SecretString;
    use sso_secrets::testing::vault::Credential;
    let v = vault();
    let mut template = String::new();
    for i in 0..20 {
        v.put_sso("demo", &format!("u{i}"), format!("v{i}").as_bytes());
        template.push_str(&format!("{{{{ sso \"demo\" \"u{i}\" }}}},"));
    }
    let config = || VaultConfig {
        location: sso_secrets::testing::vault::store::Location::File(v.path.clone()),
        read_only: false,
        lock_timeout: std::time::Duration::from_secs(5),
    };
    let pass = || Credential::Passphrase(SecretString::new(PASS.into()));
    let backend = LocalVault::new(config(), pass());
    let t = Template::parse(template.as_bytes()).unwrap();
    let out = render(&backend, &sso_secrets::ops::Ignore, &t).unwrap();
    assert!(out.expose().starts_with(b"v0,v1,v2,"));
    assert_eq!(backend.kdf_runs(), 1);

    let backend = LocalVault::new(config(), pass());
    let wanted: Vec<EnvSecret> = (0..20)
        .map(|i| EnvSecret {
            var: format!("V{i}"),
            secret: SecretRef::Sso {
                app: AppName::new("demo").unwrap(),
                user: UserId::new(format!("u{i}")).unwrap(),
            },
        })
        .collect();
    let values = resolve(&backend, &sso_secrets::ops::Ignore, &wanted).unwrap();
    assert_eq!(values.len(), 20);
    assert_eq!(values[19].1.expose(), b"v19");
    assert_eq!(backend.kdf_runs(), 1);
}

#[test]
fn one_vault_open_answers_each_read_with_its_own_status() {
    use sso_secrets::names::{AppName, UserId};
    use sso_secrets::ops::{Backend, Reply, Request};
    use sso_secrets::status::Status;
    use sso_secrets::testing::local::{LocalVault, VaultConfig};
    use sso_secrets::testing::secret::SecretString;
    use sso_secrets::testing::vault::Credential;
    let v = vault();
    let token = v.create_token(&["demo-only", "--app", "demo"]);
    let get = |app: &str, user: &str| Request::GetSso {
        app: AppName::new(app).unwrap(),
        user: UserId::new(user).unwrap(),
    };
    let config = VaultConfig {
        location: sso_secrets::testing::vault::store::Location::File(v.path.clone()),
        read_only: false,
        lock_timeout: std::time::Duration::from_secs(5),
    };
    let backend = LocalVault::new(config.clone(), Credential::Token(SecretString::new(token)));
    let answers = backend.call_all(vec![
        get("demo", "alice"),
        get("demo", "bob"),
        get("other", "x"),
        get("demo", "binary"),
    ]);
    let statuses: Vec<Status> = answers
        .iter()
        .map(|a| a.as_ref().map_or_else(|e| e.status(), |_| Status::Ok))
        .collect();
    assert_eq!(
        statuses,
        [
            Status::Ok,
            Status::NotFound,
            Status::Unauthorized,
            Status::Ok
        ]
    );
    assert!(matches!(&answers[0], Ok(Reply::Secret(s)) if s.expose() == b"s3cret"));

    // A wrong credential fails every request alike.
    let wrong = LocalVault::new(
        config,
        Credential::Passphrase(SecretString::new("wrong".into())),
    );
    let answers = wrong.call_all(vec![get("demo", "alice"), get("demo", "bob")]);
    assert!(answers.iter().all(|a| {
        a.as_ref()
            .is_err_and(|e| e.status() == Status::Unauthorized)
    }));
    assert_eq!(wrong.kdf_runs(), 1);
}

#[test]
fn exec_the_first_failure_in_order_wins() {
    let v = vault();
    let token = v.create_token(&["demo-only2", "--app", "demo"]);
    let out = run(v
        .token(&token)
        .args([
            "exec", "--sso", "A", "demo", "bob", "--sso", "B", "other", "x", "--",
        ])
        .args(touch(&v)));
    assert_eq!(out.status.code(), Some(44), "{}", stderr_of(&out));
    let out = run(v
        .token(&token)
        .args([
            "exec", "--sso", "B", "other", "x", "--sso", "A", "demo", "bob", "--",
        ])
        .args(touch(&v)));
    assert_eq!(out.status.code(), Some(43), "{}", stderr_of(&out));
    assert!(!ran(&v).exists());
}

/// Our own core dumps are off, but the command we become gets the user's
/// core-dump limit back: it is their program, not a holder of our secrets
/// beyond the ones it was given.
#[test]
fn exec_hands_the_command_the_users_core_dump_limit() {
    let v = vault();
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "ulimit -c unlimited 2>/dev/null || exit 99; exec \"$0\" \"$@\"",
        ])
        .arg(assert_cmd::cargo::cargo_bin("sso-secrets"))
        .arg("--vault")
        .arg(&v.path)
        .args(["--no-input", "exec", "--sso", "PW", "demo", "alice", "--"])
        .args(["sh", "-c", "ulimit -c"])
        .env_remove("SSO_SECRETS_TOKEN")
        .env("XDG_STATE_HOME", NO_STATE)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "unlimited");
}

/// Issue 22 item 5: APIHub's container key is a credential like the vault's
/// own; the command gets only the secrets it was given.
#[test]
fn exec_withholds_the_apihub_encryption_key() {
    let v = vault();
    let out = run(v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", "a2V5LW9mLWFwaWh1Yg==")
        .args(["exec", "--sso", "A", "demo", "alice", "--"])
        .args([
            "sh",
            "-c",
            r#"printf '%s %s %s' "$A" "${SSO_SECRETS_ENCRYPTION_KEY-withheld}" "${SSO_SECRETS_PASSPHRASE-withheld}""#,
        ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(out.stdout, b"s3cret withheld withheld");
}

fn effective_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the effective user of this process.
    std::fs::metadata("/proc/self").unwrap().uid()
}

/// Issue 22 item 3: in a sticky directory (like /tmp), a symlink at the
/// output path that another user planted is refused, whatever
/// fs.protected_symlinks says; one's own symlink there is still followed.
#[test]
fn inject_refuses_a_symlink_another_user_planted_in_a_sticky_directory() {
    use std::os::unix::fs::{MetadataExt, symlink};
    let v = vault();
    let tpl = v.file("app.conf.tpl", b"password={{ sso \"demo\" \"alice\" }}\n");
    let shared = v.dir().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let victim = v.file("victim", b"the victim's file\n");
    let inject = |out: &std::path::Path| {
        run(v
            .pass()
            .arg("inject")
            .arg("-i")
            .arg(&tpl)
            .arg("-o")
            .arg(out))
    };

    // One's own symlink in the sticky directory leads to the file it names.
    let own = shared.join("own.conf");
    symlink(&victim, &own).unwrap();
    let out = inject(&own);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), b"password=s3cret\n");
    std::fs::write(&victim, b"the victim's file\n").unwrap();

    let planted = shared.join("app.conf");
    symlink(&victim, &planted).unwrap();
    if effective_uid() != 0 {
        return unavailable("planting a symlink owned by another user needs root");
    }
    std::os::unix::fs::lchown(&planted, Some(4242), Some(4242)).unwrap();
    assert_eq!(std::fs::symlink_metadata(&planted).unwrap().uid(), 4242);
    let listing = |d: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(&shared);
    let out = inject(&planted);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "sso-secrets: error: refusing to write through {}: a symbolic link owned by user id 4242",
            planted.display()
        )) && err.contains("sticky directory"),
        "{err}"
    );
    assert!(!err.contains("s3cret"));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&victim).unwrap(), b"the victim's file\n");
    assert!(
        std::fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(listing(&shared), before, "nothing created or left behind");

    // The same rule along a chain: one's own link to a planted one.
    let chain = shared.join("chain.conf");
    symlink(&planted, &chain).unwrap();
    let out = inject(&chain);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), b"the victim's file\n");
}
