//! Issue 22, "a newcomer's first day", items 14 to 16: hints that match the
//! mistake, credentials that went stale, and what scripts need. Each test
//! runs the real binary and checks what the user sees. (Item 13, set-up
//! time, is measured, not tested: see the README's "Build time".)

use crate::common::*;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, UNIX_EPOCH};

const DID_TEXT: &str = "did:ssi:name:vault.example:demo/alice";

/// The binary on a pseudo-terminal, as a person at a terminal runs it.
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

/// Ctrl-D at a prompt, after the prompt has turned echo off.
fn ctrl_d(p: &mut PtySession) {
    std::thread::sleep(Duration::from_millis(50));
    p.send_control('d').unwrap();
}

fn lines(out: &std::process::Output) -> Vec<String> {
    stderr_of(out).lines().map(str::to_string).collect()
}

/// Holds the vault's writer lock, as a writer in the middle of its work.
fn hold_lock(v: &Vault) -> std::fs::File {
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(v.dir().join("vault.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

fn unix(rfc3339: &str) -> u64 {
    humantime::parse_rfc3339(rfc3339)
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// `token list --json`'s entry for `name`.
fn token_entry(v: &Vault, name: &str) -> Value {
    let out = stdout_of(v.pass().args(["--json", "token", "list"]));
    let list: Value = serde_json::from_slice(&out).unwrap();
    list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no token {name} in {list}"))
        .clone()
}

// ---- item 14: hints that match the mistake ----

#[test]
fn item14_a_user_id_without_its_flag_is_pointed_at_user_id() {
    let v = Vault::new();
    let out = v
        .pass()
        .args(["get-sso", "demo", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out),
        [
            "sso-secrets: usage: unexpected argument for get-sso (not shown: it may be a secret)",
            "sso-secrets: hint: a user id goes after --user-id: sso-secrets get-sso <APP> --user-id <USER_ID>",
        ]
    );
    // The second argument of deactivate-sso is a DID; a user id given there
    // is refused as a DID, with the flag it needed.
    for cmd in ["deactivate-sso", "remove-sso"] {
        let out = v.pass().args([cmd, "demo", "alice"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let l = lines(&out);
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(
            l[1].starts_with(&format!(
                "sso-secrets: hint: a user id goes after --user-id: sso-secrets {cmd} <APP> --user-id <USER_ID>"
            )),
            "{l:?}"
        );
    }
    // With --user-id given, an extra word is most likely a secret.
    let out = v
        .pass()
        .args(["put-sso", "demo", "--user-id", "alice", "hunter2"])
        .output()
        .unwrap();
    assert_eq!(
        lines(&out)[1],
        "sso-secrets: hint: secrets are never taken as arguments: pipe them or use --file"
    );
}

#[test]
fn item14_exec_without_double_dash_is_pointed_at_it() {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"s3cret");
    for args in [
        &["exec", "--sso", "PW", "demo", "alice", "env"][..],
        &["exec", "--sso", "PW", "demo", "alice"][..],
        &["exec", "env"][..],
    ] {
        let out = v.pass().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let l = lines(&out);
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(
            l[1].starts_with("sso-secrets: hint: the command to run goes after `--`: "),
            "{args:?}: {l:?}"
        );
        assert!(!l[0].contains("env"), "{l:?}");
    }
}

#[test]
fn item14_hidden_commands_are_never_suggested() {
    for typo in ["generat", "generate-asset", "gen"] {
        let out = bin().arg(typo).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let text = stderr_of(&out);
        assert!(!text.contains("generate-assets"), "{typo}: {text}");
    }
    // Visible commands still are.
    let out = bin().arg("lst").output().unwrap();
    assert!(stderr_of(&out).contains("; did you mean list?"));
}

#[test]
fn item14_ctrl_d_at_a_prompt_cancels() {
    let v = Vault::new();
    let mut p = at_terminal(&v, &["get-sso", "demo", "--user-id", "alice"], &[]);
    p.exp_string("Vault passphrase: ").unwrap();
    ctrl_d(&mut p);
    let (rest, code) = exit_code(p);
    assert_eq!(code, 2, "{rest}");
    assert!(
        rest.contains(
            "sso-secrets: usage: cancelled at the prompt (end of input); nothing was changed"
        ),
        "{rest}"
    );
    assert!(!rest.contains("403"), "{rest}");

    // At the secret's prompt: nothing is stored.
    let mut p = at_terminal(
        &v,
        &["put-sso", "demo", "--user-id", "alice"],
        &[("SSO_SECRETS_PASSPHRASE", PASS)],
    );
    p.exp_string("Secret: ").unwrap();
    ctrl_d(&mut p);
    let (rest, code) = exit_code(p);
    assert_eq!(code, 2, "{rest}");
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(44);

    // At init's new passphrase: no vault.
    let fresh = Vault::empty();
    let mut p = at_terminal(&fresh, &["init"], &[]);
    p.exp_string("New vault passphrase: ").unwrap();
    ctrl_d(&mut p);
    let (rest, code) = exit_code(p);
    assert_eq!(code, 2, "{rest}");
    assert!(!fresh.path.exists());
}

#[test]
fn item14_file_dash_reads_stdin() {
    let v = Vault::new();
    v.pass()
        .args(["put-did", DID_TEXT, "credential", "--file", "-"])
        .write_stdin("from stdin\n")
        .assert()
        .success();
    v.pass()
        .args(["get-did", DID_TEXT, "credential"])
        .assert()
        .stdout("from stdin\n");
    v.pass()
        .args(["put-sso", "demo", "--user-id", "alice", "--file", "-"])
        .write_stdin("s3cret")
        .assert()
        .success();
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .stdout("s3cret");
}

#[test]
fn item14_a_subcommand_help_shows_its_own_options() {
    let out = bin().args(["get-sso", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("--user-id <USER_ID>"), "{help}");
    for global in ["--vault", "--lock-timeout", "--passphrase-file", "--cacert"] {
        assert!(
            !help.contains(&format!("{global} <")),
            "{global} in get-sso --help:\n{help}"
        );
    }
    assert!(help.contains("`sso-secrets --help` lists them"), "{help}");
    // Nested too, and the top level still lists every global option.
    let out = bin().args(["vault", "passwd", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("--new-passphrase-file") && !help.contains("--lock-timeout <"));
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("--lock-timeout <SECONDS>") && help.contains("--vault <PATH|URL>"));
    // The global options still work after the subcommand.
    let v = Vault::new();
    bin()
        .args(["get-sso", "demo", "--user-id", "a", "--no-input", "--vault"])
        .arg(&v.path)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .assert()
        .code(44);
}

// ---- item 15: credentials that went stale ----

#[test]
fn item15_a_refused_credential_names_its_source() {
    let v = Vault::new();
    let new = v.file("new.pass", b"another horse battery staple\n");
    let out = v
        .pass()
        .args(["vault", "passwd", "--new-passphrase-file"])
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("warning: SSO_SECRETS_PASSPHRASE still holds the old passphrase"),
        "{}",
        stderr_of(&out)
    );
    // The exported old passphrase: every command says where it came from.
    v.pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .assert()
        .code(43)
        .stderr(
            "sso-secrets: 403 unauthorized: wrong passphrase \
             (the passphrase from SSO_SECRETS_PASSPHRASE)\n",
        );
    let old = v.file("old.pass", format!("{PASS}\n").as_bytes());
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o600)).unwrap();
    v.cmd()
        .arg("--passphrase-file")
        .arg(&old)
        .args(["list"])
        .assert()
        .code(43)
        .stderr(format!(
            "sso-secrets: 403 unauthorized: wrong passphrase \
             (the passphrase from --passphrase-file {})\n",
            old.display()
        ));
    // A revoked token, from a file and from the environment.
    let np = "another horse battery staple";
    let token = stdout_of(v.cmd().env("SSO_SECRETS_PASSPHRASE", np).args([
        "token",
        "create",
        "ci",
        "--expires-in",
        "1d",
    ]));
    let token = String::from_utf8(token).unwrap().trim().to_string();
    v.cmd()
        .env("SSO_SECRETS_PASSPHRASE", np)
        .args(["token", "revoke", "ci"])
        .assert()
        .success();
    let tf = v.file("ci.token", format!("{token}\n").as_bytes());
    std::fs::set_permissions(&tf, std::fs::Permissions::from_mode(0o600)).unwrap();
    v.cmd()
        .arg("--token-file")
        .arg(&tf)
        .args(["list"])
        .assert()
        .code(43)
        .stderr(format!(
            "sso-secrets: 403 unauthorized: this access token has been revoked \
             (the token from --token-file {})\n",
            tf.display()
        ));
    v.token(&token).args(["list"]).assert().code(43).stderr(
        "sso-secrets: 403 unauthorized: this access token has been revoked \
             (the token from SSO_SECRETS_TOKEN)\n",
    );
    // Typed at the prompt: three wrong tries.
    let mut p = at_terminal(&v, &["list"], &[]);
    for _ in 0..3 {
        p.exp_string("Vault passphrase: ").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        p.send_line(PASS).unwrap();
    }
    let (rest, code) = exit_code(p);
    assert_eq!(code, 43, "{rest}");
    assert!(
        rest.contains("403 unauthorized: wrong passphrase (the passphrase typed at the prompt)"),
        "{rest}"
    );
}

/// The reissue line of token `name` in `vault rotate`'s stderr.
fn reissue_line<'a>(stderr: &'a str, name: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.contains(&format!("token \"{name}\" was invalidated")))
        .unwrap_or_else(|| panic!("no reissue line for {name}: {stderr}"))
}

#[test]
fn item15_rotate_reissues_tokens_with_their_scope_rights_and_expiry() {
    let v = Vault::new();
    v.create_token(&[
        "deployer",
        "--app",
        "demo",
        "--did",
        DID_TEXT,
        "--write",
        "--expires-in",
        "2h",
    ]);
    v.create_token(&["reader", "--app", "demo"]);
    v.create_token(&["lapsed", "--write", "--expires-in", "1s"]);
    let before = token_entry(&v, "deployer");
    let lapsed = token_entry(&v, "lapsed");
    std::thread::sleep(Duration::from_millis(2_100));
    let out = v.pass().args(["vault", "rotate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);

    let line = reissue_line(&stderr, "deployer");
    assert!(
        line.contains(&format!(
            "sso-secrets token create \"deployer\" --app \"demo\" --did \"{DID_TEXT}\" --write --expires-in "
        )),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "(it expires at {})",
            before["expires"].as_str().unwrap()
        )),
        "{line}"
    );
    let reader = reissue_line(&stderr, "reader");
    assert!(
        reader.ends_with("sso-secrets token create \"reader\" --app \"demo\""),
        "{reader}"
    );

    // An expired token is not offered back as one that never expires.
    let line = reissue_line(&stderr, "lapsed");
    assert!(
        line.ends_with(&format!(
            "; it had expired at {}, so it needs no reissue (to issue it again: \
             sso-secrets token create \"lapsed\" --write --expires-in DURATION)",
            lapsed["expires"].as_str().unwrap()
        )),
        "{line}"
    );

    // The printed commands, run as printed, give back the same tokens.
    let bin_dir = assert_cmd::cargo::cargo_bin("sso-secrets")
        .parent()
        .unwrap()
        .to_path_buf();
    for name in ["deployer", "reader"] {
        let line = reissue_line(&stderr, name);
        let command = &line[line.find("sso-secrets token create").unwrap()..];
        let ok = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{command} >/dev/null"))
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .env("SSO_SECRETS_VAULT", &v.path)
            .env("SSO_SECRETS_PASSPHRASE", PASS)
            .env_remove("SSO_SECRETS_TOKEN")
            .status()
            .unwrap();
        assert!(ok.success(), "{command}");
    }
    let after = token_entry(&v, "deployer");
    for field in ["apps", "dids", "write", "all"] {
        assert_eq!(after[field], before[field], "{field}");
    }
    let (was, now) = (
        unix(before["expires"].as_str().unwrap()),
        unix(after["expires"].as_str().unwrap()),
    );
    // Whole seconds, and a few of them pass between rotate and reissue.
    assert!(now >= was && now <= was + 10, "{was} -> {now}");
    let reader = token_entry(&v, "reader");
    assert_eq!(reader["write"], false);
    assert_eq!(reader["expires"], Value::Null);
}

#[test]
fn item15_a_token_expires_its_lifetime_after_its_creation() {
    let v = Vault::new();
    // Another writer holds the vault while the token is issued: the
    // lifetime must not start before the creation time does.
    let lock = hold_lock(&v);
    let create = raw_bin()
        .arg("--vault")
        .arg(&v.path)
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .args(["token", "create", "short", "--expires-in", "3s"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2_200));
    lock.unlock().unwrap();
    let out = create.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let t = token_entry(&v, "short");
    let (created, expires) = (
        unix(t["created"].as_str().unwrap()),
        unix(t["expires"].as_str().unwrap()),
    );
    assert_eq!(expires - created, 3, "{t}");
}

#[test]
fn item15_a_passphrase_file_others_can_read_gets_the_vault_files_warning() {
    let v = Vault::new();
    let pass = v.file("pass", format!("{PASS}\n").as_bytes());
    std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = v
        .cmd()
        .arg("--passphrase-file")
        .arg(&pass)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr_of(&out),
        format!(
            "sso-secrets: warning: passphrase file {} is readable by group or others (mode 644); run: chmod 600 {}\n",
            pass.display(),
            pass.display()
        )
    );
    // The vault file's own warning, for comparison: the same words.
    std::fs::set_permissions(&v.path, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = v
        .cmd()
        .arg("--passphrase-file")
        .arg(&pass)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(
        stderr_of(&out),
        format!(
            "sso-secrets: warning: vault {} is readable by group or others (mode 640); run: chmod 600 {}\n",
            v.path.display(),
            v.path.display()
        )
    );
}

// ---- item 16: scripts ----

fn json_error(out: &std::process::Output) -> Value {
    let text = stderr_of(out);
    assert_eq!(text.lines().count(), 1, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn item16_json_errors_carry_the_exit_code() {
    let v = Vault::new();
    let lock = hold_lock(&v);
    let out = v
        .pass()
        .args([
            "--json",
            "--lock-timeout",
            "0.2",
            "put-sso",
            "demo",
            "--user-id",
            "a",
        ])
        .write_stdin("x")
        .output()
        .unwrap();
    lock.unlock().unwrap();
    assert_eq!(out.status.code(), Some(75));
    let e = json_error(&out);
    assert_eq!(e["exit"], 75, "{e}");
    assert_eq!(e["status"], Value::Null, "{e}");

    let cases: [(&[&str], i32); 4] = [
        (&["--json", "get-sso", "demo", "--user-id", "nobody"], 44),
        (&["--json", "get-sso", "demo", "alice"], 2),
        (
            &["--json", "get-sso", "demo", "--user-id", "a", "--bogus"],
            2,
        ),
        (&["--json", "put-sso", "demo", "--user-id", "a"], 50),
    ];
    for (args, code) in cases {
        let out = v.pass().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert_eq!(json_error(&out)["exit"], code, "{args:?}");
    }
    let out = v
        .cmd()
        .env("SSO_SECRETS_PASSPHRASE", "wrong")
        .args(["--json", "list"])
        .output()
        .unwrap();
    assert_eq!(json_error(&out)["exit"], 43);
    assert_eq!(json_error(&out)["status"], 403);
    let out = bin()
        .args(["--json", "--vault"])
        .arg(v.dir().join("missing"))
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_error(&out)["exit"], 1);
    // exec's own failures: the exit code is the shell's, not a status's.
    v.put_sso("demo", "a", b"x");
    let out = v
        .pass()
        .args(["--json", "exec", "--sso", "X", "demo", "a", "--"])
        .arg(v.dir().join("no-such-program"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(json_error(&out)["exit"], 127);
}

#[test]
fn item16_a_group_writable_vault_directory_is_called_so_with_its_fix() {
    let v = Vault::new();
    let dir = v.dir().to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o770)).unwrap();
    let out = v.pass().args(["list"]).output().unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        format!(
            "sso-secrets: error: the vault's directory {} is group-writable without the sticky bit (mode 770); run: chmod g-w {}\n",
            dir.display(),
            dir.display()
        )
    );
}
