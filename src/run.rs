//! From parsed arguments to a command, and from its outcome to an exit code.

use crate::cli::{
    AuditCommand, AuditSwitch, Cli, Command, Global, OnOff, TokenCommand, VaultCommand,
};
use crate::commands::{self as cmd, Ctx, Outcome};
use crate::credentials::{Env, Sources, Terminal};
use crate::error::{Error, Result};
use crate::names::{Did, UserId};
use crate::ops::Request;
use crate::output::{Sink, usage_json};
use crate::status::Status;
use crate::vault::store::Location;
use clap::FromArgMatches;
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

/// Where this machine remembers what the passphrase saw of each vault:
/// `<state dir>/seen.json` (`$XDG_STATE_HOME/sso-secrets`, else
/// `~/.local/state/sso-secrets`; the local data directory where the
/// platform has no state directory). `None` without a home directory: then
/// nothing is remembered.
fn history_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sso-secrets").map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .join("seen.json")
    })
}

/// Runs the command line `args` and returns the process exit code.
pub fn run(args: Vec<OsString>, io: Io<'_>) -> u8 {
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let parsed = crate::cli::command()
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
            let mut usage = crate::usage::render(&e, &args);
            usage.detail = shorten_words(&usage.detail);
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
    let err_is_terminal = io.err_is_terminal;
    let mut sink = Sink {
        out: io.out,
        err: io.err,
        out_is_terminal: io.out_is_terminal,
        err_is_terminal: io.err_is_terminal,
        json: cli.global.json,
    };
    let mut warnings = Vec::new();
    let done = confirmation(&cli.command);
    let result = execute(cli, io.env, io.term, &mut warnings, &mut *sink.err);
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
            sink.error_exiting(&failure.error, failure.exit_code);
            failure.exit_code
        }
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
    let user = |did: &Option<Did>, id: &Option<UserId>| match (did, id) {
        (Some(d), _) => format!("the user of {d}"),
        (_, Some(u)) => format!("user \"{u}\""),
        _ => "the user".to_string(),
    };
    Some(match command {
        Command::PutSso(a) => format!(
            "stored the SSO secret of user \"{}\" of app \"{}\"",
            a.user_id, a.app
        ),
        Command::PutDid(a) => format!("stored DID secret \"{}\" of {}", a.name, a.did),
        Command::DeactivateSso(a) => format!(
            "deactivated the SSO secret of {} of app \"{}\" (put-sso re-activates it)",
            user(&a.did, &a.user_id),
            a.app
        ),
        Command::RemoveSso(a) => format!(
            "removed the SSO secret of {} of app \"{}\"",
            user(&a.did, &a.user_id),
            a.app
        ),
        Command::DeleteDid(a) => format!("deleted DID secret \"{}\" of {}", a.name, a.did),
        Command::Token(TokenCommand::Revoke { name }) => {
            format!("revoked token \"{name}\"; the keys it could read are new")
        }
        Command::Vault(VaultCommand::ReadOnly { state: OnOff::On }) => {
            "the vault is read-only: every write answers 55 until `vault read-only off`".into()
        }
        Command::Vault(VaultCommand::ReadOnly { state: OnOff::Off }) => {
            "the vault accepts writes again".into()
        }
        Command::Vault(VaultCommand::Passwd { .. }) => "passphrase changed".into(),
        Command::Vault(VaultCommand::Rotate { .. }) => "every key rotated".into(),
        Command::Vault(VaultCommand::Copy { to }) => format!(
            "copied the vault to {}; every token works against the copy",
            to.to_string_lossy()
        ),
        Command::Inject(a) => format!("wrote {} (mode 0600)", a.output.as_ref()?.display()),
        _ => return None,
    })
}

