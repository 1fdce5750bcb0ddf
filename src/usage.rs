//! Command-line parsing errors as the contract wants them: one line,
//! `sso-secrets: usage: <detail>`, maybe followed by one hint line.
//!
//! clap's own rendering is several lines and quotes whatever it did not
//! expect ("unexpected argument 'hunter2' found"). That word is most often a
//! secret typed where it does not belong, and stderr ends up in CI logs, so
//! an unexpected value is never repeated back; values given to a known
//! argument (an invalid DID, a bad number) are, because the user put them
//! there on purpose and needs to see what was wrong with them.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The hint for a value that was probably a secret.
pub const SECRET_HINT: &str = "secrets are never taken as arguments: pipe them or use --file";

/// A usage error, ready to print.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage {
    /// The detail after `sso-secrets: usage: `.
    pub detail: String,
    /// An optional second line, after `sso-secrets: hint: `.
    pub hint: Option<String>,
}

fn context_str(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        _ => None,
    }
}

/// clap's usage line (`sso-secrets put-sso [OPTIONS] --user-id <USER_ID> <APP>`),
/// on one line, without the `Usage:` label.
fn usage_of(e: &clap::Error) -> Option<String> {
    // Errors that show help instead carry no usage context: find the
    // usage in the help text.
    let usage = context_str(e, ContextKind::Usage).or_else(|| {
        let help = e.render().to_string();
        let start = help.find("Usage:")?;
        Some(
            help[start..]
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .to_string(),
        )
    })?;
    let usage = usage.trim_start().trim_start_matches("Usage:");
    Some(one_line(usage))
}

/// The subcommand path of the usage line: `put-sso`, `token create`.
fn command_of(usage: &str) -> String {
    usage
        .split_whitespace()
        .skip(1)
        .take_while(|w| !w.starts_with(['[', '<', '-', '(']))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first word of `args` that names a subcommand.
fn typed_command(args: &[std::ffi::OsString]) -> Option<String> {
    let cmd = crate::cli::command();
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .find(|a| cmd.find_subcommand(a).is_some())
        .map(str::to_string)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A flag as typed, shown only when it looks like a flag name: `--secret=x`
/// shows as `--secret`, anything stranger not at all.
fn flag_name(arg: &str) -> Option<&str> {
    let name = arg.split('=').next().unwrap_or_default();
    let plausible = name.len() <= 40
        && name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plausible.then_some(name)
}

fn looks_like_secret_flag(flag: &str) -> bool {
    let f = flag.to_ascii_lowercase();
    ["secret", "pass", "token", "value", "key", "password"]
        .iter()
        .any(|w| f.contains(w))
}

/// The hint for `exec` without `--` before its command.
fn exec_hint() -> String {
    "the command to run goes after `--`: sso-secrets exec --sso <VAR> <APP> <USER_ID> -- \
     <COMMAND> [ARGS]..."
        .into()
}

/// The hint for a user id given where `command` wants something else
/// (`get-sso demo alice`; `deactivate-sso demo alice`, where the second
/// argument is a DID).
fn user_id_hint(command: &str) -> String {
    let mut hint =
        format!("a user id goes after --user-id: sso-secrets {command} <APP> --user-id <USER_ID>");
    match command {
        "put-sso" => hint.push_str("; the secret is piped in or read with --file"),
        "deactivate-sso" | "remove-sso" => {
            hint.push_str("; a second argument is the user's DID (base58, or its did:... text)")
        }
        _ => {}
    }
    hint
}

/// Names of the subcommands `--help` does not list (`generate-assets`),
/// at every level: never offered as "did you mean".
fn hidden_commands() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for sc in cmd.get_subcommands() {
            if sc.is_hide_set() {
                out.push(sc.get_name().to_string());
            }
            walk(sc, out);
        }
    }
    let mut out = Vec::new();
    walk(&crate::cli::command(), &mut out);
    out
}

