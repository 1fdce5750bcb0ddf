//! Key hierarchy: keyrings (what a slot unlocks), scope keys, entry sealing.
//!
//! ```text
//! sso_root ──HKDF("app", A)──> app key K_A ──> lookup ids, tag, entry keys
//! did_root ──HKDF("did", D)──> DID key K_D ──> lookup ids, tag, entry keys
//! names key (random): seals the scope name (A or D) of each entry, so the
//!                     passphrase can list everything; held by the admin and
//!                     unscoped tokens. A scoped write token holds instead the
//!                     sealed name of each of its own scopes, made at issue.
//! table key (Ed25519, passphrase only): signs the key slot table; every
//!                     keyring holds its public half and the epoch.
//! data key (Ed25519): signs the header; root writers only (the passphrase
//!                     and unscoped write tokens). Every keyring holds its
//!                     public half.
//! write root (passphrase only, v3) ──HKDF("app-write"/"did-write", name)──>
//!                     a scope's write key (Ed25519 seed): signs that scope's
//!                     partition; held by its scoped write tokens.
//! ```
//! A token scoped to app A holds only K_A, so it can read and find A's
//! secrets (including ones added after it was issued) and nothing else.

use super::codec::{Put, Reader};
use super::format::{VERSION, VERSION_1};
use crate::crypto::derive;
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::secret::{Key32, SecretBytes};

/// Which secrets a scope key covers: one app's SSO secrets or one DID's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// An application name.
    App(String),
    /// DID text (decoded, not base58).
    Did(String),
}

impl Scope {
    pub(super) fn kind(&self) -> u8 {
        match self {
            Scope::App(_) => KIND_SSO,
            Scope::Did(_) => KIND_DID,
        }
    }
    /// The app name or DID text.
    pub fn name(&self) -> &str {
        match self {
            Scope::App(s) | Scope::Did(s) => s,
        }
    }
    /// "app \"x\"" or "DID did:...", for messages.
    pub fn describe(&self) -> String {
        match self {
            Scope::App(a) => format!("app {a:?}"),
            Scope::Did(d) => format!("DID {d}"),
        }
    }

    /// A usage error (exit 2) unless the command line accepts this scope's
    /// name (an [`AppName`] or a [`Did`]) and `key` in it (a [`UserId`] or
    /// a [`SecretName`]): what the vault stores is always what `get-*`,
    /// `remove-*` and `import` can name.
    pub fn check_names(&self, key: &str) -> Result<()> {
        match self {
            Scope::App(a) => AppName::new(a.as_str()).and(UserId::new(key)).map(drop),
            Scope::Did(d) => Did::from_text(d.as_str())
                .and(SecretName::new(key))
                .map(drop),
        }
    }

    /// A usage error unless the command line accepts this scope's name.
    pub fn check_name(&self) -> Result<()> {
        match self {
            Scope::App(a) => AppName::new(a.as_str()).map(drop),
            Scope::Did(d) => Did::from_text(d.as_str()).map(drop),
        }
    }

    /// The secret named `key` in this scope, as the command line would
    /// write it in a message (names quoted and escaped).
    pub fn describe_entry(&self, key: &str) -> String {
        let (what, name) = match self {
            Scope::App(_) => ("user id", key),
            Scope::Did(_) => ("secret name", key),
        };
        let scope = match self {
            Scope::App(a) => format!("app {}", crate::text::quote(a)),
            Scope::Did(d) => format!("DID {}", crate::text::quote(d)),
        };
        format!("{scope} {what} {}", crate::text::quote(name))
    }
}

pub use super::bucket::{KIND_DID, KIND_SSO};

/// Who a keyring belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The passphrase holder: every key, token management, settings.
    Admin,
    /// An access token.
    Token,
}

