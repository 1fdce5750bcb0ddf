//! Key administration: `vault rotate`, `vault check [--repair]`, `vault
//! upgrade`. All need the passphrase.

use super::{Ctx, Need, Outcome};
use crate::error::{Error, Result};
use crate::local::{Opening, Session, Writable};
use crate::text::quote;
use crate::time::{format_duration, rfc3339};
use crate::vault::store::Location;
use crate::vault::{self, CheckReport, TokenInfo, Unlocker, Vault};
use std::path::Path;

/// One line per dropped token with the command that issues it again: same
/// name, scope, rights and end of life.
fn reissue_lines(ctx: &Ctx<'_>, dropped: &[TokenInfo], why: &str) {
    let now = crate::vault::now();
    let mut w = ctx.warnings.borrow_mut();
    for t in dropped {
        let mut how = String::new();
        for a in &t.apps {
            how.push_str(&format!(" --app {}", quote(a)));
        }
        for d in &t.dids {
            how.push_str(&format!(" --did {}", quote(d)));
        }
        if t.write {
            how.push_str(" --write");
        }
        // The reissued token ends when the old one would have: its
        // remaining lifetime, counted from now, with the instant said too.
        // An expired one is not offered back without an expiry: reissued
        // as it was listed, it would never expire.
        let name = quote(&t.name);
        w.push(match t.expires {
            None => format!("token {name} {why}; reissue it: sso-secrets token create {name}{how}"),
            Some(exp) if exp > now => format!(
                "token {name} {why} (it expires at {}); reissue it: sso-secrets token create \
                 {name}{how} --expires-in {}",
                rfc3339(exp),
                format_duration(exp - now)
            ),
            Some(exp) => format!(
                "token {name} {why}; it had expired at {}, so it needs no reissue (to issue it \
                 again: sso-secrets token create {name}{how} --expires-in DURATION)",
                rfc3339(exp)
            ),
        });
    }
}

/// `vault rotate`: every key renewed, every secret re-encrypted, every token
/// invalidated (listed on stderr for reissue), optionally a new passphrase.
pub fn vault_rotate(ctx: &Ctx<'_>, new_file: Option<&Path>) -> Result<Outcome> {
    let u = ctx.passphrase_unlocker()?;
    // The current passphrase is checked before a new one is read.
    ctx.read(&u, Need::admin(), |_| Ok(()))?;
    let new = new_file
        .map(|f| ctx.sources.new_passphrase(Some(f), None))
        .transpose()?;
    let dropped = ctx.write(&u, Need::admin(), |v| {
        let kdf = v
            .kdf()
            .ok_or_else(|| Error::corrupt("no passphrase slot"))?;
        v.rotate(new.as_ref().map(|p| (p, kdf)))
    })?;
    reissue_lines(ctx, &dropped, "was invalidated by the rotation");
    if new.is_some() {
        ctx.warnings
            .borrow_mut()
            .extend(ctx.sources.stale_passphrase_warning());
    }
    Ok(Outcome::Done)
}

/// Opens with the passphrase under the writer lock, for a command that
/// must also work on a vault `Ctx::write` refuses (version 1, or a slot
/// table that fails authentication): the same steps, opening as
/// [`Opening::Admin`].
fn open_locked(ctx: &Ctx<'_>, u: &Unlocker, seen: &mut Session) -> Result<Writable> {
    ctx.present()?
        .lock(&ctx.config(), u, seen, Opening::Admin)?
        .admit(&Need::admin())?
        .writable()
}

/// `vault upgrade`: a version 1 vault becomes the current version with a
/// full rotation (its tokens are listed for reissue); a version 2 vault with
/// every key renewed and every token kept.
pub fn vault_upgrade(ctx: &Ctx<'_>) -> Result<Outcome> {
    let mut seen = ctx.session();
    let out = upgrade(ctx, &mut seen);
    ctx.warnings.borrow_mut().append(&mut seen.warnings);
    ctx.said(seen);
    out
}

fn upgrade(ctx: &Ctx<'_>, seen: &mut Session) -> Result<Outcome> {
    let u = ctx.passphrase_unlocker()?;
    let probe = ctx.present()?.unlock_as(&u, seen, Opening::Admin)?;
    if probe.vault().version() == vault::format::VERSION {
        ctx.warnings.borrow_mut().push(format!(
            "the vault is already in format version {}; nothing to do",
            probe.vault().version()
        ));
        return Ok(Outcome::Done);
    }
    drop(probe);
    let mut v = open_locked(ctx, &u, seen)?;
    let dropped = v.upgrade()?;
    ctx.warnings.borrow_mut().extend(v.take_warnings());
    seen.wrote(&v.into_vault().commit_head()?);
    reissue_lines(ctx, &dropped, "was invalidated by the upgrade");
    Ok(Outcome::Value {
        key: "format_version",
        value: vault::format::VERSION.to_string(),
    })
}

