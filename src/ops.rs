//! The operation seam: the seven RFC-134 operations as values, and the one
//! trait every backend implements.
//!
//! The command line builds a [`Request`] from its arguments; `serve` builds
//! one from an HTTP request; `exec` and `inject` build several. Each is
//! answered by a [`Backend`]: the local vault (`local::LocalVault`)
//! or an RFC-134 server over HTTP (`--remote`). A backend does its own
//! authorisation and applies the contract's order of checks, so callers on
//! either side never repeat them.

use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId, UserRef};
use crate::secret::SecretBytes;

/// Largest secret body, in bytes (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

/// The body rule of every put, whoever answers it: 1 byte to 1 MiB, else
/// 500. Checked after credential, scope and read-only (a backend's
/// business), before existence.
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

pub use crate::secret::Credential;

/// One RFC-134 operation with its arguments.
pub enum Request {
    /// 1. Get SSO Secret.
    GetSso {
        /// Application.
        app: AppName,
        /// User.
        user: UserId,
    },
    /// 2. Put SSO Secret (creates, replaces, re-activates).
    PutSso {
        /// Application.
        app: AppName,
        /// User.
        user: UserId,
        /// The secret (checked by the backend: 1 byte to 1 MiB).
        body: SecretBytes,
    },
    /// 3. Deactivate SSO Secret.
    DeactivateSso {
        /// Application.
        app: AppName,
        /// User, by id or by DID.
        user: UserRef,
    },
    /// 4. Remove SSO Secret.
    RemoveSso {
        /// Application.
        app: AppName,
        /// User, by id or by DID.
        user: UserRef,
    },
    /// 5. Put DID Secret.
    PutDid {
        /// The DID.
        did: Did,
        /// Secret name.
        name: SecretName,
        /// The secret (checked by the backend: 1 byte to 1 MiB).
        body: SecretBytes,
    },
    /// 6. Get DID Secret.
    GetDid {
        /// The DID.
        did: Did,
        /// Secret name.
        name: SecretName,
    },
    /// 7. Delete DID Secret.
    DeleteDid {
        /// The DID.
        did: Did,
        /// Secret name.
        name: SecretName,
    },
}

/// Which operation, without its arguments: for logs and audit records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// getSSOSecret
    GetSso,
    /// putSSOSecret
    PutSso,
    /// deactivateSSOSecret
    DeactivateSso,
    /// removeSSOSecret
    RemoveSso,
    /// putDIDSecret
    PutDid,
    /// getDIDSecret
    GetDid,
    /// deleteDIDSecret
    DeleteDid,
}

impl Operation {
    /// The RFC's name of the operation.
    pub fn rfc_name(self) -> &'static str {
        match self {
            Operation::GetSso => "getSSOSecret",
            Operation::PutSso => "putSSOSecret",
            Operation::DeactivateSso => "deactivateSSOSecret",
            Operation::RemoveSso => "removeSSOSecret",
            Operation::PutDid => "putDIDSecret",
            Operation::GetDid => "getDIDSecret",
            Operation::DeleteDid => "deleteDIDSecret",
        }
    }

    /// True for operations that change the vault.
    pub fn is_write(self) -> bool {
        !matches!(self, Operation::GetSso | Operation::GetDid)
    }

    /// True when repeating the operation after an unknown outcome is safe
    /// (reads and deletes; never a put).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Operation::PutSso | Operation::PutDid)
    }
}

impl Request {
    /// The operation, without arguments.
    pub fn operation(&self) -> Operation {
        match self {
            Request::GetSso { .. } => Operation::GetSso,
            Request::PutSso { .. } => Operation::PutSso,
            Request::DeactivateSso { .. } => Operation::DeactivateSso,
            Request::RemoveSso { .. } => Operation::RemoveSso,
            Request::PutDid { .. } => Operation::PutDid,
            Request::GetDid { .. } => Operation::GetDid,
            Request::DeleteDid { .. } => Operation::DeleteDid,
        }
    }
}

/// What a successful operation answers.
#[derive(Debug)]
pub enum Reply {
    /// A write succeeded.
    Done,
    /// A get: the stored bytes, exactly.
    Secret(SecretBytes),
}

