//! Every entry a credential may read, for `list`, `export`, rekeys and
//! `vault check`: what fails authentication is skipped and reported, never
//! fatal for listing; a rekey stops unless the failure was in what a token
//! it drops could write.

use super::format::RawEntry;
use super::keys::{self, Entry, Keyring, Scope, ScopeKeys};
use super::{BASE, Table, Vault, format};
use crate::error::{Error, Result};
use crate::status::Status;
use std::collections::HashMap;

impl Vault {
    /// Opens one raw entry if this credential covers its scope: `Ok(None)`
    /// when it does not, an error when it fails authentication.
    pub(super) fn open_raw(
        &self,
        raw: &RawEntry,
        scoped: &[ScopeKeys],
        seen: &mut Scopes,
    ) -> Result<Option<(Scope, Entry)>> {
        let vid = &self.header.vault_id;
        if let Some(sk) = scoped.iter().find(|sk| sk.tag == raw.tag) {
            return Ok(Some((sk.scope.clone(), sk.open(vid, raw)?)));
        }
        let Some(scope) = seen.name(self.header.version, vid, &self.keys, raw)? else {
            return Ok(None);
        };
        let derived = &mut seen.keys;
        if !derived.contains_key(&scope) {
            let Some(k) = self.keys.scope_key(&scope) else {
                return Ok(None);
            };
            derived.insert(scope.clone(), ScopeKeys::new(scope.clone(), k));
        }
        match derived.get(&scope) {
            Some(sk) if sk.tag == raw.tag => Ok(Some((scope, sk.open(vid, raw)?))),
            Some(_) => Err(Error::corrupt("an entry's scope does not match its tag")),
            None => Ok(None),
        }
    }

    /// Whether this credential may find entries in table `t`: a root
    /// holder everywhere, a scoped token in the base and its own partitions
    /// (so another scope's failing record is not its concern).
    pub(super) fn reads_table(&self, t: Table, scoped: &[ScopeKeys]) -> bool {
        if t == BASE || self.keys.sso_root.is_some() || self.keys.did_root.is_some() {
            return true;
        }
        let w = &self.header.writers[t - 1];
        scoped
            .iter()
            .any(|sk| sk.scope.kind() == w.kind && sk.tag == w.tag)
    }

    /// Whether a raw entry belongs where it lies: in a partition, the
    /// partition's own scope; in the base, no listed scope.
    pub(super) fn placed_right(&self, t: Table, raw: &RawEntry) -> bool {
        match t {
            BASE => self.header.writer_of(raw.kind, &raw.tag).is_none(),
            _ => {
                let w = &self.header.writers[t - 1];
                w.kind == raw.kind && w.tag == raw.tag
            }
        }
    }

    /// Every entry this credential may read, decrypted, sorted by scope and
    /// name. Entries (or whole buckets, or partitions) that fail
    /// authentication are skipped and reported as a warning, so one planted
    /// entry cannot stop listing or export. Only a base bucket that fails its
    /// signed hash is fatal: no key holder but a root writer can produce it.
    pub fn entries(&self) -> Result<Vec<(Scope, Entry)>> {
        self.entries_skipping(|t| t != BASE)
    }

