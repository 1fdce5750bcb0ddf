//! The audit appender: one thread appends every request's record. While it
//! flushes one batch, new records queue; the next batch takes them all, so
//! a busy server makes one `fsync` for many requests (reads as well as
//! writes). A request is answered only after its record is durable; if it
//! cannot be, the request fails and nothing is sent.
//!
//! A batch also waits a little for records that are still coming (up to
//! [`GAP`] after the last one, at most [`MAX_WAIT`] in all): clients that
//! were all answered by one flush send their next requests together, and
//! without the wait the first of them would be flushed alone, costing every
//! other one a second flush (an `fsync` is milliseconds; the wait is a
//! fraction of one).

use super::listen::Peer;
use crate::audit::{self, AuditSeen, Content, Front, Who};
use crate::error::{Error, Result};
use crate::local::VaultConfig;
use crate::vault::AuditTarget;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Most records in one flush.
const MAX_BATCH: usize = 1024;
/// A batch is closed once no record came for this long...
const GAP: Duration = Duration::from_micros(300);
/// ...or once its first record waited this long.
const MAX_WAIT: Duration = Duration::from_millis(2);

struct Job {
    target: AuditTarget,
    content: Content,
    done: oneshot::Sender<Result<()>>,
}

/// The queue in front of the appender thread.
#[derive(Clone)]
pub(crate) struct Auditor {
    tx: mpsc::Sender<Job>,
    vault: VaultConfig,
    /// The trail as a verified header last stated it: refusals before a
    /// slot opened are sealed to its key, with their names.
    verified: std::sync::Arc<std::sync::RwLock<Option<AuditTarget>>>,
}

/// What a request's record says, once its outcome is known.
pub(crate) struct Note {
    /// The RFC operation's name.
    pub op: &'static str,
    /// What it addressed (sealed in the record).
    pub target: Vec<(String, String)>,
    /// What the request's vault session learnt (`None`: no slot opened).
    pub seen: Option<AuditSeen>,
}

impl Auditor {
    /// Starts the appender thread for the vault of `config`. It ends once
    /// every [`Auditor`] is dropped and the queue is empty.
    pub(crate) fn start(config: VaultConfig) -> Result<Auditor> {
        // Unbounded: each record belongs to a request in flight, and the
        // server bounds those.
        let (tx, rx) = mpsc::channel();
        let location = config.location.clone();
        std::thread::Builder::new()
            .name("sso-secrets audit".into())
            .spawn(move || run(&location, rx))
            .map_err(|e| Error::io("cannot start the audit thread", e))?;
        Ok(Auditor {
            tx,
            vault: config,
            verified: Default::default(),
        })
    }

    /// Records a request from `peer` that ended with `status`, if the trail
    /// is on; returns once the record is durable. An error: the request
    /// must fail and release nothing.
    pub(crate) async fn record(&self, note: Note, peer: Peer, status: u16) -> Result<()> {
        let mut names = note.target;
        let (target, who) = match note.seen {
            Some(s) => {
                // Written only when it changed: every request passes here,
                // on every runtime thread.
                let changed = self
                    .verified
                    .read()
                    .is_ok_and(|k| k.as_ref() != Some(&s.target));
                if changed && let Ok(mut k) = self.verified.write() {
                    *k = Some(s.target.clone());
                }
                (s.target, s.who)
            }
            None => match self.verified.read().ok().and_then(|k| k.clone()) {
                // A verified header seen before: its key, and the names.
                Some(t) => (t, Who::Unknown),
                None => {
                    let location = self.vault.location.clone();
                    // A refusal before any slot opened: the header as read
                    // (a file read, off the runtime's threads).
                    let found =
                        tokio::task::spawn_blocking(move || audit::unverified_target(&location))
                            .await
                            .ok()
                            .flatten();
                    // The key of an unverified header may be anyone's: the
                    // record carries no names.
                    names = Vec::new();
                    match found {
                        Some(t) => (t, Who::Unknown),
                        None => return Ok(()),
                    }
                }
            },
        };
        if !target.on {
            return Ok(());
        }
        let content = Content {
            op: note.op.to_string(),
            principal: who,
            front: Front::Serve {
                peer: peer.to_string(),
            },
            status,
            target: names,
        };
        let (done, wait) = oneshot::channel();
        let job = Job {
            target,
            content,
            done,
        };
        if self.tx.send(job).is_err() {
            return Err(audit::failed(stopped()));
        }
        wait.await
            .unwrap_or_else(|_| Err(stopped()))
            .map_err(audit::failed)
    }
}

fn stopped() -> Error {
    Error::failure("the audit thread stopped")
}

fn run(location: &crate::vault::store::Location, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let began = Instant::now();
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            let left = MAX_WAIT.saturating_sub(began.elapsed());
            match rx.recv_timeout(GAP.min(left)) {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        // One vault, so one target, except across a `vault audit` change
        // or a rekey: each target's records go in one append.
        while !jobs.is_empty() {
            let target = jobs[0].target.clone();
            let (now, later): (Vec<Job>, Vec<Job>) =
                jobs.into_iter().partition(|j| j.target == target);
            jobs = later;
            let contents: Vec<Content> = now.iter().map(|j| j.content.clone()).collect();
            let result =
                audit::trail(location).and_then(|t| audit::append(&*t, &target, &contents));
            for j in now {
                let answer = match &result {
                    Ok(()) => Ok(()),
                    Err(e) => Err(crate::local::same_error(e)),
                };
                let _ = j.done.send(answer);
            }
        }
    }
}