/// What one key slot unlocks. Sealed inside the slot; never written in clear.
pub struct Keyring {
    /// Admin or token.
    pub role: Role,
    /// Token name (empty for the passphrase slot).
    pub name: String,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Expiry, Unix seconds (policy, see the security docs).
    pub expires: Option<u64>,
    /// May write (holds the signing key).
    pub write: bool,
    /// The vault's Ed25519 public key: every reader checks the header with it.
    pub verify_key: [u8; 32],
    /// Public half of the table key: every reader checks the slot table
    /// with it (None in a v1 keyring).
    pub table_key: Option<[u8; 32]>,
    /// The key epoch this keyring belongs to (zero in v1).
    pub epoch: [u8; 16],
    /// The table key's seed; only the passphrase slot holds it.
    pub table_seed: Option<Key32>,
    /// The data key's Ed25519 seed: root writers only (the passphrase and
    /// unscoped write tokens; in format 2, scoped write tokens too).
    pub signing_seed: Option<Key32>,
    /// Escrow key for token slot keys; only the passphrase slot holds it.
    pub escrow_key: Option<Key32>,
    /// Root of every app key (admin and unscoped tokens).
    pub sso_root: Option<Key32>,
    /// Root of every DID key (admin and unscoped tokens).
    pub did_root: Option<Key32>,
    /// Seals scope names (admin, unscoped and write tokens).
    pub names_key: Option<Key32>,
    /// Scoped app keys.
    pub apps: Vec<(String, Key32)>,
    /// Scoped DID keys.
    pub dids: Vec<(String, Key32)>,
    /// Sealed scope names (by scope tag) for a scoped write token, which
    /// must label the entries it writes for root holders without the names key.
    pub name_cts: Vec<([u8; 16], Vec<u8>)>,
    /// Root of every scope's write key; only the passphrase slot holds it (v3).
    pub write_root: Option<Key32>,
    /// A scoped write token's write keys (seeds), by scope (kind, tag) (v3).
    pub write_keys: Vec<(u8, [u8; 16], Key32)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyring(redacted)")
    }
}

/// The seed of `scope`'s write key, derived from the write root.
pub(super) fn write_seed(write_root: &Key32, scope: &Scope) -> Key32 {
    match scope {
        Scope::App(a) => derive(write_root, &[b"app-write\0", a.as_bytes()]),
        Scope::Did(d) => derive(write_root, &[b"did-write\0", d.as_bytes()]),
    }
}

fn root_key(root: &Key32, scope: &Scope) -> Key32 {
    match scope {
        Scope::App(a) => derive(root, &[b"app\0", a.as_bytes()]),
        Scope::Did(d) => derive(root, &[b"did\0", d.as_bytes()]),
    }
}

impl Keyring {
    /// True when this keyring holds `scope`'s key or a root it derives from
    /// (what [`Keyring::scope_key`] answers, without deriving anything).
    pub fn covers(&self, scope: &Scope) -> bool {
        let (root, scoped) = match scope {
            Scope::App(_) => (&self.sso_root, &self.apps),
            Scope::Did(_) => (&self.did_root, &self.dids),
        };
        root.is_some() || scoped.iter().any(|(n, _)| n == scope.name())
    }

    /// The key of `scope`, derived from a root or held for it; `None` when
    /// this keyring does not cover it.
    pub fn scope_key(&self, scope: &Scope) -> Option<Key32> {
        let (root, scoped) = match scope {
            Scope::App(_) => (&self.sso_root, &self.apps),
            Scope::Did(_) => (&self.did_root, &self.dids),
        };
        if let Some(root) = root {
            return Some(root_key(root, scope));
        }
        scoped
            .iter()
            .find(|(n, _)| n == scope.name())
            .map(|(_, k)| k.clone())
    }

    /// The write key (seed) this keyring holds for the scope `(kind, tag)`.
    pub fn write_key(&self, kind: u8, tag: &[u8; 16]) -> Option<&Key32> {
        self.write_keys
            .iter()
            .find(|(k, t, _)| *k == kind && t == tag)
            .map(|(_, _, s)| s)
    }

