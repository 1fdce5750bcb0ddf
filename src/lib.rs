//! sso-secrets: RFC-134 "SSO Secrets" as a command-line tool over a local,
//! encrypted vault file.
//!
//! Data flows one way: [`cli`] → [`run`] → [`commands`] → [`vault`] →
//! [`crypto`]. The exit code is decided in one place, [`status::Status`].
//!
//! Lints for every target live in Cargo.toml's `[lints]` table.
#![deny(missing_docs)]

pub(crate) mod apihub;
pub mod assets;
pub(crate) mod cli;
pub mod commands;
pub mod credentials;
pub mod crypto;
pub(crate) mod did;
pub mod error;
pub mod local;
pub mod names;
pub mod ops;
pub(crate) mod output;
pub(crate) mod remote;
pub mod run;
pub mod secret;
pub(crate) mod serve;
pub mod status;
pub mod template;
pub(crate) mod terminal;
pub(crate) mod text;
pub(crate) mod time;
pub(crate) mod usage;
pub mod vault;

pub use run::{Io, run};

/// Keeps secrets out of core dumps: sets RLIMIT_CORE to zero and marks the
/// process non-dumpable (which also keeps other processes of the same user
/// from ptrace-attaching to read our memory). Best effort: failure to do so
/// is not a reason to refuse work, so errors are ignored.
pub fn harden_process() {
    use nix::sys::resource::{Resource, setrlimit};
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
    let _ = nix::sys::prctl::set_dumpable(false);
}
