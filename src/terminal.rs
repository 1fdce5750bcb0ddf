//! The person at the terminal: hidden prompts, entries typed twice, a
//! strength warning for a new passphrase. Only used when a prompt is
//! possible (a controlling terminal and no `--no-input`); scripts never
//! see any of it.

use crate::error::{Error, Result};
use crate::secret::{SecretBytes, SecretString};
use std::io::{self, IsTerminal, Read, Write};
use subtle::ConstantTimeEq;

/// How many times a person at a terminal may type a passphrase or a
/// confirmation before the command gives up.
pub(crate) const TRIES: usize = 3;

/// The terminal and standard input, behind a trait so tests can stand in.
pub trait Terminal {
    /// True when a hidden prompt can be shown (a controlling terminal exists).
    fn can_prompt(&self) -> bool;
    /// Shows `prompt` and reads a line without echo.
    fn prompt_hidden(&self, prompt: &str) -> io::Result<SecretString>;
    /// Shows one line to the person at the terminal, between prompts.
    fn say(&self, line: &str);
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
    fn say(&self, line: &str) {
        // Where rpassword shows its prompts, so the two interleave.
        if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
            let _ = writeln!(tty, "{line}");
        }
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

/// A hidden prompt. Ctrl-D (end of input) is the person cancelling: exit
/// 2, as for two passphrases that differ, not a refused credential. A
/// terminal that cannot be read is a 403 (no credential).
pub(crate) fn prompt(term: &dyn Terminal, prompt: &str) -> Result<SecretString> {
    term.prompt_hidden(prompt).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => cancelled(),
        _ => Error::Unauthorized(format!("cannot read from the terminal: {e}")),
    })
}

/// End of input (Ctrl-D) at a prompt.
pub(crate) fn cancelled() -> Error {
    Error::Usage("cancelled at the prompt (end of input); nothing was changed".into())
}

/// One line for the person at the terminal, in the tool's voice.
pub(crate) fn say(term: &dyn Terminal, line: &str) {
    term.say(&format!("sso-secrets: {line}"));
}

/// Asks twice for a new passphrase, warning about a weak one, and asks
/// again (up to three rounds) when it is empty or the two differ.
pub(crate) fn ask_new(term: &dyn Terminal, first: &str, again: &str) -> Result<SecretString> {
    for round in 1..=TRIES {
        let a = prompt(term, first)?;
        if a.expose().is_empty() {
            say(term, "the passphrase must not be empty");
            continue;
        }
        if let Some(why) = weakness(a.expose()) {
            say(
                term,
                &format!(
                    "warning: weak passphrase: {why}. Anyone with a copy of the vault file can \
                 try guesses offline. To choose another, type anything else at the next prompt."
                ),
            );
        }
        let b = prompt(term, again)?;
        if same(&a, &b) {
            return Ok(a);
        }
        if round < TRIES {
            say(term, "the two passphrases differ; try again");
        }
    }
    Err(Error::Usage(
        "the two passphrases differ; nothing was changed".into(),
    ))
}

/// Asks for a secret twice (up to three rounds when empty or different).
pub(crate) fn ask_secret(term: &dyn Terminal) -> Result<SecretBytes> {
    for round in 1..=TRIES {
        let a = prompt(term, "Secret: ")?;
        if a.expose().is_empty() {
            say(term, "nothing typed; type the secret, or press Ctrl-C");
            continue;
        }
        let b = prompt(term, "Repeat the secret: ")?;
        if same(&a, &b) {
            return Ok(SecretBytes::new(a.expose().as_bytes().to_vec()));
        }
        if round < TRIES {
            say(term, "the two entries differ; try again");
        }
    }
    Err(Error::Usage(
        "the secret was not typed the same way twice; nothing was stored".into(),
    ))
}

fn same(a: &SecretString, b: &SecretString) -> bool {
    bool::from(a.expose().as_bytes().ct_eq(b.expose().as_bytes()))
}

/// Why a new passphrase is weak, by zxcvbn's estimate (score below 3: fewer
/// than 10^10 guesses), or `None` when it is strong enough.
pub(crate) fn weakness(pass: &str) -> Option<String> {
    let e = zxcvbn::zxcvbn(pass, &["sso-secrets", "vault", "secret", "passphrase"]);
    if e.score() >= zxcvbn::Score::Three {
        return None;
    }
    let mut why = format!(
        "about 10^{:.0} guesses would find it",
        e.guesses_log10().max(0.0)
    );
    if let Some(f) = e.feedback() {
        if let Some(w) = f.warning() {
            why.push_str(&format!(". {}", w.to_string().trim_end_matches('.')));
        }
        if let Some(s) = f.suggestions().first() {
            why.push_str(&format!(". {}", s.to_string().trim_end_matches('.')));
        }
    }
    Some(why.trim_end_matches('.').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passphrases_are_named() {
        assert!(weakness("a").is_some());
        assert!(weakness("password1").is_some());
        assert!(weakness("correct horse battery staple").is_none());
    }
}
