//! sso-secrets: RFC-134 "SSO Secrets" as a command-line tool over a local,
//! encrypted vault file.
//!
//! Data flows one way: `cli` → `run` → `commands` → `vault` → `crypto`.
//! The exit code is decided in one place, [`status::Status`].
//!
//! The library is closed: what the binary needs ([`run`], [`Io`],
//! [`credentials::Env`], [`credentials::RealTerminal`], [`harden_process`])
//! and the operation seam ([`ops`], with the [`names`], [`status`] and
//! [`error`] types it carries) are public, and nothing else. Tests and the
//! fuzz target reach the internals through `testing`, which only this
//! crate's tests and the `test-support` feature compile.
//!
//! Lints for every target live in Cargo.toml's `[lints]` table.
#![deny(missing_docs)]

#[cfg(feature = "apihub")]
pub(crate) mod apihub;
pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod base58;
pub(crate) mod cli;
pub(crate) mod commands;
pub mod credentials;
pub(crate) mod crypto;
pub(crate) mod did;
pub(crate) mod durable;
pub mod error;
pub(crate) mod local;
pub mod names;
pub mod ops;
pub(crate) mod output;
#[cfg(feature = "remote")]
pub(crate) mod remote;
pub(crate) mod run;
pub(crate) mod secret;
#[cfg(feature = "serve")]
pub(crate) mod serve;
pub mod status;
pub(crate) mod template;
pub(crate) mod terminal;
// Internals for tests and the fuzz target only: never in the tool's build.
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub(crate) mod text;
pub(crate) mod time;
pub(crate) mod usage;
pub(crate) mod vault;

pub use run::{Io, run};
// The secret-holding types the seams carry (`Env`, `ops::Request`).
pub use secret::{SecretBytes, SecretString};

/// The core-dump limits the process started with, so that a command run by
/// `exec` gets them back.
static CORE_LIMITS: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();

/// Keeps secrets out of core dumps: sets the soft RLIMIT_CORE to zero and
/// marks the process non-dumpable (which also keeps other processes of the
/// same user from ptrace-attaching to read our memory). The hard limit is
/// left as it was, so `restore_core_limits` can hand a command run by
/// `exec` the user's own limits; nothing in this process raises it, and a
/// non-dumpable process writes no core file whatever its limit. Best effort:
/// failure to do so is not a reason to refuse work, so errors are ignored.
pub fn harden_process() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let hard = match getrlimit(Resource::RLIMIT_CORE) {
        Ok(limits) => {
            let _ = CORE_LIMITS.set(limits);
            limits.1
        }
        Err(_) => 0,
    };
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, hard);
    let _ = nix::sys::prctl::set_dumpable(false);
}

/// Gives back the core-dump limits the process started with, just before it
/// is replaced by another program (`exec`); the non-dumpable mark still
/// covers this process until then, and the new program starts dumpable.
pub(crate) fn restore_core_limits() {
    use nix::sys::resource::{Resource, setrlimit};
    if let Some(&(soft, hard)) = CORE_LIMITS.get() {
        let _ = setrlimit(Resource::RLIMIT_CORE, soft, hard);
    }
}
