//! Passphrase-only operations: creating a vault, issuing and listing access
//! tokens, signing the key slot table.

use super::format::{self, BucketRef, Header, MAX_TOKENS, Slot, SlotLock, VERSION, Writer};
use super::keys::{Keyring, Role, Scope};
use super::store::{NewHead, Part, Store};
use super::unlock::{escrow_aad, format_token, token_keys};
use super::{BadList, ParsedBucket, Vault, now};
use crate::crypto::{self, KdfParams, SIG_LEN, Signer};
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretString};
use std::sync::Arc;

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

impl TokenInfo {
    pub(super) fn of(k: &Keyring) -> Self {
        TokenInfo {
            name: k.name.clone(),
            apps: k.apps.iter().map(|(a, _)| a.clone()).collect(),
            dids: k.dids.iter().map(|(d, _)| d.clone()).collect(),
            write: k.write,
            created: k.created,
            expires: k.expires,
        }
    }
}

/// A token slot opened through the escrow.
pub(super) struct OpenedToken {
    pub(super) index: usize,
    pub(super) key: Key32,
    pub(super) keys: Keyring,
}

pub(super) fn seal_slot(
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
        sig: [0; SIG_LEN],
    };
    slot.sealed = crypto::seal(
        key,
        slot.nonce,
        &slot.aad(VERSION, vault_id),
        keys.encode().expose(),
    );
    Ok(slot)
}

/// A fresh admin keyring: every key new, a new epoch.
pub(super) fn new_admin_keys(created: u64) -> Result<Keyring> {
    let seed = crypto::random_key()?;
    let verify_key = Signer::from_seed(&seed)?.public_key();
    let table_seed = crypto::random_key()?;
    let table_key = Signer::from_seed(&table_seed)?.public_key();
    Ok(Keyring {
        role: Role::Admin,
        name: String::new(),
        created,
        expires: None,
        write: true,
        verify_key,
        table_key: Some(table_key),
        epoch: crypto::random()?,
        table_seed: Some(table_seed),
        signing_seed: Some(seed),
        escrow_key: Some(crypto::random_key()?),
        sso_root: Some(crypto::random_key()?),
        did_root: Some(crypto::random_key()?),
        names_key: Some(crypto::random_key()?),
        apps: Vec::new(),
        dids: Vec::new(),
        name_cts: Vec::new(),
        write_root: Some(crypto::random_key()?),
        write_keys: Vec::new(),
    })
}

