//! The audit appender: one thread appends every request's record. While it
//! flushes one batch, new records queue; the next batch takes them all, so
//! a busy server makes one `fsync` for many requests (reads as well as
//! writes). A request is answered only after its record is durable; if it
//! cannot be, the request fails and nothing is sent.

use crate::audit::{self, AuditSeen, Content, Front, Who};
use crate::error::{Error, Result};
use crate::local::VaultConfig;
use crate::vault::AuditTarget;
use std::net::IpAddr;
use tokio::sync::{mpsc, oneshot};

/// Most records in one flush.
const MAX_BATCH: usize = 1024;

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
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let location = config.location.clone();
        std::thread::Builder::new()
            .name("sso-secrets audit".into())
            .spawn(move || run(&location, rx))
            .map_err(|e| Error::io("cannot start the audit thread", e))?;
        Ok(Auditor { tx, vault: config })
    }

    /// Records a request from `peer` that ended with `status`, if the trail
    /// is on; returns once the record is durable. An error: the request
    /// must fail and release nothing.
    pub(crate) async fn record(&self, note: Note, peer: IpAddr, status: u16) -> Result<()> {
        let (target, who) = match note.seen {
            Some(s) => (s.target, s.who),
            None => {
                let location = self.vault.location.clone();
                // A refusal before any slot opened: the header as read
                // (a file read, off the runtime's threads).
                let found =
                    tokio::task::spawn_blocking(move || audit::unverified_target(&location))
                        .await
                        .ok()
                        .flatten();
                match found {
                    Some(t) => (t, Who::Unknown),
                    None => return Ok(()),
                }
            }
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
            target: note.target,
        };
        let (done, wait) = oneshot::channel();
        let job = Job {
            target,
            content,
            done,
        };
        if self.tx.send(job).await.is_err() {
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

fn run(location: &crate::vault::store::Location, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH
            && let Ok(job) = rx.try_recv()
        {
            jobs.push(job);
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
