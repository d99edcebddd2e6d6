//! The dev server under load and abuse, on loopback only, bounded in count and time: many
//! concurrent requests for the page and the wasm, then malformed ones (bad paths, a huge
//! header, garbage instead of HTTP). It must keep serving, with its headers, and never serve
//! a file outside its root.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn serve_fixture() -> std::net::SocketAddr {
    let base = std::env::temp_dir().join(format!("pg-load-{}", std::process::id()));
    let root = base.join("www");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(root.join("pkg/m_bg.wasm"), vec![0u8; 256 * 1024]).unwrap();
    std::fs::write(base.join("secret.txt"), "outside the root").unwrap();
    let app = playground_server::app(&root, playground_server::Options::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
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
        format!("GET / HTTP/1.1\r\nHost: x\r\nX-Long: {}\r\nConnection: close\r\n\r\n", "a".repeat(200_000));
    let abuse: Vec<Vec<u8>> = vec![
        get("/../secret.txt"),
        get("/%2e%2e/%2e%2e/secret.txt"),
        get("/pkg/..%2f..%2fsecret.txt"),
        get(&format!("/{}", "a/".repeat(5000))),
        long_header.into_bytes(),
        b"THIS IS NOT HTTP\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
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
