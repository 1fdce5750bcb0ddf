//! Completions and man pages are generated from the clap definition and
//! committed; this fails when a committed file is stale.
// The committed files are the default build's command line.
#![cfg(all(feature = "serve", feature = "remote", feature = "apihub"))]

use crate::common::unavailable;

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (rel, bytes) in sso_secrets::testing::assets::files().expect("render") {
        if std::fs::read(root.join(&rel)).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(rel);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nregenerate them with:\n  cargo run -- generate-assets --out-dir .\nand commit the result"
    );
}

#[test]
fn completions_command_prints_the_committed_script() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "sso-secrets.bash"),
        ("zsh", "_sso-secrets"),
        ("fish", "sso-secrets.fish"),
        ("powershell", "_sso-secrets.ps1"),
        ("elvish", "sso-secrets.elv"),
    ] {
        let out = assert_cmd::Command::cargo_bin("sso-secrets")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let committed = std::fs::read(root.join("completions").join(file)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out).trim_end(),
            String::from_utf8_lossy(&committed).trim_end(),
            "{shell}"
        );
    }
}

#[test]
fn main_man_page_has_the_expected_sections() {
    let pages = sso_secrets::testing::assets::man_pages().unwrap();
    let main = String::from_utf8(pages[0].1.clone()).unwrap();
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
        ".SH SECURITY",
    ] {
        assert!(main.contains(section), "missing {section}");
    }
    for var in [
        "SSO_SECRETS_VAULT",
        "SSO_SECRETS_TOKEN",
        "SSO_SECRETS_PASSPHRASE",
        "SSO_SECRETS_READ_ONLY",
    ] {
        assert!(main.contains(var), "ENVIRONMENT lacks {var}");
    }
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for n in [
        "sso-secrets-get-sso.1",
        "sso-secrets-delete-did.1",
        "sso-secrets-token-create.1",
        "sso-secrets-vault-passwd.1",
    ] {
        assert!(names.contains(&n), "no page {n}: {names:?}");
    }
}

fn shell_output(shell: &str, script: &str) -> Option<String> {
    let out = std::process::Command::new(shell)
        .args(["-c", script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn bash_completes_subcommands_and_their_flags() {
    let script = r#"
        source completions/sso-secrets.bash
        complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ));
            _sso__secrets sso-secrets "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";
            echo "${COMPREPLY[*]}"; }
        complete_words sso-secrets get-
        complete_words sso-secrets token create ci --
        complete_words sso-secrets vault ''
        complete_words sso-secrets completions ''
    "#;
    let Some(out) = shell_output("bash", script) else {
        unavailable("bash is not installed");
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "get-sso get-did", "{out}");
    assert!(
        lines[1].contains("--app") && lines[1].contains("--expires-in"),
        "{out}"
    );
    assert!(
        lines[2].contains("passwd") && lines[2].contains("read-only"),
        "{out}"
    );
    assert!(
        lines[3].contains("fish") && lines[3].contains("powershell"),
        "{out}"
    );
}

#[test]
fn fish_completes_subcommands_and_their_flags() {
    let script = "source completions/sso-secrets.fish; complete -C 'sso-secrets put-'; \
                  complete -C 'sso-secrets token create ci --'";
    let Some(out) = shell_output("fish", script) else {
        unavailable("fish is not installed");
        return;
    };
    assert!(out.contains("put-sso") && out.contains("put-did"), "{out}");
    assert!(out.contains("--write") && out.contains("--did"), "{out}");
}
