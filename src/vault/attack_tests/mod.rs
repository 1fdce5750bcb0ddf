//! Attacks on the vault, each performed as the attacker would: with the
//! vault file (and older copies of it) and only the keys the attacking
//! credential's own slot opens, or with write access to the file and no
//! key at all. Every test asserts the SECURE behaviour: a failing test
//! means the attack worked. They are filed by the property they protect;
//! the attacks that need the real binary are in `tests/attacks.rs`.
//!
//! Where a test came from is the first word of its doc comment: the trust
//! model review (issue 11), the review after format v2 landed, reviews 3
//! and 4 of format 3 ("FINDING" an attack that worked and was fixed,
//! "HELD" one that failed, kept as a regression test), issue 22.

mod cache;
mod entries;
mod format_versions;
mod partitions;
mod records;
mod rekeys;
mod revocation;
mod slots;

use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::vault::test_support::*;

fn at_1000() -> Result<u64> {
    Ok(1000)
}
fn at_2000() -> Result<u64> {
    Ok(2000)
}
fn broken_clock() -> Result<u64> {
    Err(Error::Unauthorized("clock before 1970".into()))
}

/// Three scopes: `a` written by the token `wa` (the attacker), `b` by `wb`
/// (two secrets), `c` in the base (the passphrase's).
struct Three {
    fx: Fx,
    wb: SecretString,
}

fn three() -> Three {
    let fx = Fx::new();
    let _wa = fx.token("wa", &[app("a")], true);
    let wb = fx.token("wb", &[app("b")], true);
    fx.put(&tok(&wb), &app("b"), "u1", "b-one").unwrap();
    fx.put(&tok(&wb), &app("b"), "u2", "b-two").unwrap();
    fx.put(&pass(), &app("c"), "u", "c-value").unwrap();
    Three { fx, wb }
}
