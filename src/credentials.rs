//! Where credentials and secret bodies come from: files, environment, the
//! terminal. Never argv.

use crate::error::{Error, Result};
use crate::ops::{Credential, MAX_BODY};
use crate::secret::{SecretBytes, SecretString};
use crate::terminal::TRIES;
use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use crate::terminal::{RealTerminal, Terminal};

/// The SSO_SECRETS_* environment variables, read once at start-up. A
/// variable that is set but empty counts as unset: a CI secret that is not
/// available to a job usually arrives as an empty string, and it must not
/// hide the next credential source (or become a vault path of "").
#[derive(Debug, Default)]
pub struct Env {
    /// SSO_SECRETS_VAULT
    pub vault: Option<PathBuf>,
    /// SSO_SECRETS_TOKEN
    pub token: Option<SecretString>,
    /// SSO_SECRETS_PASSPHRASE
    pub passphrase: Option<SecretString>,
    /// SSO_SECRETS_READ_ONLY, as given
    pub read_only: Option<String>,
    /// SSO_SECRETS_ENCRYPTION_KEY: APIHub's container key(s), for
    /// `import --apihub` / `export --apihub`; empty counts as unset
    pub apihub_key: Option<SecretString>,
    /// SSO_SECRETS_REMOTE: the RFC-134 server for `--remote`
    pub remote: Option<String>,
}

impl Env {
    /// Reads the process environment. Non-UTF-8 values count as unset for
    /// credentials (they could not be a token) and as invalid for READ_ONLY.
    pub fn from_process() -> Self {
        Self::from_vars(|k| std::env::var_os(k))
    }

    /// Reads the variables through `var` (the process environment, or a
    /// test's), treating empty values as unset.
    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        let set = |k: &str| var(k).filter(|v| !v.is_empty());
        let text = |k: &str| set(k).and_then(|v| v.into_string().ok());
        Env {
            vault: set("SSO_SECRETS_VAULT").map(PathBuf::from),
            token: text("SSO_SECRETS_TOKEN").map(SecretString::new),
            passphrase: text("SSO_SECRETS_PASSPHRASE").map(SecretString::new),
            read_only: set("SSO_SECRETS_READ_ONLY").map(|v| v.to_string_lossy().into_owned()),
            apihub_key: text("SSO_SECRETS_ENCRYPTION_KEY").map(SecretString::new),
            remote: text("SSO_SECRETS_REMOTE"),
        }
    }

    /// SSO_SECRETS_READ_ONLY: on for 1/true, off for unset, empty, 0, false.
    pub(crate) fn read_only(&self) -> Result<bool> {
        match self.read_only.as_deref().map(str::trim) {
            None | Some("" | "0" | "false") => Ok(false),
            Some("1" | "true") => Ok(true),
            Some(other) => Err(Error::Usage(format!(
                "SSO_SECRETS_READ_ONLY is {other:?}; use 1 or true (on), 0 or false (off)"
            ))),
        }
    }
}

/// Everything that can supply a credential.
pub(crate) struct Sources<'a> {
    /// --token-file
    pub token_file: Option<PathBuf>,
    /// --passphrase-file
    pub passphrase_file: Option<PathBuf>,
    /// The environment.
    pub env: &'a Env,
    /// The terminal.
    pub term: &'a dyn Terminal,
    /// --no-input
    pub no_input: bool,
    /// Warnings for stderr, collected while reading (e.g. a blank secret).
    pub warnings: RefCell<Vec<String>>,
    /// Where the credential in use came from, once one was taken.
    pub origin: RefCell<Option<Origin>>,
}