    /// As [`Vault::entries`], for a rekey, which re-signs what it reads:
    /// a partition that fails (its record, or a bucket's hash) is skipped
    /// only when `forfeit` says its data was at the mercy of tokens being
    /// dropped anyway; anywhere else it stops the rekey, so that data is
    /// only ever dropped by `vault check --repair`, never by a revoke.
    pub(super) fn entries_skipping(
        &self,
        forfeit: impl Fn(Table) -> bool,
    ) -> Result<Vec<(Scope, Entry)>> {
        let scoped: Vec<ScopeKeys> = self
            .keys
            .scoped_keys()
            .into_iter()
            .map(|(s, k)| ScopeKeys::new(s, k))
            .collect();
        let stop = |t: Table| {
            Error::corrupt(format!(
                "scope partition {} fails authentication; `sso-secrets vault check --repair` drops it (its secrets are lost), then retry",
                t - 1
            ))
        };
        let mut seen = Scopes::default();
        let mut out = Vec::new();
        let mut bad = BadList::default();
        for t in 0..self.tables() {
            if !self.reads_table(t, &scoped) {
                continue;
            }
            let Ok(refs) = self.refs(t) else {
                if !forfeit(t) {
                    return Err(stop(t));
                }
                bad.add_record(t - 1);
                continue;
            };
            for i in 0..refs.len() {
                let raws = match self.bucket_entries(t, i) {
                    Ok(Ok(raws)) => raws,
                    Ok(Err(_)) => {
                        bad.add(t, i, None);
                        continue;
                    }
                    // Only a failed check is ever skipped: an I/O error
                    // stops listing and rekeys alike.
                    Err(e) if e.status() != Status::WrongFormat => return Err(e),
                    // A partition's writers sign its record, so a bucket
                    // that fails its hash there is theirs to have written
                    // (and the base's, for a dropped holder of the data key).
                    Err(_) if forfeit(t) => {
                        bad.add(t, i, None);
                        continue;
                    }
                    Err(_) if t != BASE => return Err(stop(t)),
                    Err(e) => return Err(e),
                };
                for (j, raw) in raws.iter().enumerate() {
                    if !self.placed_right(t, raw) {
                        bad.add(t, i, Some(j));
                        continue;
                    }
                    match self.open_raw(raw, &scoped, &mut seen) {
                        Ok(Some(e)) => out.push(e),
                        Ok(None) => {}
                        Err(_) => bad.add(t, i, Some(j)),
                    }
                }
            }
        }
        if let Some(w) = bad.describe("entries") {
            self.warn(w);
        }
        out.sort_by(|a, b| (&a.0, &a.1.key).cmp(&(&b.0, &b.1.key)));
        Ok(out)
    }
}

/// What a pass over every entry learnt about scopes: each scope's keys,
/// and each sealed scope name already opened. In format 2 a scope's name is
/// sealed the same way in all its entries, so it is opened once per exact
/// (tag, kind, ciphertext), not once per entry; the same bytes under the
/// same keyring always open to the same name, so nothing is taken on trust.
#[derive(Default)]
pub(crate) struct Scopes {
    keys: HashMap<Scope, ScopeKeys>,
    names: HashMap<([u8; 16], u8, Vec<u8>), Scope>,
}

impl Scopes {
    fn name(
        &mut self,
        version: u16,
        vault_id: &[u8; 16],
        keyring: &Keyring,
        raw: &RawEntry,
    ) -> Result<Option<Scope>> {
        if version == format::VERSION_1 {
            // Version 1 seals each entry's scope name under its own salt.
            return keys::open_scope_name(version, vault_id, keyring, raw);
        }
        let key = (raw.tag, raw.kind, raw.scope_ct.clone());
        if let Some(scope) = self.names.get(&key) {
            return Ok(Some(scope.clone()));
        }
        let scope = keys::open_scope_name(version, vault_id, keyring, raw)?;
        if let Some(s) = &scope {
            self.names.insert(key, s.clone());
        }
        Ok(scope)
    }
}

/// Where things that failed authentication were, for one warning line.
#[derive(Default)]
pub(crate) struct BadList {
    places: Vec<String>,
}

impl BadList {
    pub(crate) fn add(&mut self, table: Table, bucket: usize, entry: Option<usize>) {
        let partition = match table {
            BASE => String::new(),
            t => format!("scope partition {} ", t - 1),
        };
        self.places.push(match entry {
            Some(e) => format!("{partition}bucket {bucket} entry {e}"),
            None => format!("{partition}bucket {bucket} (whole bucket)"),
        });
    }
    pub(crate) fn add_record(&mut self, k: usize) {
        self.places
            .push(format!("scope partition {k} (its record)"));
    }
    pub(crate) fn add_slot(&mut self, slot: usize) {
        self.places.push(format!("key slot {slot}"));
    }
    pub(crate) fn len(&self) -> usize {
        self.places.len()
    }
    pub(crate) fn places(&self) -> &[String] {
        &self.places
    }
    pub(crate) fn describe(&self, what: &str) -> Option<String> {
        if self.places.is_empty() {
            return None;
        }
        let shown: Vec<&str> = self.places.iter().take(5).map(String::as_str).collect();
        let more = self.places.len().saturating_sub(shown.len());
        Some(format!(
            "warning: skipped {} {what} that fail authentication ({}{}); `sso-secrets vault check` reports them",
            self.places.len(),
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ))
    }
}