fn report(ctx: &Ctx<'_>, r: &CheckReport) {
    ctx.warnings.borrow_mut().extend(r.lines());
}

/// `vault check [--repair] [--yes]`: reports every slot and entry that fails
/// authentication, and every entry whose names the command line refuses
/// (exit 1 when there are any); `--repair` drops them after confirmation.
pub fn vault_check(ctx: &Ctx<'_>, repair: bool, yes: bool) -> Result<Outcome> {
    let mut seen = ctx.session();
    let out = check(ctx, repair, yes, &mut seen);
    // A vault that went back is said first: it explains what follows.
    ctx.warnings
        .borrow_mut()
        .splice(0..0, seen.warnings.drain(..));
    // Who opened it, for the command's audit record (else it is recorded
    // from the header as read, as nobody).
    ctx.said(seen);
    out
}

fn check(ctx: &Ctx<'_>, repair: bool, yes: bool, seen: &mut Session) -> Result<Outcome> {
    let u = ctx.passphrase_unlocker()?;
    let first = ctx.present()?.unlock_as(&u, seen, Opening::Admin)?;
    let r = first.vault().check()?;
    ctx.warnings
        .borrow_mut()
        .extend(first.vault().take_warnings());
    drop(first);
    report(ctx, &r);
    if r.is_clean() {
        return Ok(Outcome::Value {
            key: "check",
            value: "ok".into(),
        });
    }
    if !repair {
        return Err(Error::failure(
            "the vault holds what fails authentication or what no command can name (listed above); `sso-secrets vault check --repair` drops it",
        ));
    }
    if !yes {
        if !ctx.sources.term.can_prompt() {
            return Err(Error::Usage(
                "--repair drops data: confirm on a terminal, or pass --yes".into(),
            ));
        }
        let answer = ctx
            .sources
            .term
            .prompt_hidden("Drop everything listed above? Type yes: ")
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => crate::terminal::cancelled(),
                _ => Error::io("cannot read from the terminal", e),
            })?;
        if answer.expose().trim() != "yes" {
            return Err(Error::failure("not confirmed; the vault is unchanged"));
        }
    }
    let mut v = open_locked(ctx, &u, seen)?;
    // Check again under the lock: the file may have changed meanwhile, and
    // only what was shown (and confirmed) may be dropped.
    let again = v.check()?;
    if !again.same_findings(&r) {
        return Err(Error::Temporary(
            "the vault changed between the check and the repair; nothing was dropped; run `sso-secrets vault check` again".into(),
        ));
    }
    let dropped = v.repair(&again)?;
    ctx.warnings.borrow_mut().extend(v.take_warnings());
    // A forged table may also have lost its audit block: the trail's
    // records say it was on.
    if !again.table_ok
        && v.audit_target().is_none()
        && crate::audit::trail(&ctx.vault)?.last()?.is_some()
    {
        ctx.warnings.borrow_mut().push(
            "warning: the slot table that failed authentication has no audit block, but the vault's audit trail holds records: the block was removed, and the trail is off until `sso-secrets vault audit on` (its records were sealed to the removed key: a copy of the vault from before the damage opens them)".into(),
        );
    }
    seen.wrote(&v.into_vault().commit_head()?);
    reissue_lines(ctx, &dropped, "was dropped with the untrusted slot table");
    Ok(Outcome::Value {
        key: "check",
        value: "repaired".into(),
    })
}

/// `vault copy --to`: the whole vault, as its store holds it (keys, tokens,
/// signatures), into a new vault at `to`; then the copy is opened with the
/// same passphrase, as a check.
pub fn vault_copy(ctx: &Ctx<'_>, to: &Location) -> Result<Outcome> {
    if *to == ctx.vault {
        return Err(Error::Usage(
            "--to names the vault itself; give another file or database".into(),
        ));
    }
    let u = ctx.passphrase_unlocker()?;
    let dest = to.open()?;
    // A destination that holds a vault is refused by `create`, in its own
    // words; one that holds only a trail (left by a vault removed there),
    // here.
    if dest.check_present().is_err() && crate::audit::trail(to)?.last()?.is_some() {
        return Err(Error::failure(format!(
            "{to} already has an audit trail (records of another vault); nothing was copied"
        )));
    }
    let trail = ctx.read(&u, Need::admin_read(), |v| {
        v.copy_to(&*dest, ctx.lock_timeout)?;
        Ok(v.audit_target().is_some())
    })?;
    Vault::open(&*dest, &u)?;
    if trail {
        // The trail as it is now (records appended to the original later
        // belong to the original), into the copy's store.
        let (bodies, _) = crate::audit::trail(&ctx.vault)?.read()?;
        crate::audit::trail(to)?.append(&mut |_| Ok(bodies.clone()))?;
    }
    Ok(Outcome::Done)
}