/// The surroundings of a command that works on the vault; builds its
/// [`Ctx`] only when such a command runs, so `did`, `completions` and the
/// like need no home directory and no valid environment.
struct VaultCommands<'a, 'w> {
    global: Global,
    /// The command's name when it has no RFC operation behind it (it
    /// needs the vault itself, so `--remote` cannot serve it).
    #[cfg(feature = "remote")]
    local_only: Option<&'static str>,
    env: &'a Env,
    term: &'a dyn Terminal,
    warnings: &'w mut Vec<String>,
    /// How the command's audit record names it and what it addressed
    /// (`None`: no record, e.g. `init`, `serve`).
    audit_as: Option<(String, Vec<(String, String)>)>,
}

impl VaultCommands<'_, '_> {
    fn run(self, f: impl FnOnce(&Ctx<'_>) -> Result<Outcome>) -> Result<Outcome> {
        let g = self.global;
        #[cfg(feature = "remote")]
        let remote = g
            .remote
            .or_else(|| self.env.remote.clone())
            .filter(|url| !url.is_empty());
        #[cfg(feature = "remote")]
        if let (Some(name), Some(_)) = (self.local_only, &remote) {
            return Err(Error::Usage(format!(
                "`{name}` has no RFC-134 operation behind it, so it cannot run with --remote \
                 (or SSO_SECRETS_REMOTE); it works on a local vault only"
            )));
        }
        // Never the local vault in the server's place: a write meant for
        // the server would land here.
        #[cfg(not(feature = "remote"))]
        if self.env.remote.as_ref().is_some_and(|url| !url.is_empty()) {
            return Err(Error::Usage(
                "SSO_SECRETS_REMOTE is set, but this sso-secrets was built without --remote \
                 (the cargo feature `remote`); unset it to use the local vault"
                    .into(),
            ));
        }
        let read_only = g.read_only || self.env.read_only()?;
        let vault = match g.vault.or_else(|| self.env.vault.clone()) {
            Some(v) => v,
            None => default_vault()?,
        };
        // Through a symlink, work on the file it points to: the lock and the
        // temp file must sit beside the real vault, and a write must replace
        // it, not the link.
        let vault = match Location::parse(vault.as_os_str())? {
            Location::File(p) => Location::File(std::fs::canonicalize(&p).unwrap_or(p)),
            db => db,
        };
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
                warnings: Default::default(),
                origin: Default::default(),
            },
            #[cfg(feature = "remote")]
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
            history: history_file().map(crate::local::History::new),
            audit_seen: Default::default(),
            audited: Default::default(),
            present: Default::default(),
        };
        let mut result = f(&ctx);
        // Commands without their own records (administration) get one
        // here, before their outcome is printed.
        if let Some((name, target)) = self.audit_as
            && !ctx.audited.get()
        {
            let code = crate::ops::status_code(&result);
            // A command that failed already keeps its own error: it
            // released nothing either way.
            if let Err(e) = ctx.audit(None, vec![(name, code, target)])
                && result.is_ok()
            {
                result = Err(e);
            }
        }
        let result = result.map_err(|e| ctx.sources.name_origin(e));
        self.warnings.append(&mut ctx.sources.warnings.borrow_mut());
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
    log: &mut dyn std::io::Write,
) -> Result<Outcome> {
    // Only serve writes a log as it runs.
    #[cfg(not(feature = "serve"))]
    let _ = log;
    #[cfg(feature = "remote")]
    let local_only = match &cli.command {
        Command::Init(_) => Some("init"),
        Command::List => Some("list"),
        Command::Import { .. } => Some("import"),
        Command::Export { .. } => Some("export"),
        Command::Token(_) => Some("token"),
        Command::Vault(_) => Some("vault"),
        Command::Audit(_) => Some("audit"),
        #[cfg(feature = "serve")]
        Command::Serve(_) => Some("serve"),
        _ => None,
    };
    // Global, so --remote and serve share it; serve's copy is taken before
    // the command line moves into the vault commands.
    #[cfg(feature = "serve")]
    let insecure_http = cli.global.insecure_http;
    let vault = VaultCommands {
        global: cli.global,
        #[cfg(feature = "remote")]
        local_only,
        env,
        term,
        warnings,
        audit_as: audit_name(&cli.command),
    };
    match cli.command {
        Command::Did(c) => cmd::offline::did(&c, vault.warnings),
        Command::Completions { shell } => cmd::offline::completions(shell),
        Command::Man { install_dir } => cmd::offline::man(install_dir.as_deref(), vault.warnings),
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
        #[cfg(feature = "serve")]
        Command::Serve(a) => vault.run(|ctx| serve(ctx, a, insecure_http, log)),
        Command::Exec(a) => vault.run(|ctx| cmd::exec::exec(ctx, &a.sso, &a.did, a.command)),
        Command::Inject(a) => {
            vault.run(|ctx| cmd::exec::inject(ctx, a.input.as_deref(), a.output.as_deref()))
        }
        Command::List => vault.run(cmd::list),
        #[cfg(feature = "apihub")]
        Command::Import { file, apihub: a } => match a.apihub {
            Some(dir) => vault.run(|ctx| {
                let key_file = a.apihub_key_file.as_deref();
                cmd::apihub::import(ctx, &dir, key_file, a.dry_run, a.prune)
            }),
            None => vault.run(|ctx| cmd::import(ctx, file.as_deref())),
        },
        #[cfg(not(feature = "apihub"))]
        Command::Import { file } => vault.run(|ctx| cmd::import(ctx, file.as_deref())),
        #[cfg(feature = "apihub")]
        Command::Export { apihub: a } => match a.apihub {
            Some(dir) => {
                vault.run(|ctx| cmd::apihub::export(ctx, &dir, a.apihub_key_file.as_deref()))
            }
            None => vault.run(cmd::export),
        },
        #[cfg(not(feature = "apihub"))]
        Command::Export {} => vault.run(cmd::export),
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
        Command::Audit(a) => match a.command {
            None => vault.run(|ctx| cmd::audit_list(ctx, a.since)),
            Some(AuditCommand::Verify) => vault.run(cmd::audit_verify),
            Some(AuditCommand::Prune { before }) => vault.run(|ctx| cmd::audit_prune(ctx, before)),
        },
        Command::Vault(VaultCommand::Audit { state }) => {
            vault.run(|ctx| cmd::vault_audit(ctx, matches!(state, AuditSwitch::On)))
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
        Command::Vault(VaultCommand::Rotate {
            new_passphrase_file,
        }) => vault.run(|ctx| cmd::vault_rotate(ctx, new_passphrase_file.as_deref())),
        Command::Vault(VaultCommand::Check { repair, yes }) => {
            vault.run(|ctx| cmd::vault_check(ctx, repair, yes))
        }
        Command::Vault(VaultCommand::Upgrade) => vault.run(cmd::vault_upgrade),
        Command::Vault(VaultCommand::Copy { to }) => {
            let to = Location::parse(&to)?;
            vault.run(|ctx| cmd::vault_copy(ctx, &to))
        }
    }
}

/// How a command's audit record names it, and what it addressed (sealed
/// in the record). RFC commands and `exec`/`inject` append their own
/// records; this name is used when they fail before reaching the vault.
fn audit_name(command: &Command) -> Option<(String, Vec<(String, String)>)> {
    let token = |n: &str| vec![("token".to_string(), n.to_string())];
    let (name, target) = match command {
        Command::Did(_)
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::GenerateAssets { .. }
        | Command::Init(_) => return None,
        #[cfg(feature = "serve")]
        Command::Serve(_) => return None,
        Command::GetSso(_) => ("getSSOSecret", vec![]),
        Command::PutSso(_) => ("putSSOSecret", vec![]),
        Command::DeactivateSso(_) => ("deactivateSSOSecret", vec![]),
        Command::RemoveSso(_) => ("removeSSOSecret", vec![]),
        Command::PutDid(_) => ("putDIDSecret", vec![]),
        Command::GetDid(_) => ("getDIDSecret", vec![]),
        Command::DeleteDid(_) => ("deleteDIDSecret", vec![]),
        Command::Exec(_) => ("exec", vec![]),
        Command::Inject(_) => ("inject", vec![]),
        Command::List => ("list", vec![]),
        #[cfg(feature = "apihub")]
        Command::Import { apihub, .. } if apihub.apihub.is_some() => ("import --apihub", vec![]),
        Command::Import { .. } => ("import", vec![]),
        #[cfg(feature = "apihub")]
        Command::Export { apihub } if apihub.apihub.is_some() => ("export --apihub", vec![]),
        Command::Export { .. } => ("export", vec![]),
        Command::Token(TokenCommand::Create { name, .. }) => ("token create", token(name)),
        Command::Token(TokenCommand::List) => ("token list", vec![]),
        Command::Token(TokenCommand::Revoke { name }) => ("token revoke", token(name)),
        Command::Audit(a) => match a.command {
            None => ("audit", vec![]),
            Some(AuditCommand::Verify) => ("audit verify", vec![]),
            Some(AuditCommand::Prune { .. }) => ("audit prune", vec![]),
        },
        Command::Vault(v) => match v {
            VaultCommand::Audit {
                state: AuditSwitch::On,
            } => ("vault audit on", vec![]),
            VaultCommand::Audit {
                state: AuditSwitch::Off,
            } => ("vault audit off", vec![]),
            VaultCommand::Info => ("vault info", vec![]),
            VaultCommand::ReadOnly { state: OnOff::On } => ("vault read-only on", vec![]),
            VaultCommand::ReadOnly { state: OnOff::Off } => ("vault read-only off", vec![]),
            VaultCommand::Passwd { .. } => ("vault passwd", vec![]),
            VaultCommand::Rotate { .. } => ("vault rotate", vec![]),
            VaultCommand::Check { .. } => ("vault check", vec![]),
            VaultCommand::Upgrade => ("vault upgrade", vec![]),
            VaultCommand::Copy { .. } => ("vault copy", vec![]),
        },
    };
    Some((name.to_string(), target))
}

/// clap quotes an offending value whole: long words are cut to a prefix and
/// control characters escaped, so a hostile argument neither floods the
/// terminal nor drives it.
fn shorten_words(detail: &str) -> String {
    let cut = detail
        .split(' ')
        .map(|w| match w.char_indices().nth(64) {
            Some((at, _)) => format!("{}...({} bytes)", &w[..at], w.len()),
            None => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    crate::text::escape(&cut).into_owned()
}

/// `serve` runs until a signal; its log goes to stderr as it happens.
#[cfg(feature = "serve")]
fn serve(
    ctx: &Ctx<'_>,
    a: crate::cli::ServeArgs,
    insecure_http: bool,
    log: &mut dyn std::io::Write,
) -> Result<Outcome> {
    // The server's token is read once, before anything listens; it is never
    // the passphrase (see `Sources::server_token`).
    let front = if a.trusted_front.is_empty() {
        None
    } else {
        Some(crate::serve::FrontConfig {
            peers: a.trusted_front,
            token: ctx.sources.server_token()?,
        })
    };
    let options = crate::serve::Options {
        vault: ctx.config(),
        listen: a.listen,
        socket_mode: a.socket_mode,
        front,
        tls: a.tls_cert.zip(a.tls_key),
        insecure_http,
        max_connections: a.max_connections as usize,
        // Half by default: however many connections one address opens,
        // the other half of the slots stays for everyone else.
        max_connections_per_peer: a
            .max_connections_per_peer
            .map_or((a.max_connections as usize / 2).max(1), |n| n as usize),
        header_timeout: Duration::from_secs_f64(a.header_timeout),
        grace: Duration::from_secs(30),
        metrics_listen: a.metrics_listen,
    };
    crate::serve::run(options, log).map(|()| Outcome::Done)
}
