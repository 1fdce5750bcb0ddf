//! The audit trail: one sealed, hash-chained record per operation, appended
//! before the operation's result is released, in the vault's store.
//!
//! The switch and the public key that records are sealed to live in the
//! vault's slot table (see `vault::audit_block`), which only the passphrase
//! can sign; any credential that opens the vault can seal a record, only the
//! passphrase can open one. Each record carries the hash of the one before;
//! every write by the passphrase signs the trail's last hash into the header
//! (the anchor). `verify` checks the chain against the anchor.

pub mod file;
mod pg;
pub mod record;
pub mod verify;

#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::names::UserRef;
use crate::ops::Request;
use crate::vault::AuditTarget;
use crate::vault::store::Location;
pub use record::{Content, Front, Raw, Sealer, Who};

/// What an appender builds under the trail's lock: given the last
/// record's body, the bodies to append.
pub type Build<'a> = dyn FnMut(Option<&[u8]>) -> Result<Vec<Vec<u8>>> + 'a;

/// The names an operation addressed: `(field, name)` pairs, sealed in its
/// record.
pub type Target = Vec<(String, String)>;

/// One operation to record: its name, its status, its target.
pub type Done = (String, u16, Target);

/// Where a vault's trail is kept: bytes in, bytes out, never a key.
pub trait Trail: Send + Sync {
    /// Under the trail's lock: hands `build` the last complete record (its
    /// body; `None` for an empty trail), appends the bodies it returns, and
    /// makes them durable before returning.
    fn append(&self, build: &mut Build<'_>) -> Result<()>;
    /// Every complete record, in order, and the bytes after the last one
    /// (an interrupted append, or bytes that are not a record).
    fn read(&self) -> Result<(Vec<Vec<u8>>, Vec<u8>)>;
    /// The last complete record.
    fn last(&self) -> Result<Option<Vec<u8>>>;
    /// The records from sequence number `seq` on (and any after a gap),
    /// in order; read from the end, so the cost is the records since.
    fn since(&self, seq: u64) -> Result<Vec<Vec<u8>>>;
    /// Drops every record before `start_seq`, under the trail's lock;
    /// returns how many were dropped.
    fn prune(&self, start_seq: u64) -> Result<usize>;
}

/// The trail of the vault at `location`.
pub fn trail(location: &Location) -> Result<Box<dyn Trail>> {
    match location {
        Location::File(p) => Ok(Box::new(file::FileTrail::new(p))),
        Location::Postgres(t) => Ok(Box::new(pg::PgTrail::of(t)?)),
    }
}

/// What a session learnt about the trail and the credential: enough to
/// seal a record, never enough to read one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditSeen {
    /// The trail as the vault's signed table states it.
    pub target: AuditTarget,
    /// Who the credential is.
    pub who: Who,
}

/// The names a request addresses, for its record's sealed target.
pub fn target_of(request: &Request) -> Vec<(String, String)> {
    let user = |u: &UserRef| match u {
        UserRef::Id(id) => ("user".to_string(), id.as_str().to_string()),
        UserRef::Did(did) => ("user_did".to_string(), did.text().to_string()),
    };
    match request {
        Request::GetSso { app, user: u } | Request::PutSso { app, user: u, .. } => vec![
            ("app".into(), app.as_str().into()),
            ("user".into(), u.as_str().into()),
        ],
        Request::DeactivateSso { app, user: u } | Request::RemoveSso { app, user: u } => {
            vec![("app".into(), app.as_str().into()), user(u)]
        }
        Request::PutDid { did, name, .. }
        | Request::GetDid { did, name }
        | Request::DeleteDid { did, name } => vec![
            ("did".into(), did.text().into()),
            ("name".into(), name.as_str().into()),
        ],
    }
}

