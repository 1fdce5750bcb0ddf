//! Connections, each owned by a thread of its own.
//!
//! The `postgres` client blocks on a runtime of its own, which it may not
//! start on a thread that already drives one: `serve` answers reads on its
//! request tasks. So each connection lives on a plain thread and callers
//! hand it work and wait for the answer; a caller anywhere (a server task,
//! the writer thread, the command line) may then use the database. A lost
//! connection is opened again by the next job.
//!
//! Every call has a time limit: a database that does not answer (a stalled
//! network, or a middlebox that holds the connection open and forwards
//! nothing) is a temporary failure for the caller, never a caller that
//! waits forever (a server answers every request of its thread on that
//! thread). The connection it was on is given up: its thread ends when the
//! call does, and until then counts against [`MAX_OPEN`], so a database
//! that never answers cannot make the process open threads without end.

use super::Target;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a reader's call (the head, one bucket) may take. Longer than
/// the server-side `lock_timeout` (see `connect`), so that a lock wait ends
/// there first, on a connection that stays usable.
pub(crate) const CALL_LIMIT: Duration = Duration::from_secs(10);

/// Connection threads a process may have at once, given up ones included.
const MAX_OPEN: usize = 64;

type Job = Box<dyn FnOnce(&mut Slot) + Send>;

/// A connection as its thread holds it: open, or to be opened.
pub(crate) struct Slot {
    target: Arc<Target>,
    client: Option<postgres::Client>,
    /// The current job found the connection already open (it may have
    /// died while idle, e.g. when the server restarted).
    reused: bool,
    /// Statements prepared on `client`: a statement sent as text is parsed
    /// in a round trip of its own before every execution.
    prepared: HashMap<&'static str, postgres::Statement>,
}

impl Slot {
    /// The open connection, opened if needed.
    pub(crate) fn client(&mut self) -> Result<&mut postgres::Client> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            self.reset();
            self.reused = false;
            self.client = Some(self.target.connect()?);
        }
        self.client
            .as_mut()
            .ok_or_else(|| Error::failure("internal: no connection"))
    }

    /// The open connection and `sql` prepared on it, once per connection:
    /// the statements a server runs for every request and every commit then
    /// cost one round trip each. `err` reports a failure to prepare.
    pub(crate) fn prepared(
        &mut self,
        sql: &'static str,
        err: impl FnOnce(postgres::Error) -> Error,
    ) -> Result<(&mut postgres::Client, postgres::Statement)> {
        self.client()?;
        let Some(client) = self.client.as_mut() else {
            return Err(Error::failure("internal: no connection"));
        };
        let statement = match self.prepared.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = client.prepare(sql).map_err(err)?;
                self.prepared.insert(sql, s.clone());
                s
            }
        };
        Ok((client, statement))
    }

    /// Drops the connection (after an error that may have left it in a
    /// transaction or broken): the next job opens a new one.
    pub(crate) fn reset(&mut self) {
        self.client = None;
        self.prepared.clear();
    }
}

/// One connection's thread.
pub(crate) struct Conn {
    jobs: mpsc::Sender<Job>,
    target: Arc<Target>,
    /// A call outlived its limit, or the thread is gone: never reused.
    given_up: AtomicBool,
}

/// Decrements the count of open threads when a connection's thread ends.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Conn {
    fn start(target: Arc<Target>, open: &Arc<AtomicUsize>) -> Result<Conn> {
        let counted = open
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_OPEN).then_some(n + 1)
            })
            .is_ok();
        if !counted {
            return Err(Error::Temporary(format!(
                "{MAX_OPEN} calls to the database {target} are unanswered; retry"
            )));
        }
        let open = Open(open.clone());
        let (tx, rx) = mpsc::channel::<Job>();
        let t = target.clone();
        std::thread::Builder::new()
            .name("sso-secrets db".into())
            .spawn(move || {
                let _open = open;
                let mut slot = Slot {
                    target: t,
                    client: None,
                    reused: false,
                    prepared: HashMap::new(),
                };
                // Ends when every sender is gone.
                while let Ok(job) = rx.recv() {
                    job(&mut slot);
                }
            })
            .map_err(|e| Error::io("cannot start a database thread", e))?;
        Ok(Conn {
            jobs: tx,
            target,
            given_up: AtomicBool::new(false),
        })
    }

    /// Runs `f` on this connection's thread and waits at most `limit` for
    /// its answer (then 75, and the connection is given up).
    pub(crate) fn run<R: Send + 'static>(
        &self,
        limit: Duration,
        f: impl FnOnce(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.submit(limit, f)
    }

    /// [`Conn::run`] for work that may run twice (reads, and taking the
    /// lock, whose first statement opens the transaction): when a
    /// connection kept open turns out to have died while idle (the server
    /// restarted), it runs once more on a new one, so a server recovers on
    /// its first request rather than once per kept connection.
    pub(crate) fn run_again_if_stale<R: Send + 'static>(
        &self,
        limit: Duration,
        f: impl Fn(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.submit(limit, move |slot| {
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
        limit: Duration,
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
        let stopped = || {
            self.given_up.store(true, Ordering::Relaxed);
            Error::failure("internal: the database thread stopped")
        };
        self.jobs.send(job).map_err(|_| stopped())?;
        match rx.recv_timeout(limit) {
            Ok(out) => out,
            Err(RecvTimeoutError::Timeout) => {
                self.given_up.store(true, Ordering::Relaxed);
                Err(Error::Temporary(format!(
                    "the database {} did not answer within {}s; retry",
                    self.target,
                    limit.as_secs()
                )))
            }
            Err(RecvTimeoutError::Disconnected) => Err(stopped()),
        }
    }

    /// Whether a call on it outlived its limit (it may still be running).
    pub(crate) fn given_up(&self) -> bool {
        self.given_up.load(Ordering::Relaxed)
    }

    /// Queues `f` without waiting (a rollback when a lock is let go).
    pub(crate) fn queue(&self, f: impl FnOnce(&mut Slot) + Send + 'static) {
        let _ = self.jobs.send(Box::new(f));
    }
}

/// Idle connections of one database, shared by the process.
pub(crate) struct Pool {
    target: Arc<Target>,
    idle: Mutex<Vec<Conn>>,
    /// Connection threads running, idle, busy or given up.
    open: Arc<AtomicUsize>,
}

/// Idle connections kept; more are opened while busy and closed after.
const MAX_IDLE: usize = 8;

impl Pool {
    pub(crate) fn new(target: Arc<Target>) -> Pool {
        Pool {
            target,
            idle: Mutex::new(Vec::new()),
            open: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A connection for the caller alone until it is given back.
    pub(crate) fn take(&self) -> Result<Conn> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(c) => Ok(c),
            None => Conn::start(self.target.clone(), &self.open),
        }
    }

    pub(crate) fn give(&self, conn: Conn) {
        if conn.given_up() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(conn);
        }
    }

    /// Runs `f`, a read, on any connection: at most [`CALL_LIMIT`], and again
    /// on a new connection if a kept one died while idle.
    pub(crate) fn run<R: Send + 'static>(
        &self,
        f: impl Fn(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let conn = self.take()?;
        let out = conn.run_again_if_stale(CALL_LIMIT, f);
        self.give(conn);
        out
    }

    /// Runs `f` on any connection, waiting at most `limit`.
    pub(crate) fn run_within<R: Send + 'static>(
        &self,
        limit: Duration,
        f: impl FnOnce(&mut Slot) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let conn = self.take()?;
        let out = conn.run(limit, f);
        self.give(conn);
        out
    }
}
