//! Credentials and unlocking: the token wire format, the passphrase KDF
//! (at most one Argon2 run per process), and finding and opening one slot.

use super::format::{Header, SlotLock};
use super::keys::{Keyring, Role};
use crate::crypto::{self, KdfParams};
use crate::error::{Error, Result};
use crate::secret::Credential;
use crate::secret::{Key32, SecretString};
use std::cell::{Cell, RefCell};
use subtle::ConstantTimeEq;

/// Prefix of every access token.
pub const TOKEN_PREFIX: &str = "ssos_";

/// Longest token text decoded: `ssos_` plus base58 of 49 bytes is at most 72
/// characters; anything much longer is refused before base58 runs.
const MAX_TOKEN_TEXT: usize = 128;

/// Turns a credential into a slot key, at most one Argon2 run per process.
pub struct Unlocker {
    cred: Credential,
    cache: RefCell<Option<(KdfParams, [u8; 16], Key32)>>,
    kdf_runs: Cell<u32>,
}

/// An opened slot.
pub(super) struct Unlocked {
    pub(super) keys: Keyring,
    pub(super) slot: usize,
    pub(super) slot_key: Key32,
}

pub(super) struct ParsedToken {
    /// The vault format that issued it: format 1 tokens are 48 bytes (slot
    /// id, secret); later tokens start with their format's byte (2 or 3). A token knows the
    /// format of its vault, so a file rewritten as format 1 (whose slot table
    /// is not authenticated) cannot pass for the vault a format 2 token
    /// belongs to.
    pub(super) format: u16,
    pub(super) id: [u8; 16],
    pub(super) secret: Key32,
}

pub(super) fn parse_token(text: &str) -> Result<ParsedToken> {
    let bad = || Error::Unauthorized("malformed access token (expected ssos_...)".into());
    if text.len() > MAX_TOKEN_TEXT {
        return Err(bad());
    }
    let body = text.strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
    let raw = crate::base58::decode(body).ok_or_else(bad)?;
    let (format, rest) = match raw.len() {
        48 => (1, &raw[..]),
        49 if raw[0] == 2 || raw[0] == 3 => (u16::from(raw[0]), &raw[1..]),
        _ => return Err(bad()),
    };
    let mut id = [0u8; 16];
    id.copy_from_slice(&rest[..16]);
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&rest[16..]);
    Ok(ParsedToken {
        format,
        id,
        secret: Key32::new(secret),
    })
}

/// Formats a token of this (current format) vault from its slot id and secret.
pub(super) fn format_token(id: &[u8; 16], secret: &Key32) -> SecretString {
    let mut raw = zeroize::Zeroizing::new(Vec::with_capacity(49));
    raw.push(super::format::VERSION as u8);
    raw.extend_from_slice(id);
    raw.extend_from_slice(secret.expose());
    SecretString::new(format!(
        "{TOKEN_PREFIX}{}",
        bs58::encode(&*raw).into_string()
    ))
}

/// A token's slot key and its verifier.
pub(super) fn token_keys(secret: &Key32, salt: &[u8; 16]) -> (Key32, [u8; 32]) {
    let (slot_key, check) = crypto::hkdf_pair(
        salt,
        secret.expose(),
        &[b"sso-secrets token slot"],
        &[b"sso-secrets token check"],
    );
    (slot_key, *check.expose())
}

pub(super) fn escrow_aad(vault_id: &[u8; 16], slot_id: &[u8; 16]) -> Vec<u8> {
    [b"sso-secrets escrow v1".as_slice(), vault_id, slot_id].concat()
}

impl Unlocker {
    /// Wraps a credential.
    pub fn new(cred: Credential) -> Self {
        Unlocker {
            cred,
            cache: RefCell::new(None),
            kdf_runs: Cell::new(0),
        }
    }

    /// How many times this credential ran Argon2 (one per process is the goal).
    #[cfg(any(test, feature = "test-support"))]
    pub fn kdf_runs(&self) -> u32 {
        self.kdf_runs.get()
    }

    /// True for the passphrase (the admin credential).
    pub fn is_passphrase(&self) -> bool {
        matches!(self.cred, Credential::Passphrase(_))
    }

    /// The passphrase's slot key for these parameters. The parameters were
    /// checked against the documented bounds when the header was parsed,
    /// and `argon2id` checks them again, so no file can make this expensive.
    pub(super) fn passphrase_key(
        &self,
        pass: &SecretString,
        kdf: KdfParams,
        salt: &[u8; 16],
    ) -> Result<Key32> {
        if let Some((k, s, key)) = &*self.cache.borrow()
            && *k == kdf
            && s == salt
        {
            return Ok(key.clone());
        }
        if self.kdf_runs.get() > 0 {
            // A second, different derivation in one process means the file
            // changed its passphrase slot under us: refuse rather than pay
            // for Argon2 twice.
            return Err(Error::Temporary(
                "the vault's passphrase slot changed while this command ran; run it again".into(),
            ));
        }
        let key = crypto::argon2id(pass.expose().as_bytes(), salt, kdf)?;
        self.kdf_runs.set(self.kdf_runs.get() + 1);
        *self.cache.borrow_mut() = Some((kdf, *salt, key.clone()));
        Ok(key)
    }