pub(super) fn passphrase_slot(
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

/// Signs every slot of `header`, bound to the epoch and the revoked list,
/// with the admin keyring's table key.
pub(super) fn sign_table(header: &mut Header, admin: &Keyring) -> Result<()> {
    let seed = admin
        .table_seed
        .as_ref()
        .ok_or_else(|| Error::failure("internal: signing the slot table without its key"))?;
    let signer = Signer::from_seed(seed)?;
    header.epoch = admin.epoch;
    let list = header.list_digest()?;
    for s in &mut header.slots {
        s.sig = signer.sign(&s.message(&header.vault_id, &header.epoch, &list));
    }
    Ok(())
}

/// True when slot `i` carries a valid signature by `table_key` over itself,
/// the epoch and the revoked list.
pub(super) fn slot_verifies(header: &Header, table_key: &[u8; 32], i: usize) -> bool {
    let s = &header.slots[i];
    header.list_digest().is_ok_and(|list| {
        crypto::verify(
            table_key,
            &s.message(&header.vault_id, &header.epoch, &list),
            &s.sig,
        )
    })
}

/// Creates a new, empty vault in `store`; refuses to replace an existing
/// one.
pub fn create(
    store: &dyn Store,
    pass: &SecretString,
    kdf: KdfParams,
    lock_timeout: std::time::Duration,
) -> Result<()> {
    kdf.check().map_err(Error::Usage)?;
    let created = now();
    let vault_id = crypto::random()?;
    let keys = new_admin_keys(created)?;
    let slot = passphrase_slot(&vault_id, pass, kdf, &keys)?;
    let mut header = Header {
        version: VERSION,
        vault_id,
        flags: 0,
        created,
        generation: 1,
        epoch: keys.epoch,
        slots: vec![slot],
        revoked: Vec::new(),
        writers: Vec::new(),
        audit: None,
        buckets: vec![BucketRef {
            count: 0,
            len: 0,
            hash: crypto::sha256(&[]),
        }],
    };
    sign_table(&mut header, &keys)?;
    let head = header.encode()?;
    let sig = Signer::from_seed(
        keys.signing_seed
            .as_ref()
            .ok_or_else(|| Error::failure("internal: no seed"))?,
    )?
    .sign(&head);
    let mut bytes = Vec::with_capacity(head.len() + SIG_LEN + 4);
    bytes.extend_from_slice(&head);
    bytes.extend_from_slice(&sig);
    bytes.extend_from_slice(&super::record::encode_records(&[])?);
    let empty = Part::New {
        bytes: Vec::new(),
        hash: crypto::sha256(&[]),
    };
    store.create(
        lock_timeout,
        NewHead {
            head: bytes,
            parts: vec![empty],
        },
    )
}

impl Vault {
    pub(super) fn require_admin(&self) -> Result<&Key32> {
        match (&self.keys.role, &self.keys.escrow_key) {
            (Role::Admin, Some(k)) => Ok(k),
            _ => Err(Error::admin_only()),
        }
    }

    /// Opens one token slot through the escrow.
    fn open_token_slot(&self, escrow: &Key32, i: usize) -> Option<OpenedToken> {
        let vid = self.header.vault_id;
        let s = &self.header.slots[i];
        let SlotLock::Token {
            escrow_nonce,
            escrow: wrapped,
            ..
        } = &s.lock
        else {
            return None;
        };
        let key = crypto::open(escrow, *escrow_nonce, &escrow_aad(&vid, &s.id), wrapped)
            .filter(|k| k.len() == 32)?;
        let mut k = [0u8; 32];
        k.copy_from_slice(key.expose());
        let key = Key32::new(k);
        let plain = crypto::open(&key, s.nonce, &s.aad(self.header.version, &vid), &s.sealed)?;
        let keys = Keyring::decode(self.header.version, plain.expose()).ok()?;
        (keys.role == Role::Token).then_some(OpenedToken {
            index: i,
            key,
            keys,
        })
    }

    /// Every token slot that opens through the escrow, and where the ones
    /// that do not are (they are skipped, never fatal).
    pub(super) fn token_slots_checked(&self) -> Result<(Vec<OpenedToken>, BadList)> {
        let escrow = self.require_admin()?;
        let mut out = Vec::new();
        let mut bad = BadList::default();
        for (i, s) in self.header.slots.iter().enumerate() {
            if !matches!(s.lock, SlotLock::Token { .. }) {
                continue;
            }
            let signed = match self.keys.table_key {
                Some(k) => slot_verifies(&self.header, &k, i),
                None => self.header.version == super::format::VERSION_1,
            };
            match self.open_token_slot(escrow, i).filter(|_| signed) {
                Some(t) => out.push(t),
                None => bad.add_slot(i),
            }
        }
        Ok((out, bad))
    }

    /// The keyrings of the tokens that may not write, from every token slot
    /// that opens through the escrow, signed or not (a slot whose signature
    /// broke still names keys its holder has); `None` when a token slot does
    /// not open at all, so that nobody can say which keys it gave out.
    pub(super) fn read_only_keyrings(&self) -> Result<Option<Vec<Keyring>>> {
        let escrow = self.require_admin()?;
        let mut out = Vec::new();
        for (i, s) in self.header.slots.iter().enumerate() {
            if !matches!(s.lock, SlotLock::Token { .. }) {
                continue;
            }
            match self.open_token_slot(escrow, i) {
                Some(t) if t.keys.write => {}
                Some(t) => out.push(t.keys),
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }

    /// Token slots that open; the others are reported as a warning.
    pub(super) fn token_slots(&self) -> Result<Vec<OpenedToken>> {
        let (out, bad) = self.token_slots_checked()?;
        if let Some(w) = bad.describe("key slots") {
            self.warn(w);
        }
        Ok(out)
    }

    /// Every token's name, scope and times.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let mut v: Vec<TokenInfo> = self
            .token_slots()?
            .iter()
            .map(|t| TokenInfo::of(&t.keys))
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    /// Removes every slot that does not carry a valid signature, before the
    /// table is signed again: re-signing must never make a planted or
    /// altered slot valid. The ids of removed slots are not revoked here
    /// (one may be a live token's); the next rekey or repair sees to that.
    pub(super) fn drop_unsigned_slots(&mut self) -> Result<()> {
        let key = self
            .keys
            .table_key
            .ok_or_else(|| Error::failure("internal: signing the slot table without its key"))?;
        let keep: Vec<bool> = (0..self.header.slots.len())
            .map(|i| slot_verifies(&self.header, &key, i))
            .collect();
        let dropped = keep.iter().filter(|k| !**k).count();
        if dropped > 0 {
            let mut it = keep.iter();
            Arc::make_mut(&mut self.header)
                .slots
                .retain(|_| it.next().copied().unwrap_or(false));
            self.slot = self
                .header
                .passphrase_slot()
                .ok_or_else(|| Error::corrupt("the passphrase slot fails its signature"))?;
            self.warn(format!(
                "warning: dropped {dropped} key slots that fail authentication"
            ));
            self.mark_root();
        }
        Ok(())
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
    #[cfg(test)]
    pub fn create_token(
        &mut self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        expires: Option<u64>,
    ) -> Result<SecretString> {
        self.issue_token(name, scopes, write, |_| expires)
    }

    /// Issues a token that expires `lifetime` seconds after its creation
    /// time (`token create --expires-in`): both come from one reading of
    /// the clock, taken after the key derivation and the writer lock.
    pub fn create_token_lasting(
        &mut self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        lifetime: Option<u64>,
    ) -> Result<SecretString> {
        self.issue_token(name, scopes, write, |created| {
            lifetime.map(|l| created.saturating_add(l))
        })
    }

    fn issue_token(
        &mut self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        expires: impl FnOnce(u64) -> Option<u64>,
    ) -> Result<SecretString> {
        self.require_admin()?;
        self.require_current_version()?;
        if self.header.version == format::VERSION_2 {
            // Format 2 keyrings give scoped write tokens the data key; a new
            // token is issued into format 3, so convert first (every key
            // renewed, every token kept).
            self.upgrade_keeping_tokens()?;
        }
        for scope in scopes {
            scope.check_name()?;
        }
        let escrow = self.require_admin()?.clone();
        if self.token_count() >= MAX_TOKENS {
            return Err(Error::failure(format!(
                "the vault already holds {MAX_TOKENS} access tokens, the most it can; revoke one first"
            )));
        }
        if self.tokens()?.iter().any(|t| t.name == name) {
            return Err(Error::Usage(format!(
                "a token named {} already exists",
                crate::text::quote(name)
            )));
        }
        let vid = self.header.vault_id;
        let id: [u8; 16] = loop {
            let id = crypto::random()?;
            if !self.header.slots.iter().any(|s| s.id == id) && !self.header.revoked.contains(&id) {
                break id;
            }
        };
        let secret = crypto::random_key()?;
        let salt = crypto::random()?;
        let (slot_key, check) = token_keys(&secret, &salt);
        let created = now();
        let keys = self
            .keys
            .for_token(name, scopes, write, created, expires(created))?;
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
        self.drop_unsigned_slots()?;
        for s in if write { scopes } else { &[] } {
            self.list_writer(s)?;
        }
        Arc::make_mut(&mut self.header).slots.push(slot);
        sign_table(Arc::make_mut(&mut self.header), &self.keys)?;
        self.mark_root();
        Ok(format_token(&id, &secret))
    }

    /// Lists `scope` as written by scoped tokens (with the public half of
    /// its write key) and moves its entries from the base into its own
    /// partition, as opaque bytes. Nothing to do when it is listed already.
    pub(super) fn list_writer(&mut self, scope: &Scope) -> Result<()> {
        let root =
            self.keys.write_root.clone().ok_or_else(|| {
                Error::failure("internal: listing a writer without the write root")
            })?;
        let sk = self.scope(scope)?;
        let kind = scope.kind();
        if self.header.writer_of(kind, &sk.tag).is_some() {
            return Ok(());
        }
        let key = Signer::from_seed(&super::keys::write_seed(&root, scope))?.public_key();
        // Each base bucket is read once; only those holding the scope's
        // entries are rewritten.
        let mut moved = Vec::new();
        for i in 0..self.refs(super::BASE)?.len() {
            let mut keep = ParsedBucket::new();
            let mut mine = Vec::new();
            self.for_each_in_bucket(super::BASE, i, |e| {
                if e.kind == kind && e.tag == sk.tag {
                    mine.push(e.to_owned());
                } else {
                    keep.insert(e.lookup, e.to_owned());
                }
            })?;
            if !mine.is_empty() {
                self.set_bucket(super::BASE, i, keep)?;
                moved.extend(mine);
            }
        }
        self.add_partition(Writer {
            kind,
            tag: sk.tag,
            key,
        })?;
        for raw in moved {
            self.insert_raw(raw)?;
        }
        Ok(())
    }

    /// The passphrase slot's KDF parameters.
    pub fn kdf(&self) -> Option<KdfParams> {
        self.header.slots.iter().find_map(|s| match s.lock {
            SlotLock::Passphrase { kdf, .. } => Some(kdf),
            SlotLock::Token { .. } => None,
        })
    }

    /// Counts SSO and DID entries (kind bytes are in clear in the base; a
    /// partition's kind is its scope's).
    pub fn counts(&self) -> Result<(usize, usize)> {
        let (mut sso, mut did) = (0, 0);
        for i in 0..self.header.buckets.len() {
            self.for_each_in_bucket(super::BASE, i, |e| {
                if e.kind == super::keys::KIND_SSO {
                    sso += 1;
                } else {
                    did += 1;
                }
            })?;
        }
        // A partition holds one scope, so its authenticated table counts
        // its entries of one kind; a partition whose record fails is left
        // out (`vault check` reports it), and its buckets are not read.
        for (k, w) in self.header.writers.iter().enumerate() {
            let Ok(refs) = self.refs(k + 1) else { continue };
            let n = format::table_entries(refs).unwrap_or(0);
            if w.kind == super::keys::KIND_SSO {
                sso += n;
            } else {
                did += n;
            }
        }
        Ok((sso, did))
    }

    /// Whether the credential is the passphrase.
    pub fn is_admin(&self) -> bool {
        self.keys.role == Role::Admin
    }
}

impl Vault {
    /// Writes this vault, exactly as its store holds it, into a new vault
    /// in `dest` (refused where one exists). Every bucket is checked
    /// against its hash on the way; nothing is decrypted or re-signed, so
    /// every key and token works against the copy. Passphrase only.
    pub fn copy_to(&self, dest: &dyn Store, lock_timeout: std::time::Duration) -> Result<()> {
        self.require_admin()?;
        let mut head = self.read.head.clone();
        head.extend_from_slice(&self.read.sig);
        if self.header.version == VERSION {
            head.extend_from_slice(&super::record::encode_records(&self.records)?);
        }
        let mut parts = Vec::new();
        for t in 0..self.tables() {
            for (i, r) in self.refs_unchecked(t).iter().enumerate() {
                let at = super::store::BucketAt {
                    offset: self.bucket_offset(t, i),
                    len: r.len,
                    hash: r.hash,
                };
                let bytes = self.buckets.bucket(&at)?;
                if crypto::sha256(&bytes) != r.hash {
                    return Err(Error::corrupt(
                        "a bucket fails its hash; nothing was copied (`sso-secrets vault check --repair` drops it)",
                    ));
                }
                parts.push(Part::New {
                    bytes,
                    hash: r.hash,
                });
            }
        }
        dest.create(lock_timeout, NewHead { head, parts })
    }
}
