//! `exec` and `inject`: secrets delivered into another program's
//! environment, or into a file, instead of onto our stdout where a script
//! would have to carry them through `$(…)` without leaking them.
//!
//! Both resolve every secret first, through one backend with one
//! credential (one Argon2 run for a passphrase, however many secrets), and
//! do nothing visible until all of them are in hand: a command that is not
//! run, or a file that is not written, is better than either with a secret
//! missing.

use super::{Ctx, Outcome};
use crate::durable::{self, Clobber, Step, TempName, parent};
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::ops::{Backend, Event, Observer, Reply, Request};
use crate::secret::SecretBytes;
use crate::status::Status;
use crate::template::{SecretRef, Template};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The shell's status for a command that cannot be found. It is the status
/// the command's caller would have seen without us in between, so it is
/// the command's, not an RFC status.
pub const EXIT_NOT_FOUND: u8 = 127;
/// The shell's status for a command found but not executable.
pub const EXIT_CANNOT_RUN: u8 = 126;

/// Largest template `inject` reads.
pub const MAX_TEMPLATE: u64 = 64 << 20;

/// Credential variables are not handed on: the command gets the secrets it
/// was given, not the key to every other one. APIHub's container key
/// opens every secret of an APIHub folder, so it is one of them.
const WITHHELD: [&str; 3] = [
    "SSO_SECRETS_TOKEN",
    "SSO_SECRETS_PASSPHRASE",
    "SSO_SECRETS_ENCRYPTION_KEY",
];

/// Reads `secrets` through `backend` in one go (one vault open, one
/// credential), telling `observer` about each; the first failure, in
/// order, is the answer. Appends each request's audit record through `ctx`
/// (when the vault's trail is on) before any secret is released.
fn read_all_audited(
    backend: &dyn Backend,
    observer: &dyn Observer,
    ctx: Option<&Ctx<'_>>,
    secrets: &[&SecretRef],
) -> Result<Vec<SecretBytes>> {
    let requests: Vec<Request> = secrets.iter().map(|s| Request::read(s)).collect();
    let operations: Vec<_> = requests.iter().map(Request::operation).collect();
    let targets: Vec<_> = requests.iter().map(crate::audit::target_of).collect();
    let answers = backend.call_all(requests);
    if answers.len() != secrets.len() {
        return Err(Error::failure("internal: the backend skipped a request"));
    }
    let principal = backend.principal();
    for (&operation, answer) in operations.iter().zip(&answers) {
        observer.observe(&Event {
            operation,
            principal: principal.clone(),
            status: answer.as_ref().map_or_else(Error::status, |_| Status::Ok),
        });
    }
    // One record per secret, all durable before any is released.
    if let Some(ctx) = ctx {
        let audited = ctx.audit(
            backend.audit_seen(),
            operations
                .iter()
                .zip(targets)
                .zip(&answers)
                .map(|((op, target), a)| {
                    (
                        op.rfc_name().to_string(),
                        crate::ops::status_code(a),
                        target,
                    )
                })
                .collect(),
        );
        // A failed read keeps its own error (it released nothing).
        if let Err(e) = audited
            && answers.iter().all(Result::is_ok)
        {
            return Err(e);
        }
    }
    answers
        .into_iter()
        .map(|answer| match answer? {
            Reply::Secret(s) => Ok(s),
            Reply::Done => Err(Error::failure("internal: a get answered without a secret")),
        })
        .collect()
}

/// One `--sso`/`--did` option: a secret and the variable that receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSecret {
    /// The environment variable.
    pub var: String,
    /// The secret.
    pub secret: SecretRef,
}

fn check_var(option: &str, var: &str) -> Result<()> {
    let mut bytes = var.bytes();
    let valid = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{option}: {var:?} is not an environment variable name \
             (letters, digits and _, not starting with a digit)"
        )))
    }
}

/// Checks `--sso VAR APP USER_ID` and `--did VAR DID NAME` into secrets
/// bound to distinct variables. clap hands over each option's values in
/// one list, three per occurrence.
pub fn env_secrets(sso: &[String], did: &[String]) -> Result<Vec<EnvSecret>> {
    let mut out: Vec<EnvSecret> = Vec::new();
    for (option, values) in [("--sso", sso), ("--did", did)] {
        if values.len() % 3 != 0 {
            return Err(Error::Usage(format!("{option} takes three values")));
        }
        for triple in values.chunks_exact(3) {
            out.push(env_secret(option, triple, &out)?);
        }
    }
    Ok(out)
}