/// Where a credential came from. A refused credential's message names it:
/// after `vault passwd`, a passphrase still exported in
/// SSO_SECRETS_PASSPHRASE is refused by every command, and "wrong
/// passphrase" alone does not say which of the sources to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `--token-file`
    TokenFile(PathBuf),
    /// SSO_SECRETS_TOKEN
    TokenEnv,
    /// `--passphrase-file`
    PassphraseFile(PathBuf),
    /// SSO_SECRETS_PASSPHRASE
    PassphraseEnv,
    /// Typed at the terminal.
    Prompt,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::TokenFile(p) => write!(f, "the token from --token-file {}", p.display()),
            Origin::TokenEnv => f.write_str("the token from SSO_SECRETS_TOKEN"),
            Origin::PassphraseFile(p) => {
                write!(f, "the passphrase from --passphrase-file {}", p.display())
            }
            Origin::PassphraseEnv => f.write_str("the passphrase from SSO_SECRETS_PASSPHRASE"),
            Origin::Prompt => f.write_str("the passphrase typed at the prompt"),
        }
    }
}

/// Reads the first line of a small file, without its `\n` or `\r\n`.
pub(crate) fn first_line(path: &Path, what: &str) -> Result<SecretString> {
    let mut buf = SecretBytes::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(buf.expose_mut()))
        .map_err(|e| Error::io(format!("cannot read {what} file {}", path.display()), e))?;
    let bytes = buf.expose();
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| {
        Error::Unauthorized(format!("{what} file {} is not UTF-8 text", path.display()))
    })?;
    Ok(SecretString::new(text.to_string()))
}

