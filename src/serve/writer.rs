//! Group commit: one thread applies every write the server receives. While
//! it commits one batch (lock, atomic replace, fsync), new writes queue;
//! the next batch takes them all, so a busy server makes one durable file
//! rewrite for many requests instead of one each. A write is answered only
//! after its batch is on disk.

use super::metrics::Metrics;
use crate::audit::AuditSeen;
use crate::error::{Error, Result};
use crate::local::{self, VaultConfig};
use crate::ops::Credential;
use crate::ops::{Principal, Reply, Request};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// Most writes in one commit: bounds the time the first of them waits.
const MAX_BATCH: usize = 512;

/// The writer's answer to one write: who, what the session learnt of the
/// audit trail, the result.
pub(crate) type Answer = (Principal, Option<AuditSeen>, Result<Reply>);

struct Job {
    credential: Credential,
    request: Request,
    reply: oneshot::Sender<Answer>,
}

/// The queue in front of the writer thread.
#[derive(Clone)]
pub(crate) struct Writer(mpsc::Sender<Job>);

impl Writer {
    /// Starts the writer thread for `config`. It ends once every
    /// [`Writer`] is dropped and the queue is empty.
    pub(crate) fn start(
        config: VaultConfig,
        metrics: Arc<Metrics>,
    ) -> Result<(Writer, std::thread::JoinHandle<()>)> {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let thread = std::thread::Builder::new()
            .name("sso-secrets writer".into())
            .spawn(move || run(&config, &metrics, rx))
            .map_err(|e| Error::io("cannot start the writer thread", e))?;
        Ok((Writer(tx), thread))
    }

    /// Queues a write and waits until it is durable (or refused).
    pub(crate) async fn write(&self, credential: Credential, request: Request) -> Answer {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            credential,
            request,
            reply,
        };
        if self.0.send(job).await.is_err() {
            return (Principal::Unknown, None, Err(stopped()));
        }
        answer
            .await
            .unwrap_or_else(|_| (Principal::Unknown, None, Err(stopped())))
    }
}

fn stopped() -> Error {
    Error::failure("the writer thread stopped")
}

fn run(config: &VaultConfig, metrics: &Metrics, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH
            && let Ok(job) = rx.try_recv()
        {
            jobs.push(job);
        }
        let (batch, replies): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|j| ((j.credential, j.request), j.reply))
            .unzip();
        let (writes, began) = (batch.len(), Instant::now());
        let answers = local::write_batch_seen(config, batch);
        metrics.commit(writes, began.elapsed());
        for (reply, answer) in replies.into_iter().zip(answers) {
            // A client that went away no longer waits for its answer.
            let _ = reply.send(answer);
        }
    }
}