/// The trail's position after `last` (a record's body), or the anchor's
/// when the trail is empty: the next sequence number and the chain value.
fn after(
    vault_id: &[u8; 16],
    last: Option<&[u8]>,
    empty: (u64, [u8; 32]),
) -> Result<(u64, [u8; 32])> {
    match last {
        None => Ok((empty.0.wrapping_add(1), empty.1)),
        Some(body) => {
            let raw = Raw::parse(body)?;
            Ok((raw.seq.wrapping_add(1), record::hash_body(vault_id, body)))
        }
    }
}

/// Appends one record per content, in order, to the trail of `target`,
/// with one lock, one write and one flush. Fails (and the caller must not
/// release the operation's result) when they cannot be made durable.
pub fn append(trail: &dyn Trail, target: &AuditTarget, contents: &[Content]) -> Result<()> {
    if contents.is_empty() {
        return Ok(());
    }
    let sealer = Sealer::new(target.vault_id, target.seal_key)?;
    let time = crate::vault::now();
    let vid = target.vault_id;
    trail.append(&mut |last| {
        let (mut seq, mut prev) = after(&vid, last, target.empty)?;
        let mut out = Vec::with_capacity(contents.len());
        for c in contents {
            let body = sealer.seal(seq, time, prev, c)?.encode();
            prev = record::hash_body(&vid, &body);
            seq = seq.wrapping_add(1);
            out.push(body);
        }
        Ok(out)
    })
}

/// Where the anchor can move to: the trail's last record, if the records
/// from the current anchor to the end still chain to it. `Err` says why
/// not: then the anchor stays where it is, keeping its evidence.
pub fn next_anchor(
    trail: &dyn Trail,
    vault_id: &[u8; 16],
    anchor: &crate::vault::format::Anchor,
) -> Result<std::result::Result<(u64, [u8; 32]), String>> {
    let from = anchor.seq.max(anchor.start_seq);
    let bodies = trail.since(from)?;
    let mut at = if anchor.seq >= anchor.start_seq {
        None
    } else {
        Some((anchor.start_seq.saturating_sub(1), anchor.start_prev))
    };
    for body in &bodies {
        let Ok(raw) = Raw::parse(body) else {
            return Ok(Err(format!("a record after record {from} does not parse")));
        };
        if raw.seq < from {
            continue;
        }
        let hash = record::hash_body(vault_id, body);
        match at {
            None if raw.seq == anchor.seq && hash == anchor.hash => {}
            None => {
                return Ok(Err(format!(
                    "record {} is not the one the passphrase anchored",
                    anchor.seq
                )));
            }
            Some((seq, prev)) if raw.seq == seq.wrapping_add(1) && raw.prev == prev => {}
            Some(_) => {
                return Ok(Err(format!(
                    "record {} does not chain to the one before it",
                    raw.seq
                )));
            }
        }
        at = Some((raw.seq, hash));
    }
    match at {
        Some(last) => Ok(Ok(last)),
        None => Ok(Err(format!(
            "the trail no longer holds record {}, which the passphrase anchored",
            anchor.seq
        ))),
    }
}

/// The trail of a vault whose header could not be verified (the request
/// failed before a credential opened a slot): the header as read, unsigned.
/// Used only to record a refusal; nothing is released on its word. Its
/// public key may be one that whoever wrote the file put there, so a
/// record sealed to it must carry no names (the target is left out).
pub fn unverified_target(location: &Location) -> Option<AuditTarget> {
    let snapshot = location.open().ok()?.head().ok()?;
    let h = snapshot.head.header_unverified();
    h.audit.as_ref().map(|a| AuditTarget {
        vault_id: h.vault_id,
        on: a.on,
        seal_key: a.seal_key,
        empty: (a.anchor.seq, a.anchor.hash),
    })
}

/// A record that could not be made durable: the operation fails with 75
/// when that is temporary, else 1, and says why.
pub fn failed(e: Error) -> Error {
    let why = format!("the audit record could not be written, so nothing is released: {e:#}");
    match e {
        Error::Temporary(_) => Error::Temporary(why),
        _ => Error::failure(why),
    }
}
