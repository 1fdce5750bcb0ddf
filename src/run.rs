//! From parsed arguments to a command, and from its outcome to an exit code.

use crate::cli::{Cli, Command, OnOff, TokenCommand, VaultCommand};
use crate::commands::{self as cmd, Ctx, Outcome};
use crate::credentials::{Env, Sources, Terminal};
use crate::error::{Error, Result};
use crate::ops::Request;
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
            // clap's message without its usage block, on one line.
            let text = styled.to_string();
            let message = text.split("\nUsage:").next().unwrap_or_default();
            let message = message
                .split("\nFor more information")
                .next()
                .unwrap_or_default();
            let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
            let message = message.trim_start_matches("error: ");
            if json {
                let _ = writeln!(io.err, "{}", usage_json(message));
            } else {
                let _ = writeln!(io.err, "sso-secrets: usage: {message}");
            }
            return Status::Usage.exit_code();
        }
    };
    let err_is_terminal = io.err_is_terminal;
    let mut sink = Sink {
        out: io.out,
        err: io.err,
        out_is_terminal: io.out_is_terminal,
        json: cli.global.json,
    };
    let mut warnings = Vec::new();
    let result = execute(cli, io.env, io.term, &mut warnings);
    sink.warnings(&warnings);
    match result {
        Ok(Outcome::Exec(launch)) => {
            // Said only to a person: in a CI log it would be noise.
            if err_is_terminal {
                let notes: Vec<String> = launch
                    .overridden()
                    .iter()
                    .map(|var| format!("note: {var} was already set; the secret replaces it"))
                    .collect();
                sink.warnings(&notes);
            }
            let _ = sink.out.flush();
            let failure = launch.replace_process();
            sink.error(&failure.error);
            failure.exit_code
        }
        Ok(outcome) => match sink.outcome(&outcome) {
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

fn execute(
    cli: Cli,
    env: &Env,
    term: &dyn Terminal,
    warnings: &mut Vec<String>,
) -> Result<Outcome> {
    let g = cli.global;
    // Commands that need no vault.
    match &cli.command {
        Command::Did(c) => return cmd::offline::did(c, warnings),
        Command::Completions { shell } => return cmd::offline::completions(*shell),
        Command::GenerateAssets { out_dir } => return cmd::offline::generate_assets(out_dir),
        _ => {}
    }
    let vault = match g.vault {
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
        },
        observer: &crate::ops::Ignore,
        warnings: Default::default(),
    };
    let result = dispatch(&ctx, cli.command);
    warnings.append(&mut ctx.warnings.borrow_mut());
    result
}

fn dispatch(ctx: &Ctx<'_>, command: Command) -> Result<Outcome> {
    match command {
        Command::Init(k) => cmd::init(ctx, k.params()),
        Command::GetSso(a) => ctx.rfc(|_| {
            Ok(Request::GetSso {
                app: a.app,
                user: a.user_id,
            })
        }),
        Command::PutSso(a) => ctx.rfc(|ctx| {
            Ok(Request::PutSso {
                body: ctx.sources.body(a.file.as_deref())?,
                app: a.app,
                user: a.user_id,
            })
        }),
        Command::DeactivateSso(a) => ctx.rfc(|_| {
            Ok(Request::DeactivateSso {
                user: a.user()?,
                app: a.app,
            })
        }),
        Command::RemoveSso(a) => ctx.rfc(|_| {
            Ok(Request::RemoveSso {
                user: a.user()?,
                app: a.app,
            })
        }),
        Command::PutDid(a) => ctx.rfc(|ctx| {
            Ok(Request::PutDid {
                body: ctx.sources.body(a.file.as_deref())?,
                did: a.did,
                name: a.name,
            })
        }),
        Command::GetDid(a) => ctx.rfc(|_| {
            Ok(Request::GetDid {
                did: a.did,
                name: a.name,
            })
        }),
        Command::DeleteDid(a) => ctx.rfc(|_| {
            Ok(Request::DeleteDid {
                did: a.did,
                name: a.name,
            })
        }),
        Command::Exec(a) => cmd::exec::exec(ctx, &a.sso, &a.did, a.command),
        Command::Inject(a) => cmd::exec::inject(ctx, a.input.as_deref(), a.output.as_deref()),
        Command::List => cmd::list(ctx),
        Command::Import { file } => cmd::import(ctx, file.as_deref()),
        Command::Export => cmd::export(ctx),
        Command::Token(TokenCommand::Create {
            name,
            apps,
            dids,
            write,
            expires_in,
        }) => cmd::token_create(ctx, &name, &apps, &dids, write, expires_in),
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
        Command::Did(_) | Command::Completions { .. } | Command::GenerateAssets { .. } => Err(
            Error::failure("internal: command handled before opening the vault"),
        ),
    }
}
