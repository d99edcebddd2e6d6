//! The dev server over real sockets: headers on every kind of file, paths that try to leave
//! the root or reach a dotfile, `Host` names it must refuse, and HEAD. Requests are written by
//! hand so that `..` reaches the server unnormalised.

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
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/config"), "a dotfile").unwrap();
    std::fs::write(root.join(".env"), "a dotfile").unwrap();
    #[cfg(unix)]
    let _ = std::os::unix::fs::symlink(root.join(".git"), root.join("git-link"));
    let options = playground_server::Options { allowed_hosts: vec!["pg.example.org".into()], ..Default::default() };
    let app = playground_server::app(&root, options).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = playground_server::Limits::default();
    tokio::spawn(playground_server::serve(listener, app, limits, std::future::pending()));
    (addr, base)
}

/// Sends a GET for `target` and returns (status, lower-cased header block, body).
async fn get(addr: std::net::SocketAddr, target: &str) -> (u16, String, String) {
    request(addr, &format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).await
}

/// Sends `raw` and returns (status, lower-cased header block, body).
async fn request(addr: std::net::SocketAddr, raw: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
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
        assert!(head.contains("cross-origin-resource-policy: cross-origin"), "{path}");
        assert!(head.contains("referrer-policy: no-referrer"), "{path}");
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
    stream.write_all(b"DELETE /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
}

#[tokio::test]
async fn dotfiles_and_dot_folders_are_not_found() {
    let (addr, _) = serve_fixture().await;
    for target in ["/.git/config", "/.env", "/%2egit/config", "/pkg/../.env", "/./index.html", "/git-link/config"] {
        let (status, _, body) = get(addr, target).await;
        assert_eq!(status, 404, "{target} gave {status}: {body}");
        assert!(!body.contains("a dotfile"), "{target}");
    }
    assert_eq!(get(addr, "/app.js").await.0, 200, "other files are still served");
}

#[tokio::test]
async fn only_the_machine_and_the_configured_names_are_answered() {
    let (addr, _) = serve_fixture().await;
    let port = addr.port();
    let with_host = |host: String| format!("GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    for host in [
        "localhost".to_string(),
        format!("localhost:{port}"),
        "LOCALHOST".into(),
        "127.0.0.1".into(),
        format!("127.0.0.1:{port}"),
        "[::1]".into(),
        format!("[::1]:{port}"),
        "pg.example.org:8080".into(),
    ] {
        let (status, _, body) = request(addr, &with_host(host.clone())).await;
        assert_eq!(status, 200, "Host {host}: {body}");
    }
    // A DNS-rebinding page's requests carry its own name.
    for host in ["attacker.example", "attacker.example:8080", "localhost.attacker.example", "127.0.0.1.nip.io", "x"] {
        let (status, head, body) = request(addr, &with_host(host.into())).await;
        assert_eq!(status, 421, "Host {host}: {body}");
        assert!(body.contains("answers only to") && body.contains(host), "{body}");
        assert!(!body.contains("<title>"), "no file for Host {host}");
        assert!(head.contains("content-security-policy"), "refusals carry the headers too");
    }
    let absolute = "GET http://attacker.example/index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assert_eq!(request(addr, absolute).await.0, 421, "an absolute-form target names the host");
}

#[tokio::test]
async fn head_answers_the_files_real_length_without_a_body() {
    let (addr, base) = serve_fixture().await;
    let length = std::fs::metadata(base.join("www/pkg/m_bg.wasm")).unwrap().len();
    let (status, head, body) =
        request(addr, "HEAD /pkg/m_bg.wasm HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    assert!(
        head.contains(&format!("content-length: {length}\r\n")) || head.ends_with(&format!("content-length: {length}")),
        "{head}"
    );
    assert!(head.contains("content-type: application/wasm"), "{head}");
    assert_eq!(body, "", "a HEAD answer has no body");
}

#[tokio::test]
async fn a_file_the_browser_has_is_not_sent_again() {
    let (addr, _) = serve_fixture().await;
    let (status, head, body) = get(addr, "/pkg/m_bg.wasm").await;
    assert_eq!((status, body.len()), (200, 8));
    let tag = head.lines().find_map(|l| l.strip_prefix("etag: ")).expect("an etag").to_string();
    let ask = |tags: &str| {
        format!("GET /pkg/m_bg.wasm HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: {tags}\r\nConnection: close\r\n\r\n")
    };
    let (status, head, body) = request(addr, &ask(&format!("\"other\", {tag}"))).await;
    assert_eq!((status, body.as_str()), (304, ""), "{head}");
    assert!(head.contains(&format!("etag: {tag}")), "{head}");
    assert!(head.contains("cross-origin-embedder-policy: require-corp"), "{head}");
    // Another tag (the file changed since): the bytes again.
    let (status, _, body) = request(addr, &ask("\"0-0\"")).await;
    assert_eq!((status, body.len()), (200, 8));
}
