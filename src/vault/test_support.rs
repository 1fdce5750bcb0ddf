//! Helpers for the unit tests: a vault in a temp dir (Argon2 at the floor),
//! and the raw-file tools an attacker with the file and one keyring has.

use super::format::{self, BucketRef, Header, PREFIX_LEN};
use super::keys::{Entry, Keyring, Scope, State};
use super::record::{self, Record};
use super::store::{Locked, Store, file::FileStore};
use super::{Unlocker, Vault};
use crate::crypto::{self, KdfParams, SIG_LEN, Signer};
use crate::error::Result;
use crate::secret::Credential;
use crate::secret::{SecretBytes, SecretString};
use crate::status::Status;
use std::path::PathBuf;
use std::time::Duration;

pub(super) const PASS: &str = "correct horse";
/// An expiry far in the future (year 2286).
pub(super) const FAR: u64 = 9_999_999_999;

pub(super) struct Fx {
    _dir: tempfile::TempDir,
    pub(super) path: PathBuf,
}

pub(super) fn pass() -> Unlocker {
    Unlocker::new(Credential::Passphrase(SecretString::new(PASS.into())))
}

pub(super) fn pass_of(p: &str) -> Unlocker {
    Unlocker::new(Credential::Passphrase(SecretString::new(p.into())))
}

pub(super) fn tok(t: &SecretString) -> Unlocker {
    Unlocker::new(Credential::Token(SecretString::new(t.expose().into())))
}

pub(super) fn app(a: &str) -> Scope {
    Scope::App(a.into())
}

pub(super) fn entry(key: &str, value: &str) -> Entry {
    Entry {
        state: State::Active,
        created: 1,
        updated: 1,
        key: key.into(),
        value: SecretBytes::new(value.as_bytes().to_vec()),
    }
}

impl Fx {
    pub(super) fn new() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        super::create(
            &FileStore::new(path.clone()),
            &SecretString::new(PASS.into()),
            KdfParams::FLOOR,
            Duration::from_secs(5),
        )
        .unwrap();
        Fx { _dir: dir, path }
    }

    /// A vault made of `bytes` (a fixture), mode 0600.
    pub(super) fn with_file(bytes: &[u8]) -> Fx {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        std::fs::write(&path, bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        Fx { _dir: dir, path }
    }

    pub(super) fn open(&self, u: &Unlocker) -> Result<Vault> {
        Vault::open(&self.store(), u)
    }

    /// The vault's file store.
    pub(super) fn store(&self) -> FileStore {
        FileStore::new(self.path.clone())
    }

    /// The writer lock.
    pub(super) fn lock(&self) -> Box<dyn Locked> {
        match self.store().lock(Duration::from_secs(5)) {
            Ok(l) => l,
            Err(_) => panic!("lock"),
        }
    }

    pub(super) fn write<T>(
        &self,
        u: &Unlocker,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = Vault::open_for_write(self.lock(), u)?;
        let out = f(&mut v)?;
        v.commit()?;
        Ok(out)
    }

    pub(super) fn put(&self, u: &Unlocker, scope: &Scope, key: &str, value: &str) -> Result<()> {
        self.write(u, |v| {
            let sk = v.scope(scope)?;
            v.put(&sk, &entry(key, value))
        })
    }

    pub(super) fn get(&self, u: &Unlocker, scope: &Scope, key: &str) -> Result<Option<String>> {
        let v = self.open(u)?;
        let sk = v.scope(scope)?;
        Ok(v.get(&sk, key)?
            .map(|e| String::from_utf8(e.value.expose().to_vec()).unwrap()))
    }

    pub(super) fn token(&self, name: &str, scopes: &[Scope], write: bool) -> SecretString {
        self.write(&pass(), |v| v.create_token(name, scopes, write, None))
            .unwrap()
    }

    /// A token that expires at `expires` (Unix seconds).
    pub(super) fn token_until(
        &self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        expires: u64,
    ) -> SecretString {
        self.write(&pass(), |v| {
            v.create_token(name, scopes, write, Some(expires))
        })
        .unwrap()
    }

    pub(super) fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap()
    }

    pub(super) fn set_bytes(&self, b: &[u8]) {
        std::fs::write(&self.path, b).unwrap();
    }
}

/// A vault file taken apart: what anyone with the file can see.
pub(super) struct Raw {
    pub(super) header: Header,
    /// The data signature as read.
    pub(super) sig: Vec<u8>,
    pub(super) buckets: Vec<Vec<u8>>,
    /// Scope records (format 3), as read.
    pub(super) records: Vec<Record>,
    /// Each partition's buckets.
    pub(super) parts: Vec<Vec<Vec<u8>>>,
}