/// The warning for a credential file that group or others can read, worded
/// as the one for such a vault file.
fn readable_warning(path: &Path, what: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then(|| {
        format!(
            "warning: {what} file {} is readable by group or others (mode {mode:03o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

fn token(s: SecretString) -> Credential {
    let t = s.expose();
    let t = t
        .strip_prefix("Bearer ")
        .or_else(|| t.strip_prefix("bearer "))
        .unwrap_or(t)
        .trim();
    Credential::Token(SecretString::new(t.to_string()))
}

impl Sources<'_> {
    fn can_prompt(&self) -> bool {
        !self.no_input && self.term.can_prompt()
    }

    /// Why nothing can be prompted for, for the end of an error message.
    fn why_no_prompt(&self) -> &'static str {
        if self.no_input {
            "--no-input forbids prompting"
        } else {
            "no terminal to prompt on"
        }
    }

    fn prompt(&self, prompt: &str) -> Result<SecretString> {
        crate::terminal::prompt(self.term, prompt)
    }

    fn say(&self, line: &str) {
        crate::terminal::say(self.term, line);
    }

    /// The first line of a credential file, with a warning when group or
    /// others can read the file.
    fn secret_file(&self, path: &Path, what: &str) -> Result<SecretString> {
        let line = first_line(path, what)?;
        if let Some(w) = readable_warning(path, what) {
            let mut warnings = self.warnings.borrow_mut();
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        Ok(line)
    }

    fn taken<T>(&self, origin: Origin, credential: T) -> T {
        *self.origin.borrow_mut() = Some(origin);
        credential
    }

    /// A refused credential (403) names where it came from; any other
    /// error passes unchanged.
    pub fn name_origin(&self, e: Error) -> Error {
        match (e, &*self.origin.borrow()) {
            (Error::Unauthorized(d), Some(origin)) => {
                Error::Unauthorized(format!("{d} ({origin})"))
            }
            (e, _) => e,
        }
    }

    /// The credential from a file or the environment, if one is given.
    fn given_credential(&self, passphrase_only: bool) -> Result<Option<Credential>> {
        if !passphrase_only {
            if let Some(p) = &self.token_file {
                let t = token(self.secret_file(p, "token")?);
                return Ok(Some(self.taken(Origin::TokenFile(p.clone()), t)));
            }
            if let Some(t) = &self.env.token {
                return Ok(Some(self.taken(Origin::TokenEnv, token(t.clone()))));
            }
        }
        if let Some(p) = &self.passphrase_file {
            let pass = Credential::Passphrase(self.secret_file(p, "passphrase")?);
            return Ok(Some(self.taken(Origin::PassphraseFile(p.clone()), pass)));
        }
        Ok(self
            .env
            .passphrase
            .clone()
            .map(|p| self.taken(Origin::PassphraseEnv, Credential::Passphrase(p))))
    }

    fn prompt_passphrase(&self) -> Result<SecretString> {
        let p = self.prompt("Vault passphrase: ")?;
        Ok(self.taken(Origin::Prompt, p))
    }

    /// After the passphrase changed: a file or variable that still holds
    /// the old one would make every later command answer 403.
    pub fn stale_passphrase_warning(&self) -> Option<String> {
        let origin = self.origin.borrow();
        let holder = match &*origin {
            Some(Origin::PassphraseEnv) => "SSO_SECRETS_PASSPHRASE".to_string(),
            Some(Origin::PassphraseFile(p)) => format!("passphrase file {}", p.display()),
            _ => return None,
        };
        Some(format!(
            "warning: {holder} still holds the old passphrase; update it, or every command that \
             uses it answers 403"
        ))
    }

    fn no_credential(&self) -> Error {
        Error::Unauthorized(format!(
            "no credential: set SSO_SECRETS_TOKEN or SSO_SECRETS_PASSPHRASE, or pass --token-file \
             or --passphrase-file ({})",
            self.why_no_prompt()
        ))
    }

    /// The credential for a command, in the contract's order.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))] // --remote alone uses it
    pub fn credential(&self) -> Result<Credential> {
        if let Some(c) = self.given_credential(false)? {
            return Ok(c);
        }
        self.passphrase().map(Credential::Passphrase)
    }

    /// The token `serve --trusted-front` serves its front's requests with:
    /// from `--token-file` or SSO_SECRETS_TOKEN, never prompted for. The
    /// passphrase is refused (exit 2): it would give every user behind the
    /// front the whole vault, token management included, with no scope to
    /// bound a compromised front and nothing to revoke.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))] // serve alone uses it
    pub fn server_token(&self) -> Result<SecretString> {
        match self.given_credential(false)? {
            Some(Credential::Token(t)) => Ok(t),
            Some(Credential::Passphrase(_)) => {
                // The refusal is of the kind of credential, not of its value.
                self.origin.borrow_mut().take();
                Err(Error::Usage(
                    "--trusted-front serves with an access token, never the passphrase: issue one \
                     (token create front --app APP --write) and pass it with --token-file or \
                     SSO_SECRETS_TOKEN"
                        .into(),
                ))
            }
            None => Err(Error::Unauthorized(
                "no token for --trusted-front: pass --token-file or set SSO_SECRETS_TOKEN".into(),
            )),
        }
    }

    /// The passphrase only (init, vault passwd, and the fallback above).
    #[cfg_attr(not(any(feature = "serve", feature = "remote")), allow(dead_code))] // for the two above
    pub fn passphrase(&self) -> Result<SecretString> {
        if let Some(Credential::Passphrase(p)) = self.given_credential(true)? {
            return Ok(p);
        }
        if self.can_prompt() {
            return self.prompt_passphrase();
        }
        Err(self.no_credential())
    }

    /// Builds `T` (an unlocker) from the credential. A passphrase typed at
    /// the terminal is first `check`ed, and a mistyped one (`check` answers
    /// 403) is asked for again, up to three tries in all; a credential from
    /// a file or the environment is never retried, so a script fails at
    /// once. `passphrase_only` skips the token sources.
    pub fn unlock_with<T>(
        &self,
        passphrase_only: bool,
        make: impl Fn(Credential) -> T,
        check: impl Fn(&T) -> Result<()>,
    ) -> Result<T> {
        if let Some(c) = self.given_credential(passphrase_only)? {
            return Ok(make(c));
        }
        if !self.can_prompt() {
            return Err(self.no_credential());
        }
        let mut tries = 1;
        loop {
            let t = make(Credential::Passphrase(self.prompt_passphrase()?));
            match check(&t) {
                Err(Error::Unauthorized(why)) if tries < TRIES => {
                    self.say(&format!("{why}; try again"));
                    tries += 1;
                }
                Err(e) => return Err(e),
                Ok(()) => return Ok(t),
            }
        }
    }

    /// The passphrase of a new vault (`init`): from the passphrase sources,
    /// else typed twice at the terminal.
    pub fn init_passphrase(&self) -> Result<SecretString> {
        if let Some(Credential::Passphrase(p)) = self.given_credential(true)? {
            return not_empty(p);
        }
        if self.can_prompt() {
            return crate::terminal::ask_new(
                self.term,
                "New vault passphrase: ",
                "Repeat the passphrase: ",
            );
        }
        Err(Error::Unauthorized(format!(
            "no passphrase for the new vault: set SSO_SECRETS_PASSPHRASE or pass --passphrase-file ({})",
            self.why_no_prompt()
        )))
    }

    /// A new passphrase (`vault passwd`): from `file`, else `fallback`,
    /// else typed twice at the terminal.
    pub fn new_passphrase(
        &self,
        file: Option<&Path>,
        fallback: Option<SecretString>,
    ) -> Result<SecretString> {
        if let Some(f) = file {
            return not_empty(self.secret_file(f, "passphrase")?);
        }
        if let Some(p) = fallback {
            return not_empty(p);
        }
        if self.can_prompt() {
            return crate::terminal::ask_new(
                self.term,
                "New vault passphrase: ",
                "Repeat the new passphrase: ",
            );
        }
        // This refusal is about the new passphrase: the one in use was
        // accepted, so the message must not name its source.
        self.origin.borrow_mut().take();
        Err(Error::Unauthorized(format!(
            "no new passphrase: pass --new-passphrase-file ({})",
            self.why_no_prompt()
        )))
    }

    /// The body of `put-*`: `--file`, else stdin when it is not a terminal,
    /// else a hidden prompt (typed twice); `--file -` is the same as no
    /// `--file`. Reads at most one byte past the limit, so oversized input
    /// is detected without reading it all.
    pub fn body(&self, file: Option<&Path>) -> Result<SecretBytes> {
        let limit = MAX_BODY as u64 + 1;
        let file = file.filter(|p| *p != Path::new("-"));
        let body = if let Some(path) = file {
            let mut buf = SecretBytes::new(Vec::new());
            std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_end(buf.expose_mut()))
                .map_err(|e| Error::io(format!("cannot read secret file {}", path.display()), e))?;
            buf
        } else if !self.term.stdin_is_terminal() {
            self.term
                .read_stdin(limit)
                .map_err(|e| Error::io("cannot read the secret from stdin", e))?
        } else if self.can_prompt() {
            crate::terminal::ask_secret(self.term)?
        } else {
            return Err(Error::WrongFormat(format!(
                "no secret given: pipe it or use --file ({})",
                self.why_no_prompt()
            )));
        };
        if !body.is_empty() && body.expose().iter().all(u8::is_ascii_whitespace) {
            self.warnings.borrow_mut().push(
                "warning: the secret is only whitespace or newlines (an unset variable piped in?)"
                    .into(),
            );
        }
        Ok(body)
    }
}

fn not_empty(p: SecretString) -> Result<SecretString> {
    if p.expose().is_empty() {
        return Err(Error::Usage("the passphrase must not be empty".into()));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_env_values() {
        let e = |v: Option<&str>| {
            Env {
                read_only: v.map(String::from),
                ..Env::default()
            }
            .read_only()
        };
        assert!(!e(None).unwrap());
        assert!(!e(Some("")).unwrap());
        assert!(!e(Some("0")).unwrap());
        assert!(!e(Some("false")).unwrap());
        assert!(e(Some("1")).unwrap());
        assert!(e(Some("true")).unwrap());
        assert!(e(Some("yes")).is_err());
    }

    #[test]
    fn bearer_prefix_is_dropped() {
        let Credential::Token(t) = token(SecretString::new("Bearer ssos_abc".into())) else {
            panic!("not a token")
        };
        assert_eq!(t.expose(), "ssos_abc");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let vars = |k: &str| match k {
            "SSO_SECRETS_TOKEN" | "SSO_SECRETS_VAULT" => Some("".into()),
            "SSO_SECRETS_PASSPHRASE" => Some("pw".into()),
            _ => None,
        };
        let env = Env::from_vars(vars);
        assert!(env.token.is_none() && env.vault.is_none());
        assert_eq!(
            env.passphrase.map(|p| p.expose().to_string()).as_deref(),
            Some("pw")
        );
    }
}
