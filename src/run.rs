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
            let text = styled.to_string();
            if json {
                // clap's message without its usage block, on one line.
                let message = text.split("\nUsage:").next().unwrap_or_default();
                let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
                let _ = writeln!(
                    io.err,
                    "{}",
                    usage_json(message.trim_start_matches("error: "))
                );
            } else {
                let _ = write!(io.err, "{}", paint(io.err_is_terminal));
            }
            return Status::Usage.exit_code();
        }
    };
    let mut sink = Sink {
        out: io.out,
        err: io.err,
        out_is_terminal: io.out_is_terminal,
        json: cli.global.json,
    };
    let mut warnings = Vec::new();
    let result = execute(cli, io.env, io.term, &mut warnings, &mut *sink.err);
    sink.warnings(&warnings);
    match result {
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
    log: &mut dyn std::io::Write,
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
        warnings: Default::default(),
    };
    let result = match cli.command {
        Command::Serve(a) => serve(&ctx, a, log),
        command => dispatch(&ctx, command),
    };
    warnings.append(&mut ctx.warnings.borrow_mut());
    result
}

/// `serve` runs until a signal; its log goes to stderr as it happens.
fn serve(ctx: &Ctx<'_>, a: crate::cli::ServeArgs, log: &mut dyn std::io::Write) -> Result<Outcome> {
    let options = crate::serve::Options {
        vault: crate::local::VaultConfig {
            path: ctx.vault.clone(),
            read_only: ctx.read_only,
            lock_timeout: ctx.lock_timeout,
        },
        listen: a.listen,
        tls: a.tls_cert.zip(a.tls_key),
        insecure_http: a.insecure_http,
        max_connections: a.max_connections as usize,
        header_timeout: Duration::from_secs_f64(a.header_timeout),
        grace: Duration::from_secs(30),
    };
    crate::serve::run(options, log).map(|()| Outcome::Done)
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
        | Command::GenerateAssets { .. }
        | Command::Serve(_) => Err(
            Error::failure("internal: command handled before opening the vault"),
        ),
    }
}
