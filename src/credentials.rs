//! Where credentials and secret bodies come from: files, environment, the
//! terminal. Never argv.

use crate::error::{Error, Result};
use crate::secret::{SecretBytes, SecretString};
use crate::vault::Credential;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use subtle::ConstantTimeEq;

/// Largest secret body, in bytes (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

/// The terminal and standard input, behind a trait so tests can stand in.
pub trait Terminal {
    /// True when a hidden prompt can be shown (a controlling terminal exists).
    fn can_prompt(&self) -> bool;
    /// Shows `prompt` and reads a line without echo.
    fn prompt_hidden(&self, prompt: &str) -> io::Result<SecretString>;
    /// True when standard input is a terminal.
    fn stdin_is_terminal(&self) -> bool;
    /// Reads standard input, at most `limit` bytes.
    fn read_stdin(&self, limit: u64) -> io::Result<SecretBytes>;
}

/// The real terminal: rpassword on /dev/tty, and the process's stdin.
pub struct RealTerminal;

impl Terminal for RealTerminal {
    fn can_prompt(&self) -> bool {
        std::fs::File::open("/dev/tty").is_ok()
    }
    fn prompt_hidden(&self, prompt: &str) -> io::Result<SecretString> {
        rpassword::prompt_password(prompt).map(SecretString::new)
    }
    fn stdin_is_terminal(&self) -> bool {
        io::stdin().is_terminal()
    }
    fn read_stdin(&self, limit: u64) -> io::Result<SecretBytes> {
        let mut buf = SecretBytes::new(Vec::with_capacity(8192));
        io::stdin()
            .lock()
            .take(limit)
            .read_to_end(buf.expose_mut())?;
        Ok(buf)
    }
}

/// Credential-bearing environment variables, read once at start-up.
#[derive(Debug, Default)]
pub struct Env {
    /// SSO_SECRETS_TOKEN
    pub token: Option<SecretString>,
    /// SSO_SECRETS_PASSPHRASE
    pub passphrase: Option<SecretString>,
    /// SSO_SECRETS_READ_ONLY, as given
    pub read_only: Option<String>,
}

impl Env {
    /// Reads the process environment. Non-UTF-8 values count as unset for
    /// credentials (they could not be a token) and as invalid for READ_ONLY.
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok();
        Env {
            token: var("SSO_SECRETS_TOKEN").map(SecretString::new),
            passphrase: var("SSO_SECRETS_PASSPHRASE").map(SecretString::new),
            read_only: std::env::var_os("SSO_SECRETS_READ_ONLY")
                .map(|v| v.to_string_lossy().into_owned()),
        }
    }

    /// SSO_SECRETS_READ_ONLY: on for 1/true, off for unset, empty, 0, false.
    pub fn read_only(&self) -> Result<bool> {
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
pub struct Sources<'a> {
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
}

/// Reads the first line of a small file, without its `\n` or `\r\n`.
pub fn first_line(path: &Path, what: &str) -> Result<SecretString> {
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

    fn prompt(&self, prompt: &str) -> Result<SecretString> {
        self.term
            .prompt_hidden(prompt)
            .map_err(|e| Error::Unauthorized(format!("cannot read from the terminal: {e}")))
    }

    /// The credential for a command, in the contract's order.
    pub fn credential(&self) -> Result<Credential> {
        if let Some(p) = &self.token_file {
            return Ok(token(first_line(p, "token")?));
        }
        if let Some(t) = &self.env.token {
            return Ok(token(t.clone()));
        }
        self.passphrase().map(Credential::Passphrase)
    }

    /// The passphrase only (init, vault passwd, and the fallback above).
    pub fn passphrase(&self) -> Result<SecretString> {
        if let Some(p) = &self.passphrase_file {
            return first_line(p, "passphrase");
        }
        if let Some(p) = &self.env.passphrase {
            return Ok(p.clone());
        }
        if self.can_prompt() {
            return self.prompt("Vault passphrase: ");
        }
        Err(Error::Unauthorized(
            "no credential: set SSO_SECRETS_TOKEN or SSO_SECRETS_PASSPHRASE, or pass --token-file or \
             --passphrase-file (no terminal to prompt on)"
                .into(),
        ))
    }

    /// A new passphrase: from `file`, or prompted twice.
    pub fn new_passphrase(
        &self,
        file: Option<&Path>,
        fallback: Option<SecretString>,
    ) -> Result<SecretString> {
        let pass = if let Some(f) = file {
            first_line(f, "passphrase")?
        } else if let Some(p) = fallback {
            p
        } else if self.can_prompt() {
            let a = self.prompt("New vault passphrase: ")?;
            let b = self.prompt("Repeat the passphrase: ")?;
            if !bool::from(a.expose().as_bytes().ct_eq(b.expose().as_bytes())) {
                return Err(Error::Usage("the two passphrases differ".into()));
            }
            a
        } else {
            return Err(Error::Unauthorized(
                "no new passphrase: pass --new-passphrase-file (no terminal to prompt on)".into(),
            ));
        };
        if pass.expose().is_empty() {
            return Err(Error::Usage("the passphrase must not be empty".into()));
        }
        Ok(pass)
    }

    /// The body of `put-*`: `--file`, else stdin when it is not a terminal,
    /// else a hidden prompt. Reads at most one byte past the limit, so
    /// oversized input is detected without reading it all.
    pub fn body(&self, file: Option<&Path>) -> Result<SecretBytes> {
        let limit = MAX_BODY as u64 + 1;
        if let Some(path) = file {
            let mut buf = SecretBytes::new(Vec::new());
            std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_end(buf.expose_mut()))
                .map_err(|e| Error::io(format!("cannot read secret file {}", path.display()), e))?;
            return Ok(buf);
        }
        if !self.term.stdin_is_terminal() {
            return self
                .term
                .read_stdin(limit)
                .map_err(|e| Error::io("cannot read the secret from stdin", e));
        }
        if self.can_prompt() {
            let s = self.prompt("Secret: ")?;
            return Ok(SecretBytes::new(s.expose().as_bytes().to_vec()));
        }
        Ok(SecretBytes::default())
    }
}

/// Checks a secret body's size: 1 byte to 1 MiB, else 500.
pub fn check_body(body: &SecretBytes) -> Result<()> {
    if body.is_empty() {
        return Err(Error::WrongFormat("the secret is empty".into()));
    }
    if body.len() > MAX_BODY {
        return Err(Error::WrongFormat(format!(
            "the secret is larger than 1 MiB ({MAX_BODY} bytes)"
        )));
    }
    Ok(())
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
    fn body_limits() {
        assert!(check_body(&SecretBytes::default()).is_err());
        assert!(check_body(&SecretBytes::new(vec![0])).is_ok());
        assert!(check_body(&SecretBytes::new(vec![0; MAX_BODY])).is_ok());
        assert!(check_body(&SecretBytes::new(vec![0; MAX_BODY + 1])).is_err());
    }
}