    /// Every scope this keyring can read, with its key, for listing.
    /// Root holders get `None` (they learn scopes from the entries).
    pub fn scoped_keys(&self) -> Vec<(Scope, Key32)> {
        let apps = self
            .apps
            .iter()
            .map(|(a, k)| (Scope::App(a.clone()), k.clone()));
        let dids = self
            .dids
            .iter()
            .map(|(d, k)| (Scope::Did(d.clone()), k.clone()));
        apps.chain(dids).collect()
    }

    /// A keyring for a new token: the given scopes' keys derived from this
    /// (admin) keyring's roots, or the roots themselves when unscoped. An
    /// unscoped write token gets the data key; a scoped one gets instead a
    /// write key per scope (whose public halves the caller lists).
    pub fn for_token(
        &self,
        name: &str,
        scopes: &[Scope],
        write: bool,
        created: u64,
        expires: Option<u64>,
    ) -> Result<Keyring> {
        let (mut apps, mut dids) = (Vec::new(), Vec::new());
        for s in scopes {
            let k = self.scope_key(s).ok_or_else(|| {
                Error::Unauthorized(format!("this credential does not cover {}", s.describe()))
            })?;
            match s {
                Scope::App(a) => apps.push((a.clone(), k)),
                Scope::Did(d) => dids.push((d.clone(), k)),
            }
        }
        let unscoped = scopes.is_empty();
        let mut name_cts = Vec::new();
        let mut write_keys = Vec::new();
        if write && !unscoped {
            let nk = self
                .names_key
                .as_ref()
                .ok_or_else(|| Error::failure("internal: issuing a token without the names key"))?;
            let wr = self.write_root.as_ref().ok_or_else(|| {
                Error::failure("internal: issuing a token without the write root")
            })?;
            for s in scopes {
                let sk = ScopeKeys::new(
                    s.clone(),
                    self.scope_key(s).ok_or_else(|| {
                        Error::failure("internal: issuing a token without its scope key")
                    })?,
                );
                name_cts.push((sk.tag, seal_scope_name(nk, &sk)));
                write_keys.push((s.kind(), sk.tag, write_seed(wr, s)));
            }
        }
        Ok(Keyring {
            role: Role::Token,
            name: name.to_string(),
            created,
            expires,
            write,
            verify_key: self.verify_key,
            table_key: self.table_key,
            epoch: self.epoch,
            table_seed: None,
            signing_seed: if write && unscoped {
                self.signing_seed.clone()
            } else {
                None
            },
            escrow_key: None,
            sso_root: if unscoped {
                self.sso_root.clone()
            } else {
                None
            },
            did_root: if unscoped {
                self.did_root.clone()
            } else {
                None
            },
            names_key: if unscoped {
                self.names_key.clone()
            } else {
                None
            },
            apps,
            dids,
            name_cts,
            write_root: None,
            write_keys,
        })
    }

    /// Re-derives this token keyring's keys from a new admin keyring
    /// (after rotation), keeping name, scope, rights and expiry.
    pub fn rekeyed(&self, admin: &Keyring) -> Result<Keyring> {
        let scopes: Vec<Scope> = self.scoped_keys().into_iter().map(|(s, _)| s).collect();
        admin.for_token(&self.name, &scopes, self.write, self.created, self.expires)
    }

