//! The dev server under load and abuse, on loopback only, bounded in count and time: many
//! concurrent requests for the page and the wasm, then malformed ones (bad paths, a huge
//! header, garbage instead of HTTP). It must keep serving, with its headers, and never serve
//! a file outside its root. And sockets that send half a request and wait: the server closes
//! them after its header-read timeout, and answers others meanwhile, within its connection cap.

use std::time::{Duration, Instant};

use playground_server::Limits;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn serve_fixture() -> std::net::SocketAddr {
    serve_fixture_with(Limits::default()).await
}

async fn serve_fixture_with(limits: Limits) -> std::net::SocketAddr {
    let base = std::env::temp_dir().join(format!("pg-load-{}", std::process::id()));
    let root = base.join("www");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(root.join("pkg/m_bg.wasm"), vec![0u8; 256 * 1024]).unwrap();
    std::fs::write(base.join("secret.txt"), "outside the root").unwrap();
    let app = playground_server::app(&root, playground_server::Options::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(playground_server::serve(listener, app, limits, std::future::pending()));
    addr
}

/// Writes `raw` and reads the whole answer (the connection closes after one request).
async fn exchange(addr: std::net::SocketAddr, raw: Vec<u8>) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(&raw).await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).to_string()
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_keeps_serving_under_load_and_abuse() {
    let addr = serve_fixture().await;
    let started = Instant::now();

    // 400 requests, 50 at a time: the page and a 256 KB wasm.
    let mut ok = 0;
    for round in 0..8 {
        let batch: Vec<_> = (0..50)
            .map(|i| tokio::spawn(exchange(addr, get(if (round + i) % 2 == 0 { "/" } else { "/pkg/m_bg.wasm" }))))
            .collect();
        for answer in batch {
            let answer = answer.await.unwrap();
            assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..answer.len().min(200)]);
            assert!(answer.to_ascii_lowercase().contains("cross-origin-embedder-policy: require-corp"));
            ok += 1;
        }
    }
    assert_eq!(ok, 400);

    // Malformed and hostile requests: each answered (or dropped), none serves the secret.
    let long_header =
        format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: {}\r\nConnection: close\r\n\r\n", "a".repeat(200_000));
    let abuse: Vec<Vec<u8>> = vec![
        get("/../secret.txt"),
        get("/%2e%2e/%2e%2e/secret.txt"),
        get("/pkg/..%2f..%2fsecret.txt"),
        get(&format!("/{}", "a/".repeat(5000))),
        long_header.into_bytes(),
        b"THIS IS NOT HTTP\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /\0 HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n".to_vec(),
        vec![0xff; 4096],
    ];
    for raw in &abuse {
        let answer = exchange(addr, raw.clone()).await;
        assert!(
            !answer.contains("outside the root"),
            "served the secret for {:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(60)])
        );
        if let Some(status) = answer.split(' ').nth(1) {
            assert!(status.starts_with('4'), "{status} for {:?}", String::from_utf8_lossy(&raw[..raw.len().min(60)]));
        }
    }

    // And it still serves, headers intact.
    let answer = exchange(addr, get("/")).await;
    assert!(answer.starts_with("HTTP/1.1 200"));
    assert!(answer.to_ascii_lowercase().contains("cross-origin-opener-policy: same-origin"));
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

/// Half a request: a request line and one header, never the blank line that ends the head.
const HALF_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n";

/// Waits until the server closes `stream` (EOF or reset); returns how long that took, or
/// None if it was still open after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    let deadline = started + limit;
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {} // an error page before closing is fine
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_half_requests_are_closed_while_others_are_answered() {
    const IDLE: usize = 400;
    let timeout = Duration::from_millis(1500);
    let addr = serve_fixture_with(Limits { header_read_timeout: timeout, ..Limits::default() }).await;
    let started = Instant::now();

    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(HALF_REQUEST).await.unwrap();
        idle.push(stream);
    }
    let opened = started.elapsed();

    // A whole request, while they all wait: answered at once, not after the timeout.
    let asked = Instant::now();
    let answer = exchange(addr, get("/")).await;
    let answered = asked.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..answer.len().min(200)]);
    assert!(answered < timeout / 2, "a normal request took {answered:?} beside {IDLE} idle sockets");

    // Every idle one is closed by the server within the timeout (and some slack), none before.
    let mut slowest = Duration::ZERO;
    for (i, stream) in idle.iter_mut().enumerate() {
        let waited = closed_within(stream, timeout * 4).await;
        let waited = waited.unwrap_or_else(|| panic!("idle socket {i} still open after {:?}", timeout * 4));
        slowest = slowest.max(waited);
    }
    let since_start = started.elapsed();
    assert!(since_start >= timeout, "closed before the timeout: {since_start:?}");
    eprintln!(
        "{IDLE} idle half-request sockets opened in {opened:?}; a normal request answered in {answered:?} \
         meanwhile; all idle sockets closed {since_start:?} after the first was opened (timeout {timeout:?}); \
         total {:?}",
        started.elapsed()
    );
    assert!(since_start < timeout * 4, "took {since_start:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keep_alive_connection_left_idle_is_closed() {
    let timeout = Duration::from_millis(800);
    let addr = serve_fixture_with(Limits { header_read_timeout: timeout, ..Limits::default() }).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let waited = closed_within(&mut stream, timeout * 5).await;
    let waited = waited.expect("a keep-alive connection that sends nothing more is closed");
    eprintln!("an idle keep-alive connection was closed after {waited:?} (timeout {timeout:?})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_connection_cap_a_request_waits_for_a_free_slot() {
    let timeout = Duration::from_millis(1000);
    let limits = Limits { header_read_timeout: timeout, max_connections: 8, ..Limits::default() };
    let addr = serve_fixture_with(limits).await;
    let started = Instant::now();
    let mut idle = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(HALF_REQUEST).await.unwrap();
        idle.push(stream);
    }
    // The ninth waits in the backlog (it is not refused) until a timeout frees a slot.
    let answer = exchange(addr, get("/")).await;
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..answer.len().min(200)]);
    assert!(waited >= timeout * 9 / 10, "answered after {waited:?}, before any slot was free");
    assert!(waited < timeout * 5, "answered only after {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_accepting_and_returns_despite_idle_connections() {
    let root = std::env::temp_dir().join(format!("pg-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("index.html"), "hi").unwrap();
    let app = playground_server::app(&root, playground_server::Options::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(playground_server::serve(listener, app, Limits::default(), async {
        let _ = stopped.await;
    }));
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    let asked = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("serve returned").unwrap().unwrap();
    assert!(asked.elapsed() < Duration::from_secs(2), "an idle keep-alive held shutdown for {:?}", asked.elapsed());
    assert!(closed_within(&mut idle, Duration::from_secs(2)).await.is_some(), "the idle connection was closed");
    assert!(TcpStream::connect(addr).await.is_err(), "no longer listening");
}
