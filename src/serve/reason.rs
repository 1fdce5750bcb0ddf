//! Why a request failed, as one word for machines: the access log's
//! `reason` and the metrics' labels.
//!
//! The library's errors carry their status and a detail written for the
//! command line; the kind of refusal (revoked, expired, out of scope…) is
//! only in that detail. The words are taken from it here, in one place,
//! and the unit tests below build each error the way the vault does, so a
//! reworded message that no longer matches fails here rather than turning
//! into a silent `unauthorized` in production logs.

use crate::error::Error;
use crate::ops::MAX_BODY;

/// The reason for a failed operation; `body_len` is the length of the
/// secret a put sent, if any.
pub(crate) fn of(error: &Error, body_len: Option<usize>) -> &'static str {
    match error {
        Error::Unauthorized(d) => unauthorized(d),
        Error::NotFound(_) => "not_found",
        Error::WrongFormat(_) if error.fails_authentication() => "corrupt",
        Error::WrongFormat(_) => match body_len {
            Some(0) => "empty_secret",
            Some(n) if n > MAX_BODY => "secret_too_large",
            _ => "bad_secret",
        },
        Error::ReadOnly(_) => "read_only",
        Error::Temporary(d) if d.starts_with("vault busy") || d.contains("changed while") => "busy",
        Error::Temporary(_) => "store_unreachable",
        Error::Failure(_) => "failure",
        Error::Usage(_) => "bad_request",
    }
}

fn unauthorized(detail: &str) -> &'static str {
    const RULES: &[(&str, &str)] = &[
        ("has been revoked", "revoked"),
        (" expired at ", "expired"),
        ("is read-only", "read_only_token"),
        ("may not write", "read_only_token"),
        ("does not cover", "out_of_scope"),
        ("may write only the scopes", "out_of_scope"),
        ("unknown access token", "unknown_token"),
        ("invalid access token", "invalid_token"),
        ("malformed access token", "malformed_token"),
        ("missing header Authorization", "no_token"),
        ("Authorization header", "malformed_token"),
        ("empty Bearer token", "malformed_token"),
        ("cannot manage tokens", "admin_only"),
        ("system clock", "clock"),
        ("the front's user may reach only", "other_user"),
        ("the front set no user-id", "no_user"),
    ];
    RULES
        .iter()
        .find(|(needle, _)| detail.contains(needle))
        .map_or("unauthorized", |(_, word)| word)
}

/// Whether `reason` is the store failing rather than the request: what
/// `sso_secrets_store_errors_total` counts.
pub(crate) fn is_store_error(reason: &str) -> bool {
    matches!(reason, "corrupt" | "store_unreachable" | "busy" | "failure")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_the_vault_makes_has_its_word() {
        let u = |s: &str| Error::Unauthorized(s.into());
        let rows = [
            (u("this access token has been revoked"), "revoked"),
            (
                u("access token \"ci\" expired at 2025-01-01T00:00:00Z"),
                "expired",
            ),
            (Error::token_read_only("ci"), "read_only_token"),
            (u("this credential may not write"), "read_only_token"),
            (
                u("access token \"ci\" does not cover the SSO secrets of app \"demo\""),
                "out_of_scope",
            ),
            (
                u("access token \"ci\" may write only the scopes it was issued for"),
                "out_of_scope",
            ),
            (
                u("unknown access token (not issued for this vault)"),
                "unknown_token",
            ),
            (u("invalid access token"), "invalid_token"),
            (
                u("malformed access token (expected ssos_...)"),
                "malformed_token",
            ),
            (
                u("missing header Authorization: Bearer <token>"),
                "no_token",
            ),
            (u("malformed Authorization header"), "malformed_token"),
            (Error::admin_only(), "admin_only"),
            (
                u("the front's user may reach only their own SSO secrets; the DID names another user"),
                "other_user",
            ),
            (
                u("the front set no user-id for an SSO operation"),
                "no_user",
            ),
            (u("something new"), "unauthorized"),
            (Error::NotFound("no such".into()), "not_found"),
            (Error::corrupt("bad signature"), "corrupt"),
            (Error::writes_disabled(), "read_only"),
            (
                Error::Temporary("vault busy: another writer held x for more than 1.0s".into()),
                "busy",
            ),
            (
                Error::Temporary(
                    "the vault in db changed while this write was prepared; nothing was written, retry"
                        .into(),
                ),
                "busy",
            ),
            (
                Error::Temporary("cannot reach database db: connection refused".into()),
                "store_unreachable",
            ),
            (Error::failure("cannot read vault /x"), "failure"),
            (Error::Usage("bad".into()), "bad_request"),
        ];
        for (e, want) in rows {
            assert_eq!(of(&e, None), want, "{e:?}");
        }
        let body = Error::WrongFormat("the secret is empty".into());
        assert_eq!(of(&body, Some(0)), "empty_secret");
        assert_eq!(of(&body, Some(MAX_BODY + 1)), "secret_too_large");
        assert_eq!(of(&body, Some(3)), "bad_secret");
        assert!(is_store_error("busy") && !is_store_error("revoked"));
    }
}