    /// Serializes the keyring (to be sealed in a slot), always as the
    /// current version.
    pub fn encode(&self) -> SecretBytes {
        let mut w = SecretBytes::new(Vec::with_capacity(
            512 + 300 * (self.apps.len() + self.dids.len()),
        ));
        let b = w.expose_mut();
        b.put_u8(match self.role {
            Role::Admin => 1,
            Role::Token => 2,
        });
        b.put_bytes16(self.name.as_bytes());
        b.put_u64(self.created);
        b.put_u64(self.expires.unwrap_or(0));
        b.put_u8(u8::from(self.write));
        b.put(&self.verify_key);
        b.put(&self.table_key.unwrap_or([0; 32]));
        b.put(&self.epoch);
        for k in [
            &self.signing_seed,
            &self.escrow_key,
            &self.sso_root,
            &self.did_root,
            &self.names_key,
            &self.table_seed,
            &self.write_root,
        ] {
            match k {
                Some(k) => {
                    b.put_u8(1);
                    b.put(k.expose());
                }
                None => b.put_u8(0),
            }
        }
        for list in [&self.apps, &self.dids] {
            b.put_u32(u32::try_from(list.len()).unwrap_or(u32::MAX));
            for (n, k) in list {
                b.put_bytes16(n.as_bytes());
                b.put(k.expose());
            }
        }
        b.put_u32(u32::try_from(self.name_cts.len()).unwrap_or(u32::MAX));
        for (tag, ct) in &self.name_cts {
            b.put(tag);
            b.put_bytes16(ct);
        }
        b.put_u32(u32::try_from(self.write_keys.len()).unwrap_or(u32::MAX));
        for (kind, tag, seed) in &self.write_keys {
            b.put_u8(*kind);
            b.put(tag);
            b.put(seed.expose());
        }
        w
    }

    /// Parses a keyring opened from a slot of a `version` vault.
    pub fn decode(version: u16, bytes: &[u8]) -> Result<Keyring> {
        let v1 = version == VERSION_1;
        let mut r = Reader::new(bytes, "key slot");
        let role = match r.u8()? {
            1 => Role::Admin,
            2 => Role::Token,
            other => return Err(Error::corrupt(format!("unknown slot role {other}"))),
        };
        let name = r.str16()?;
        let created = r.u64()?;
        let expires = Some(r.u64()?).filter(|&e| e != 0);
        let write = r.u8()? != 0;
        let verify_key = r.array()?;
        let (table_key, epoch) = if v1 {
            (None, [0; 16])
        } else {
            (Some(r.array()?), r.array()?)
        };
        let mut opt = || -> Result<Option<Key32>> {
            Ok(match r.u8()? {
                0 => None,
                _ => Some(Key32::new(r.array()?)),
            })
        };
        let (signing_seed, escrow_key, sso_root, did_root, names_key) =
            (opt()?, opt()?, opt()?, opt()?, opt()?);
        let table_seed = if v1 { None } else { opt()? };
        let v3 = version == VERSION;
        let write_root = if v3 { opt()? } else { None };
        let mut list = || -> Result<Vec<(String, Key32)>> {
            let n = r.u32()? as usize;
            // Each item is at least a length and a key: bound the count by
            // the bytes left before reserving anything.
            if n.saturating_mul(34) > r.remaining() {
                return Err(Error::corrupt("key slot list is longer than the slot"));
            }
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push((r.str16()?, Key32::new(r.array()?)));
            }
            Ok(v)
        };
        let (apps, dids) = (list()?, list()?);
        let mut name_cts = Vec::new();
        if !v1 {
            let n = r.u32()? as usize;
            if n.saturating_mul(18) > r.remaining() {
                return Err(Error::corrupt("key slot list is longer than the slot"));
            }
            for _ in 0..n {
                name_cts.push((r.array()?, r.bytes16()?.to_vec()));
            }
        }
        let mut write_keys = Vec::new();
        if v3 {
            let n = r.u32()? as usize;
            if n.saturating_mul(49) > r.remaining() {
                return Err(Error::corrupt("key slot list is longer than the slot"));
            }
            for _ in 0..n {
                write_keys.push((r.u8()?, r.array()?, Key32::new(r.array()?)));
            }
        }
        r.finish()?;
        Ok(Keyring {
            role,
            name,
            created,
            expires,
            write,
            verify_key,
            table_key,
            epoch,
            table_seed,
            signing_seed,
            escrow_key,
            sso_root,
            did_root,
            names_key,
            apps,
            dids,
            name_cts,
            write_root,
            write_keys,
        })
    }
}

pub(super) use super::entry::seal_scope_name;
pub use super::entry::{Entry, ScopeKeys, State, open_scope_name};
