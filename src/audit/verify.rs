//! `audit verify` and `audit`: the chain checked against the anchor the
//! passphrase signed, and the records opened with the passphrase's key.

use super::Trail;
use super::file::frames;
use super::record::{Content, Front, Raw, Who, hash_body};
use crate::error::{Error, Result};
use crate::vault::Vault;

/// What `audit verify` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Records in the trail (after the last prune).
    pub records: usize,
    /// What is wrong: each one a reason to exit 50.
    pub problems: Vec<String>,
    /// Facts that are not wrong (an interrupted append, an unanchored
    /// tail).
    pub notes: Vec<String>,
}

/// One record, opened.
#[derive(Debug)]
pub struct Opened {
    /// Sequence number.
    pub seq: u64,
    /// Unix seconds.
    pub time: u64,
    /// What it says.
    pub content: Content,
}

fn when(t: u64) -> String {
    crate::time::rfc3339(t)
}

/// Checks the trail of `v` (opened with any credential: only public keys
/// and hashes are needed; with the passphrase every record is opened too).
pub fn verify(v: &Vault, trail: &dyn Trail) -> Result<Report> {
    let anchor = v.audit_anchor().cloned().ok_or_else(|| {
        Error::failure("the audit trail was never turned on (`sso-secrets vault audit on`)")
    })?;
    let vid = v.header.vault_id;
    let mut report = Report::default();
    if !v.audit_anchor_verifies() {
        report.problems.push(
            "the trail's anchor in the vault header does not carry the passphrase's signature"
                .into(),
        );
    }
    let (bodies, rest) = trail.read()?;
    let secret = if v.is_admin() {
        Some(v.audit_secret()?)
    } else {
        None
    };
    let mut prev: Option<(u64, [u8; 32])> = None;
    let mut older = 0usize;
    let mut anchored_found = anchor.seq < anchor.start_seq;
    let mut tail: Option<(usize, u64)> = None;
    for (i, body) in bodies.iter().enumerate() {
        let raw = match Raw::parse(body) {
            Ok(r) => r,
            Err(_) => {
                report
                    .problems
                    .push(format!("record {} of the file does not parse", i + 1));
                prev = None;
                continue;
            }
        };
        if raw.seq < anchor.start_seq && prev.is_none() {
            older += 1;
            continue;
        }
        report.records += 1;
        let hash = hash_body(&vid, body);
        let (want_seq, want_prev) =
            prev.unwrap_or((anchor.start_seq.saturating_sub(1), anchor.start_prev));
        let want_seq = want_seq.wrapping_add(1);
        if raw.seq != want_seq {
            report.problems.push(format!(
                "record {} follows record {}: records were removed, reordered or inserted",
                raw.seq,
                want_seq.wrapping_sub(1)
            ));
        } else if raw.prev != want_prev {
            report.problems.push(format!(
                "record {} does not chain to the record before it: a record was edited or replaced",
                raw.seq
            ));
        }
        if raw.seq == anchor.seq {
            anchored_found = true;
            if hash != anchor.hash {
                report.problems.push(format!(
                    "record {} is not the record the passphrase anchored at {}: the trail was edited",
                    raw.seq,
                    when(anchor.time)
                ));
            }
        }
        if raw.seq > anchor.seq && tail.is_none() {
            tail = Some((0, raw.time));
        }
        if let Some((n, _)) = tail.as_mut() {
            *n += 1;
        }
        if let Some(s) = &secret
            && raw.open(&vid, &s.0).is_err()
        {
            report.problems.push(format!(
                "record {} does not open with the audit key",
                raw.seq
            ));
        }
        prev = Some((raw.seq, hash));
    }
    if !anchored_found {
        let last = prev.map_or(anchor.start_seq.saturating_sub(1), |p| p.0);
        report.problems.push(format!(
            "the trail ends at record {last}, but the passphrase anchored record {} at {}: records were cut",
            anchor.seq,
            when(anchor.time)
        ));
    }
    if older > 0 {
        report.notes.push(format!(
            "{older} records from before the last prune are still in the file"
        ));
    }
    if let Some((n, since)) = tail {
        report.notes.push(format!(
            "{n} records since {} come after the last anchor (a passphrase write): they could be cut from the end unnoticed until the next one",
            when(since)
        ));
    }
    if !rest.is_empty() {
        let declared = rest
            .get(..4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
        // As the appender judges it (it cuts such a tail).
        let torn = frames(&rest).0.is_empty()
            && (rest.len() < 4
                || (declared > 0
                    && declared <= super::record::MAX_BODY
                    && declared + 8 > rest.len()));
        if torn {
            report
                .notes
                .push("the trail ends in an interrupted append (it answered nobody)".into());
        } else {
            report.problems.push(format!(
                "{} bytes after the last record are not a record",
                rest.len()
            ));
        }
    }
    Ok(report)
}

/// Every record of the trail (from `since`, Unix seconds), opened with the
/// passphrase's audit key. A record that does not open is an error: run
/// `audit verify`.
pub fn read(v: &Vault, trail: &dyn Trail, since: u64) -> Result<Vec<Opened>> {
    let secret = v.audit_secret()?;
    let vid = v.header.vault_id;
    let (bodies, _) = trail.read()?;
    let mut out = Vec::new();
    for body in &bodies {
        let raw = Raw::parse(body)?;
        if raw.time < since {
            continue;
        }
        out.push(Opened {
            seq: raw.seq,
            time: raw.time,
            content: raw.open(&vid, &secret.0)?,
        });
    }
    Ok(out)
}

impl Opened {
    /// One line for a person: seq, time, operation, status, principal,
    /// front end, target; tab-separated, names escaped.
    pub fn text_line(&self) -> String {
        let c = &self.content;
        let who = match &c.principal {
            Who::Passphrase => "passphrase".to_string(),
            Who::Token { id, name } => format!("token {} ({id})", crate::text::escape(name)),
            Who::Unknown => "-".to_string(),
            Who::Front { id, name, user } => format!(
                "front:{} via token {} ({id})",
                user.as_deref()
                    .map_or_else(|| "-".into(), crate::text::escape),
                crate::text::escape(name)
            ),
        };
        let front = match &c.front {
            Front::Cli => "cli".to_string(),
            Front::Serve { peer } => format!("serve {peer}"),
        };
        let target = c
            .target
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::text::escape(v)))
            .collect::<Vec<_>>()
            .join(" ");
        let target = if target.is_empty() {
            "-".into()
        } else {
            target
        };
        format!(
            "{}\t{}\t{}\t{}\t{who}\t{front}\t{target}",
            self.seq,
            when(self.time),
            c.op,
            c.status
        )
    }

    /// The record as JSON.
    pub fn json(&self) -> serde_json::Value {
        let c = &self.content;
        let target: serde_json::Map<String, serde_json::Value> = c
            .target
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::json!({
            "seq": self.seq,
            "time": when(self.time),
            "operation": c.op,
            "status": c.status,
            "principal": c.principal,
            "front": c.front,
            "target": target,
        })
    }
}
