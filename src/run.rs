//! From parsed arguments to a command, and from its outcome to an exit code.

use crate::cli::{Cli, Command, DidCommand, OnOff, TokenCommand, VaultCommand};
use crate::commands::{self as cmd, Ctx, Outcome};
use crate::credentials::{Env, Sources, Terminal};
use crate::crypto::KdfParams;
use crate::error::{Error, Result};
use crate::output::{Sink, usage_json};
use crate::status::Status;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The process's surroundings, built by `main` (or a test).
pub struct Io<'a> {
    /// Credential environment variables.
    pub env: &'a Env,
    /// Terminal and stdin.
    pub term: &'a dyn Terminal,
    /// Standard output.
    pub out: &'a mut dyn std::io::Write,
    /// Standard error.
    pub err: &'a mut dyn std::io::Write,
    /// True when stdout is a terminal.
    pub out_is_terminal: bool,
    /// True when stderr is a terminal (clap's messages are coloured then).
    pub err_is_terminal: bool,
}

/// The default vault path: `<data dir>/vault`.
pub fn default_vault() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "sso-secrets")
        .map(|d| d.data_dir().join("vault"))
        .ok_or_else(|| {
            Error::failure("cannot find a home directory; pass --vault or set SSO_SECRETS_VAULT")
        })
}

/// Runs the command line `args` and returns the process exit code.
pub fn run(args: Vec<OsString>, io: Io<'_>) -> u8 {
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let parsed = Cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
            let styled = e.render();
            // Colour only for a person at a terminal.
            let paint = |terminal: bool| {
                if terminal {
                    styled.ansi().to_string()
                } else {
                    styled.to_string()
                }
            };
            if matches!(e.kind(), DisplayHelp | DisplayVersion) {
                let _ = write!(io.out, "{}", paint(io.out_is_terminal));
                return 0;
            }
            let usage = crate::usage::render(&e);
            if json {
                let _ = writeln!(io.err, "{}", usage_json(&usage.detail));
            } else {
                let _ = writeln!(io.err, "sso-secrets: usage: {}", usage.detail);
                if let Some(hint) = usage.hint {
                    let _ = writeln!(io.err, "sso-secrets: hint: {hint}");
                }
            }
            return Status::Usage.exit_code();
        }
    };
    let mut sink = Sink {
        out: io.out,
        err: io.err,
        out_is_terminal: io.out_is_terminal,
        err_is_terminal: io.err_is_terminal,
        json: cli.global.json,
    };
    let mut warnings = Vec::new();
    let done = confirmation(&cli.command);
    let result = execute(cli, io.env, io.term, &mut warnings);
    sink.warnings(&warnings);
    match result {
        Ok(outcome) => match sink
            .outcome(&outcome)
            .and_then(|()| sink.confirm(&outcome, done.as_deref()))
        {
            Ok(()) => 0,
            // A reader that went away (`| head`) is not an error worth a message.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                sink.error(&Error::io("cannot write output", e));
                Status::Failure.exit_code()
            }
        },
        Err(e) => {
            sink.error(&e);
            e.status().exit_code()
        }
    }
}

/// What a write that prints nothing says at a terminal when it succeeds.
fn confirmation(command: &Command) -> Option<String> {
    let sso = |app: &dyn std::fmt::Display, user: String| format!("user {user:?} of app \"{app}\"");
    let by_did = |did: &Option<String>, user: &Option<String>| match (did, user) {
        (Some(d), _) => format!("the user of DID {d}"),
        (_, Some(u)) => format!("user {u:?}"),
        _ => String::new(),
    };
    Some(match command {
        Command::PutSso(a) => format!("stored the SSO secret of {}", sso(&a.app, a.user_id.to_string())),
        Command::PutDid(a) => format!("stored DID secret \"{}\" of {}", a.name, a.did),
        Command::DeactivateSso(a) => format!(
            "deactivated the SSO secret of {} in app \"{}\" (put-sso re-activates it)",
            by_did(&a.did.as_ref().map(|d| d.to_string()), &a.user_id.as_ref().map(|u| u.to_string())),
            a.app
        ),
        Command::RemoveSso(a) => format!(
            "removed the SSO secret of {} in app \"{}\"",
            by_did(&a.did.as_ref().map(|d| d.to_string()), &a.user_id.as_ref().map(|u| u.to_string())),
            a.app
        ),
        Command::DeleteDid(a) => format!("deleted DID secret \"{}\" of {}", a.name, a.did),
        Command::Token(TokenCommand::Revoke { name }) => {
            format!("revoked token {name:?}; the keys it could read are new")
        }
        Command::Vault(VaultCommand::ReadOnly { state: OnOff::On }) => {
            "the vault is read-only: every write answers 55 until `vault read-only off`".into()
        }
        Command::Vault(VaultCommand::ReadOnly { state: OnOff::Off }) => {
            "the vault accepts writes again".into()
        }
        Command::Vault(VaultCommand::Passwd { .. }) => "passphrase changed".into(),
        _ => return None,
    })
}