/// Who acted, as far as the backend could tell. Never holds a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// Nobody yet: the request failed before a credential was checked.
    Unknown,
    /// The vault passphrase.
    Passphrase,
    /// An access token, by its name.
    Token(String),
    /// A remote server decided; its view of the caller is not ours to know.
    Remote,
    /// `serve --trusted-front`: a request without a token of its own, from
    /// the trusted front, served with the server's token on behalf of the
    /// user the front named in `user-id` (`None`: it named none).
    Front {
        /// The name of the server's token.
        token: String,
        /// The `user-id` the front set.
        user: Option<UserId>,
    },
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Principal::Unknown => f.write_str("-"),
            Principal::Passphrase => f.write_str("passphrase"),
            Principal::Token(name) => write!(f, "token {name:?}"),
            Principal::Remote => f.write_str("remote"),
            Principal::Front { token, user } => match user {
                Some(u) => write!(f, "front:{u} (token {token:?})"),
                None => write!(f, "front (token {token:?})"),
            },
        }
    }
}

/// Answers RFC-134 operations. Implementations: the local vault and an
/// RFC-134 server over HTTP.
pub trait Backend {
    /// Performs one operation, applying authentication, scope, read-only,
    /// body and existence checks in the contract's order.
    fn call(&self, request: Request) -> Result<Reply>;

    /// Who the calls so far acted as (for audit and access logs);
    /// [`Principal::Unknown`] before a credential was checked.
    fn principal(&self) -> Principal;

    /// What the calls so far learnt of the vault's audit trail and the
    /// credential (a local vault; a remote server keeps its own trail).
    fn audit_seen(&self) -> Option<crate::audit::AuditSeen> {
        None
    }

    /// Warnings for the user gathered by the calls so far (e.g. a vault
    /// file that others can read).
    fn take_warnings(&self) -> Vec<String> {
        Vec::new()
    }

    /// Answers several requests, one answer each, in order, every one
    /// checked as [`Backend::call`] checks it (`exec` and `inject`). A
    /// backend may answer reads from one view of its store: the local vault
    /// opens its file once, so they come from one snapshot that a writer
    /// cannot tear halfway. Default: one call each.
    fn call_all(&self, requests: Vec<Request>) -> Vec<Result<Reply>> {
        requests.into_iter().map(|r| self.call(r)).collect()
    }
}

/// One finished operation, as an audit trail or access log sees it: never
/// a secret, a credential, or the names it addressed.
#[derive(Debug, Clone)]
pub struct Event {
    /// The operation.
    pub operation: Operation,
    /// Who acted.
    pub principal: Principal,
    /// How it ended.
    pub status: crate::status::Status,
}

/// Sees every finished operation: the hook for an audit sink or an access
/// log. The command line's default observer ignores them.
pub trait Observer {
    /// Called once per operation, after it ended.
    fn observe(&self, event: &Event);
}

/// An observer that ignores every event.
pub struct Ignore;

impl Observer for Ignore {
    fn observe(&self, _: &Event) {}
}

/// The HTTP status of an operation's outcome: 200, its RFC status, or (an
/// outcome the RFC has none for) the exit code; for logs and audit records.
pub(crate) fn status_code(result: &crate::error::Result<impl Sized>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(e) => {
            let s = e.status();
            s.rfc_status().unwrap_or(u16::from(s.exit_code()))
        }
    }
}

impl Request {
    /// The operation that reads the secret at `address`.
    pub fn read(address: &crate::names::SecretAddress) -> Request {
        use crate::names::SecretAddress;
        match address {
            SecretAddress::Sso { app, user } => Request::GetSso {
                app: app.clone(),
                user: user.clone(),
            },
            SecretAddress::Did { did, name } => Request::GetDid {
                did: did.clone(),
                name: name.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_limits() {
        assert!(check_body(&SecretBytes::default()).is_err());
        assert!(check_body(&SecretBytes::new(vec![0])).is_ok());
        assert!(check_body(&SecretBytes::new(vec![0; MAX_BODY])).is_ok());
        assert!(check_body(&SecretBytes::new(vec![0; MAX_BODY + 1])).is_err());
    }
}
