//! The playground's development server: static files from one folder, with the headers that
//! make the page cross-origin isolated (so it may share memory between Web Workers).
//!
//! HTTP itself is axum's and hyper's; this crate only decides which file a path names (never
//! one outside the root) and which headers every response carries.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

/// How the server presents the site; the defaults are the dev server's. The other settings
/// stand in for the hosts a course author may have: one that sends no headers at all, or one
/// whose visitors cannot use service workers.
#[derive(Clone, Debug)]
pub struct Options {
    /// Send COOP/COEP/CORP, Document-Isolation-Policy and CSP (a host that can set headers).
    pub isolation_headers: bool,
    /// Also send `Document-Isolation-Policy`, which isolates the page even in a frame.
    pub document_isolation: bool,
    /// Serve `coi-serviceworker.js`; when false it is 404, as if service workers were blocked.
    pub service_worker: bool,
    /// The CSP `frame-ancestors` value for `embed.html`: who may frame the embed (`'self'`, or
    /// `*` for course sites). Every other page may only be framed by the site itself.
    pub frame_ancestors: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            isolation_headers: true,
            document_isolation: true,
            service_worker: true,
            frame_ancestors: "'self'".into(),
        }
    }
}

/// The Content-Security-Policy: scripts only from this origin, no inline script, and
/// `'wasm-unsafe-eval'` so WebAssembly may be compiled.
pub fn content_security_policy(frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {frame_ancestors}"
    )
}

/// Headers on every response, files and errors alike. COOP + COEP make a top-level page
/// cross-origin isolated, which is what lets it share memory between workers (wasm threads);
/// Document-Isolation-Policy does the same for a page inside a frame (Chromium).
pub fn security_headers(options: &Options, path: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        // A development server: always revalidate, so a rebuild shows on the next reload.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if options.isolation_headers {
        headers.extend([
            (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
            (HeaderName::from_static("cross-origin-embedder-policy"), HeaderValue::from_static("require-corp")),
            (HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin")),
        ]);
        let frame_ancestors = if path == "/embed.html" { options.frame_ancestors.as_str() } else { "'self'" };
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(frame_ancestors)) {
            headers.push((header::CONTENT_SECURITY_POLICY, csp));
        }
        if options.document_isolation {
            headers.push((
                HeaderName::from_static("document-isolation-policy"),
                HeaderValue::from_static("isolate-and-require-corp"),
            ));
        }
    }
    headers
}

/// The MIME type for a file name; browsers refuse module scripts and streaming wasm
/// compilation without the right one.
pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file under `root` (already canonical) that the URL path `uri_path` names, or None if
/// it names nothing there or tries to leave it: `..` (also percent-encoded), backslashes, NUL,
/// or a symlink pointing outside.
pub fn resolve(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let canonical = path.canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

struct Site {
    root: PathBuf,
    options: Options,
}

/// The app serving files from `root`.
pub fn app(root: &Path, options: Options) -> std::io::Result<Router> {
    let site = Arc::new(Site { root: root.canonicalize()?, options });
    Ok(Router::new()
        .fallback(serve_file)
        .layer(middleware::from_fn_with_state(site.clone(), add_headers_and_log))
        .with_state(site))
}

/// The most header bytes a request may carry: a page needs a few hundred. (hyper itself
/// closes connections whose head exceeds its buffer, about 400 KB.)
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

async fn serve_file(State(site): State<Arc<Site>>, method: Method, request: Request) -> Response {
    let header_bytes: usize = request.headers().iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large\n").into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "method not allowed\n")
            .into_response();
    }
    let blocked = !site.options.service_worker && request.uri().path() == "/coi-serviceworker.js";
    let Some(path) = resolve(&site.root, request.uri().path()).filter(|_| !blocked) else {
        return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found\n")
            .into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_type(&path)));
            let body = if method == Method::HEAD { Body::empty() } else { Body::from(bytes) };
            (StatusCode::OK, headers, body).into_response()
        }
        Err(_) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// Adds the security headers to every response and logs one line per request.
async fn add_headers_and_log(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let mut response = next.run(request).await;
    for (name, value) in security_headers(&site.options, &path) {
        response.headers_mut().insert(name, value);
    }
    let shown: String = path.chars().take(200).collect();
    println!("{method} {shown} {} {:.1} ms", response.status().as_u16(), started.elapsed().as_secs_f64() * 1000.0);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_embed_may_be_framed_by_other_sites() {
        let options = Options { frame_ancestors: "*".into(), ..Options::default() };
        let csp = |path| {
            security_headers(&options, path)
                .into_iter()
                .find(|(n, _)| n == header::CONTENT_SECURITY_POLICY)
                .map(|(_, v)| v.to_str().unwrap().to_string())
                .unwrap()
        };
        assert!(csp("/embed.html").ends_with("frame-ancestors *"));
        assert!(csp("/").ends_with("frame-ancestors 'self'"));
        assert!(csp("/index.html").ends_with("frame-ancestors 'self'"));
    }

    #[test]
    fn without_isolation_headers_nothing_isolating_is_sent() {
        let options = Options { isolation_headers: false, ..Options::default() };
        let names: Vec<String> = security_headers(&options, "/").iter().map(|(n, _)| n.to_string()).collect();
        assert!(!names.iter().any(|n| n.starts_with("cross-origin") || n.contains("isolation")), "{names:?}");
    }

    #[test]
    fn resolve_refuses_to_leave_the_root() {
        let root = std::env::temp_dir().join(format!("pg-resolve-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("index.html"), "hi").unwrap();
        std::fs::write(root.join("sub/a.js"), "x").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/sub/a.js"), Some(root.join("sub/a.js")));
        assert_eq!(resolve(&root, "/sub/%61.js"), Some(root.join("sub/a.js")));
        for bad in [
            "/../etc/passwd",
            "/sub/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2fetc",
            "/sub\\..\\..\\x",
            "/etc/passwd",
            "/a%00b",
            "/c:/x",
        ] {
            assert_eq!(resolve(&root, bad), None, "{bad}");
        }
    }

    #[test]
    fn mime_types_are_the_ones_browsers_require() {
        assert_eq!(mime_type(Path::new("x.wasm")), "application/wasm");
        assert!(mime_type(Path::new("x.js")).starts_with("text/javascript"));
        assert!(mime_type(Path::new("index.html")).starts_with("text/html"));
    }
}
