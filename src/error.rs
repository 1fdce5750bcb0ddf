//! The library's error type. Each variant carries its RFC status, so the exit
//! code is decided by [`Error::status`] and nowhere else.

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
    /// Exit 1: outside the RFC (I/O, missing vault, busy).
    #[error("{0}")]
    Failure(String),
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
            Error::Failure(_) => Status::Failure,
            Error::Usage(_) => Status::Usage,
        }
    }

    /// The detail text, without the status prefix.
    pub fn detail(&self) -> &str {
        match self {
            Error::Unauthorized(d)
            | Error::NotFound(d)
            | Error::WrongFormat(d)
            | Error::ReadOnly(d)
            | Error::Failure(d)
            | Error::Usage(d) => d,
        }
    }

    /// An I/O failure on `what`, exit 1.
    pub fn io(what: impl std::fmt::Display, err: &std::io::Error) -> Self {
        Error::Failure(format!("{what}: {err}"))
    }

    /// The vault fails authentication: 500.
    pub fn corrupt(detail: impl std::fmt::Display) -> Self {
        Error::WrongFormat(format!("vault fails authentication: {detail}"))
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
