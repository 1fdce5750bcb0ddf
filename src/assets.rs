//! Generated files: shell completions and man pages, from the clap definition.

use crate::cli::{Cli, EXIT_CODES, Shell};
use clap::CommandFactory;
use std::path::Path;

/// The command line as completions offer it: without hidden subcommands
/// (`generate-assets` is for developers; clap_complete would offer it).
fn visible_command() -> clap::Command {
    // clap cannot take a subcommand out of a definition, so build a new
    // top level from the visible parts.
    let full = Cli::command();
    let subs: Vec<clap::Command> = full
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let mut out = clap::Command::new("sso-secrets")
        .about(full.get_about().cloned().unwrap_or_default())
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true);
    for arg in full.get_arguments() {
        out = out.arg(arg.clone());
    }
    out.subcommands(subs)
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = visible_command();
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
SSO_SECRETS_PASSPHRASE=... sso-secrets init    # in a script: no prompt
printf 's3cret' | sso-secrets put-sso demo --user-id alice
sso-secrets get-sso demo --user-id alice
DID=$(sso-secrets did encode did:ssi:name:vault.example:demo/alice)
sso-secrets put-did \"$DID\" credential --file cred.json
(umask 077; sso-secrets token create ci-demo --app demo --expires-in 30d > ci.token)
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

    fn walk(
        cmd: &clap::Command,
        path: &str,
        out: &mut Vec<(String, Vec<u8>)>,
    ) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let path = format!("{path} {}", sub.get_name());
            out.push((
                format!("{}.1", path.replace(' ', "-")),
                subcommand_page(sub, &path)?,
            ));
            walk(sub, &path, out)?;
        }
        Ok(())
    }
    walk(&cmd, "sso-secrets", &mut out)?;
    Ok(out)
}

/// `[--app <APP>]...`, `<NAME>`, `--user-id <USER_ID>`: one argument as the
/// synopsis shows it, with its value.
fn synopsis_arg(a: &clap::Arg) -> String {
    let value = a
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.to_string())
        .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
    let takes_value = a.get_num_args().is_some_and(|n| n.takes_values());
    let many = matches!(a.get_action(), clap::ArgAction::Append);
    let text = match a.get_long() {
        Some(long) if takes_value => {
            format!("\\fB\\-\\-{}\\fR \\fI<{value}>\\fR", roff_escape(long))
        }
        Some(long) => format!("\\fB\\-\\-{}\\fR", roff_escape(long)),
        None => format!("\\fI<{value}>\\fR"),
    };
    let text = if a.is_required_set() {
        text
    } else {
        format!("[{text}]")
    };
    if many { format!("{text}...") } else { text }
}

/// One subcommand's page: clap_mangen's NAME, DESCRIPTION, OPTIONS and
/// SUBCOMMANDS, with a SYNOPSIS that shows option values, the exit codes,
/// and the `after_help` blocks under their own titles (EXAMPLES, OUTPUT…)
/// instead of clap_mangen's single "EXTRA".
fn subcommand_page(sub: &clap::Command, path: &str) -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(
        sub.clone()
            .after_help(None::<&str>)
            .after_long_help(None::<&str>),
    );
    let title = path.replace(' ', "-");
    page.extend_from_slice(
        format!(
            ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {} 1 \"\" \"sso-secrets {}\"\n",
            roff_escape(&title),
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    );
    man.render_name_section(&mut page)?;
    page.extend_from_slice(b".SH SYNOPSIS\n");
    if let Some(usage) = sub.get_overridden_usage() {
        page.extend_from_slice(format!("{}\n", roff_escape(&usage.to_string())).as_bytes());
    } else {
        let mut words = vec![format!("\\fB{}\\fR", roff_escape(path))];
        let own = sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set() && a.get_id() != "help");
        let (positional, options): (Vec<_>, Vec<_>) = own.partition(|a| a.is_positional());
        words.extend(options.into_iter().map(synopsis_arg));
        if sub.has_subcommands() {
            words.push("\\fI<COMMAND>\\fR".into());
        } else {
            words.push("[\\fIGLOBAL OPTIONS\\fR]".into());
        }
        words.extend(positional.into_iter().map(synopsis_arg));
        page.extend_from_slice(format!("{}\n", words.join(" ")).as_bytes());
    }
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    if sub.has_subcommands() {
        man.render_subcommands_section(&mut page)?;
    }
    let after = sub
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    for block in after.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let (label, body) = block.split_once('\n').unwrap_or((block, ""));
        let label = label.trim().trim_end_matches(':');
        // "Example (why):" becomes EXAMPLES, with the why as its first line.
        let (label, note) = match label.split_once(" (") {
            Some((l, note)) => (l, Some(note.trim_end_matches(')'))),
            None => (label, None),
        };
        let label = match label.to_uppercase() {
            l if l == "EXAMPLE" => "EXAMPLES".to_string(),
            l => l,
        };
        let mut body: Vec<&str> = body
            .lines()
            .map(|l| l.strip_prefix("  ").unwrap_or(l))
            .collect();
        let note = note.map(|n| format!("# {n}"));
        if let Some(n) = &note {
            body.insert(0, n);
        }
        page.extend_from_slice(
            format!(".SH {label}\n.nf\n{}\n.fi\n", roff_escape(&body.join("\n"))).as_bytes(),
        );
    }
    page.extend_from_slice(b".SH \"EXIT STATUS\"\n.nf\n");
    page.extend_from_slice(roff_escape(EXIT_CODES).as_bytes());
    page.extend_from_slice(b"\n.fi\n.SH \"SEE ALSO\"\n\\fBsso\\-secrets\\fR(1)\n");
    Ok(page)
}

/// Writes every man page into `dir/man1`, where `man` looks for section 1
/// under each directory of its search path.
pub fn install_man_pages(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let man1 = dir.join("man1");
    std::fs::create_dir_all(&man1)?;
    let mut written = Vec::new();
    for (name, page) in man_pages()? {
        let path = man1.join(name);
        std::fs::write(&path, page)?;
        written.push(path);
    }
    Ok(written)
}
