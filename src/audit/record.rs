//! One audit record: what it says (sealed), and its bytes in the trail.
//!
//! ```text
//! body = version u8 (1) seq u64 time u64 prev (32) eph (32) nonce (12) sealed
//! hash = SHA-256("sso-secrets audit record v1" ‖ vault_id ‖ body)
//! ```
//! `prev` is the hash of the record before (the chain); `sealed` is the
//! record's content as JSON, AES-256-GCM under a key agreed (X25519, then
//! HKDF-SHA256) between the appender's one-off key `eph` and the trail's
//! public key, with `vault_id ‖ seq ‖ time ‖ prev` as AAD. Only the
//! sequence number, the time and the chain are in clear.

use crate::crypto;
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretBytes};
use crate::vault::codec::{Put, Reader};
use serde::{Deserialize, Serialize};

const VERSION: u8 = 1;
/// Bytes of a body before its sealed content.
const FIXED: usize = 1 + 8 + 8 + 32 + 32 + 12;
/// Most bytes a body may have (a record is a few hundred bytes; names are at
/// most 4 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// Who acted. `Debug` shows the kind, never a name.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Who {
    /// The vault passphrase.
    Passphrase,
    /// An access token: its slot id (hex) and name.
    Token {
        /// Slot id, hex.
        id: String,
        /// Name as issued.
        name: String,
    },
    /// Nobody the vault could name: the credential did not open a slot.
    Unknown,
    /// `serve --trusted-front`: a request without a token of its own from
    /// the trusted front, served with the server's token (id and name) for
    /// the user the front named (`None`: it named none).
    Front {
        /// The server's token's slot id, hex.
        id: String,
        /// Its name.
        name: String,
        /// The `user-id` the front set.
        user: Option<String>,
    },
}

/// Where the request came from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Front {
    /// The command line (also `exec`, `inject`).
    Cli,
    /// `serve`, and the peer's address.
    Serve {
        /// The peer.
        peer: String,
    },
}

/// What a record says, sealed to the passphrase holder. `Debug` leaves out
/// the principal's name and the target.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct Content {
    /// The RFC operation's name, or the command (`token create`).
    pub op: String,
    /// Who.
    pub principal: Who,
    /// From where.
    pub front: Front,
    /// RFC status (200, 403, …) or the exit code for failures outside the
    /// RFC (1, 2, 75).
    pub status: u16,
    /// What it addressed: app and user, DID and name, a token's name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target: Vec<(String, String)>,
}

impl std::fmt::Debug for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Who::Passphrase => "Passphrase",
            Who::Token { .. } => "Token(redacted)",
            Who::Front { .. } => "Front(redacted)",
            Who::Unknown => "Unknown",
        })
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("op", &self.op)
            .field("principal", &self.principal)
            .field("front", &self.front)
            .field("status", &self.status)
            .field("target", &"(redacted)")
            .finish()
    }
}

/// A record as read from the trail: clear fields and sealed bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raw {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Unix seconds.
    pub time: u64,
    /// The chain hash of the record before.
    pub prev: [u8; 32],
    eph: [u8; 32],
    nonce: [u8; 12],
    sealed: Vec<u8>,
}

impl Raw {
    /// Parses a body.
    pub fn parse(body: &[u8]) -> Result<Raw> {
        let mut r = Reader::new(body, "audit record");
        if r.u8()? != VERSION {
            return Err(Error::corrupt("an audit record of an unknown version"));
        }
        if body.len() < FIXED + 16 || body.len() > MAX_BODY {
            return Err(Error::corrupt("an audit record of an impossible length"));
        }
        Ok(Raw {
            seq: r.u64()?,
            time: r.u64()?,
            prev: r.array()?,
            eph: r.array()?,
            nonce: r.array()?,
            sealed: r.take(r.remaining())?.to_vec(),
        })
    }

    /// The bytes as stored.
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(FIXED + self.sealed.len());
        b.put_u8(VERSION);
        b.put_u64(self.seq);
        b.put_u64(self.time);
        b.put(&self.prev);
        b.put(&self.eph);
        b.put(&self.nonce);
        b.put(&self.sealed);
        b
    }

    /// Opens the content with the trail's private key.
    pub fn open(
        &self,
        vault_id: &[u8; 16],
        secret: &x25519_dalek::StaticSecret,
    ) -> Result<Content> {
        let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(self.eph));
        let seal_key = x25519_dalek::PublicKey::from(secret).to_bytes();
        let key = session_key(shared.as_bytes(), &self.eph, &seal_key, vault_id);
        let plain = crypto::open(
            &key,
            self.nonce,
            &aad(vault_id, self.seq, self.time, &self.prev),
            &self.sealed,
        )
        .ok_or_else(|| Error::corrupt(format!("audit record {} does not open", self.seq)))?;
        serde_json::from_slice(plain.expose())
            .map_err(|_| Error::corrupt(format!("audit record {} does not parse", self.seq)))
    }
}

/// The chain hash of a stored body.
pub fn hash_body(vault_id: &[u8; 16], body: &[u8]) -> [u8; 32] {
    let mut m = Vec::with_capacity(48 + body.len());
    m.put(b"sso-secrets audit record v1");
    m.put(vault_id);
    m.put(body);
    crypto::sha256(&m)
}

fn aad(vault_id: &[u8; 16], seq: u64, time: u64, prev: &[u8; 32]) -> Vec<u8> {
    let mut a = Vec::with_capacity(80);
    a.put(b"sso-secrets audit v1");
    a.put(vault_id);
    a.put_u64(seq);
    a.put_u64(time);
    a.put(prev);
    a
}

fn session_key(
    shared: &[u8; 32],
    eph: &[u8; 32],
    seal_key: &[u8; 32],
    vault_id: &[u8; 16],
) -> Key32 {
    let mut salt = Vec::with_capacity(64);
    salt.put(eph);
    salt.put(seal_key);
    crypto::hkdf(&salt, shared, &[b"sso-secrets audit seal v1", vault_id])
}

/// Seals records to a trail's public key: one X25519 agreement per sealer
/// (an appender's batch, a command's run), then AES-GCM per record.
pub struct Sealer {
    vault_id: [u8; 16],
    eph: [u8; 32],
    key: Key32,
}

impl Sealer {
    /// A sealer for the trail of `vault_id` whose public key is `seal_key`.
    pub fn new(vault_id: [u8; 16], seal_key: [u8; 32]) -> Result<Sealer> {
        let bytes = crypto::random_key()?;
        let secret = x25519_dalek::StaticSecret::from(*bytes.expose());
        let eph = x25519_dalek::PublicKey::from(&secret).to_bytes();
        let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(seal_key));
        if !shared.was_contributory() {
            return Err(Error::corrupt("the audit public key is a low-order point"));
        }
        let key = session_key(shared.as_bytes(), &eph, &seal_key, &vault_id);
        Ok(Sealer { vault_id, eph, key })
    }

    /// The record `seq` after `prev`, saying `content`.
    pub fn seal(&self, seq: u64, time: u64, prev: [u8; 32], content: &Content) -> Result<Raw> {
        let json = SecretBytes::new(
            serde_json::to_vec(content)
                .map_err(|e| Error::failure(format!("audit record: {e}")))?,
        );
        let nonce = crypto::random()?;
        let sealed = crypto::seal(
            &self.key,
            nonce,
            &aad(&self.vault_id, seq, time, &prev),
            json.expose(),
        );
        Ok(Raw {
            seq,
            time,
            prev,
            eph: self.eph,
            nonce,
            sealed,
        })
    }
}