fn execute(
    cli: Cli,
    env: &Env,
    term: &dyn Terminal,
    warnings: &mut Vec<String>,
) -> Result<Outcome> {
    let g = cli.global;
    // Commands that need no vault.
    match &cli.command {
        Command::Did(DidCommand::Encode { text }) => {
            if text.is_empty() {
                return Err(Error::Usage("nothing to encode".into()));
            }
            // Encode what the operator asked for, but say when the other
            // commands will not take it.
            if let Err(e) = crate::did::check_did_text(text) {
                warnings.push(format!(
                    "warning: {}; the DID commands will refuse it",
                    e.detail()
                ));
            }
            return Ok(Outcome::Value {
                key: "base58",
                value: crate::did::encode(text),
            });
        }
        Command::Did(DidCommand::Decode { base58 }) => {
            return Ok(Outcome::Value {
                key: "text",
                value: crate::did::decode_text(base58)?,
            });
        }
        Command::Completions { shell } => {
            let script = String::from_utf8_lossy(&crate::assets::completion(*shell)).into_owned();
            return Ok(Outcome::Value {
                key: "script",
                value: script.trim_end().to_string(),
            });
        }
        Command::Man { install_dir: None } => {
            let pages = crate::assets::man_pages().map_err(|e| Error::io("cannot render", e))?;
            let main = pages.into_iter().next().map(|(_, p)| p).unwrap_or_default();
            return Ok(Outcome::Value {
                key: "page",
                value: String::from_utf8_lossy(&main).trim_end().to_string(),
            });
        }
        Command::Man {
            install_dir: Some(dir),
        } => {
            let files = crate::assets::install_man_pages(dir).map_err(|e| {
                Error::io(format!("cannot install man pages in {}", dir.display()), e)
            })?;
            warnings.push(format!(
                "installed {} man pages in {}",
                files.len(),
                dir.join("man1").display()
            ));
            return Ok(Outcome::Count {
                key: "installed",
                n: files.len(),
            });
        }
        Command::GenerateAssets { out_dir } => {
            let files =
                crate::assets::write(out_dir).map_err(|e| Error::io("cannot write assets", e))?;
            return Ok(Outcome::Value {
                key: "files",
                value: files.join("\n"),
            });
        }
        _ => {}
    }
    let vault = match g.vault.or_else(|| env.vault.clone()) {
        Some(v) => v,
        None => default_vault()?,
    };
    // Through a symlink, work on the file it points to: the lock and the
    // temp file must sit beside the real vault, and a write must replace
    // it, not the link.
    let vault = std::fs::canonicalize(&vault).unwrap_or(vault);
    let ctx = Ctx {
        vault,
        read_only: g.read_only || env.read_only()?,
        lock_timeout: Duration::from_secs_f64(g.lock_timeout),
        sources: Sources {
            token_file: g.token_file,
            passphrase_file: g.passphrase_file,
            env,
            term,
            no_input: g.no_input,
            warnings: Default::default(),
        },
        warnings: Default::default(),
    };
    let result = dispatch(&ctx, cli.command);
    warnings.append(&mut ctx.sources.warnings.borrow_mut());
    warnings.append(&mut ctx.warnings.borrow_mut());
    result
}

fn dispatch(ctx: &Ctx<'_>, command: Command) -> Result<Outcome> {
    match command {
        Command::Init(k) => cmd::init(
            ctx,
            KdfParams {
                memory_mib: k.kdf_memory,
                iterations: k.kdf_iterations,
            },
        ),
        Command::GetSso(a) => cmd::get_sso(ctx, &a.app, &a.user_id),
        Command::PutSso(a) => cmd::put_sso(ctx, &a.app, &a.user_id, a.file.as_deref()),
        Command::DeactivateSso(a) => {
            cmd::deactivate_sso(ctx, &a.app, a.did.as_deref(), a.user_id.as_deref())
        }
        Command::RemoveSso(a) => {
            cmd::remove_sso(ctx, &a.app, a.did.as_deref(), a.user_id.as_deref())
        }
        Command::PutDid(a) => cmd::put_did(ctx, &a.did, &a.name, a.file.as_deref()),
        Command::GetDid(a) => cmd::get_did(ctx, &a.did, &a.name),
        Command::DeleteDid(a) => cmd::delete_did(ctx, &a.did, &a.name),
        Command::List => cmd::list(ctx),
        Command::Import { file } => cmd::import(ctx, file.as_deref()),
        Command::Export => cmd::export(ctx),
        Command::Token(TokenCommand::Create {
            name,
            apps,
            dids,
            write,
            expires_in,
        }) => cmd::token_create(ctx, &name, &apps, &dids, write, expires_in.as_deref()),
        Command::Token(TokenCommand::List) => cmd::token_list(ctx),
        Command::Token(TokenCommand::Revoke { name }) => cmd::token_revoke(ctx, &name),
        Command::Vault(VaultCommand::Info) => cmd::vault_info(ctx),
        Command::Vault(VaultCommand::ReadOnly { state }) => {
            cmd::vault_read_only(ctx, matches!(state, OnOff::On))
        }
        Command::Vault(VaultCommand::Passwd {
            new_passphrase_file,
            kdf_memory,
            kdf_iterations,
        }) => cmd::vault_passwd(
            ctx,
            new_passphrase_file.as_deref(),
            kdf_memory,
            kdf_iterations,
        ),
        Command::Did(_)
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::GenerateAssets { .. } => Err(
            Error::failure("internal: command handled before opening the vault"),
        ),
    }
}