fn env_secret(option: &str, triple: &[String], earlier: &[EnvSecret]) -> Result<EnvSecret> {
    let [var, a, b] = triple else {
        return Err(Error::Usage(format!("{option} takes three values")));
    };
    check_var(option, var)?;
    let context = |e: Error| Error::Usage(format!("{option} {var}: {}", e.detail()));
    let secret = if option == "--sso" {
        SecretRef::Sso {
            app: AppName::new(a.as_str()).map_err(context)?,
            user: UserId::new(b.as_str()).map_err(context)?,
        }
    } else {
        SecretRef::Did {
            did: a.parse::<Did>().map_err(context)?,
            name: SecretName::new(b.as_str()).map_err(context)?,
        }
    };
    if earlier.iter().any(|e| e.var == *var) {
        return Err(Error::Usage(format!(
            "{var} is given more than once; each variable takes one secret"
        )));
    }
    Ok(EnvSecret {
        var: var.clone(),
        secret,
    })
}

/// Reads every secret; the first failure, in order, is the answer. A
/// value with a NUL byte cannot be passed in an environment variable: 500
/// naming the variable.
#[cfg(any(test, feature = "test-support"))]
pub fn resolve(
    backend: &dyn Backend,
    observer: &dyn Observer,
    wanted: &[EnvSecret],
) -> Result<Vec<(String, SecretBytes)>> {
    resolve_audited(backend, observer, None, wanted)
}

fn resolve_audited(
    backend: &dyn Backend,
    observer: &dyn Observer,
    ctx: Option<&Ctx<'_>>,
    wanted: &[EnvSecret],
) -> Result<Vec<(String, SecretBytes)>> {
    let secrets: Vec<&SecretRef> = wanted.iter().map(|w| &w.secret).collect();
    let values = read_all_audited(backend, observer, ctx, &secrets)?;
    wanted
        .iter()
        .zip(values)
        .map(|(w, value)| {
            if value.expose().contains(&0) {
                return Err(Error::WrongFormat(format!(
                    "{} for {} contains a NUL byte, which an environment variable cannot hold",
                    w.secret, w.var
                )));
            }
            Ok((w.var.clone(), value))
        })
        .collect()
}

/// A command ready to replace this process, with its secrets.
pub struct Launch {
    program: OsString,
    args: Vec<OsString>,
    vars: Vec<(String, SecretBytes)>,
    overridden: Vec<String>,
}

impl fmt::Debug for Launch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Launch")
            .field("program", &self.program)
            .field("args", &self.args.len())
            .field("vars", &names)
            .finish()
    }
}

/// Why a [`Launch`] did not replace the process.
#[derive(Debug)]
pub struct LaunchFailure {
    /// 127 (not found) or 126 (found, cannot be run).
    pub exit_code: u8,
    /// The one-line error.
    pub error: Error,
}

impl Launch {
    /// Variables of our environment that the secrets replace.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Replaces this process with the command (Unix `exec`): same pid, so
    /// signals sent to us reach it and its exit status is the one our
    /// caller sees. Returns only if that fails.
    pub fn replace_process(self) -> LaunchFailure {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(&self.program);
        command.args(&self.args);
        for name in WITHHELD {
            command.env_remove(name);
        }
        for (name, value) in &self.vars {
            command.env(name, OsStr::from_bytes(value.expose()));
        }
        crate::restore_core_limits();
        let err = command.exec();
        let exit_code = match err.kind() {
            std::io::ErrorKind::NotFound => EXIT_NOT_FOUND,
            _ => EXIT_CANNOT_RUN,
        };
        LaunchFailure {
            exit_code,
            error: Error::io(format!("cannot run {:?}", self.program), err),
        }
    }
}

/// `exec`: every secret, then a [`Launch`] for `run` to carry out.
pub fn exec(
    ctx: &Ctx<'_>,
    sso: &[String],
    did: &[String],
    command: Vec<OsString>,
) -> Result<Outcome> {
    let wanted = env_secrets(sso, did)?;
    let mut command = command.into_iter();
    let program = command
        .next()
        .ok_or_else(|| Error::Usage("no command to run after --".into()))?;
    let backend = ctx.backend()?;
    let values = resolve_audited(backend.as_ref(), ctx.observer, Some(ctx), &wanted);
    ctx.warnings.borrow_mut().extend(backend.take_warnings());
    let vars = values?;
    let overridden = vars
        .iter()
        .map(|(k, _)| k)
        .filter(|k| std::env::var_os(k).is_some())
        .cloned()
        .collect();
    Ok(Outcome::Exec(Launch {
        program,
        args: command.collect(),
        vars,
        overridden,
    }))
}

