//! Passphrase-only operations: creating a vault, access tokens, rotation,
//! changing the passphrase.

use super::format::{BucketRef, Header, Slot, SlotLock};
use super::keys::{Keyring, Role, Scope};
use super::{Vault, escrow_aad, format_token, now, store, token_keys};
use crate::crypto::{self, KdfParams, SIG_LEN, Signer};
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretString};
use std::io::Write;
use std::path::Path;

/// What `token list` shows of a token. Never the token itself.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// The token's name.
    pub name: String,
    /// Apps it covers (empty with `dids` empty: everything).
    pub apps: Vec<String>,
    /// DIDs it covers.
    pub dids: Vec<String>,
    /// May write.
    pub write: bool,
    /// Created, Unix seconds.
    pub created: u64,
    /// Expiry, Unix seconds.
    pub expires: Option<u64>,
}

fn seal_slot(
    vault_id: &[u8; 16],
    id: [u8; 16],
    lock: SlotLock,
    key: &Key32,
    keys: &Keyring,
) -> Result<Slot> {
    let mut slot = Slot {
        id,
        lock,
        nonce: crypto::random()?,
        sealed: Vec::new(),
    };
    slot.sealed = crypto::seal(key, slot.nonce, &slot.aad(vault_id), keys.encode().expose());
    Ok(slot)
}

fn new_admin_keys(created: u64, escrow_key: Key32) -> Result<Keyring> {
    let seed = crypto::random_key()?;
    let verify_key = Signer::from_seed(&seed)?.public_key();
    Ok(Keyring {
        role: Role::Admin,
        name: String::new(),
        created,
        expires: None,
        write: true,
        verify_key,
        signing_seed: Some(seed),
        escrow_key: Some(escrow_key),
        sso_root: Some(crypto::random_key()?),
        did_root: Some(crypto::random_key()?),
        names_key: Some(crypto::random_key()?),
        apps: Vec::new(),
        dids: Vec::new(),
    })
}

fn passphrase_slot(
    vault_id: &[u8; 16],
    pass: &SecretString,
    kdf: KdfParams,
    keys: &Keyring,
) -> Result<Slot> {
    let salt = crypto::random()?;
    let key = crypto::argon2id(pass.expose().as_bytes(), &salt, kdf)?;
    seal_slot(
        vault_id,
        crypto::random()?,
        SlotLock::Passphrase { kdf, salt },
        &key,
        keys,
    )
}

/// Creates a new, empty vault at `path`; refuses to replace an existing one.
pub fn create(
    path: &Path,
    pass: &SecretString,
    kdf: KdfParams,
    lock_timeout: std::time::Duration,
) -> Result<()> {
    kdf.check().map_err(Error::Usage)?;
    if path.symlink_metadata().is_ok() {
        return Err(Error::failure(format!(
            "a vault already exists at {}; it was left untouched",
            path.display()
        )));
    }
    store::ensure_dir(path)?;
    let lock = match store::lock(path, lock_timeout) {
        Ok(l) => l,
        Err(store::LockError::ReadOnlyFs) => {
            return Err(Error::read_only_fs(path));
        }
        Err(store::LockError::Other(e)) => return Err(e),
    };
    let created = now();
    let vault_id = crypto::random()?;
    let keys = new_admin_keys(created, crypto::random_key()?)?;
    let slot = passphrase_slot(&vault_id, pass, kdf, &keys)?;
    let empty = Vec::new();
    let header = Header {
        vault_id,
        flags: 0,
        created,
        generation: 1,
        slots: vec![slot],
        revoked: Vec::new(),
        buckets: vec![BucketRef {
            count: 0,
            len: 0,
            hash: crypto::sha256(&empty),
        }],
    };
    let head = header.encode();
    let sig = Signer::from_seed(
        keys.signing_seed
            .as_ref()
            .ok_or_else(|| Error::failure("internal: no seed"))?,
    )?
    .sign(&head);
    let mut file = Vec::with_capacity(head.len() + SIG_LEN);
    file.extend_from_slice(&head);
    file.extend_from_slice(&sig);
    store::replace(path, true, &lock, |f| f.write_all(&file))
}

impl Vault {
    fn require_admin(&self) -> Result<&Key32> {
        match (&self.keys.role, &self.keys.escrow_key) {
            (Role::Admin, Some(k)) => Ok(k),
            _ => Err(Error::admin_only()),
        }
    }

    /// Opens every token slot through the escrow: (slot index, slot key, keyring).
    fn token_slots(&self) -> Result<Vec<(usize, Key32, Keyring)>> {
        let escrow = self.require_admin()?;
        let vid = self.header.vault_id;
        let mut out = Vec::new();
        for (i, s) in self.header.slots.iter().enumerate() {
            let SlotLock::Token {
                escrow_nonce,
                escrow: wrapped,
                ..
            } = &s.lock
            else {
                continue;
            };
            let key = crypto::open(escrow, *escrow_nonce, &escrow_aad(&vid, &s.id), wrapped)
                .filter(|k| k.len() == 32)
                .ok_or_else(|| Error::corrupt("a token slot's escrow fails authentication"))?;
            let mut k = [0u8; 32];
            k.copy_from_slice(key.expose());
            let key = Key32::new(k);
            let plain = crypto::open(&key, s.nonce, &s.aad(&vid), &s.sealed)
                .ok_or_else(|| Error::corrupt("a token slot fails authentication"))?;
            out.push((i, key, Keyring::decode(plain.expose())?));
        }
        Ok(out)
    }

