//! `sso-secrets serve`: the vault as an RFC-134 server.
//!
//! The server is one more caller of the operation seam: each HTTP request
//! is parsed into an [`ops::Request`](crate::ops::Request) ([`route`]), its
//! Bearer token becomes the credential, and the local backend answers:
//! reads directly, writes through the group-commit [`writer`]. The server
//! holds no key and no passphrase; each request opens its own token's slot,
//! so a revoked token fails on its next request. With `--trusted-front`
//! ([`front`]) it holds one token, the operator's, and a request without
//! `Authorization` from the front opens that token's slot the same way.
//! It listens on TCP or a Unix socket ([`listen`]); [`conn`] serves one
//! connection.
//!
//! Around that, what running it as a service needs: `/healthz`, the access
//! log ([`log`], one JSON line per request or connection event, each
//! failure with a one-word [`reason`]), `/metrics` ([`metrics`]),
//! systemd's readiness protocol ([`notify`]) and socket activation
//! ([`activation`]), and SIGHUP reloading the TLS certificate without
//! dropping a connection.

mod activation;
mod answer;
mod audit;
mod body;
mod conn;
mod deadline;
mod front;
mod handler;
mod listen;
mod log;
mod metrics;
mod notify;
mod peers;
mod reason;
mod route;
mod tls;
mod writer;

pub(crate) use front::{Config as FrontConfig, Trusted};

use crate::error::{Error, Result};
use crate::local::VaultConfig;
use handler::State;
use hyper_util::server::graceful::GracefulShutdown;
use listen::{Accepted, Addr, Listener, Peer};
use log::Event;
use metrics::Metrics;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, UnixStream};
use tokio::signal::unix::{SignalKind, signal};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The vault and how it may be used.
    pub vault: VaultConfig,
    /// `ADDR:PORT` to listen on (a host name is resolved), or `unix:PATH`;
    /// not used when systemd passes a socket (`LISTEN_FDS`).
    pub listen: String,
    /// The mode of a `unix:PATH` socket.
    pub socket_mode: u32,
    /// `--trusted-front`: its peers and the server's token.
    pub front: Option<front::Config>,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Allow plain HTTP on an address other than loopback.
    pub insecure_http: bool,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Connections one client address may hold at once; more are closed.
    pub max_connections_per_peer: usize,
    /// How long a client may take to send a whole request, head and body
    /// together from its first byte (also how long an idle keep-alive
    /// connection stays open), and its TLS handshake.
    pub header_timeout: Duration,
    /// How long shutdown waits for requests in flight.
    pub grace: Duration,
    /// `ADDR:PORT` for `/metrics` alone (plain HTTP); `None`: `/metrics`
    /// is answered on `listen`.
    pub metrics_listen: Option<String>,
}

