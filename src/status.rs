//! The one table from an outcome to its RFC-134 status and process exit code.

/// Every way a command can end, in RFC-134 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200: success.
    Ok,
    /// 403: no or wrong credential, revoked or expired token, out of scope.
    Unauthorized,
    /// 404: no such secret (or, for `get-sso`, a deactivated one).
    NotFound,
    /// 500: bad secret body, or a vault that fails authentication.
    WrongFormat,
    /// 555: a write refused because the vault is read-only.
    ReadOnly,
    /// No RFC status: worth retrying later (vault busy, server unreachable).
    Temporary,
    /// No RFC status: I/O error, missing vault.
    Failure,
    /// No RFC status: bad command line.
    Usage,
}

impl Status {
    /// The process exit code (see the README's table).
    ///
    /// ```
    /// use sso_secrets::status::Status;
    /// assert_eq!(Status::NotFound.rfc_status(), Some(404));
    /// assert_eq!(Status::NotFound.exit_code(), 44);
    /// assert_eq!(Status::Usage.rfc_status(), None);
    /// ```
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Unauthorized => 43,
            Status::NotFound => 44,
            Status::WrongFormat => 50,
            Status::ReadOnly => 55,
            Status::Temporary => 75,
            Status::Failure => 1,
            Status::Usage => 2,
        }
    }

    /// The RFC-134 HTTP status, where there is one.
    pub fn rfc_status(self) -> Option<u16> {
        match self {
            Status::Ok => Some(200),
            Status::Unauthorized => Some(403),
            Status::NotFound => Some(404),
            Status::WrongFormat => Some(500),
            Status::ReadOnly => Some(555),
            Status::Temporary | Status::Failure | Status::Usage => None,
        }
    }

    /// The reason phrase used in error lines.
    pub fn reason(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unauthorized => "unauthorized",
            Status::NotFound => "not found",
            Status::WrongFormat => "wrong secret format",
            Status::ReadOnly => "read-only",
            Status::Temporary | Status::Failure => "error",
            Status::Usage => "usage",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_contract() {
        let rows = [
            (Status::Ok, 0, Some(200)),
            (Status::Unauthorized, 43, Some(403)),
            (Status::NotFound, 44, Some(404)),
            (Status::WrongFormat, 50, Some(500)),
            (Status::ReadOnly, 55, Some(555)),
            (Status::Temporary, 75, None),
            (Status::Failure, 1, None),
            (Status::Usage, 2, None),
        ];
        for (status, exit, rfc) in rows {
            assert_eq!(status.exit_code(), exit, "{status:?}");
            assert_eq!(status.rfc_status(), rfc, "{status:?}");
        }
    }
}
