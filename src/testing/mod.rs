//! The library's internals that tests and the fuzz target reach, and nothing
//! the tool's users see: compiled only for this crate's unit tests and with
//! the `test-support` feature, which `cargo test` turns on for the
//! integration tests (the dev-dependency on this package in Cargo.toml) and
//! fuzz/Cargo.toml for the fuzz target. `cargo build` and `cargo install`
//! never compile it (as the `age` crate exposes its header parser only to
//! its fuzzer).
//!
//! White-box integration tests forge vault files and audit trails with the
//! library, then check that the real binary refuses them, and only an
//! integration test can run the binary; the fuzz target feeds the parsers.
//! Each module below names exactly what they use.
#![allow(missing_docs)]

mod cluster;

pub use cluster::Cluster;

/// The vault: file format, key slots, records, the store.
pub mod vault {
    pub use crate::ops::Credential;
    pub use crate::vault::{HeadRead, Unlocker, Vault, format, keys, prepare, record, store};

    /// The header of an open vault (its fields are the crate's own).
    pub fn header(v: &Vault) -> &format::Header {
        &v.header
    }

    /// The keyring an open vault's credential unlocked.
    pub fn keys(v: &Vault) -> &keys::Keyring {
        &v.keys
    }
}

/// Every secret-holding type, `Key32` included.
pub mod secret {
    pub use crate::secret::{Key32, SecretBytes, SecretString};
}

/// The audit trail's records.
pub mod audit {
    pub use crate::audit::{Content, Front, Raw, Sealer, Who, record};
}

/// The primitives, to forge what a key holder could.
pub mod crypto {
    pub use crate::crypto::{SIG_LEN, Signer, hkdf, open, seal, sha256};
}

/// The local vault as an operation backend.
pub mod local {
    pub use crate::local::{LocalVault, VaultConfig};
}

/// `exec` and `inject` below the command line.
pub mod exec {
    pub use crate::commands::exec::{EnvSecret, render, resolve};
    pub use crate::template::{SecretRef, Template};
}

/// The generated completions and man pages.
pub mod assets {
    pub use crate::assets::{files, man_pages};
}