/// Runs the server until SIGINT or SIGTERM, then lets requests in flight
/// finish. The first line on `log` is `listening on http(s)://ADDR`; then
/// one JSON line per request.
pub fn run(opts: Options, log: &mut dyn std::io::Write) -> Result<()> {
    // First, while this is the only thread: it edits the environment.
    let passed = activation::passed()?;
    let addr = match &passed {
        Some(p) => p.addr()?,
        None => Addr::parse(&opts.listen)?,
    };
    match &addr {
        Addr::Tcp(a) if opts.tls.is_none() && !opts.insecure_http && !a.ip().is_loopback() => {
            return Err(Error::Usage(format!(
                "refusing plain HTTP on {a}, which is not a loopback address: \
                 give --tls-cert and --tls-key, or --insecure-http"
            )));
        }
        Addr::Unix(_) if opts.tls.is_some() => {
            return Err(Error::Usage(
                "--tls-cert is for TCP: a --listen unix: socket never leaves this host".into(),
            ));
        }
        _ => {}
    }
    if let Some(f) = &opts.front {
        front::check_peers(&f.peers, matches!(addr, Addr::Unix(_)))?;
    }
    let metrics_addr = opts
        .metrics_listen
        .as_deref()
        .map(listen::resolve)
        .transpose()?;
    let tls = match &opts.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key)?),
        None => None,
    };
    // Exit 1 now rather than a 500 on every request.
    let store = opts.vault.store()?;
    let warning = store.check_present()?;
    // A token that does not open stops the server now (exit 43), not
    // every front request later.
    let front = match opts.front.clone() {
        Some(config) => Some(front::Front::open(&opts.vault, config)?),
        None => None,
    };
    // A database store learns of every commit from now on, so that reads
    // can use a head confirmed current within 100 ms.
    store.watch();
    // One single-threaded runtime per core, each with its own connections:
    // a request is read, answered and written by one thread, with no
    // hand-off between threads (on two cores, cross-thread wake-ups cost
    // more than the vault work of a get). Runtime 0 also accepts, and
    // hands connections out in turn.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let runtimes = (0..cores)
        .map(|_| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::io("cannot start the async runtime", e))
        })
        .collect::<Result<Vec<_>>>()?;
    let activated = passed.is_some();
    let (listener, metrics_listener, stop) = runtimes[0].block_on(async {
        let listener = match passed {
            Some(p) => p.into_listener()?,
            None => Listener::bind(&addr, opts.socket_mode).await?,
        };
        let metrics_listener =
            match metrics_addr {
                Some(a) => Some(TcpListener::bind(a).await.map_err(|e| {
                    Error::io(format!("cannot listen on {a} (--metrics-listen)"), e)
                })?),
                None => None,
            };
        // Handlers exist before anyone learns the address, so a signal sent
        // right after the first line is never fatal (SIGHUP included, whose
        // default would end the process).
        let stop = Signals::new()?;
        Ok::<_, Error>((listener, metrics_listener, stop))
    })?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let _ = writeln!(log, "listening on {}", listener.describe(scheme)?);
    if activated {
        let _ = writeln!(
            log,
            "on the socket systemd passed (LISTEN_FDS); --listen is not used"
        );
    }
    if let Some(m) = &metrics_listener
        && let Ok(a) = m.local_addr()
    {
        let _ = writeln!(log, "metrics on http://{a}/metrics");
    }
    if let Some(w) = warning {
        let _ = writeln!(log, "{w}");
    }
    if let Some(w) = opts
        .front
        .as_ref()
        .and_then(|f| front::loopback_warning(&f.peers))
    {
        let _ = writeln!(log, "{w}");
    }
    let _ = log.flush();
    // After the address is printed, as systemd expects: ready means
    // connections are accepted. A manager that cannot be told is said, once.
    if let Err(e) = notify::notify("READY=1") {
        let _ = writeln!(
            log,
            "cannot notify the service manager (NOTIFY_SOCKET): {e}"
        );
    }

    let (log_tx, log_rx) = std::sync::mpsc::channel();
    let metrics = Metrics::new();
    let (writes, writer_thread) = writer::Writer::start(opts.vault.clone(), metrics.clone())?;
    let state = Arc::new(State {
        vault: opts.vault.clone(),
        writes,
        log: log::Log(log_tx),
        request_timeout: opts.header_timeout,
        metrics: metrics.clone(),
        metrics_here: metrics_listener.is_none(),
        audit: audit::Auditor::start(opts.vault.clone())?,
        front,
    });
    let handles: Vec<_> = runtimes.iter().map(|r| r.handle().clone()).collect();
    // Runtime 0 accepts until a signal, lets requests in flight finish,
    // closes the log, then tells the other runtimes to stop.
    let (done, _) = tokio::sync::watch::channel(false);
    let mut runtimes = runtimes.into_iter();
    let first = runtimes.next();
    let mut threads = Vec::new();
    for (i, runtime) in runtimes.enumerate() {
        let mut finished = done.subscribe();
        threads.push(spawn_thread(i + 1, move || {
            runtime.block_on(async move {
                let _ = finished.wait_for(|d| *d).await;
            });
            // Drops what outlived the grace period.
            runtime.shutdown_timeout(Duration::ZERO);
        })?);
    }
    if let Some(runtime) = first {
        if let Some(m) = metrics_listener {
            // Ends with runtime 0, when the server stops.
            runtime.spawn(conn::metrics_loop(m, metrics));
        }
        let accept = accept_loop(listener, tls, state, opts, stop, handles);
        threads.push(spawn_thread(0, move || {
            runtime.block_on(accept);
            let _ = done.send(true);
            runtime.shutdown_timeout(Duration::ZERO);
        })?);
    }
    // Returns once the accept loop has closed the log, after the requests
    // in flight (or the grace period).
    log::drain(log_rx, log);
    for t in threads {
        let _ = t.join();
    }
    // The last handles on the writer's queue are gone with the runtimes;
    // the writer finishes the batch it is on.
    let _ = writer_thread.join();
    Ok(())
}

fn spawn_thread(
    i: usize,
    f: impl FnOnce() + Send + 'static,
) -> Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("sso-secrets serve {i}"))
        .spawn(f)
        .map_err(|e| Error::io("cannot start a server thread", e))
}

/// SIGTERM and SIGINT: the first stops accepting and lets requests in
/// flight finish; a second stops waiting for them. SIGHUP reloads the TLS
/// certificate.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

/// What a signal asks for.
enum Asked {
    Stop,
    Reload,
}

impl Signals {
    fn new() -> Result<Signals> {
        let fail = |e| Error::io("cannot install signal handlers", e);
        Ok(Signals {
            term: signal(SignalKind::terminate()).map_err(fail)?,
            int: signal(SignalKind::interrupt()).map_err(fail)?,
            hup: signal(SignalKind::hangup()).map_err(fail)?,
        })
    }

