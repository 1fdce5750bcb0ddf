//! The library's error type. Each variant knows its status, so the exit
//! code is decided by [`Error::status`] and nowhere else.
//!
//! The RFC statuses carry a one-line detail. Failures outside the RFC
//! (exit 1) carry an [`anyhow::Error`] whose context chain says what was
//! being done and why it failed; they never carry a status of their own.

use crate::status::Status;

/// A failed command, with a one-line detail for the user.
///
/// Details never contain secret values, passphrases or tokens.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 403.
    #[error("{0}")]
    Unauthorized(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 500: bad body or a vault that fails authentication.
    #[error("{0}")]
    WrongFormat(String),
    /// 555.
    #[error("{0}")]
    ReadOnly(String),
    /// Exit 75: worth retrying later (vault busy; a remote server that is
    /// unreachable, timed out or overloaded).
    #[error("{0}")]
    Temporary(String),
    /// Exit 1: outside the RFC (I/O, missing vault), with its cause chain.
    #[error("{0:#}")]
    Failure(anyhow::Error),
    /// Exit 2: bad command line.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The status this error answers with.
    pub fn status(&self) -> Status {
        match self {
            Error::Unauthorized(_) => Status::Unauthorized,
            Error::NotFound(_) => Status::NotFound,
            Error::WrongFormat(_) => Status::WrongFormat,
            Error::ReadOnly(_) => Status::ReadOnly,
            Error::Temporary(_) => Status::Temporary,
            Error::Failure(_) => Status::Failure,
            Error::Usage(_) => Status::Usage,
        }
    }

    /// The detail text, without the status prefix, on one line.
    pub fn detail(&self) -> String {
        self.to_string()
    }

    /// A failure outside the RFC (exit 1) described by `msg`.
    pub fn failure(msg: impl std::fmt::Display) -> Self {
        Error::Failure(anyhow::anyhow!("{msg}"))
    }

    /// An I/O failure on `what`, exit 1; the `io::Error` stays the source.
    pub fn io(what: impl std::fmt::Display, err: std::io::Error) -> Self {
        Error::Failure(anyhow::Error::new(err).context(what.to_string()))
    }

    /// 403: a token asked for what only the passphrase may do.
    pub fn admin_only() -> Self {
        Error::Unauthorized(
            "access tokens cannot manage tokens, export, or change vault settings; use the passphrase"
                .into(),
        )
    }

    /// 403: a read-only token asked to write.
    pub fn token_read_only(name: &str) -> Self {
        Error::Unauthorized(format!(
            "access token {} is read-only (issue one with --write to allow writes)",
            crate::text::quote(name)
        ))
    }

    /// 555: `--read-only` or SSO_SECRETS_READ_ONLY.
    pub fn writes_disabled() -> Self {
        Error::ReadOnly("writes are disabled by --read-only or SSO_SECRETS_READ_ONLY".into())
    }

    /// 555: the vault's file system is mounted read-only.
    pub fn read_only_fs(path: &std::path::Path) -> Self {
        Error::ReadOnly(format!("{} is on a read-only file system", path.display()))
    }

    /// The vault fails authentication: 500.
    pub fn corrupt(detail: impl std::fmt::Display) -> Self {
        Error::WrongFormat(format!("{CORRUPT}{detail}"))
    }

    /// Whether this is [`Error::corrupt`]: a vault that fails
    /// authentication, rather than a body refused with the same status.
    pub fn fails_authentication(&self) -> bool {
        matches!(self, Error::WrongFormat(d) if d.starts_with(CORRUPT))
    }
}

/// How [`Error::corrupt`] details begin.
const CORRUPT: &str = "vault fails authentication: ";

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_failures_keep_their_source_and_read_as_one_line() {
        let e = Error::io(
            "cannot read vault /x",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(e.status(), Status::Failure);
        assert_eq!(e.detail(), "cannot read vault /x: permission denied");
        let Error::Failure(inner) = &e else {
            unreachable!()
        };
        assert!(
            inner
                .root_cause()
                .downcast_ref::<std::io::Error>()
                .is_some()
        );
    }

    #[test]
    fn a_vault_failing_authentication_is_told_from_a_refused_body() {
        assert!(Error::corrupt("bad signature").fails_authentication());
        assert!(!Error::WrongFormat("the secret is empty".into()).fails_authentication());
        assert!(
            !Error::Unauthorized("vault fails authentication: x".into()).fails_authentication()
        );
    }
}
