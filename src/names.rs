//! What the user names, parsed once at the edge into types that cannot be
//! invalid: app names, user ids, secret names and DIDs. clap builds these
//! through their `FromStr`, so a bad argument is a usage error (exit 2)
//! before any file is opened or any prompt is shown.

use crate::did;
use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

macro_rules! label {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// What this kind of name is called in messages.
            pub const WHAT: &'static str = $what;

            /// Checks `s`: 1 to 256 bytes of UTF-8 without control characters.
            pub fn new(s: impl Into<String>) -> Result<Self> {
                let s = s.into();
                did::check_label($what, &s)?;
                Ok(Self(s))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

label!(
    /// An application name (`<APP>`): the container of SSO secrets.
    AppName,
    "app name"
);
label!(
    /// A user id (`--user-id`): one SSO secret of an app.
    UserId,
    "user id"
);
label!(
    /// The name of a DID secret (`<NAME>`), e.g. `credential`.
    SecretName,
    "secret name"
);

/// A DID, held as its text (`did:…`). Parsed from base58 of that text, or
/// from the text itself: `:` is not in the base58 alphabet, so the two
/// forms never overlap.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did(String);

impl Did {
    /// From DID text given in clear (import, APIHub, templates).
    pub fn from_text(text: impl Into<String>) -> Result<Self> {
        let text = text.into();
        did::check_did_text(&text)?;
        Ok(Did(text))
    }

    /// The DID text, starting with `did:`.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// Base58 (Bitcoin alphabet) of the text, as it travels in URLs.
    pub fn base58(&self) -> String {
        did::encode(&self.0)
    }
}

impl FromStr for Did {
    type Err = Error;
    /// Base58 of the DID text, or the text itself.
    fn from_str(s: &str) -> Result<Self> {
        if s.starts_with("did:") {
            Did::from_text(s)
        } else {
            did::decode_did(s).map(Did)
        }
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// How `deactivate-sso` and `remove-sso` name the user: by DID or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// `<DID>`: an OpenDSU name DID of the same app names its user,
    /// any other DID the user whose id is the DID text.
    Did(Did),
    /// `--user-id`.
    Id(UserId),
}

impl UserRef {
    /// The user id this addresses within `app`.
    pub fn resolve(&self, app: &AppName) -> Result<UserId> {
        match self {
            UserRef::Id(u) => Ok(u.clone()),
            UserRef::Did(d) => UserId::new(did::user_id_for(app.as_str(), d.text())),
        }
    }
}

/// Where one secret lives: an SSO secret (app, user id) or a DID secret
/// (DID, name). A template placeholder names one, so does an APIHub
/// (container, key) pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretAddress {
    /// An SSO secret.
    Sso {
        /// Application.
        app: AppName,
        /// User.
        user: UserId,
    },
    /// A DID secret.
    Did {
        /// The DID.
        did: Did,
        /// Secret name.
        name: SecretName,
    },
}

impl fmt::Display for SecretAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretAddress::Sso { app, user } => {
                write!(f, "the SSO secret of user {user:?} of app {app:?}")
            }
            SecretAddress::Did { did, name } => write!(f, "the DID secret {name:?} of {did}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_accepts_base58_and_text_alike() {
        let text = "did:ssi:name:vault.example:demo/alice";
        let a: Did = did::encode(text).parse().unwrap();
        let b: Did = text.parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.text(), text);
        assert_eq!(b.base58(), did::encode(text));
        assert!("did".parse::<Did>().is_err());
        assert!(did::encode("hello").parse::<Did>().is_err());
    }

    #[test]
    fn labels_are_checked() {
        assert!(AppName::new("demo").is_ok());
        assert!(AppName::new("").is_err());
        assert!(UserId::new("a\tb").is_err());
        assert!(SecretName::new("x".repeat(257)).is_err());
    }

    #[test]
    fn user_ref_resolves_name_dids_of_the_same_app() {
        let app = AppName::new("demo").unwrap();
        let d: Did = "did:ssi:name:v:demo/alice".parse().unwrap();
        assert_eq!(UserRef::Did(d).resolve(&app).unwrap().as_str(), "alice");
        let other: Did = "did:ssi:key:abc".parse().unwrap();
        assert_eq!(
            UserRef::Did(other).resolve(&app).unwrap().as_str(),
            "did:ssi:key:abc"
        );
    }
}