/// `-` means stdin or stdout, as it does for most tools.
fn named(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

fn read_template(ctx: &Ctx<'_>, input: Option<&Path>) -> Result<Template> {
    let (source, bytes) = match named(input) {
        Some(p) => {
            let mut buf = SecretBytes::default();
            std::fs::File::open(p)
                .and_then(|f| f.take(MAX_TEMPLATE + 1).read_to_end(buf.expose_mut()))
                .map_err(|e| Error::io(format!("cannot read template {}", p.display()), e))?;
            (p.display().to_string(), buf)
        }
        None if ctx.sources.term.stdin_is_terminal() => {
            return Err(Error::Usage(
                "no template: pass -i TEMPLATE or pipe one on stdin".into(),
            ));
        }
        None => {
            let buf = ctx
                .sources
                .term
                .read_stdin(MAX_TEMPLATE + 1)
                .map_err(|e| Error::io("cannot read the template from stdin", e))?;
            ("on stdin".to_string(), buf)
        }
    };
    if bytes.len() as u64 > MAX_TEMPLATE {
        return Err(Error::Usage(format!(
            "template {source} is larger than {} MiB",
            MAX_TEMPLATE >> 20
        )));
    }
    Template::parse(bytes.expose()).map_err(|e| Error::Usage(format!("template {source}: {e}")))
}

/// Fills `template` with secrets read through `backend` in one go.
#[cfg(any(test, feature = "test-support"))]
pub fn render(
    backend: &dyn Backend,
    observer: &dyn Observer,
    template: &Template,
) -> Result<SecretBytes> {
    render_audited(backend, observer, None, template)
}

fn render_audited(
    backend: &dyn Backend,
    observer: &dyn Observer,
    ctx: Option<&Ctx<'_>>,
    template: &Template,
) -> Result<SecretBytes> {
    let values = read_all_audited(backend, observer, ctx, &template.secrets())?;
    // `render` asks for each distinct secret once, in the order of
    // `secrets()`, which is the order `values` came back in.
    let mut values = values.into_iter();
    template.render(|_| {
        values
            .next()
            .ok_or_else(|| Error::failure("internal: a template secret was not read"))
    })
}

/// `inject`: the template (stdin by default) with its placeholders filled,
/// to `output` (written 0600, atomically) or to stdout.
pub fn inject(ctx: &Ctx<'_>, input: Option<&Path>, output: Option<&Path>) -> Result<Outcome> {
    let template = read_template(ctx, input)?;
    // Where the file goes is settled before any secret is read: a refused
    // output path costs no credential and reads nothing.
    let target = named(output).map(output_target).transpose()?;
    let backend = ctx.backend()?;
    let rendered = render_audited(backend.as_ref(), ctx.observer, Some(ctx), &template);
    ctx.warnings.borrow_mut().extend(backend.take_warnings());
    let rendered = rendered?;
    match (named(output), target) {
        (Some(path), Some(target)) => {
            write_private(path, &target, rendered.expose())?;
            Ok(Outcome::Done)
        }
        _ => Ok(Outcome::Secret(rendered)),
    }
}

/// Most symbolic links followed on the way to the output file (Linux's
/// own limit for one path).
const MAX_LINKS: usize = 40;

/// The file `inject -o PATH` replaces: PATH itself, or, when PATH is a
/// symbolic link, the file it leads to, one link at a time. A link in a
/// sticky directory (such as /tmp) that another user owns is refused, as
/// the kernel's `fs.protected_symlinks` would, but whatever that setting
/// says: there anyone may plant a link, and following it would let them
/// choose which file receives the secrets (or, for root, which file is
/// replaced). Nothing is canonicalised: only the last component is
/// followed, and the file is replaced by a rename, which never follows a
/// link planted after this check.
pub fn output_target(path: &Path) -> Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(Error::io(format!("cannot write {}", path.display()), e)),
        };
        if !meta.file_type().is_symlink() {
            return Ok(p);
        }
        let dir = parent(&p);
        let sticky = std::fs::metadata(dir)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?
            .mode()
            & 0o1000
            != 0;
        let me = nix::unistd::geteuid().as_raw();
        if sticky && meta.uid() != me {
            return Err(Error::failure(format!(
                "refusing to write through {}: a symbolic link owned by user id {}, not by you, in the sticky directory {} (anyone may have planted it); remove it or choose another file",
                p.display(),
                meta.uid(),
                dir.display()
            )));
        }
        let link = std::fs::read_link(&p)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
        p = dir.join(link);
    }
    Err(Error::failure(format!(
        "cannot write {}: more than {MAX_LINKS} symbolic links lead from it",
        path.display()
    )))
}

/// Replaces `target` (from [`output_target`] on `path`, which names it in
/// messages) with `bytes`, readable by the owner only: a temporary file
/// beside it, flushed to disk, then renamed over it, so it is at every
/// moment either its old self or entirely new.
pub fn write_private(path: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    let name = target
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{} is not a file name", path.display())))?;
    let prefix = format!(".{}.", name.to_string_lossy());
    let name = TempName {
        prefix: &prefix,
        suffix: ".tmp",
    };
    durable::replace(target, name, Clobber::Yes, |f| f.write_all(bytes)).map_err(|f| {
        let what = match f.step {
            Step::Create => "create a temporary file beside",
            Step::Write | Step::Sync => "write",
            Step::Rename => "replace",
            Step::SyncDir => "sync the directory of",
        };
        let error = match f.step {
            Step::Write => f.error_at_temp(),
            _ => f.error,
        };
        Error::io(format!("cannot {what} {}", path.display()), error)
    })
}
