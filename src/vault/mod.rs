//! The encrypted vault: unlocking a slot, verifying the header, reading one
//! bucket for a lookup, and buffering changes for one atomic write.

mod admin;
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
        }
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

enum Bucket {
    /// As read, hash already checked.
    Raw(Vec<u8>),
    /// Parsed because it changes in this write.
    Parsed(BTreeMap<[u8; 32], RawEntry>),
}

enum Source {
    /// Read mode: buckets read from the file on demand.
    Lazy(RefCell<File>),
    /// Write mode: every bucket in memory, checked, under the writer lock.
    Loaded {
        buckets: Vec<Bucket>,
        lock: store::WriteLock,
    },
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
    source: Source,
    dirty: bool,
    /// Warnings to show the user (file mode).
    pub warnings: Vec<String>,
}

fn read_header(file: &mut File) -> Result<(Header, Vec<u8>, Vec<u8>, u64)> {
    let size = file
        .metadata()
        .map_err(|e| Error::io("cannot stat vault", &e))?
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

    /// Opens for a read-modify-write under `lock`, checking every bucket.
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
        let (header, head, sig, size) = read_header(&mut file)?;
        let u = unlocker.unlock(&header)?;
        if !crypto::verify(&u.keys.verify_key, &head, &sig) {
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
                crate::output::rfc3339(exp)
            )));
        }
        let source = match lock {
            None => Source::Lazy(RefCell::new(file)),
            Some(lock) => {
                let data = store::read_at(
                    &mut file,
                    (head.len() + SIG_LEN) as u64,
                    (size - head.len() as u64 - SIG_LEN as u64) as usize,
                )?;
                let mut buckets = Vec::with_capacity(header.buckets.len());
                let mut at = 0usize;
                for b in &header.buckets {
                    let bytes = &data[at..at + b.len as usize];
                    at += b.len as usize;
                    if crypto::sha256(bytes) != b.hash {
                        return Err(Error::corrupt("a vault bucket fails its hash"));
                    }
                    buckets.push(Bucket::Raw(bytes.to_vec()));
                }
                Source::Loaded { buckets, lock }
            }
        };
        Ok(Vault {
            path: path.to_path_buf(),
            header_len: head.len(),
            header,
            keys: u.keys,
            slot: u.slot,
            slot_key: u.slot_key,
            source,
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

    fn bucket_bytes(&self, i: usize) -> Result<std::borrow::Cow<'_, [u8]>> {
        match &self.source {
            Source::Lazy(file) => {
                let r = &self.header.buckets[i];
                let off = self.header.bucket_offset(self.header_len, i);
                let bytes = store::read_at(&mut file.borrow_mut(), off, r.len as usize)?;
                if crypto::sha256(&bytes) != r.hash {
                    return Err(Error::corrupt("a vault bucket fails its hash"));
                }
                Ok(bytes.into())
            }
            Source::Loaded { buckets, .. } => match &buckets[i] {
                Bucket::Raw(b) => Ok(b.as_slice().into()),
                Bucket::Parsed(m) => Ok(format::encode_bucket(m.values()).into()),
            },
        }
    }

    /// The entry `name` of a scope, if present.
    pub fn get(&self, sk: &ScopeKeys, name: &str) -> Result<Option<Entry>> {
        let lookup = sk.lookup(name);
        let n = self.header.buckets.len();
        let i = format::bucket_of(&lookup, n);
        if let Source::Loaded { buckets, .. } = &self.source
            && let Bucket::Parsed(m) = &buckets[i]
        {
            return m
                .get(&lookup)
                .map(|raw| sk.open(&self.header.vault_id, raw))
                .transpose();
        }
        let mut found = None;
        format::for_each_entry(&self.bucket_bytes(i)?, i, n, |e| {
            if e.lookup == lookup {
                found = Some(e);
            }
        })?;
        found
            .map(|raw| sk.open(&self.header.vault_id, &raw))
            .transpose()
    }

    fn parsed_bucket(&mut self, i: usize) -> Result<&mut BTreeMap<[u8; 32], RawEntry>> {
        let n = self.header.buckets.len();
        let Source::Loaded { buckets, .. } = &mut self.source else {
            return Err(Error::Failure(
                "internal: write on a vault opened for reading".into(),
            ));
        };
        if let Bucket::Raw(bytes) = &buckets[i] {
            let mut m = BTreeMap::new();
            format::for_each_entry(bytes, i, n, |e| {
                m.insert(e.lookup, e);
            })?;
            buckets[i] = Bucket::Parsed(m);
        }
        match &mut buckets[i] {
            Bucket::Parsed(m) => Ok(m),
            Bucket::Raw(_) => Err(Error::Failure("internal: bucket not parsed".into())),
        }
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

    /// Number of entries of each kind is not stored; this is the total.
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
            format::for_each_entry(&self.bucket_bytes(i)?, i, n, |e| raws.push(e))?;
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

    /// True when this session changed something.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Writes the changes atomically, if there are any.
    pub fn commit(self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let seed = self.keys.signing_seed.clone().ok_or_else(|| {
            Error::Unauthorized(format!("access token {:?} is read-only", self.keys.name))
        })?;
        let signer = Signer::from_seed(&seed)?;
        let Vault {
            path,
            mut header,
            source,
            ..
        } = self;
        let Source::Loaded { buckets, lock } = source else {
            return Err(Error::Failure(
                "internal: commit on a vault opened for reading".into(),
            ));
        };
        let buckets = rebucket(buckets, &header.buckets)?;
        header.buckets = buckets
            .iter()
            .map(|(count, bytes)| BucketRef {
                count: *count,
                len: bytes.len() as u32,
                hash: crypto::sha256(bytes),
            })
            .collect();
        header.generation += 1;
        let head = header.encode();
        let sig = signer.sign(&head);
        let total = head.len() + SIG_LEN + buckets.iter().map(|(_, b)| b.len()).sum::<usize>();
        let mut file = Vec::with_capacity(total);
        file.extend_from_slice(&head);
        file.extend_from_slice(&sig);
        for (_, b) in &buckets {
            file.extend_from_slice(b);
        }
        store::replace(&path, &file, false, &lock)
    }
}

/// Re-encodes changed buckets, and redistributes all entries when the
/// vault has grown or shrunk far from about 32 entries a bucket.
fn rebucket(buckets: Vec<Bucket>, refs: &[BucketRef]) -> Result<Vec<(u32, Vec<u8>)>> {
    let count = refs.len();
    let total: usize = refs.iter().map(|r| r.count as usize).sum();
    let too_full = total > 64 * count;
    let too_sparse = count > 1 && total < 8 * count;
    if !too_full && !too_sparse {
        return Ok(buckets
            .into_iter()
            .zip(refs)
            .map(|(b, r)| match b {
                Bucket::Raw(bytes) => (r.count, bytes),
                Bucket::Parsed(m) => (m.len() as u32, format::encode_bucket(m.values())),
            })
            .collect());
    }
    let new_count = format::bucket_count_for(total);
    let mut out: Vec<Vec<RawEntry>> = (0..new_count).map(|_| Vec::new()).collect();
    for (i, b) in buckets.into_iter().enumerate() {
        let mut push = |e: RawEntry| {
            let j = format::bucket_of(&e.lookup, new_count);
            out[j].push(e);
        };
        match b {
            Bucket::Raw(bytes) => format::for_each_entry(&bytes, i, count, &mut push)?,
            Bucket::Parsed(m) => m.into_values().for_each(&mut push),
        }
    }
    Ok(out
        .into_iter()
        .map(|mut v| {
            v.sort_by_key(|e| e.lookup);
            (v.len() as u32, format::encode_bucket(&v))
        })
        .collect())
}
