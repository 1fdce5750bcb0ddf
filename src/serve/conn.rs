//! One connection: TLS if configured, then HTTP/1 requests until it
//! closes, each handed to [`super::handler`]; and the `--metrics-listen`
//! port's connections.

use super::handler::{self, State};
use super::listen::Peer;
use super::log::Event;
use super::metrics::Metrics;
use super::{answer, deadline, tls};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

/// `--metrics-listen`: `/metrics` (GET or HEAD) and nothing else, in plain
/// HTTP. It holds no secret and takes no token; bind it where only the
/// scraper reaches.
pub(super) async fn metrics_loop(listener: TcpListener, metrics: Arc<Metrics>) {
    // A scraper needs one connection; a few more cover a second scraper and
    // a curl. More wait, so a client of this port cannot take file
    // descriptors from the service itself.
    let slots = Arc::new(tokio::sync::Semaphore::new(8));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _held = permit;
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .max_buf_size(16 * 1024);
            let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                let metrics = metrics.clone();
                async move {
                    let probe = matches!(*req.method(), hyper::Method::GET | hyper::Method::HEAD);
                    Ok::<_, std::convert::Infallible>(if req.uri().path() == "/metrics" && probe {
                        handler::metrics_answer(&metrics)
                    } else {
                        answer::text(404, "only /metrics here\n")
                    })
                }
            });
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

pub(super) async fn connection(
    stream: TcpStream,
    peer: Peer,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<State>,
    timeout: Duration,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let Some(acceptor) = tls else {
        return plain(stream, peer, state, timeout, watcher).await;
    };
    let _open = state.metrics.connection();
    match tls::handshake(&acceptor, stream, timeout).await {
        Ok(s) => http(s, peer, state, timeout, watcher).await,
        Err(failed) => {
            state.metrics.tls_failure(failed.reason);
            if let Some(detail) = &failed.detail {
                state.log.event(&Event {
                    event: "tls_handshake_failed",
                    peer: Some(peer),
                    reason: Some(failed.reason),
                    detail: Some(detail),
                });
            }
        }
    }
}

/// A connection without TLS: TCP, or the Unix socket.
pub(super) async fn plain<S>(
    stream: S,
    peer: Peer,
    state: Arc<State>,
    timeout: Duration,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _open = state.metrics.connection();
    http(stream, peer, state, timeout, watcher).await;
}

/// Serves HTTP/1 requests on `stream` until it closes.
async fn http<S>(
    stream: S,
    peer: Peer,
    state: Arc<State>,
    timeout: Duration,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(64 * 1024);
    let clock = Arc::new(deadline::RequestClock::default());
    let requests = clock.clone();
    let log = state.log.clone();
    let service = hyper::service::service_fn(move |req| {
        let state = state.clone();
        let began = requests.began();
        async move { Ok::<_, std::convert::Infallible>(handler::handle(&state, req, began, peer).await) }
    });
    let io = TokioIo::new(deadline::Stamped::new(stream, clock.clone()));
    let served = watcher.watch(http.serve_connection(io, service)).await;
    let Err(e) = served else { return };
    // An idle keep-alive connection closed at the timeout, or a client
    // that went away, is ordinary; a request that never arrived whole, or
    // bytes that are not HTTP, are worth a line.
    let (reason, event) = if e.is_timeout() {
        if !clock.mid_request() {
            return;
        }
        ("header_timeout", "timeout")
    } else if e.is_parse() || e.is_parse_too_large() || e.is_parse_status() {
        ("bad_http", "connection_error")
    } else {
        return;
    };
    let detail = e.to_string();
    log.event(&Event {
        event,
        peer: Some(peer),
        reason: Some(reason),
        detail: Some(&detail),
    });
}
