//! The dev server over real sockets: headers on every kind of file, and paths that try to
//! leave the root. Requests are written by hand so that `..` reaches the server unnormalised.

use std::path::PathBuf;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn serve_fixture() -> (std::net::SocketAddr, PathBuf) {
    let base = std::env::temp_dir().join(format!("pg-http-{}-{:?}", std::process::id(), std::thread::current().id()));
    let root = base.join("www");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    std::fs::write(root.join("app.js"), "export {}").unwrap();
    std::fs::write(root.join("pkg/m_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(base.join("secret.txt"), "outside the root").unwrap();
    let app = playground_server::app(&root, playground_server::Options::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, base)
}

/// Sends `request_line` and returns (status, lower-cased header block, body).
async fn get(addr: std::net::SocketAddr, target: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

#[tokio::test]
async fn every_file_carries_the_isolation_headers_and_its_mime_type() {
    let (addr, _) = serve_fixture().await;
    for (path, mime) in [("/", "text/html"), ("/app.js", "text/javascript"), ("/pkg/m_bg.wasm", "application/wasm")] {
        let (status, head, _) = get(addr, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(head.contains(&format!("content-type: {mime}")), "{path}: {head}");
        assert!(head.contains("cross-origin-opener-policy: same-origin"), "{path}");
        assert!(head.contains("cross-origin-embedder-policy: require-corp"), "{path}");
        assert!(head.contains("cross-origin-resource-policy: same-origin"), "{path}");
        assert!(
            head.contains("content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"),
            "{path}"
        );
        assert!(!head.contains("unsafe-inline"), "{path}");
    }
}

#[tokio::test]
async fn paths_outside_the_root_are_not_found() {
    let (addr, _) = serve_fixture().await;
    for target in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/pkg/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/etc/passwd",
        "//etc/passwd",
        "/%252e%252e/secret.txt",
    ] {
        let (status, head, body) = get(addr, target).await;
        assert_eq!(status, 404, "{target} gave {status}: {body}");
        assert!(!body.contains("outside the root"), "{target}");
        assert!(head.contains("cross-origin-opener-policy: same-origin"), "404s carry the headers too");
    }
}

#[tokio::test]
async fn other_methods_are_refused() {
    let (addr, _) = serve_fixture().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"DELETE /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
}
