//! How long and how many connections the server keeps, and how it stops. hyper's own
//! connection loop is used rather than `axum::serve`, which offers neither a header-read
//! timeout nor a cap on connections: without them a few sockets that send half a request, or
//! never read their response, would hold the server's file descriptors for ever.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// How long and how many connections the server keeps. The defaults are for people on one
/// machine; tests shorten them.
#[derive(Clone, Debug)]
pub struct Limits {
    /// From the moment a connection may send a request head until the head is complete. hyper
    /// starts this clock again after each response, so it is also the keep-alive idle timeout:
    /// a socket that sends half a request, or nothing, is closed after it.
    pub header_read_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog until one ends.
    pub max_connections: usize,
    /// A connection older than this is asked to close after its current response, so a
    /// client that never reads its response cannot hold a slot for ever.
    pub max_connection_age: Duration,
    /// How long a connection asked to close (age, or Ctrl-C) may take to finish its response.
    pub close_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_connection_age: Duration::from_secs(300),
            close_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` completes; then stops accepting,
/// lets open connections finish their response (at most `close_grace`) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS) as u32;
    let slots = Arc::new(Semaphore::new(max as usize));
    let (stop, stopping) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        // A slot first, then accept: beyond the cap, connections wait in the kernel's backlog
        // instead of costing a file descriptor and a task here.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            stream = accept(&listener) => stream,
        };
        tokio::spawn(serve_connection(stream, app.clone(), limits.clone(), stopping.clone(), slot));
    }
    drop(listener);
    let _ = stop.send(());
    // Every connection holds a slot until it ends: all slots back means all connections ended.
    let _ = tokio::time::timeout(limits.close_grace, slots.acquire_many(max)).await;
    Ok(())
}

/// The next connection. Out of file descriptors, or a connection reset before it was accepted:
/// it waits a moment rather than spin, and keeps serving.
async fn accept(listener: &TcpListener) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                return stream;
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr().lock(), "playground-server: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Serves one connection, holding its `_slot` until it ends. When it grows older than
/// `max_connection_age` or the server is `stopping`, it is asked to close after its current
/// response and given `close_grace` to do so.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<()>,
    _slot: OwnedSemaphorePermit,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stopping.changed() => {}
        () = tokio::time::sleep(limits.max_connection_age) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(limits.close_grace, connection).await;
}
