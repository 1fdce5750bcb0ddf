//! Connections, each owned by a thread of its own.
//!
//! The `postgres` client blocks on a runtime of its own, which it may not
//! start on a thread that already drives one: `serve` answers reads on its
//! request tasks. So each connection lives on a plain thread and callers
//! hand it work and wait for the answer; a caller anywhere (a server task,
//! the writer thread, the command line) may then use the database. A lost
//! connection is opened again by the next job.

use super::Target;
use crate::error::{Error, Result};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce(&mut Slot) + Send>;

/// A connection as its thread holds it: open, or to be opened.
pub(super) struct Slot {
    target: Arc<Target>,
    client: Option<postgres::Client>,
    /// The current job found the connection already open (it may have
    /// died while idle, e.g. when the server restarted).
    reused: bool,
}

impl Slot {
    /// The open connection, opened if needed.
    pub(super) fn client(&mut self) -> Result<&mut postgres::Client> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            self.client = None;
            self.reused = false;
            self.client = Some(self.target.connect()?);
        }
        self.client
            .as_mut()
            .ok_or_else(|| Error::failure("internal: no connection"))
    }

    /// Drops the connection (after an error that may have left it in a
    /// transaction or broken): the next job opens a new one.
    pub(super) fn reset(&mut self) {
        self.client = None;
    }
}

/// One connection's thread.
pub(super) struct Conn {
    jobs: mpsc::Sender<Job>,
}

impl Conn {
    fn start(target: Arc<Target>) -> Result<Conn> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sso-secrets db".into())
            .spawn(move || {
                let mut slot = Slot {
                    target,
                    client: None,
                    reused: false,
                };
                // Ends when every sender is gone.
                while let Ok(job) = rx.recv() {
                    job(&mut slot);
                }
            })
            .map_err(|e| Error::io("cannot start a database thread", e))?;
        Ok(Conn { jobs: tx })
    }

    /// Runs `f` on this connection's thread and waits for its answer.
    pub(super) fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.submit(move |slot| f(slot))
    }

    /// [`Conn::run`] for work that may run twice (reads, and taking the
    /// lock, whose first statement opens the transaction): when a
    /// connection kept open turns out to have died while idle (the server
    /// restarted), it runs once more on a new one, so a server recovers on
    /// its first request rather than once per kept connection.
    pub(super) fn run_again_if_stale<R: Send + 'static>(
        &self,
        f: impl Fn(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.submit(move |slot| {
            slot.reused = slot.client.is_some();
            match f(slot) {
                Err(_)
                    if slot.reused
                        && slot.client.as_ref().is_none_or(postgres::Client::is_closed) =>
                {
                    slot.reset();
                    f(slot)
                }
                out => out,
            }
        })
    }

    fn submit<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |slot| {
            let out = f(slot);
            if out.is_err() {
                // An error may leave a transaction open: start afresh.
                slot.reset();
            }
            let _ = tx.send(out);
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::failure("internal: the database thread stopped"))?;
        rx.recv()
            .map_err(|_| Error::failure("internal: the database thread stopped"))?
    }

    /// Queues `f` without waiting (a rollback when a lock is let go).
    pub(super) fn queue(&self, f: impl FnOnce(&mut Slot) + Send + 'static) {
        let _ = self.jobs.send(Box::new(f));
    }
}

/// Idle connections of one database, shared by the process.
pub(super) struct Pool {
    target: Arc<Target>,
    idle: Mutex<Vec<Conn>>,
}

/// Idle connections kept; more are opened while busy and closed after.
const MAX_IDLE: usize = 8;

impl Pool {
    pub(super) fn new(target: Arc<Target>) -> Pool {
        Pool {
            target,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A connection for the caller alone until it is given back.
    pub(super) fn take(&self) -> Result<Conn> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(c) => Ok(c),
            None => Conn::start(self.target.clone()),
        }
    }

    pub(super) fn give(&self, conn: Conn) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(conn);
        }
    }

    /// Runs `f`, a read, on any connection (again on a new one if a kept
    /// connection died while idle).
    pub(super) fn run<R: Send + 'static>(
        &self,
        f: impl Fn(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let conn = self.take()?;
        let out = conn.run_again_if_stale(f);
        self.give(conn);
        out
    }
}
