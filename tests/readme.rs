//! The README's console sessions, run as written: every ```console block,
//! in order, in one bash on a fresh HOME, with the built binary where
//! `cargo install` would put it. A `$ ` line is a command (a trailing `\`
//! continues it), `? N` its exit code (0 when absent), and the other lines
//! its stdout and stderr, where `[..]` stands for any text within a line.
//! The one liberty taken: `init` runs with the Argon2 floor, so the walk
//! stays fast; the README itself shows the defaults.
//!
//! Afterwards the walk is checked the way a newcomer would notice: no file
//! the examples left is readable by others, the shells complete
//! `sso-secrets` from what the README installed, and `man` finds the page.
//! The interactive first-use line is typed at a pseudo-terminal, prompt by
//! prompt.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

struct Step {
    command: String,
    code: i32,
    output: Vec<String>,
}

fn blocks(readme: &str, lang: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{lang}") => current = Some(Vec::new()),
            Some(b) if line.trim_end() == "```" => {
                out.push(std::mem::take(b));
                current = None;
            }
            Some(b) => b.push(line.to_string()),
            None => {}
        }
    }
    out
}

fn steps(block: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continuing = false;
    for line in block {
        if continuing {
            let last = steps.last_mut().expect("a command before its continuation");
            last.command.push('\n');
            last.command.push_str(line);
            continuing = line.ends_with('\\');
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: cmd.to_string(),
                code: 0,
                output: Vec::new(),
            });
            continuing = cmd.ends_with('\\');
        } else if let Some(code) = line.strip_prefix("? ") {
            steps.last_mut().expect("a command before `?`").code =
                code.trim().parse().expect("exit code");
        } else {
            steps
                .last_mut()
                .expect("a command before its output")
                .output
                .push(line.to_string());
        }
    }
    steps
}

/// `init` at the Argon2 floor, wherever a command runs it without KDF flags.
fn cheap_kdf(command: &str) -> String {
    if command.contains("--kdf") {
        return command.to_string();
    }
    let mut out = String::new();
    let mut rest = command;
    while let Some(i) = rest.find("sso-secrets ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(['&', ';', '|', ')', '\n']).unwrap_or(tail.len());
        let (call, after) = tail.split_at(end);
        if call.split_whitespace().any(|w| w == "init") {
            out.push_str(call.trim_end());
            out.push_str(" --kdf-memory 19 --kdf-iterations 2");
            if call.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push_str(call);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = actual.len() - last.len();
    for p in &parts[1..parts.len() - 1] {
        match actual[pos..end].find(p) {
            Some(i) => pos += i + p.len(),
            None => return false,
        }
    }
    pos <= end
}

fn need(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is needed by the README test (.ci/run installs it)"
        );
        crate::common::skipped(&format!("skipped part: {tool} is not installed"));
    }
    found
}

/// A fresh HOME with the binary in ~/.cargo/bin, as `cargo install` leaves it.
fn fresh_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("tempdir");
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    // Copied by another process: a file this process held open for writing
    // could be inherited by a child another test thread forks meanwhile,
    // and executing it would then fail with "Text file busy" (ETXTBSY).
    let copied = Command::new("cp")
        .arg(assert_cmd::cargo::cargo_bin("sso-secrets"))
        .arg(bin.join("sso-secrets"))
        .status()
        .expect("cp");
    assert!(copied.success(), "copy binary");
    std::fs::create_dir_all(home.path().join("work")).expect("mkdir");
    home
}

fn shell(home: &Path, program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args)
        .env_clear()
        .env("HOME", home)
        .env(
            "PATH",
            format!("{}/.cargo/bin:/usr/bin:/bin", home.display()),
        )
        .env("LANG", "C.UTF-8")
        .env("TERM", "dumb")
        .current_dir(home.join("work"))
        .stdin(std::process::Stdio::null());
    c
}