    async fn next(&mut self) -> Asked {
        tokio::select! {
            _ = self.term.recv() => Asked::Stop,
            _ = self.int.recv() => Asked::Stop,
            _ = self.hup.recv() => Asked::Reload,
        }
    }

    /// The next SIGTERM or SIGINT; SIGHUPs meanwhile are ignored.
    async fn stop(&mut self) {
        while let Asked::Reload = self.next().await {}
    }
}

/// SIGHUP: the certificate and key files read again. A pair that does not
/// load is refused with a log line, and the one in use is kept; either way
/// connections already open keep the session they have.
fn reload(opts: &Options, tls: &mut Option<tokio_rustls::TlsAcceptor>, state: &State) {
    let Some((cert, key)) = &opts.tls else {
        state.log.event(&Event {
            event: "reload",
            peer: None,
            reason: Some("no_tls"),
            detail: Some("SIGHUP: nothing to reload without --tls-cert"),
        });
        return;
    };
    match tls::acceptor(cert, key) {
        Ok(new) => {
            *tls = Some(new);
            state.metrics.tls_reload("ok");
            state.log.event(&Event {
                event: "tls_reloaded",
                peer: None,
                reason: None,
                detail: Some("SIGHUP: new connections get the certificate now in --tls-cert"),
            });
        }
        Err(e) => {
            state.metrics.tls_reload("refused");
            let detail = format!("{}; the certificate in use is kept", e.detail());
            state.log.event(&Event {
                event: "tls_reload_failed",
                peer: None,
                reason: Some("bad_certificate"),
                detail: Some(&detail),
            });
        }
    }
}

async fn accept_loop(
    listener: Listener,
    mut tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<State>,
    opts: Options,
    mut stop: Signals,
    runtimes: Vec<tokio::runtime::Handle>,
) {
    let graceful = GracefulShutdown::new();
    let mut next = 0usize;
    let slots = Arc::new(tokio::sync::Semaphore::new(opts.max_connections.max(1)));
    let peers = peers::Peers::new(opts.max_connections_per_peer);
    // Whether every slot is taken: said once each time it happens.
    let mut saturated = false;
    loop {
        let full = slots.available_permits() == 0;
        if full && !saturated {
            state.metrics.saturated();
            let detail = format!(
                "all {} connections are in use (--max-connections): new ones wait to be accepted",
                opts.max_connections.max(1)
            );
            state.log.event(&Event {
                event: "saturated",
                peer: None,
                reason: Some("max_connections"),
                detail: Some(&detail),
            });
        }
        saturated = full;
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p,
            asked = stop.next() => match asked {
                Asked::Stop => break,
                Asked::Reload => { reload(&opts, &mut tls, &state); continue; }
            },
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            asked = stop.next() => match asked {
                Asked::Stop => break,
                Asked::Reload => { reload(&opts, &mut tls, &state); continue; }
            },
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            // Out of descriptors or a connection reset before accept: the
            // listener itself is fine; pause instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Over its share, a peer's connection is closed unread; its slot
        // goes back with the permit. The Unix socket's peers have no
        // address to count by: its mode decides who connects at all.
        let share = match peer {
            Peer::Ip(ip) => match peers.admit(ip) {
                Some(share) => Some(share),
                None => {
                    state.metrics.refused("per_peer_limit");
                    state.log.refused(peer, peers.limit());
                    continue;
                }
            },
            Peer::Unix => None,
        };
        let watcher = graceful.watcher();
        let state = state.clone();
        let tls = tls.clone();
        let timeout = opts.header_timeout;
        // Connections go to the runtimes in turn; each stays on its own.
        next = next.wrapping_add(1);
        let Some(runtime) = runtimes.get(next % runtimes.len()) else {
            continue;
        };
        runtime.spawn(async move {
            let _held = (permit, share);
            // Registered with the runtime that serves it.
            match stream {
                Accepted::Tcp(s) => {
                    if let Ok(s) = TcpStream::from_std(s) {
                        conn::connection(s, peer, tls, state, timeout, watcher).await;
                    }
                }
                Accepted::Unix(s) => {
                    if let Ok(s) = UnixStream::from_std(s) {
                        conn::plain(s, peer, state, timeout, watcher).await;
                    }
                }
            }
        });
    }
    drop(listener);
    // The manager learns the server is going before requests in flight
    // end, so it does not count the wait as a hang.
    if let Err(e) = notify::notify("STOPPING=1") {
        let detail = e.to_string();
        state.log.event(&Event {
            event: "notify_failed",
            peer: None,
            reason: Some("notify_socket"),
            detail: Some(&detail),
        });
    }
    let log = state.log.clone();
    drop(state);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(opts.grace) => {}
        () = stop.stop() => {}
    }
    log.close();
}