    /// Runs the expensive part (Argon2) for this header ahead of time, so a
    /// writer does not hold the lock during it.
    pub fn prepare(&self, header: &Header) {
        if let Credential::Passphrase(p) = &self.cred
            && let Some(i) = header.passphrase_slot()
            && let SlotLock::Passphrase { kdf, salt } = &header.slots[i].lock
        {
            let _ = self.passphrase_key(p, *kdf, salt);
        }
    }

    /// Finds and opens this credential's slot. Revoked ids are checked
    /// before any slot is looked at; the parser has already refused
    /// duplicate ids, a second passphrase slot and out-of-bounds KDF costs.
    pub(super) fn unlock(&self, header: &Header) -> Result<Unlocked> {
        let (slot, slot_key, plain, role) = match &self.cred {
            Credential::Passphrase(p) => {
                let i = header
                    .passphrase_slot()
                    .ok_or_else(|| Error::corrupt("the vault has no passphrase slot"))?;
                let SlotLock::Passphrase { kdf, salt } = &header.slots[i].lock else {
                    return Err(Error::corrupt("the vault has no passphrase slot"));
                };
                let key = self.passphrase_key(p, *kdf, salt)?;
                let plain = open_slot(header, i, &key)
                    .ok_or_else(|| downgraded_or_wrong(header, i, &key))?;
                (i, key, plain, Role::Admin)
            }
            Credential::Token(t) => {
                let tok = parse_token(t.expose())?;
                if tok.format > header.version {
                    return Err(Error::corrupt(format!(
                        "this access token was issued by a format {} vault, but the file says \
                         format {}: it was replaced by an older or forged file",
                        tok.format, header.version
                    )));
                }
                if header.revoked.contains(&tok.id) {
                    return Err(Error::Unauthorized(
                        "this access token has been revoked".into(),
                    ));
                }
                // Ids are unique among the slots the passphrase signed; a
                // planted slot may share one, so every candidate is tried.
                let mut known = false;
                let mut verified = false;
                let mut found = None;
                for (i, s) in header.slots.iter().enumerate() {
                    let SlotLock::Token { salt, check, .. } = &s.lock else {
                        continue;
                    };
                    if s.id != tok.id {
                        continue;
                    }
                    known = true;
                    let (key, expect) = token_keys(&tok.secret, salt);
                    if !bool::from(expect.ct_eq(check)) {
                        continue;
                    }
                    verified = true;
                    if let Some(plain) = open_slot(header, i, &key) {
                        found = Some((i, key, plain));
                        break;
                    }
                }
                let Some((i, key, plain)) = found else {
                    return Err(match (known, verified) {
                        (false, _) => Error::Unauthorized(
                            "unknown access token (not issued for this vault)".into(),
                        ),
                        (true, false) => Error::Unauthorized("invalid access token".into()),
                        // The token's verifier matched, so the slot itself was altered.
                        (true, true) => Error::corrupt("the token's key slot fails authentication"),
                    });
                };
                (i, key, plain, Role::Token)
            }
        };
        let keys = Keyring::decode(header.version, plain.expose())?;
        if keys.role != role {
            return Err(Error::corrupt("key slot role mismatch"));
        }
        Ok(Unlocked {
            keys,
            slot,
            slot_key,
        })
    }
}

/// Why the passphrase slot did not open: the passphrase is wrong, unless
/// the slot opens as a newer format's slot, in which case the file was
/// rewritten to claim an older format (a downgrade) and the passphrase is
/// right: that is tampering (500), not a typo.
fn downgraded_or_wrong(header: &Header, i: usize, key: &Key32) -> Error {
    let s = &header.slots[i];
    let newer = crate::vault::format::VERSION;
    if header.version < newer
        && crypto::open(key, s.nonce, &s.aad(newer, &header.vault_id), &s.sealed).is_some()
    {
        return Error::corrupt(format!(
            "the passphrase is right, but the file says format {} while its key slot is format {newer}: it was replaced by a forged file",
            header.version
        ));
    }
    Error::Unauthorized("wrong passphrase".into())
}

fn open_slot(header: &Header, i: usize, key: &Key32) -> Option<crate::secret::SecretBytes> {
    let s = &header.slots[i];
    crypto::open(
        key,
        s.nonce,
        &s.aad(header.version, &header.vault_id),
        &s.sealed,
    )
}

/// The current time in Unix seconds, for timestamps. A clock before 1970
/// gives 0 (timestamps only; expiry uses [`clock`], which fails closed).
pub fn now() -> u64 {
    clock().unwrap_or(0)
}

/// The current time for expiry checks: an unreadable clock or one before
/// 1970 is an error, so a broken clock never makes a token live forever.
pub fn clock() -> Result<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| {
            Error::Unauthorized(
                "the system clock reads before 1970, so token expiry cannot be checked".into(),
            )
        })
}

/// Where the time for expiry checks comes from: the system clock, or a
/// fixed instant in the crate's tests.
pub type Clock = fn() -> Result<u64>;