/// Renders a clap error (not help or version) as a [`Usage`]. `args` is the
/// command line as typed (to tell what was given, never to echo it).
pub fn render(e: &clap::Error, args: &[std::ffi::OsString]) -> Usage {
    let usage = usage_of(e);
    // A value refused by its parser comes without a usage line: the
    // subcommand is then the first word that names one.
    let command = match usage.as_deref() {
        Some(u) => command_of(u),
        None => typed_command(args).unwrap_or_default(),
    };
    let for_command = if command.is_empty() {
        String::new()
    } else {
        format!(" for {command}")
    };
    let takes_secret = matches!(command.as_str(), "put-sso" | "put-did");
    let usage_hint = usage.clone().map(|u| format!("usage: {u}"));
    let gave_user_id = args
        .iter()
        .take_while(|a| *a != "--")
        .filter_map(|a| a.to_str())
        .any(|a| a == "--user-id" || a.starts_with("--user-id="));
    match e.kind() {
        ErrorKind::UnknownArgument => {
            let typed = context_str(e, ContextKind::InvalidArg).unwrap_or_default();
            match flag_name(&typed) {
                // A flag that looks like it carries a secret gets the secret
                // hint, not clap's nearest flag name (`--secret` would be
                // offered `--insecure-http`).
                Some(flag) if looks_like_secret_flag(flag) => Usage {
                    detail: format!("unknown option {flag}{for_command}"),
                    hint: Some(SECRET_HINT.to_string()),
                },
                Some(flag) => {
                    let suggestion = context_str(e, ContextKind::SuggestedArg)
                        .map(|s| format!("; did you mean {s}?"))
                        .unwrap_or_default();
                    Usage {
                        detail: format!("unknown option {flag}{for_command}{suggestion}"),
                        hint: usage_hint,
                    }
                }
                None => Usage {
                    detail: format!(
                        "unexpected argument{for_command} (not shown: it may be a secret)"
                    ),
                    hint: match command.as_str() {
                        // `get-sso demo alice`: the user id without its flag.
                        "get-sso" | "put-sso" if !gave_user_id => Some(user_id_hint(&command)),
                        // `exec ... env`: the command without `--`.
                        "exec" => Some(exec_hint()),
                        _ if takes_secret || !typed.starts_with('-') => {
                            Some(SECRET_HINT.to_string())
                        }
                        _ => usage_hint,
                    },
                },
            }
        }
        ErrorKind::ValueValidation
            if matches!(command.as_str(), "deactivate-sso" | "remove-sso")
                && context_str(e, ContextKind::InvalidArg).is_some_and(|a| a.contains("DID"))
                && !gave_user_id =>
        {
            Usage {
                detail: clap_message(e),
                hint: Some(user_id_hint(&command)),
            }
        }
        ErrorKind::MissingRequiredArgument if command == "exec" => Usage {
            detail: "exec needs a command to run".into(),
            hint: Some(exec_hint()),
        },
        ErrorKind::InvalidSubcommand => {
            let hidden = hidden_commands();
            let suggestion = match e.get(ContextKind::SuggestedSubcommand) {
                Some(ContextValue::Strings(names)) => {
                    let shown: Vec<&str> = names
                        .iter()
                        .map(String::as_str)
                        .filter(|n| !hidden.iter().any(|h| h == n))
                        .collect();
                    (!shown.is_empty()).then(|| shown.join(", "))
                }
                _ => context_str(e, ContextKind::SuggestedSubcommand)
                    .filter(|s| !hidden.iter().any(|h| h == s)),
            }
            .map(|s| format!("; did you mean {s}?"))
            .unwrap_or_default();
            let parent = if command.is_empty() {
                "sso-secrets".to_string()
            } else {
                format!("sso-secrets {command}")
            };
            Usage {
                detail: format!("unknown command (not shown: it may be a secret){suggestion}"),
                hint: Some(format!("`{parent} --help` lists the commands")),
            }
        }
        ErrorKind::TooManyValues => {
            let arg = context_str(e, ContextKind::InvalidArg).unwrap_or_default();
            Usage {
                detail: format!("too many values for {arg} (not shown: they may be secrets)"),
                hint: Some(SECRET_HINT.to_string()),
            }
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let name = if command.is_empty() {
                "sso-secrets".to_string()
            } else {
                format!("sso-secrets {command}")
            };
            Usage {
                detail: format!("{name} needs a command"),
                hint: Some(format!("`{name} --help` lists them")),
            }
        }
        _ => Usage {
            detail: clap_message(e),
            hint: usage_hint,
        },
    }
}

/// clap's own message without its `error:` label, tips and usage block.
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let body: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.trim_start().starts_with("tip:"))
        .collect();
    one_line(&body.join(" "))
        .trim_start_matches("error: ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(args: &[&str]) -> Usage {
        let e = crate::cli::command()
            .try_get_matches_from(args)
            .err()
            .unwrap_or_else(|| panic!("{args:?} parsed"));
        let typed: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        render(&e, &typed)
    }

    #[test]
    fn unexpected_values_are_never_shown() {
        let u = usage(&[
            "sso-secrets",
            "put-sso",
            "demo",
            "--user-id",
            "d",
            "hunter2",
        ]);
        assert!(!u.detail.contains("hunter2"), "{u:?}");
        assert!(u.detail.contains("put-sso"), "{u:?}");
        assert_eq!(u.hint.as_deref(), Some(SECRET_HINT));
        let u = usage(&["sso-secrets", "put-sso", "demo", "--secret=hunter2"]);
        assert!(
            u.detail.starts_with("unknown option --secret") && !u.detail.contains("hunter2"),
            "{u:?}"
        );
        assert_eq!(u.hint.as_deref(), Some(SECRET_HINT));
        let u = usage(&["sso-secrets", "hunter2"]);
        assert!(!u.detail.contains("hunter2"), "{u:?}");
        let u = usage(&["sso-secrets", "get-sso", "demo", "--user-id", "a", "zq9"]);
        assert!(!u.detail.contains("zq9"), "{u:?}");
    }

    #[test]
    fn known_arguments_keep_clap_message_on_one_line() {
        let u = usage(&["sso-secrets", "get-sso", "demo"]);
        assert!(u.detail.contains("--user-id"), "{u:?}");
        assert!(!u.detail.contains('\n'));
        let hint = u.hint.unwrap_or_default();
        assert!(hint.starts_with("usage: sso-secrets get-sso"), "{hint}");
        let u = usage(&["sso-secrets", "token"]);
        assert_eq!(u.detail, "sso-secrets token needs a command");
    }
}