    /// Every token's name, scope and times.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let mut v: Vec<TokenInfo> = self
            .token_slots()?
            .into_iter()
            .map(|(_, _, k)| TokenInfo {
                name: k.name.clone(),
                apps: k.apps.iter().map(|(a, _)| a.clone()).collect(),
                dids: k.dids.iter().map(|(d, _)| d.clone()).collect(),
                write: k.write,
                created: k.created,
                expires: k.expires,
            })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    /// Number of token slots (no keys needed).
    pub fn token_count(&self) -> usize {
        self.header
            .slots
            .iter()
            .filter(|s| matches!(s.lock, SlotLock::Token { .. }))
            .count()
    }

    /// Issues a token; returns it (shown once, never stored).
    pub fn create_token(
        &mut self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        expires: Option<u64>,
    ) -> Result<SecretString> {
        let escrow = self.require_admin()?.clone();
        if self.tokens()?.iter().any(|t| t.name == name) {
            return Err(Error::Usage(format!(
                "a token named {name:?} already exists"
            )));
        }
        let vid = self.header.vault_id;
        let id: [u8; 16] = crypto::random()?;
        let secret = crypto::random_key()?;
        let salt = crypto::random()?;
        let (slot_key, check) = token_keys(&secret, &salt);
        let keys = self.keys.for_token(name, scopes, write, now(), expires)?;
        let escrow_nonce = crypto::random()?;
        let wrapped = crypto::seal(
            &escrow,
            escrow_nonce,
            &escrow_aad(&vid, &id),
            slot_key.expose(),
        );
        let lock = SlotLock::Token {
            salt,
            check,
            escrow_nonce,
            escrow: wrapped,
        };
        let slot = seal_slot(&vid, id, lock, &slot_key, &keys)?;
        self.header.slots.push(slot);
        self.dirty = true;
        Ok(format_token(&id, &secret))
    }

    /// Revokes a token and rotates every key: all secrets are re-encrypted
    /// under new roots, the signing key changes, and the passphrase and the
    /// remaining tokens are rewrapped so they keep working.
    pub fn revoke_token(&mut self, name: &str) -> Result<()> {
        let tokens = self.token_slots()?;
        let Some(pos) = tokens.iter().position(|(_, _, k)| k.name == name) else {
            return Err(Error::NotFound(format!("no access token named {name:?}")));
        };
        let entries = self.entries()?;
        let escrow = self.require_admin()?.clone();
        let admin = new_admin_keys(self.keys.created, escrow)?;
        let vid = self.header.vault_id;

        let revoked_id = self.header.slots[tokens[pos].0].id;
        // Remember a bounded number of revoked ids; older ones then answer
        // "unknown", which is still a 403.
        if self.header.revoked.len() >= 4096 {
            self.header.revoked.remove(0);
        }
        self.header.revoked.push(revoked_id);
        let mut slots = Vec::with_capacity(self.header.slots.len());
        let me = &self.header.slots[self.slot];
        slots.push(seal_slot(
            &vid,
            me.id,
            me.lock.clone(),
            &self.slot_key,
            &admin,
        )?);
        for (j, (i, key, keys)) in tokens.iter().enumerate() {
            if j == pos {
                continue;
            }
            let s = &self.header.slots[*i];
            slots.push(seal_slot(
                &vid,
                s.id,
                s.lock.clone(),
                key,
                &keys.rekeyed(&admin)?,
            )?);
        }
        self.header.slots = slots;
        self.slot = 0;
        self.keys = admin;

        self.clear_entries()?;
        for (scope, entry) in &entries {
            let sk = self.scope(scope)?;
            self.put(&sk, entry)?;
        }
        self.dirty = true;
        Ok(())
    }

    /// Rewraps the passphrase slot under a new passphrase and KDF parameters.
    pub fn change_passphrase(&mut self, new: &SecretString, kdf: KdfParams) -> Result<()> {
        self.require_admin()?;
        kdf.check().map_err(Error::Usage)?;
        let slot = passphrase_slot(&self.header.vault_id, new, kdf, &self.keys)?;
        self.header.slots[self.slot] = slot;
        self.dirty = true;
        Ok(())
    }

    /// The passphrase slot's KDF parameters.
    pub fn kdf(&self) -> Option<KdfParams> {
        self.header.slots.iter().find_map(|s| match s.lock {
            SlotLock::Passphrase { kdf, .. } => Some(kdf),
            SlotLock::Token { .. } => None,
        })
    }

    /// Counts SSO and DID entries (kind bytes are in clear; no keys needed).
    pub fn counts(&self) -> Result<(usize, usize)> {
        let (mut sso, mut did) = (0, 0);
        for i in 0..self.header.buckets.len() {
            self.for_each_in_bucket(i, |e| {
                if e.kind == super::keys::KIND_SSO {
                    sso += 1;
                } else {
                    did += 1;
                }
            })?;
        }
        Ok((sso, did))
    }

    /// Whether the credential is the passphrase.
    pub fn is_admin(&self) -> bool {
        self.keys.role == Role::Admin
    }
}
