//! From parsed arguments to a command, and from its outcome to an exit code.

use crate::cli::{Cli, Command, Global, OnOff, TokenCommand, VaultCommand};
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

/// The surroundings of a command that works on the vault; builds its
/// [`Ctx`] only when such a command runs, so `did`, `completions` and the
/// like need no home directory and no valid environment.
struct VaultCommands<'a, 'w> {
    global: Global,
    /// The command's name when it has no RFC operation behind it (it
    /// needs the vault itself, so `--remote` cannot serve it).
    local_only: Option<&'static str>,
    env: &'a Env,
    term: &'a dyn Terminal,
    warnings: &'w mut Vec<String>,
}

impl VaultCommands<'_, '_> {
    fn run(self, f: impl FnOnce(&Ctx<'_>) -> Result<Outcome>) -> Result<Outcome> {
        let g = self.global;
        let remote = g.remote.filter(|url| !url.is_empty());
        if let (Some(name), Some(_)) = (self.local_only, &remote) {
            return Err(Error::Usage(format!(
                "`{name}` has no RFC-134 operation behind it, so it cannot run with --remote \
                 (or SSO_SECRETS_REMOTE); it works on a local vault only"
            )));
        }
        let read_only = g.read_only || self.env.read_only()?;
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
            read_only,
            lock_timeout: Duration::from_secs_f64(g.lock_timeout),
            sources: Sources {
                token_file: g.token_file,
                passphrase_file: g.passphrase_file,
                env: self.env,
                term: self.term,
                no_input: g.no_input,
            },
            remote: remote.map(|url| crate::remote::Options {
                url,
                cacert: g.cacert,
                timeout: Duration::from_secs_f64(g.timeout),
                retries: g.retries,
                insecure_http: g.insecure_http,
                read_only,
            }),
            observer: &crate::ops::Ignore,
            warnings: Default::default(),
        };
        let result = f(&ctx);
        self.warnings.append(&mut ctx.warnings.borrow_mut());
        result
    }

    /// An RFC operation: `build` makes the request once the credential is
    /// known (see [`Ctx::rfc`]).
    fn rfc(self, build: impl FnOnce(&Ctx<'_>) -> Result<Request>) -> Result<Outcome> {
        self.run(|ctx| ctx.rfc(build))
    }
}

fn execute(
    cli: Cli,
    env: &Env,
    term: &dyn Terminal,
    warnings: &mut Vec<String>,
) -> Result<Outcome> {
    let local_only = match &cli.command {
        Command::Init(_) => Some("init"),
        Command::List => Some("list"),
        Command::Import { .. } => Some("import"),
        Command::Export => Some("export"),
        Command::Token(_) => Some("token"),
        Command::Vault(_) => Some("vault"),
        _ => None,
    };
    let vault = VaultCommands {
        global: cli.global,
        local_only,
        env,
        term,
        warnings,
    };
    match cli.command {
        Command::Did(c) => cmd::offline::did(&c, vault.warnings),
        Command::Completions { shell } => cmd::offline::completions(shell),
        Command::GenerateAssets { out_dir } => cmd::offline::generate_assets(&out_dir),
        Command::Init(k) => vault.run(|ctx| cmd::init(ctx, k.params())),
        Command::GetSso(a) => vault.rfc(|_| {
            Ok(Request::GetSso {
                app: a.app,
                user: a.user_id,
            })
        }),
        Command::PutSso(a) => vault.rfc(|ctx| {
            Ok(Request::PutSso {
                body: ctx.sources.body(a.file.as_deref())?,
                app: a.app,
                user: a.user_id,
            })
        }),
        Command::DeactivateSso(a) => vault.rfc(|_| {
            Ok(Request::DeactivateSso {
                user: a.user()?,
                app: a.app,
            })
        }),
        Command::RemoveSso(a) => vault.rfc(|_| {
            Ok(Request::RemoveSso {
                user: a.user()?,
                app: a.app,
            })
        }),
        Command::PutDid(a) => vault.rfc(|ctx| {
            Ok(Request::PutDid {
                body: ctx.sources.body(a.file.as_deref())?,
                did: a.did,
                name: a.name,
            })
        }),
        Command::GetDid(a) => vault.rfc(|_| {
            Ok(Request::GetDid {
                did: a.did,
                name: a.name,
            })
        }),
        Command::DeleteDid(a) => vault.rfc(|_| {
            Ok(Request::DeleteDid {
                did: a.did,
                name: a.name,
            })
        }),
        Command::List => vault.run(cmd::list),
        Command::Import { file } => vault.run(|ctx| cmd::import(ctx, file.as_deref())),
        Command::Export => vault.run(cmd::export),
        Command::Token(TokenCommand::Create {
            name,
            apps,
            dids,
            write,
            expires_in,
        }) => vault.run(|ctx| cmd::token_create(ctx, &name, &apps, &dids, write, expires_in)),
        Command::Token(TokenCommand::List) => vault.run(cmd::token_list),
        Command::Token(TokenCommand::Revoke { name }) => {
            vault.run(|ctx| cmd::token_revoke(ctx, &name))
        }
        Command::Vault(VaultCommand::Info) => vault.run(cmd::vault_info),
        Command::Vault(VaultCommand::ReadOnly { state }) => {
            vault.run(|ctx| cmd::vault_read_only(ctx, matches!(state, OnOff::On)))
        }
        Command::Vault(VaultCommand::Passwd {
            new_passphrase_file,
            kdf_memory,
            kdf_iterations,
        }) => vault.run(|ctx| {
            cmd::vault_passwd(
                ctx,
                new_passphrase_file.as_deref(),
                kdf_memory,
                kdf_iterations,
            )
        }),
    }
}
