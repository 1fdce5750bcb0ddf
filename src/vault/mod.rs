//! The encrypted vault: unlocking a slot, verifying the header, reading one
//! bucket for a lookup, and buffering changes for one atomic write.

mod admin;
pub mod cache;
pub mod codec;
pub mod format;
pub mod keys;
pub mod store;

use crate::crypto::{self, KdfParams, SIG_LEN, Signer};
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretString};
pub use admin::{TokenInfo, create};
use format::{BucketRef, Header, PREFIX_LEN, RawEntry, SlotLock};
use keys::{Entry, Keyring, Role, Scope, ScopeKeys};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use subtle::ConstantTimeEq;

/// Prefix of every access token.
pub const TOKEN_PREFIX: &str = "ssos_";

/// The current time in Unix seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A credential, as the RFC's Bearer token or the vault passphrase.
#[derive(Debug)]
pub enum Credential {
    /// The vault passphrase.
    Passphrase(SecretString),
    /// An access token (`ssos_...`).
    Token(SecretString),
}

/// Turns a credential into a slot key, at most one Argon2 run per process.
pub struct Unlocker {
    cred: Credential,
    cache: RefCell<Option<(KdfParams, [u8; 16], Key32)>>,
    kdf_runs: std::cell::Cell<u32>,
}

/// An opened slot.
struct Unlocked {
    keys: Keyring,
    slot: usize,
    slot_key: Key32,
}

struct ParsedToken {
    id: [u8; 16],
    secret: Key32,
}

fn parse_token(text: &str) -> Result<ParsedToken> {
    let bad = || Error::Unauthorized("malformed access token (expected ssos_...)".into());
    let body = text.strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
    let raw = zeroize::Zeroizing::new(bs58::decode(body).into_vec().map_err(|_| bad())?);
    if raw.len() != 48 {
        return Err(bad());
    }
    let mut id = [0u8; 16];
    id.copy_from_slice(&raw[..16]);
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&raw[16..]);
    Ok(ParsedToken {
        id,
        secret: Key32::new(secret),
    })
}

/// Formats a token from its slot id and secret.
fn format_token(id: &[u8; 16], secret: &Key32) -> SecretString {
    let mut raw = zeroize::Zeroizing::new(Vec::with_capacity(48));
    raw.extend_from_slice(id);
    raw.extend_from_slice(secret.expose());
    SecretString::new(format!(
        "{TOKEN_PREFIX}{}",
        bs58::encode(&*raw).into_string()
    ))
}

fn token_keys(secret: &Key32, salt: &[u8; 16]) -> (Key32, [u8; 32]) {
    let slot_key = crypto::hkdf(salt, secret.expose(), &[b"sso-secrets token slot"]);
    let check = *crypto::hkdf(salt, secret.expose(), &[b"sso-secrets token check"]).expose();
    (slot_key, check)
}

fn escrow_aad(vault_id: &[u8; 16], slot_id: &[u8; 16]) -> Vec<u8> {
    [b"sso-secrets escrow v1".as_slice(), vault_id, slot_id].concat()
}

impl Unlocker {
    /// Wraps a credential.
    pub fn new(cred: Credential) -> Self {
        Unlocker {
            cred,
            cache: RefCell::new(None),
            kdf_runs: std::cell::Cell::new(0),
        }
    }

    /// How many times this credential ran Argon2 (one per process is the goal).
    pub fn kdf_runs(&self) -> u32 {
        self.kdf_runs.get()
    }

    /// True for the passphrase (the admin credential).
    pub fn is_passphrase(&self) -> bool {
        matches!(self.cred, Credential::Passphrase(_))
    }

    fn passphrase_key(
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
        let key = crypto::argon2id(pass.expose().as_bytes(), salt, kdf)?;
        self.kdf_runs.set(self.kdf_runs.get() + 1);
        *self.cache.borrow_mut() = Some((kdf, *salt, key.clone()));
        Ok(key)
    }

    /// Runs the expensive part (Argon2) for this header ahead of time, so a
    /// writer does not hold the lock during it.
    pub fn prepare(&self, header: &Header) {
        if let Credential::Passphrase(p) = &self.cred {
            for s in &header.slots {
                if let SlotLock::Passphrase { kdf, salt } = &s.lock {
                    let _ = self.passphrase_key(p, *kdf, salt);
                }
            }
        }
    }

