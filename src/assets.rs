//! Generated files: shell completions and man pages, from the clap definition.

use crate::cli::{Cli, EXIT_CODES, Shell};
use clap::CommandFactory;
use std::path::Path;

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    let target = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Elvish => clap_complete::Shell::Elvish,
    };
    clap_complete::generate(target, &mut cmd, "sso-secrets", &mut buf);
    if let Shell::Bash = shell {
        // clap_complete 4.6 spells the state of a hyphenated binary two
        // ways ("sso__secrets__subcmd__x" in the loop that walks the words,
        // "sso__subcmd__secrets__subcmd__x" in the case arms), so nothing
        // after the first subcommand completes (clap-rs/clap#6421). Make
        // the arms match the loop; this is a no-op once that is fixed.
        buf = String::from_utf8_lossy(&buf)
            .replace("sso__subcmd__secrets", "sso__secrets")
            .into_bytes();
    }
    buf
}

/// Every generated file: (path relative to the repository root, bytes).
pub fn files() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![
        (
            "completions/sso-secrets.bash".to_string(),
            completion(Shell::Bash),
        ),
        (
            "completions/_sso-secrets".to_string(),
            completion(Shell::Zsh),
        ),
        (
            "completions/sso-secrets.fish".to_string(),
            completion(Shell::Fish),
        ),
        (
            "completions/_sso-secrets.ps1".to_string(),
            completion(Shell::Powershell),
        ),
        (
            "completions/sso-secrets.elv".to_string(),
            completion(Shell::Elvish),
        ),
    ];
    for (name, page) in man_pages()? {
        out.push((format!("man/{name}"), page));
    }
    Ok(out)
}

/// Writes every generated file under `root`.
pub fn write(root: &Path) -> std::io::Result<Vec<String>> {
    let files = files()?;
    for (rel, bytes) in &files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

fn roff_escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

fn main_page_extra() -> String {
    let mut s = String::new();
    s.push_str(".SH ENVIRONMENT\n");
    for (var, text) in [
        ("SSO_SECRETS_VAULT", "Vault file, as \\fB\\-\\-vault\\fR."),
        (
            "SSO_SECRETS_TOKEN",
            "An access token (a leading \"Bearer \" is ignored). Second credential source.",
        ),
        (
            "SSO_SECRETS_PASSPHRASE",
            "The vault passphrase. Fourth credential source.",
        ),
        (
            "SSO_SECRETS_READ_ONLY",
            "1 or true: refuse every write with exit 55, as \\fB\\-\\-read\\-only\\fR. Unset, empty, 0 or false: off.",
        ),
    ] {
        s.push_str(&format!(".TP\n\\fB{}\\fR\n{text}\n", roff_escape(var)));
    }
    s.push_str(".SH FILES\n.TP\n\\fI~/.local/share/sso\\-secrets/vault\\fR\n");
    s.push_str("The default vault (the data directory of directories::ProjectDirs). Created 0600 in a 0700 directory.\n");
    s.push_str(".TP\n\\fI<vault>.lock\\fR\nThe writers' lock file beside the vault. Safe to delete when no writer runs.\n");
    s.push_str(".TP\n\\fI.<vault>.tmp\\-*\\fR\nA write in progress; one left by a killed writer is removed by the next write.\n");
    s.push_str(".SH \"EXIT STATUS\"\n.nf\n");
    s.push_str(&roff_escape(EXIT_CODES));
    s.push_str("\n.fi\n.PP\nWhen several apply, the first in this order wins: usage (2), vault missing or unreadable (1), ");
    s.push_str("authentication (43, or 50 for a vault that fails authentication), scope (43), read\\-only (55), body (50), not found (44).\n");
    s.push_str(".SH EXAMPLES\n.nf\n");
    s.push_str(&roff_escape(
        "sso-secrets init
printf 's3cret' | sso-secrets put-sso demo --user-id alice
sso-secrets get-sso demo --user-id alice
DID=$(sso-secrets did encode did:ssi:name:vault.example:demo/alice)
sso-secrets put-did \"$DID\" credential --file cred.json
sso-secrets token create ci-demo --app demo --expires-in 30d > ci.token
SSO_SECRETS_TOKEN=$(cat ci.token) sso-secrets get-sso demo --user-id alice",
    ));
    s.push_str("\n.fi\n.SH SECURITY\n");
    s.push_str(
        "Secrets, passphrases and tokens are never taken on the command line. The vault is one file, \
AES\\-256\\-GCM encrypted, its key wrapped under an Argon2id passphrase key and under each access token; \
names, user ids, DIDs and values never appear in clear. Every reader checks an Ed25519 signature over \
the header, which only write\\-capable credentials can produce. A local vault cannot defend against \
malware running as the same user, a compromised root account, a keylogger capturing the passphrase, \
or the rollback of the whole file to an older copy. See README.md and docs/SECURITY.md.\n",
    );
    s
}

/// The man pages: the main page with its extra sections, and one per subcommand.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();

    let man = clap_mangen::Man::new(cmd.clone());
    let mut main = Vec::new();
    man.render_title(&mut main)?;
    man.render_name_section(&mut main)?;
    man.render_synopsis_section(&mut main)?;
    man.render_description_section(&mut main)?;
    man.render_options_section(&mut main)?;
    man.render_subcommands_section(&mut main)?;
    main.extend_from_slice(main_page_extra().as_bytes());
    man.render_version_section(&mut main)?;
    out.push(("sso-secrets.1".to_string(), main));

    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let man = clap_mangen::Man::new(sub.clone());
            let mut page = Vec::new();
            man.render(&mut page)?;
            out.push((man.get_filename(), page));
            walk(sub, out)?;
        }
        Ok(())
    }
    walk(&cmd, &mut out)?;
    Ok(out)
}
