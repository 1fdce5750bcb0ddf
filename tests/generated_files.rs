//! Completions and man pages are generated from the clap definition and
//! committed; this fails when a committed file is stale.

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (rel, bytes) in sso_secrets::assets::files().expect("render") {
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
    let pages = sso_secrets::assets::man_pages().unwrap();
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