    fn unlock(&self, header: &Header) -> Result<Unlocked> {
        let (slot, slot_key, role) = match &self.cred {
            Credential::Passphrase(p) => {
                let (i, kdf, salt) = header
                    .slots
                    .iter()
                    .enumerate()
                    .find_map(|(i, s)| match &s.lock {
                        SlotLock::Passphrase { kdf, salt } => Some((i, *kdf, *salt)),
                        SlotLock::Token { .. } => None,
                    })
                    .ok_or_else(|| Error::corrupt("the vault has no passphrase slot"))?;
                (i, self.passphrase_key(p, kdf, &salt)?, Role::Admin)
            }
            Credential::Token(t) => {
                let tok = parse_token(t.expose())?;
                let (i, salt, check) = header
                    .slots
                    .iter()
                    .enumerate()
                    .find_map(|(i, s)| match &s.lock {
                        SlotLock::Token { salt, check, .. } if s.id == tok.id => {
                            Some((i, *salt, *check))
                        }
                        _ => None,
                    })
                    .ok_or_else(|| {
                        if header.revoked.contains(&tok.id) {
                            Error::Unauthorized("this access token has been revoked".into())
                        } else {
                            Error::Unauthorized(
                                "unknown access token (not issued for this vault)".into(),
                            )
                        }
                    })?;
                let (key, expect) = token_keys(&tok.secret, &salt);
                if !bool::from(expect.ct_eq(&check)) {
                    return Err(Error::Unauthorized("invalid access token".into()));
                }
                (i, key, Role::Token)
            }
        };
        let s = &header.slots[slot];
        let plain = crypto::open(&slot_key, s.nonce, &s.aad(&header.vault_id), &s.sealed)
            .ok_or_else(|| match role {
                Role::Admin => Error::Unauthorized("wrong passphrase".into()),
                // The token's verifier matched, so the slot itself was altered.
                Role::Token => Error::corrupt("the token's key slot fails authentication"),
            })?;
        let keys = Keyring::decode(plain.expose())?;
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

type ParsedBucket = BTreeMap<[u8; 32], RawEntry>;

/// Write-mode state: the lock, and the buckets this write changes. A bucket
/// with no entry in `changed` is still the bytes in the old file, at the
/// offset the (unchanged) bucket table gives; commit copies it in-kernel
/// without reading it, so a put costs about one bucket of CPU work plus
/// the copy and the fsync.
struct WriteState {
    lock: store::WriteLock,
    changed: Vec<Option<ParsedBucket>>,
}

/// An opened, authenticated vault.
pub struct Vault {
    path: PathBuf,
    /// The verified header (slots, flags, bucket table).
    pub header: Header,
    header_len: usize,
    /// What the credential unlocked.
    pub keys: Keyring,
    slot: usize,
    slot_key: Key32,
    /// The vault file as opened (the old file, during a write).
    file: RefCell<File>,
    write: Option<WriteState>,
    dirty: bool,
    /// Warnings to show the user (file mode).
    pub warnings: Vec<String>,
}

fn read_header(file: &mut File) -> Result<(Header, Vec<u8>, Vec<u8>, u64)> {
    let size = file
        .metadata()
        .map_err(|e| Error::io("cannot stat vault", e))?
        .len();
    let head_len = PREFIX_LEN.min(size as usize);
    let prefix = store::read_at(file, 0, head_len)?;
    let magic_len = format::MAGIC.len().min(prefix.len());
    if prefix[..magic_len] != format::MAGIC[..magic_len] {
        return Err(Error::corrupt("not an sso-secrets vault (bad magic bytes)"));
    }
    if size < (PREFIX_LEN + SIG_LEN) as u64 {
        return Err(Error::corrupt("vault file is truncated"));
    }
    let hlen = format::parse_prefix(&prefix)? as usize;
    if (PREFIX_LEN + hlen + SIG_LEN) as u64 > size {
        return Err(Error::corrupt("vault file is truncated"));
    }
    let mut head = store::read_at(file, 0, PREFIX_LEN + hlen + SIG_LEN)?;
    let sig = head.split_off(PREFIX_LEN + hlen);
    let header = Header::parse(&head[PREFIX_LEN..])?;
    Ok((header, head, sig, size))
}

/// Reads just enough to run the passphrase KDF before taking the lock.
pub fn prepare(path: &Path, unlocker: &Unlocker) {
    if !unlocker.is_passphrase() {
        return;
    }
    if let Ok((mut f, _)) = store::open_vault(path)
        && let Ok((header, ..)) = read_header(&mut f)
    {
        unlocker.prepare(&header);
    }
}

impl Vault {
    /// Opens for reading: checks the slot, the signature and the length.
    pub fn open(path: &Path, unlocker: &Unlocker) -> Result<Vault> {
        let (file, warning) = store::open_vault(path)?;
        Self::open_file(path, file, warning, unlocker, None)
    }

    /// Opens for a read-modify-write under `lock`. Buckets are read (and
    /// checked against the signed table) only when the write touches them.
    pub fn open_for_write(
        path: &Path,
        unlocker: &Unlocker,
        lock: store::WriteLock,
    ) -> Result<Vault> {
        let (file, warning) = store::open_vault(path)?;
        Self::open_file(path, file, warning, unlocker, Some(lock))
    }

    fn open_file(
        path: &Path,
        mut file: File,
        warning: Option<String>,
        unlocker: &Unlocker,
        lock: Option<store::WriteLock>,
    ) -> Result<Vault> {
        let before = cache::FileId::of(&file);
        let (header, head, sig, size) = read_header(&mut file)?;
        let u = unlocker.unlock(&header)?;
        if !cache::verify(before, &file, &u.keys.verify_key, &head, &sig) {
            return Err(Error::corrupt(
                "the vault header's signature does not verify",
            ));
        }
        let expected = header.file_len(head.len());
        if size != expected {
            return Err(Error::corrupt(format!(
                "vault file is {size} bytes, its header says {expected}"
            )));
        }
        if let Some(exp) = u.keys.expires
            && now() >= exp
        {
            return Err(Error::Unauthorized(format!(
                "access token {:?} expired at {}",
                u.keys.name,
                crate::time::rfc3339(exp)
            )));
        }
        let write = lock.map(|lock| WriteState {
            lock,
            changed: (0..header.buckets.len()).map(|_| None).collect(),
        });
        Ok(Vault {
            path: path.to_path_buf(),
            header_len: head.len(),
            header,
            keys: u.keys,
            slot: u.slot,
            slot_key: u.slot_key,
            file: RefCell::new(file),
            write,
            dirty: false,
            warnings: warning.into_iter().collect(),
        })
    }

    /// Lookup material for `scope`, or 403 when the credential lacks it.
    pub fn scope(&self, scope: &Scope) -> Result<ScopeKeys> {
        let key = self.keys.scope_key(scope).ok_or_else(|| {
            Error::Unauthorized(format!(
                "access token {:?} does not cover {}",
                self.keys.name,
                scope.describe()
            ))
        })?;
        Ok(ScopeKeys::new(scope.clone(), key))
    }

    /// Reads bucket `i` from the file and checks it against the signed table.
    fn read_bucket(&self, i: usize) -> Result<Vec<u8>> {
        let r = &self.header.buckets[i];
        let off = self.header.bucket_offset(self.header_len, i);
        let bytes = store::read_at(&mut self.file.borrow_mut(), off, r.len as usize)?;
        if crypto::sha256(&bytes) != r.hash {
            return Err(Error::corrupt("a vault bucket fails its hash"));
        }
        Ok(bytes)
    }

    fn changed(&self, i: usize) -> Option<&ParsedBucket> {
        self.write.as_ref().and_then(|w| w.changed[i].as_ref())
    }

    /// Calls `f` on every entry of bucket `i`, as this session sees it.
    fn for_each_in_bucket(&self, i: usize, mut f: impl FnMut(&RawEntry)) -> Result<()> {
        if let Some(m) = self.changed(i) {
            m.values().for_each(f);
            return Ok(());
        }
        let n = self.header.buckets.len();
        format::for_each_entry(&self.read_bucket(i)?, i, n, |e| f(&e))
    }

    /// The entry `name` of a scope, if present.
    pub fn get(&self, sk: &ScopeKeys, name: &str) -> Result<Option<Entry>> {
        let lookup = sk.lookup(name);
        let i = format::bucket_of(&lookup, self.header.buckets.len());
        if let Some(m) = self.changed(i) {
            return m
                .get(&lookup)
                .map(|raw| sk.open(&self.header.vault_id, raw))
                .transpose();
        }
        let mut found = None;
        self.for_each_in_bucket(i, |e| {
            if e.lookup == lookup {
                found = Some(sk.open(&self.header.vault_id, e));
            }
        })?;
        found.transpose()
    }

    fn parsed_bucket(&mut self, i: usize) -> Result<&mut ParsedBucket> {
        let n = self.header.buckets.len();
        let fresh = match self.write.as_ref() {
            None => {
                return Err(Error::failure(
                    "internal: write on a vault opened for reading",
                ));
            }
            Some(w) if w.changed[i].is_some() => None,
            Some(_) => {
                let mut m = BTreeMap::new();
                format::for_each_entry(&self.read_bucket(i)?, i, n, |e| {
                    m.insert(e.lookup, e);
                })?;
                Some(m)
            }
        };
        let w = self
            .write
            .as_mut()
            .ok_or_else(|| Error::failure("internal: not writing"))?;
        Ok(w.changed[i].get_or_insert_with(|| fresh.unwrap_or_default()))
    }

    /// Drops every entry and the bucket table (for a full re-encryption).
    fn clear_entries(&mut self) -> Result<()> {
        let w = self
            .write
            .as_mut()
            .ok_or_else(|| Error::failure("internal: not writing"))?;
        w.changed = vec![Some(BTreeMap::new())];
        self.header.buckets = vec![BucketRef {
            count: 0,
            len: 0,
            hash: [0; 32],
        }];
        self.dirty = true;
        Ok(())
    }

    /// Creates or replaces an entry (sealed under fresh keys).
    pub fn put(&mut self, sk: &ScopeKeys, entry: &Entry) -> Result<()> {
        let raw = sk.seal(&self.header.vault_id, &self.keys, entry)?;
        self.insert_raw(raw)
    }

    fn insert_raw(&mut self, raw: RawEntry) -> Result<()> {
        let i = format::bucket_of(&raw.lookup, self.header.buckets.len());
        let m = self.parsed_bucket(i)?;
        let added = m.insert(raw.lookup, raw).is_none();
        self.header.buckets[i].count += u32::from(added);
        self.dirty = true;
        Ok(())
    }

    /// Erases an entry; false when there was none.
    pub fn delete(&mut self, sk: &ScopeKeys, name: &str) -> Result<bool> {
        let lookup = sk.lookup(name);
        let i = format::bucket_of(&lookup, self.header.buckets.len());
        let removed = self.parsed_bucket(i)?.remove(&lookup).is_some();
        if removed {
            self.header.buckets[i].count -= 1;
            self.dirty = true;
        }
        Ok(removed)
    }

    /// Number of entries (the bucket table counts them).
    pub fn len(&self) -> usize {
        self.header.buckets.iter().map(|b| b.count as usize).sum()
    }

    /// True when the vault holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry this credential may read, decrypted, sorted by scope and name.
    pub fn entries(&self) -> Result<Vec<(Scope, Entry)>> {
        let scoped: Vec<ScopeKeys> = self
            .keys
            .scoped_keys()
            .into_iter()
            .map(|(s, k)| ScopeKeys::new(s, k))
            .collect();
        let mut derived: HashMap<Scope, ScopeKeys> = HashMap::new();
        let mut out = Vec::new();
        let n = self.header.buckets.len();
        for i in 0..n {
            let mut raws = Vec::new();
            self.for_each_in_bucket(i, |e| raws.push(e.clone()))?;
            for raw in raws {
                if let Some(sk) = scoped.iter().find(|sk| sk.tag == raw.tag) {
                    out.push((sk.scope.clone(), sk.open(&self.header.vault_id, &raw)?));
                    continue;
                }
                let Some(scope) = keys::open_scope_name(&self.header.vault_id, &self.keys, &raw)?
                else {
                    continue;
                };
                if !derived.contains_key(&scope) {
                    let Some(k) = self.keys.scope_key(&scope) else {
                        continue;
                    };
                    derived.insert(scope.clone(), ScopeKeys::new(scope.clone(), k));
                }
                if let Some(sk) = derived.get(&scope) {
                    if sk.tag != raw.tag {
                        return Err(Error::corrupt("an entry's scope does not match its tag"));
                    }
                    out.push((scope, sk.open(&self.header.vault_id, &raw)?));
                }
            }
        }
        out.sort_by(|a, b| (&a.0, &a.1.key).cmp(&(&b.0, &b.1.key)));
        Ok(out)
    }

    /// Sets or clears the read-only flag.
    pub fn set_read_only(&mut self, on: bool) {
        let flags = if on {
            self.header.flags | format::FLAG_READ_ONLY
        } else {
            self.header.flags & !format::FLAG_READ_ONLY
        };
        if flags != self.header.flags {
            self.header.flags = flags;
            self.dirty = true;
        }
    }

    /// Writes the changes atomically, if there are any.
    pub fn commit(mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let seed = self
            .keys
            .signing_seed
            .clone()
            .ok_or_else(|| Error::token_read_only(&self.keys.name))?;
        let signer = Signer::from_seed(&seed)?;
        self.rebucket_if_needed()?;
        let w = self
            .write
            .take()
            .ok_or_else(|| Error::failure("internal: commit on a vault opened for reading"))?;
        // The plan: for each bucket, new bytes, or a range of the old file.
        let old_offsets: Vec<u64> = (0..self.header.buckets.len())
            .map(|i| self.header.bucket_offset(self.header_len, i))
            .collect();
        let mut parts: Vec<Part> = Vec::with_capacity(self.header.buckets.len());
        for (i, changed) in w.changed.into_iter().enumerate() {
            match changed {
                Some(m) => {
                    let bytes = format::encode_bucket(m.values());
                    self.header.buckets[i] = BucketRef {
                        count: m.len() as u32,
                        len: bytes.len() as u32,
                        hash: crypto::sha256(&bytes),
                    };
                    parts.push(Part::New(bytes));
                }
                None => {
                    let len = u64::from(self.header.buckets[i].len);
                    match parts.last_mut() {
                        // Neighbouring old buckets are neighbours in the old
                        // file too: copy them in one go.
                        Some(Part::Old { len: l, .. }) => *l += len,
                        _ => parts.push(Part::Old {
                            offset: old_offsets[i],
                            len,
                        }),
                    }
                }
            }
        }
        self.header.generation += 1;
        let head = self.header.encode();
        let sig = signer.sign(&head);
        let old = self.file.into_inner();
        store::replace(&self.path, false, &w.lock, |tmp| {
            tmp.write_all(&head)?;
            tmp.write_all(&sig)?;
            for p in &parts {
                match p {
                    Part::New(bytes) => tmp.write_all(bytes)?,
                    Part::Old { offset, len } => {
                        let mut src = &old;
                        src.seek(SeekFrom::Start(*offset))?;
                        // File-to-file io::copy uses copy_file_range: the
                        // unchanged bytes never pass through this process.
                        let copied = std::io::copy(&mut src.take(*len), tmp)?;
                        if copied != *len {
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "the vault shrank while locked",
                            ));
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// Redistributes all entries when the vault has grown or shrunk far from
    /// the size [`format::bucket_count_for`] picks. Entries move as opaque bytes.
    fn rebucket_if_needed(&mut self) -> Result<()> {
        let count = self.header.buckets.len();
        let total = self.len();
        if !format::needs_rebucket(total, count) {
            return Ok(());
        }
        let new_count = format::bucket_count_for(total);
        let mut out: Vec<ParsedBucket> = (0..new_count).map(|_| BTreeMap::new()).collect();
        for i in 0..count {
            self.for_each_in_bucket(i, |e| {
                out[format::bucket_of(&e.lookup, new_count)].insert(e.lookup, e.clone());
            })?;
        }
        self.header.buckets = out
            .iter()
            .map(|m| BucketRef {
                count: m.len() as u32,
                len: 0,
                hash: [0; 32],
            })
            .collect();
        if let Some(w) = self.write.as_mut() {
            w.changed = out.into_iter().map(Some).collect();
        }
        Ok(())
    }
}

/// One piece of the new file.
enum Part {
    New(Vec<u8>),
    Old { offset: u64, len: u64 },
}