impl Raw {
    pub(super) fn parse(file: &[u8]) -> Raw {
        let (version, hlen) = format::parse_prefix(&file[..PREFIX_LEN]).unwrap();
        let hend = PREFIX_LEN + hlen as usize;
        let header = Header::parse(version, &file[PREFIX_LEN..hend]).unwrap();
        let sig = file[hend..hend + SIG_LEN].to_vec();
        let mut off = hend + SIG_LEN;
        let mut records = Vec::new();
        if version == format::VERSION {
            let rlen = u32::from_be_bytes(file[off..off + 4].try_into().unwrap()) as usize;
            records = record::parse_records(&file[off + 4..off + 4 + rlen], header.writers.len())
                .unwrap();
            off += 4 + rlen;
        }
        let mut take = |refs: &[BucketRef]| {
            refs.iter()
                .map(|b| {
                    let v = file[off..off + b.len as usize].to_vec();
                    off += b.len as usize;
                    v
                })
                .collect::<Vec<_>>()
        };
        let buckets = take(&header.buckets);
        let parts = records.iter().map(|r| take(&r.buckets)).collect();
        Raw {
            header,
            sig,
            buckets,
            records,
            parts,
        }
    }

    /// The records region and every bucket after the data signature, as
    /// this `Raw` holds them (records are not signed again).
    pub(super) fn tail(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.header.version == format::VERSION {
            out.extend(record::encode_records(&self.records).unwrap());
        }
        for b in self.buckets.iter().chain(self.parts.iter().flatten()) {
            out.extend_from_slice(b);
        }
        out
    }

    /// Recomputes partition `k`'s refs from its bytes (counts kept) and
    /// signs its record with `seed` as `signer`, as a holder of that key can.
    pub(super) fn sign_record(&mut self, k: usize, seed: &crate::secret::Key32, signer: u8) {
        let r = &mut self.records[k];
        r.buckets = self.parts[k]
            .iter()
            .zip(&r.buckets)
            .map(|(b, old)| BucketRef {
                count: old.count,
                len: b.len() as u32,
                hash: crypto::sha256(b),
            })
            .collect();
        r.seq += 1;
        r.signer = signer;
        let msg = r
            .message(
                &self.header.vault_id,
                &self.header.epoch,
                &self.header.writers[k],
            )
            .unwrap();
        r.sig = Signer::from_seed(seed).unwrap().sign(&msg);
    }

    /// The file as this `Raw` holds it, header and signature as they are.
    pub(super) fn file(&self) -> Vec<u8> {
        let mut out = self.header.encode().unwrap();
        out.extend_from_slice(&self.sig);
        out.extend(self.tail());
        out
    }

    /// The keyring a credential's own slot opens (what its holder has).
    pub(super) fn keyring(&self, u: &Unlocker) -> Keyring {
        match u.unlock(&self.header) {
            Ok(x) => x.keys,
            Err(e) => panic!("unlock: {e}"),
        }
    }

    /// Re-encodes the file, with bucket refs recomputed from the bytes and
    /// `counts`, signed with a data signing seed the attacker holds.
    pub(super) fn encode(&mut self, keys: &Keyring, counts: Option<Vec<u32>>) -> Vec<u8> {
        let counts =
            counts.unwrap_or_else(|| self.header.buckets.iter().map(|b| b.count).collect());
        self.header.buckets = self
            .buckets
            .iter()
            .zip(counts)
            .map(|(b, count)| BucketRef {
                count,
                len: b.len() as u32,
                hash: crypto::sha256(b),
            })
            .collect();
        self.header.generation += 1;
        let head = self.header.encode().unwrap();
        let seed = keys.signing_seed.as_ref().expect("a write credential");
        let sig = Signer::from_seed(seed).unwrap().sign(&head);
        self.sig = sig.to_vec();
        let mut out = head;
        out.extend_from_slice(&sig);
        out.extend(self.tail());
        out
    }
}

pub(super) fn status<T>(r: Result<T>) -> Status {
    match r {
        Ok(_) => panic!("the attack succeeded"),
        Err(e) => e.status(),
    }
}

/// The index of app `name`'s partition, as the holder of `token` finds it.
pub(super) fn partition_of(raw: &Raw, token: &SecretString, name: &str) -> usize {
    let k = raw.keyring(&tok(token));
    let tag = super::keys::ScopeKeys::new(app(name), k.scope_key(&app(name)).unwrap()).tag;
    raw.header.writer_of(1, &tag).unwrap()
}

/// The seed of the (single) write key a scoped write token holds.
pub(super) fn write_seed(raw: &Raw, token: &SecretString) -> crate::secret::Key32 {
    let k = raw.keyring(&tok(token));
    assert!(
        k.signing_seed.is_none(),
        "a scoped writer holds the data key"
    );
    k.write_keys[0].2.clone()
}

/// Signs record `k` as it is (refs and seq untouched) with `seed`, under
/// the signer byte `signer`: what the holder of that key can do.
pub(super) fn sign_as_is(raw: &mut Raw, k: usize, seed: &crate::secret::Key32, signer: u8) {
    raw.records[k].signer = signer;
    let msg = raw.records[k]
        .message(
            &raw.header.vault_id,
            &raw.header.epoch,
            &raw.header.writers[k],
        )
        .unwrap();
    raw.records[k].sig = Signer::from_seed(seed).unwrap().sign(&msg);
}

/// `vault check --repair`, confirmed, as the passphrase holder runs it.
pub(super) fn repair(fx: &Fx, u: &Unlocker) {
    let mut v = Vault::open_for_admin_write(fx.lock(), u).unwrap();
    let report = v.check().unwrap();
    v.repair(&report).unwrap();
    v.commit().unwrap();
}
