//! Entries: sealing and opening one secret under its scope key, and the
//! sealed scope name that lets root holders list what they find.

use super::codec::{Put, Reader};
use super::format::{RawEntry, VERSION_1};
use super::keys::{KIND_DID, KIND_SSO, Keyring, Scope};
use crate::crypto::{self, derive, hkdf};
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretBytes};

/// Lifecycle state of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Readable.
    Active,
    /// Kept, but `get-sso` answers 404 until the next `put-sso`.
    Deactivated,
}

/// A decrypted entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Active or deactivated.
    pub state: State,
    /// Created, Unix seconds.
    pub created: u64,
    /// Last updated, Unix seconds.
    pub updated: u64,
    /// User id (SSO) or secret name (DID).
    pub key: String,
    /// The secret bytes.
    pub value: SecretBytes,
}

/// Everything about one scope needed to find and seal its entries.
pub struct ScopeKeys {
    /// The scope.
    pub scope: Scope,
    key: Key32,
    /// The tag its entries carry.
    pub tag: [u8; 16],
}

impl ScopeKeys {
    /// Derives lookup material for `scope` from its key.
    pub fn new(scope: Scope, key: Key32) -> Self {
        let t = derive(&key, &[b"tag"]);
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&t.expose()[..16]);
        ScopeKeys { scope, key, tag }
    }

    /// The lookup id of `name` (user id or secret name) in this scope.
    pub fn lookup(&self, name: &str) -> [u8; 32] {
        *derive(&self.key, &[b"lookup\0", name.as_bytes()]).expose()
    }

    fn aad(vault_id: &[u8; 16], raw: &RawEntry) -> Vec<u8> {
        let mut a = Vec::with_capacity(96);
        a.put(b"sso-secrets entry v1");
        a.put(vault_id);
        a.put(&raw.lookup);
        a.put_u8(raw.kind);
        a.put(&raw.tag);
        a
    }

    /// Seals an entry under fresh per-entry keys (new random salt).
    pub fn seal(&self, vault_id: &[u8; 16], keyring: &Keyring, entry: &Entry) -> Result<RawEntry> {
        let mut raw = RawEntry {
            lookup: self.lookup(&entry.key),
            kind: self.scope.kind(),
            tag: self.tag,
            salt: crypto::random()?,
            scope_ct: Vec::new(),
            body_ct: Vec::new(),
        };
        let aad = Self::aad(vault_id, &raw);
        // Root holders need the scope name to derive the scope key: sealed
        // once per scope, by the names key or as issued to a scoped writer.
        raw.scope_ct = match &keyring.names_key {
            Some(nk) => seal_scope_name(nk, self),
            None => keyring
                .name_cts
                .iter()
                .find(|(t, _)| *t == self.tag)
                .map(|(_, ct)| ct.clone())
                .ok_or_else(|| Error::Unauthorized("this credential may not write".into()))?,
        };
        let mut body =
            SecretBytes::new(Vec::with_capacity(32 + entry.key.len() + entry.value.len()));
        let b = body.expose_mut();
        b.put_u8(match entry.state {
            State::Active => 0,
            State::Deactivated => 1,
        });
        b.put_u64(entry.created);
        b.put_u64(entry.updated);
        b.put_bytes16(entry.key.as_bytes());
        b.put_bytes32(entry.value.expose());
        let k = hkdf(&raw.salt, self.key.expose(), &[b"entry"]);
        raw.body_ct = crypto::seal(&k, [0; 12], &aad, body.expose());
        Ok(raw)
    }

    /// Opens an entry of this scope. Failure means tampering: 500.
    pub fn open(&self, vault_id: &[u8; 16], raw: &RawEntry) -> Result<Entry> {
        self.open_named(vault_id, raw, None)
    }

    /// [`ScopeKeys::open`] for the entry found under `lookup(name)`: the
    /// check that the entry is filed under its own name becomes a string
    /// comparison with `name` instead of a second key derivation.
    pub fn open_as(&self, vault_id: &[u8; 16], raw: &RawEntry, name: &str) -> Result<Entry> {
        self.open_named(vault_id, raw, Some(name))
    }

    fn open_named(&self, vault_id: &[u8; 16], raw: &RawEntry, name: Option<&str>) -> Result<Entry> {
        let aad = Self::aad(vault_id, raw);
        let k = hkdf(&raw.salt, self.key.expose(), &[b"entry"]);
        let body = crypto::open(&k, [0; 12], &aad, &raw.body_ct)
            .ok_or_else(|| Error::corrupt("an entry fails authentication"))?;
        let mut r = Reader::new(body.expose(), "entry");
        let state = match r.u8()? {
            0 => State::Active,
            1 => State::Deactivated,
            other => return Err(Error::corrupt(format!("unknown entry state {other}"))),
        };
        let created = r.u64()?;
        let updated = r.u64()?;
        let key = r.str16()?;
        let value = SecretBytes::new(r.bytes32()?.to_vec());
        r.finish()?;
        let filed_right = match name {
            // Found by `lookup(name)`: equal names give equal lookups.
            Some(n) => key == n,
            None => self.lookup(&key) == raw.lookup,
        };
        if !filed_right {
            return Err(Error::corrupt("an entry is filed under the wrong name"));
        }
        Ok(Entry {
            state,
            created,
            updated,
            key,
            value,
        })
    }
}

fn scope_name_aad(kind: u8, tag: &[u8; 16]) -> Vec<u8> {
    let mut a = Vec::with_capacity(48);
    a.put(b"sso-secrets scope name v2");
    a.put_u8(kind);
    a.put(tag);
    a
}

/// The sealed name of a scope (v2): one key per scope tag, used for exactly
/// one plaintext (the name), so the ciphertext is the same in every entry of
/// the scope and can be handed to a scoped writer at issue.
pub(super) fn seal_scope_name(names_key: &Key32, sk: &ScopeKeys) -> Vec<u8> {
    let k = derive(names_key, &[b"scope-name\0", &sk.tag]);
    crypto::seal(
        &k,
        [0; 12],
        &scope_name_aad(sk.scope.kind(), &sk.tag),
        sk.scope.name().as_bytes(),
    )
}

/// Recovers an entry's scope name with the root names key.
pub fn open_scope_name(
    version: u16,
    vault_id: &[u8; 16],
    keyring: &Keyring,
    raw: &RawEntry,
) -> Result<Option<Scope>> {
    let Some(nk) = &keyring.names_key else {
        return Ok(None);
    };
    let name = if version == VERSION_1 {
        let aad = ScopeKeys::aad(vault_id, raw);
        let k = hkdf(&raw.salt, nk.expose(), &[b"scope-name"]);
        crypto::open(&k, [0; 12], &aad, &raw.scope_ct)
    } else {
        let k = derive(nk, &[b"scope-name\0", &raw.tag]);
        crypto::open(
            &k,
            [0; 12],
            &scope_name_aad(raw.kind, &raw.tag),
            &raw.scope_ct,
        )
    };
    let name = name.ok_or_else(|| Error::corrupt("an entry's scope fails authentication"))?;
    let name = String::from_utf8(name.expose().to_vec())
        .map_err(|_| Error::corrupt("scope name is not UTF-8"))?;
    Ok(Some(match raw.kind {
        KIND_SSO => Scope::App(name),
        KIND_DID => Scope::Did(name),
        other => return Err(Error::corrupt(format!("unknown entry kind {other}"))),
    }))
}
