//! An OpenDSU APIHub server's secrets folder, both ways: read every
//! container (and the older per-user layouts) into addressed secrets, and
//! write secrets back as containers APIHub serves as they are.
//!
//! The format, as APIHub's `components/secrets/` writes it, is described in
//! `REFERENCE-NOTES.md` ("Storage on disk"); real folders written by the
//! server are the tests' fixtures.

pub mod classify;
pub mod format;
pub mod key;
pub mod read;
pub mod write;

pub use classify::Address;
pub use key::Keys;
pub use read::{Skipped, read};

#[cfg(test)]
mod tests;