#[test]
fn readme_console_sessions_run_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let steps: Vec<Step> = blocks(&readme, "console")
        .iter()
        .flat_map(|b| steps(b))
        .collect();
    assert!(steps.len() >= 10, "the README lost its examples");
    let mut script = String::new();
    for (i, s) in steps.iter().enumerate() {
        script.push_str(&format!(
            "printf '@@BEGIN {i}\\n'\n{{ {}\n}} 2>&1\nprintf '\\n@@END {i} %d\\n' $?\n",
            cheap_kdf(&s.command)
        ));
    }
    let home = fresh_home();
    let out = shell(
        home.path(),
        "bash",
        &["--noprofile", "--norc", "-c", &script],
    )
    .output()
    .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for (i, s) in steps.iter().enumerate() {
        let begin = format!("@@BEGIN {i}\n");
        let start = text
            .find(&begin)
            .unwrap_or_else(|| panic!("`{}` did not run:\n{text}", s.command))
            + begin.len();
        let end_marker = format!("\n@@END {i} ");
        let end = start
            + text[start..]
                .find(&end_marker)
                .unwrap_or_else(|| panic!("`{}` did not finish:\n{text}", s.command));
        let code: i32 = text[end + end_marker.len()..]
            .lines()
            .next()
            .and_then(|c| c.parse().ok())
            .expect("exit code");
        let actual: Vec<&str> = text[start..end].lines().collect();
        let ok = code == s.code
            && actual.len() == s.output.len()
            && s.output.iter().zip(&actual).all(|(e, a)| matches(e, a));
        assert!(
            ok,
            "README example `{}`:\nexpected exit {} and\n{}\ngot exit {code} and\n{}",
            s.command,
            s.code,
            s.output.join("\n"),
            actual.join("\n")
        );
    }

    // Files the examples left in the working directory: none readable by others.
    for entry in std::fs::read_dir(home.path().join("work")).expect("work dir") {
        let entry = entry.expect("entry");
        let mode = entry.metadata().expect("stat").permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "README example left {:?} with mode {mode:03o}",
            entry.file_name()
        );
    }

    // What the README installed works in each shell, on this fresh HOME.
    let run = |program: &str, args: &[&str]| -> String {
        let out = shell(home.path(), program, args).output().expect(program);
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let bash = run("bash", &["-i", "-c", "complete -p sso-secrets"]);
    assert!(bash.contains("_sso__secrets"), "bash: {bash}");
    if need("zsh") {
        let zsh = run("zsh", &["-i", "-c", "print -r -- ${_comps[sso-secrets]}"]);
        assert!(zsh.contains("_sso-secrets"), "zsh: {zsh}");
    }
    if need("fish") {
        let fish = run("fish", &["-c", "complete -C 'sso-secrets get-'"]);
        assert!(
            fish.contains("get-sso") && fish.contains("get-did"),
            "fish: {fish}"
        );
    }
    if need("man") {
        let man = run("man", &["-w", "sso-secrets-put-sso"]);
        assert!(
            man.trim_end()
                .ends_with(".cargo/share/man/man1/sso-secrets-put-sso.1"),
            "man: {man}"
        );
    }
}

#[test]
fn readme_shell_snippets_parse() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for block in blocks(&readme, "sh") {
        let text = block.join("\n");
        let out = Command::new("bash")
            .args(["-n", "-c", &text])
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "README snippet does not parse:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn cheap_kdf_only_touches_init() {
    assert_eq!(
        cheap_kdf("sso-secrets init && printf x | sso-secrets put-sso a --user-id b"),
        "sso-secrets init --kdf-memory 19 --kdf-iterations 2 && printf x | sso-secrets put-sso a --user-id b"
    );
    assert_eq!(
        cheap_kdf("sso-secrets --vault new.vault init"),
        "sso-secrets --vault new.vault init --kdf-memory 19 --kdf-iterations 2"
    );
    assert!(matches("a [..] c", "a bb c") && !matches("a [..] c", "a bb d"));
}

/// The interactive first use, typed at a terminal as the README says:
/// the new passphrase twice, then once for each command.
#[test]
fn readme_interactive_first_use_works_at_a_terminal() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let line = blocks(&readme, "sh")
        .into_iter()
        .flatten()
        .find(|l| l.starts_with("sso-secrets init &&"))
        .expect("the README's interactive first use");
    let home = fresh_home();
    let mut c = shell(
        home.path(),
        "bash",
        &["--noprofile", "--norc", "-c", &cheap_kdf(&line)],
    );
    c.stdin(std::process::Stdio::inherit());
    let mut p = rexpect::session::spawn_command(c, Some(30_000)).expect("pty");
    let pass = "correct horse battery staple";
    for prompt in [
        "New vault passphrase: ",
        "Repeat the passphrase: ",
        "Vault passphrase: ",
        "Vault passphrase: ",
    ] {
        p.exp_string(prompt).expect(prompt);
        // Type as a person would, after the prompt has turned echo off:
        // a line sent in the instant between the prompt and the terminal
        // mode change could be echoed or, on a loaded machine, raced.
        std::thread::sleep(std::time::Duration::from_millis(50));
        p.send_line(pass).expect("type");
    }
    p.exp_string("s3cret").expect("the secret, read back");
    p.exp_eof().expect("eof");
    match p.process_mut().wait().expect("wait") {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
}
