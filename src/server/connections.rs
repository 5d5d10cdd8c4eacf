//! Accepting connections with bounds: how long a client may take to send its request head (and
//! how long an idle keep-alive connection is kept), how many connections are open at once, and
//! how many files the process may open.
//!
//! `axum::serve` exposes none of these, so the endpoint drives hyper's HTTP/1 connection itself
//! (hyper's own header-read timeout, hyper-util's graceful shutdown); the router is unchanged.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The bounds on client connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Time a client has to send a complete request head, from its first byte or, on a
    /// keep-alive connection, from the end of the previous answer (so also the idle timeout).
    pub header_timeout: Duration,
    /// Connections open at once; further clients wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// Time one write to a client may wait: a client that stops reading its answers (and so
    /// fills its socket's buffers) loses the connection instead of holding it for ever.
    pub write_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            max_connections: 8192,
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// Files kept free for the database, its WAL and the files the server reads.
const RESERVED_FILES: u64 = 64;

/// Raises the soft open-file limit to the hard one (where the system allows) and returns the
/// connection cap that fits under it: `wanted`, or fewer if the file limit is lower.
pub fn fit_file_limit(wanted: usize) -> usize {
    let wanted_files = wanted as u64 + RESERVED_FILES;
    let files = match rlimit::increase_nofile_limit(wanted_files) {
        Ok(files) => files,
        Err(error) => {
            tracing::warn!(%error, "cannot read or raise the open-file limit");
            return wanted;
        }
    };
    let fits = files.saturating_sub(RESERVED_FILES).max(1) as usize;
    if fits < wanted {
        tracing::warn!(open_files = files, max_connections = fits, "the open-file limit lowers the connection cap");
    }
    wanted.min(fits)
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // Request heads beyond this are refused; a card request needs a few hundred bytes.
        .max_buf_size(32 * 1024);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the cap, stop accepting: waiting clients queue in the backlog instead of costing a
        // file and a task each.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of files or memory for a moment: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request)
        });
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(limits.write_timeout));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(Box::pin(stream)), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("open connections cut after 10 s"),
    }
}
