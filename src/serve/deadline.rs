//! One deadline per request, for its head and its body together.
//!
//! hyper bounds how long a head may take (`--header-timeout`, counted from
//! the moment the connection waits for one); a body read with a timeout per
//! piece has no bound at all, so one byte every few seconds would hold a
//! connection for as long as the client likes. The connection's bytes
//! therefore pass through [`Stamped`], which notes when the request being
//! read sent its first byte; the handler reads the body until that instant
//! plus the timeout, and no later.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// When the request now being read began. Shared by a connection's bytes
/// ([`Stamped`]) and its request handler.
#[derive(Debug, Default)]
pub(crate) struct RequestClock(Mutex<Marks>);

#[derive(Debug, Default)]
struct Marks {
    /// The first byte read since the last answer went out.
    began: Option<Instant>,
    /// An answer (or a `100 Continue`) was written since `began`: the next
    /// byte read belongs to the next request.
    answered: bool,
}

impl RequestClock {
    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        // The marks stay consistent whatever a panicking holder did.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self) {
        let mut m = self.marks();
        if m.began.is_none() || m.answered {
            m.began = Some(Instant::now());
            m.answered = false;
        }
    }

    fn wrote(&self) {
        self.marks().answered = true;
    }

    /// Whether a request has begun to arrive and is not answered yet: a
    /// connection that times out then lost a request; one that times out
    /// otherwise was only idle.
    pub(crate) fn mid_request(&self) -> bool {
        let m = self.marks();
        m.began.is_some() && !m.answered
    }

    /// When the request being handled sent its first byte. A request that
    /// came in one read with the previous one (pipelined) counts from that
    /// read: it was all there already.
    pub(crate) fn began(&self) -> Instant {
        self.marks().began.unwrap_or_else(Instant::now)
    }
}

/// A connection's byte stream, noting on `clock` when each request starts.
pub(crate) struct Stamped<S> {
    io: S,
    clock: Arc<RequestClock>,
}

impl<S> Stamped<S> {
    pub(crate) fn new(io: S, clock: Arc<RequestClock>) -> Self {
        Stamped { io, clock }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Stamped<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.clock.read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Stamped<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.clock.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.clock.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn a_request_counts_from_its_first_byte_until_the_answer() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, server) = tokio::io::duplex(64);
            let clock = Arc::new(RequestClock::default());
            let mut server = Stamped::new(server, clock.clone());
            let mut client = client;
            let mut buf = [0u8; 8];

            client.write_all(b"head").await.unwrap();
            server.read_exact(&mut buf[..4]).await.unwrap();
            let first = clock.began();
            // More of the same request: still the same start.
            client.write_all(b"body").await.unwrap();
            server.read_exact(&mut buf[..4]).await.unwrap();
            assert_eq!(clock.began(), first);
            // The answer goes out; the next byte starts the next request.
            server.write_all(b"ok").await.unwrap();
            client.read_exact(&mut buf[..2]).await.unwrap();
            assert_eq!(clock.began(), first);
            std::thread::sleep(std::time::Duration::from_millis(2));
            client.write_all(b"next").await.unwrap();
            server.read_exact(&mut buf[..4]).await.unwrap();
            assert!(clock.began() > first);
        });
    }
}
