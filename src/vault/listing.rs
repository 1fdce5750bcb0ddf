//! Every entry a credential may read, for `list`, `export`, rekeys and
//! `vault check`: what fails authentication is skipped and reported, never
//! fatal for listing; a rekey that drops a token keeps, from a place that
//! fails, each entry that authenticates on its own (when no read-only
//! credential could have sealed it), and other rekeys stop.

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
        self.entries_with(OnFailure::Skip)
    }

    /// Every entry this credential may read, for listing or for a rekey,
    /// which re-signs what it reads: `on` says what becomes of a place (a
    /// partition whose record fails, a bucket that fails its hash or does
    /// not parse) that fails authentication.
    pub(super) fn entries_with(&self, on: OnFailure<'_>) -> Result<Vec<(Scope, Entry)>> {
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
        let mut salvage = Salvage::default();
        for t in 0..self.tables() {
            if !self.reads_table(t, &scoped) {
                continue;
            }
            let Ok(refs) = self.refs(t) else {
                match on {
                    OnFailure::Skip => bad.add_record(t - 1),
                    OnFailure::Stop => return Err(stop(t)),
                    OnFailure::Salvage(_) => {
                        salvage.failed.add_record(t - 1);
                        for i in 0..self.refs_unchecked(t).len() {
                            self.salvage_bucket(t, i, false, &scoped, &mut seen, &mut salvage)?;
                        }
                    }
                }
                continue;
            };
            for i in 0..refs.len() {
                let raws = match self.bucket_entries(t, i) {
                    Ok(Ok(raws)) => raws,
                    // Only a failed check is ever skipped or salvaged: an
                    // I/O error stops listing and rekeys alike.
                    Err(e) if e.status() != Status::WrongFormat => return Err(e),
                    Ok(Err(_)) | Err(_) if matches!(on, OnFailure::Salvage(_)) => {
                        salvage.failed.add(t, i, None);
                        self.salvage_bucket(t, i, true, &scoped, &mut seen, &mut salvage)?;
                        continue;
                    }
                    // Matches its signed hash but does not parse: its
                    // signer wrote it so.
                    Ok(Err(_)) => {
                        bad.add(t, i, None);
                        continue;
                    }
                    // A partition's writers sign its record, so a bucket
                    // that fails its hash there is theirs to have written;
                    // one in the base, only a root writer's (or no one's).
                    Err(_) if t != BASE && matches!(on, OnFailure::Skip) => {
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
        let said = match on {
            OnFailure::Skip => bad.describe("entries"),
            // A rekey re-encrypts only what opens: the rest is gone.
            OnFailure::Stop | OnFailure::Salvage(_) => bad.describe_dropped("entries"),
        };
        if let Some(w) = said {
            self.warn(w);
        }
        if let OnFailure::Salvage(trusted) = on {
            salvage.finish(self, trusted, &mut out);
        }
        out.sort_by(|a, b| (&a.0, &a.1.key).cmp(&(&b.0, &b.1.key)));
        Ok(out)
    }

    /// Reads bucket `i` of table `t` without trusting its hash or its
    /// count, and opens every entry that parses on its own (see
    /// [`OnFailure::Salvage`]). `refs_verified`: the table's refs
    /// authenticate (only this bucket failed).
    fn salvage_bucket(
        &self,
        t: Table,
        i: usize,
        refs_verified: bool,
        scoped: &[ScopeKeys],
        seen: &mut Scopes,
        salvage: &mut Salvage,
    ) -> Result<()> {
        let bytes = match self.bucket_unchecked(t, i) {
            Ok(b) => b,
            // A record that fails may name a bucket the store never held
            // (a database finds buckets by the hash the record gives, and
            // answers "retry" when none has it): lost, or the record's
            // writer could block every revoke. A bucket the refs
            // authenticate that cannot be read is a real failure.
            Err(e) if e.status() == Status::WrongFormat => {
                salvage.lost.add(t, i, None);
                return Ok(());
            }
            Err(e) if !refs_verified && e.status() == Status::Temporary => {
                salvage.lost.add(t, i, None);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let (raws, whole) = format::salvage_entries(&bytes);
        if !whole {
            // What follows the first entry that does not parse cannot be
            // told apart.
            salvage.lost.add(t, i, Some(raws.len()));
        }
        for (j, raw) in raws.iter().enumerate() {
            if !self.placed_right(t, raw) {
                salvage.lost.add(t, i, Some(j));
                continue;
            }
            match self.open_raw(raw, scoped, seen) {
                Ok(Some((scope, e))) => salvage.found.push((t, i, j, scope, e)),
                Ok(None) => {}
                Err(_) => salvage.lost.add(t, i, Some(j)),
            }
        }
        Ok(())
    }
}

/// What a pass over every entry does with a place that fails
/// authentication: a partition whose record fails its signature, a bucket
/// that fails its hash, or one that matches it but does not parse.
#[derive(Clone, Copy)]
pub(super) enum OnFailure<'a> {
    /// `list`, `export`: a failing partition or malformed bucket is skipped
    /// and reported; a base bucket failing its signed hash is fatal.
    Skip,
    /// `vault passwd`, `vault upgrade` (no token dropped): a failing
    /// partition or bucket stops the rekey (exit 50; `vault check
    /// --repair` is the one command that drops data).
    Stop,
    /// A rekey that drops tokens (`token revoke`, `vault rotate`, a
    /// repair that rotates), which must never be stopped by what a token
    /// wrote: every entry found in a failing place that authenticates on
    /// its own is kept if the function accepts its scope, and everything
    /// else there is reported. The function must refuse a scope whose key
    /// a credential that may not write it holds: such a credential can seal
    /// entries of it that authenticate on their own.
    Salvage(&'a dyn Fn(&Scope) -> bool),
}

/// Entries found in places that fail authentication, during a rekey.
#[derive(Default)]
struct Salvage {
    /// The failing places (a record, a whole bucket).
    failed: BadList,
    /// Entries there that authenticate on their own: (table, bucket,
    /// index in the bytes, scope, entry).
    found: Vec<(Table, usize, usize, Scope, Entry)>,
    /// Entries there that do not, or bytes that do not parse.
    lost: BadList,
}

impl Salvage {
    /// Keeps what may be kept (never in place of an entry found where the
    /// vault authenticates; of two found in failing places under one name,
    /// the later), and reports all of it.
    fn finish(
        mut self,
        v: &Vault,
        trusted: &dyn Fn(&Scope) -> bool,
        out: &mut Vec<(Scope, Entry)>,
    ) {
        if self.failed.len() == 0 {
            return;
        }
        let mut names: HashMap<(Scope, String), usize> = out
            .iter()
            .enumerate()
            .map(|(k, (s, e))| ((s.clone(), e.key.clone()), k))
            .collect();
        let authenticated = out.len();
        let mut untrusted = BadList::default();
        let mut kept = 0usize;
        for (t, i, j, scope, e) in self.found {
            if !trusted(&scope) {
                untrusted.add(t, i, Some(j));
                continue;
            }
            match names.get(&(scope.clone(), e.key.clone())) {
                Some(&k) if k < authenticated => self.lost.add(t, i, Some(j)),
                Some(&k) if out[k].1.updated >= e.updated => self.lost.add(t, i, Some(j)),
                Some(&k) => out[k] = (scope, e),
                None => {
                    names.insert((scope.clone(), e.key.clone()), out.len());
                    out.push((scope, e));
                    kept += 1;
                }
            }
        }
        v.warn(format!(
            "warning: found places that fail authentication ({}); kept the {kept} entries there that authenticate on their own (each may be an older value)",
            self.failed.summary()
        ));
        if let Some(w) = self.lost.describe_dropped("entries") {
            v.warn(w);
        }
        if untrusted.len() > 0 {
            v.warn(format!(
                "warning: dropped {} entries found there of scopes that a read-only token can read, and so could have sealed ({})",
                untrusted.len(),
                untrusted.summary()
            ));
        }
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
        Some(format!(
            "warning: skipped {} {what} that fail authentication ({}); `sso-secrets vault check` reports them",
            self.places.len(),
            self.summary()
        ))
    }
    /// For a rekey, which keeps only what authenticates.
    pub(crate) fn describe_dropped(&self, what: &str) -> Option<String> {
        if self.places.is_empty() {
            return None;
        }
        Some(format!(
            "warning: dropped {} {what} that fail authentication ({})",
            self.places.len(),
            self.summary()
        ))
    }
    /// The first five places, and how many more.
    pub(crate) fn summary(&self) -> String {
        let shown: Vec<&str> = self.places.iter().take(5).map(String::as_str).collect();
        let more = self.places.len().saturating_sub(shown.len());
        format!(
            "{}{}",
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        )
    }
}
