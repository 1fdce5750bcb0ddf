//! `vault audit on|off`, `audit`, `audit verify`, `audit prune`, and the
//! records the command line appends for every operation it runs.

use super::{Ctx, Need, Outcome};
use crate::audit::{self, AuditSeen, Content, Front};
use crate::error::{Error, Result};
use crate::vault::now;

/// `vault audit on|off` (passphrase). Turning it on first makes sure the
/// trail can be written: a trail that cannot would fail every operation.
pub fn vault_audit(ctx: &Ctx<'_>, on: bool) -> Result<Outcome> {
    let trail = audit::trail(&ctx.vault)?;
    let u = ctx.unlocker()?;
    if on {
        // Creates the trail (0600) and takes its lock once: a trail that
        // cannot be written is said now, not at the next operation.
        ctx.read(&u, Need::admin(), |_| {
            trail.append(&mut |_| Ok(Vec::new())).map_err(audit::failed)
        })?;
    }
    ctx.write(&u, Need::admin(), |v| v.set_audit(on))?;
    Ok(Outcome::Done)
}

/// `audit [--since]` (passphrase): every record, opened.
pub fn audit_list(ctx: &Ctx<'_>, since: Option<std::time::Duration>) -> Result<Outcome> {
    let trail = audit::trail(&ctx.vault)?;
    let u = ctx.unlocker()?;
    let from = since.map_or(0, |d| now().saturating_sub(d.as_secs()));
    let records = ctx.read(&u, Need::admin_read(), |v| {
        audit::verify::read(v, &*trail, from)
    })?;
    Ok(Outcome::Audit(records))
}

/// `audit verify` (any credential that opens the vault; with the
/// passphrase every record is opened too): exit 0, or 50 saying what is
/// wrong.
pub fn audit_verify(ctx: &Ctx<'_>) -> Result<Outcome> {
    let trail = audit::trail(&ctx.vault)?;
    let u = ctx.unlocker()?;
    let report = ctx.read(&u, Need::default(), |v| audit::verify::verify(v, &*trail))?;
    ctx.warnings
        .borrow_mut()
        .extend(report.notes.iter().map(|n| format!("note: {n}")));
    if !report.problems.is_empty() {
        return Err(Error::WrongFormat(format!(
            "the audit trail fails verification: {}",
            report.problems.join("; ")
        )));
    }
    Ok(Outcome::Value {
        key: "verified",
        value: format!("audit trail verified: {} records", report.records),
    })
}

/// `audit prune --before DATE` (passphrase): verifies the trail, anchors
/// its new start (the first record at or after DATE) and its end, then
/// drops the records before that start.
pub fn audit_prune(ctx: &Ctx<'_>, before: u64) -> Result<Outcome> {
    let trail = audit::trail(&ctx.vault)?;
    let u = ctx.unlocker()?;
    // Read before the vault's head (see `History::before`).
    let seen = ctx.history.as_ref().map(crate::local::History::before);
    let start = ctx.write(&u, Need::admin(), |v| {
        if seen
            .as_ref()
            .is_some_and(|b| crate::local::History::anchor_went_back(b, &v.head_id()))
        {
            return Err(Error::failure(
                "the vault's audit anchor is earlier than one this machine saw (an earlier anchor was put back), so nothing is pruned and the anchor stays: run `sso-secrets audit verify`",
            ));
        }
        let report = audit::verify::verify(v, &*trail)?;
        if !report.problems.is_empty() {
            return Err(Error::WrongFormat(format!(
                "the audit trail fails verification, so nothing is pruned: {}",
                report.problems.join("; ")
            )));
        }
        let anchor = v
            .audit_anchor()
            .cloned()
            .ok_or_else(|| Error::failure("the audit trail was never turned on"))?;
        let vid = v.header.vault_id;
        let bodies = trail.since(anchor.start_seq)?;
        let mut start = (anchor.start_seq, anchor.start_prev);
        let mut last = (anchor.start_seq.saturating_sub(1), anchor.start_prev);
        for body in &bodies {
            let raw = audit::Raw::parse(body)?;
            let hash = audit::record::hash_body(&vid, body);
            if raw.time < before {
                start = (raw.seq.wrapping_add(1), hash);
            }
            last = (raw.seq, hash);
        }
        v.anchor_audit(last, Some(start))?;
        Ok(start.0)
    })?;
    let dropped = trail.prune(start)?;
    Ok(Outcome::Count {
        key: "pruned",
        n: dropped,
    })
}

impl Ctx<'_> {
    /// Appends the records of operations the command line ran, if the
    /// vault's trail is on (the server of `--remote` keeps its own trail).
    /// An error means they are not durable: the command must fail and
    /// release nothing.
    pub(crate) fn audit(&self, seen: Option<AuditSeen>, records: Vec<audit::Done>) -> Result<()> {
        self.audited.set(true);
        if self.is_remote() {
            return Ok(());
        }
        let seen = seen.or_else(|| self.audit_seen.borrow().clone());
        let verified = seen.is_some();
        let (target, who) = match seen {
            Some(s) => (s.target, s.who),
            None => match audit::unverified_target(&self.vault) {
                Some(t) => (t, audit::Who::Unknown),
                None => return Ok(()),
            },
        };
        // Sealed to the key of an unverified header (anyone's): no names.
        let records: Vec<audit::Done> = if verified {
            records
        } else {
            records
                .into_iter()
                .map(|(op, status, _)| (op, status, Vec::new()))
                .collect()
        };
        if !target.on {
            return Ok(());
        }
        let contents: Vec<Content> = records
            .into_iter()
            .map(|(op, status, target)| Content {
                op,
                principal: who.clone(),
                front: Front::Cli,
                status,
                target,
            })
            .collect();
        audit::append(&*audit::trail(&self.vault)?, &target, &contents).map_err(audit::failed)
    }
}
