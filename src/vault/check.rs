//! `vault check [--repair]`: find every slot and entry that fails
//! authentication, and every entry whose names the command line refuses,
//! and drop them on request.

use super::format::{self, SlotLock};
use super::{BadList, Vault};
use crate::error::{Error, Result};
use crate::status::Status;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What `vault check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// The key slot table's signature verifies.
    pub table_ok: bool,
    /// Indexes of token slots that fail authentication.
    pub bad_slots: Vec<usize>,
    /// (table, bucket, entry index) of entries that fail (table 0 is the
    /// base, `k + 1` scope partition `k`); `None` for a whole bucket that
    /// fails its hash or does not parse.
    pub bad_entries: Vec<(usize, usize, Option<usize>)>,
    /// Scope partitions whose record fails its signature.
    pub bad_records: Vec<usize>,
    /// (table, bucket, entry index, the secret as a message names it) of
    /// entries that authenticate but whose names the command line refuses
    /// (a modified client wrote them): nothing can name them to read or
    /// remove them, and `export` leaves them out.
    pub refused_names: Vec<(usize, usize, usize, String)>,
    /// Entries that open.
    pub good_entries: usize,
    /// Token slots that open.
    pub good_slots: usize,
}

impl CheckReport {
    /// True when nothing fails.
    pub fn is_clean(&self) -> bool {
        self.table_ok
            && self.bad_slots.is_empty()
            && self.bad_entries.is_empty()
            && self.bad_records.is_empty()
            && self.refused_names.is_empty()
    }

    /// True when `other` found exactly the same failures.
    pub fn same_findings(&self, other: &CheckReport) -> bool {
        (
            self.table_ok,
            &self.bad_slots,
            &self.bad_entries,
            &self.bad_records,
            &self.refused_names,
        ) == (
            other.table_ok,
            &other.bad_slots,
            &other.bad_entries,
            &other.bad_records,
            &other.refused_names,
        )
    }

    /// One line per finding, for stderr.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.table_ok {
            out.push(
                "the key slot table fails authentication: no token can be trusted; --repair rotates every key and drops every token"
                    .to_string(),
            );
        }
        let mut bad = BadList::default();
        self.bad_slots.iter().for_each(|&i| bad.add_slot(i));
        self.bad_records.iter().for_each(|&k| bad.add_record(k));
        self.bad_entries
            .iter()
            .for_each(|&(t, b, e)| bad.add(t, b, e));
        if bad.len() > 0 {
            out.push(format!(
                "{} item(s) fail authentication: {}",
                bad.len(),
                bad.places().join(", ")
            ));
        }
        if !self.refused_names.is_empty() {
            let mut at = BadList::default();
            let names: Vec<&str> = self
                .refused_names
                .iter()
                .map(|(t, b, e, what)| {
                    at.add(*t, *b, Some(*e));
                    what.as_str()
                })
                .take(5)
                .collect();
            out.push(format!(
                "{} entries authenticate but have names the command line refuses, so no command can read or remove them and `export` leaves them out (--repair drops them): {}{} ({})",
                self.refused_names.len(),
                names.join(", "),
                match self.refused_names.len() {
                    n if n > names.len() => format!(", and {} more", n - names.len()),
                    _ => String::new(),
                },
                at.summary()
            ));
        }
        out.push(format!(
            "{} entries and {} access tokens authenticate",
            self.good_entries, self.good_slots
        ));
        out
    }
}

impl Vault {
    /// Checks every key slot and every entry (passphrase only).
    pub fn check(&self) -> Result<CheckReport> {
        self.require_admin()?;
        let (slots, _) = self.token_slots_checked()?;
        let mut report = CheckReport {
            table_ok: self.table_ok,
            good_slots: slots.len(),
            bad_slots: self
                .header
                .slots
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    matches!(s.lock, SlotLock::Token { .. }) && !slots.iter().any(|t| t.index == *i)
                })
                .map(|(i, _)| i)
                .collect(),
            ..CheckReport::default()
        };
        let mut seen = super::Scopes::default();
        for t in 0..self.tables() {
            let Ok(refs) = self.refs(t) else {
                report.bad_records.push(t - 1);
                continue;
            };
            for i in 0..refs.len() {
                // Unlike listing, a check reports a bucket failing its hash
                // too, so that --repair can drop it; an I/O error is not a
                // finding, and stops the check.
                let raws = match self.bucket_entries(t, i) {
                    Ok(Ok(raws)) => raws,
                    Err(e) if e.status() != Status::WrongFormat => return Err(e),
                    _ => {
                        report.bad_entries.push((t, i, None));
                        continue;
                    }
                };
                for (j, raw) in raws.iter().enumerate() {
                    // The passphrase holds every root: an entry it cannot
                    // open (no scope, a failing scope name or body, or in
                    // the wrong partition) is bad.
                    let opened = if self.placed_right(t, raw) {
                        self.open_raw(raw, &[], &mut seen)
                    } else {
                        Ok(None)
                    };
                    match opened {
                        Ok(Some((scope, e))) => {
                            report.good_entries += 1;
                            if scope.check_names(&e.key).is_err() {
                                report
                                    .refused_names
                                    .push((t, i, j, scope.describe_entry(&e.key)));
                            }
                        }
                        _ => report.bad_entries.push((t, i, Some(j))),
                    }
                }
            }
        }
        Ok(report)
    }

    /// Drops what `report` found (a vault opened for writing). A failing
    /// slot table means no token slot can be trusted: every key is rotated
    /// and every token dropped; their names are returned for reissue.
    pub fn repair(&mut self, report: &CheckReport) -> Result<Vec<super::TokenInfo>> {
        self.require_admin()?;
        if !report.table_ok {
            // The audit switch is part of what failed authentication: a
            // forged table cannot say the trail was turned off, so a
            // repair keeps it on (the passphrase can turn it off after).
            if let Some(a) = Arc::make_mut(&mut self.header).audit.as_mut()
                && !a.on
            {
                a.on = true;
                self.warn(
                    "warning: the slot table that failed authentication said the audit trail was off; the repair keeps the audit trail on (run `sso-secrets vault audit off` if you turned it off)".into(),
                );
            }
            let mut dropped = self.rotate_untrusted()?;
            dropped.sort_by(|a, b| a.name.cmp(&b.name));
            return Ok(dropped);
        }
        if !report.bad_slots.is_empty() {
            // Re-signing must never make a slot valid that is not signed
            // now: besides what the report found, drop any slot failing its
            // signature under the current revoked list (checked before the
            // list changes).
            let key = self
                .keys
                .table_key
                .ok_or_else(|| Error::failure("internal: repair without the table key"))?;
            let unsigned: Vec<bool> = (0..self.header.slots.len())
                .map(|i| !super::admin::slot_verifies(&self.header, &key, i))
                .collect();
            let slots = std::mem::take(&mut Arc::make_mut(&mut self.header).slots);
            let (bad, kept): (Vec<_>, Vec<_>) = slots
                .into_iter()
                .enumerate()
                .partition(|(i, _)| report.bad_slots.contains(i) || unsigned[*i]);
            let kept: Vec<_> = kept.into_iter().map(|(_, s)| s).collect();
            // A planted slot may carry a good token's id: revoke an id only
            // when no authenticated slot holds it.
            for (_, s) in bad {
                if !kept.iter().any(|k| k.id == s.id) && !self.header.revoked.contains(&s.id) {
                    Arc::make_mut(&mut self.header).revoked.push(s.id);
                }
            }
            if self.header.revoked.len() > format::MAX_REVOKED {
                let extra = self.header.revoked.len() - format::MAX_REVOKED;
                Arc::make_mut(&mut self.header).revoked.drain(..extra);
            }
            Arc::make_mut(&mut self.header).slots = kept;
            self.slot = self
                .header
                .passphrase_slot()
                .ok_or_else(|| Error::failure("internal: repair lost the passphrase slot"))?;
            super::admin::sign_table(Arc::make_mut(&mut self.header), &self.keys)?;
            self.mark_root();
        }
        // A partition whose record fails is emptied: its buckets cannot be
        // told from forgeries.
        for &k in &report.bad_records {
            self.empty_partition(k)?;
        }
        let mut by_bucket: BTreeMap<(usize, usize), Vec<Option<usize>>> = BTreeMap::new();
        for &(t, b, e) in &report.bad_entries {
            by_bucket.entry((t, b)).or_default().push(e);
        }
        for &(t, b, e, _) in &report.refused_names {
            by_bucket.entry((t, b)).or_default().push(Some(e));
        }
        for ((t, b), bad) in by_bucket {
            let mut m = BTreeMap::new();
            if !bad.contains(&None) {
                let raws = self.bucket_entries(t, b)??;
                for (j, raw) in raws.into_iter().enumerate() {
                    if !bad.contains(&Some(j)) {
                        m.insert(raw.lookup, raw);
                    }
                }
            }
            self.set_bucket(t, b, m)?;
        }
        Ok(Vec::new())
    }
}
