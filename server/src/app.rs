//! What the server answers to one request: a file of the root for a GET or HEAD that names an
//! allowed `Host`, else a short plain-text refusal; every answer with the security headers and
//! one log line. The checks run before any file is touched, so a refused request costs nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::Options;
use crate::files::{PLAIN_TEXT, mime_type, resolve};
use crate::frame_ancestors::validate_frame_ancestors;
use crate::headers::security_headers;
use crate::hosts::{allowed_hosts, host_name, request_host};

/// What every request handler reads: decided once, in [`app`].
struct Site {
    root: PathBuf,
    options: Options,
    allowed_hosts: Vec<String>,
}

/// The app serving files from `root`.
pub fn app(root: &Path, options: Options) -> std::io::Result<Router> {
    validate_frame_ancestors(&options.frame_ancestors)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let allowed_hosts = allowed_hosts(&options.allowed_hosts);
    let site = Arc::new(Site { root: root.canonicalize()?, options, allowed_hosts });
    Ok(Router::new()
        .fallback(serve_file)
        .layer(middleware::from_fn_with_state(site.clone(), add_headers_and_log))
        .with_state(site))
}

/// The most header bytes a request may carry: a page needs a few hundred. (hyper itself
/// closes connections whose head exceeds its buffer, about 400 KB.)
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

fn text(status: StatusCode, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, PLAIN_TEXT)], message).into_response()
}

fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "not found\n".into())
}

async fn serve_file(State(site): State<Arc<Site>>, method: Method, request: Request) -> Response {
    if let Some(refusal) = refusal(&site, &method, &request) {
        return refusal;
    }
    let blocked = !site.options.service_worker && request.uri().path() == "/coi-serviceworker.js";
    match resolve(&site.root, request.uri().path()).filter(|_| !blocked) {
        Some(path) => file_response(&path, &method, request.headers()).await,
        None => not_found(),
    }
}

/// The answer to a request no file is served for, if it is one: headers too large, no `Host`
/// or one the site does not answer to, a method other than GET and HEAD.
fn refusal(site: &Site, method: &Method, request: &Request) -> Option<Response> {
    let header_bytes: usize = request.headers().iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(text(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large\n".into()));
    }
    let Some(host) = request_host(request) else {
        return Some(text(StatusCode::BAD_REQUEST, "the request names no Host\n".into()));
    };
    if !host_name(&host).is_some_and(|name| site.allowed_hosts.contains(&name)) {
        return Some(misdirected(site, &host));
    }
    if method != Method::GET && method != Method::HEAD {
        let allow = [(header::ALLOW, "GET, HEAD")];
        return Some((StatusCode::METHOD_NOT_ALLOWED, allow, "method not allowed\n").into_response());
    }
    None
}

/// The refusal of a `Host` the site does not answer to, saying how to add it.
fn misdirected(site: &Site, host: &str) -> Response {
    let shown: String = host.chars().take(100).collect();
    let message = format!(
        "this server answers only to {}, not to Host {shown:?}; start it with --allow-host NAME to add a name\n",
        site.allowed_hosts.join(", ")
    );
    text(StatusCode::MISDIRECTED_REQUEST, message)
}

/// The file at `path` for a GET; for a HEAD, the headers a GET would send; for a request
/// whose `If-None-Match` names the file's current entity tag, 304 and no bytes.
async fn file_response(path: &Path, method: &Method, request: &HeaderMap) -> Response {
    let Ok(metadata) = tokio::fs::metadata(path).await else {
        return not_found();
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_type(path)));
    if let Some(tag) = entity_tag(&metadata) {
        if names_tag(request, &tag) {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
        }
        headers.insert(header::ETAG, tag);
    }
    if method == Method::HEAD {
        // The length a GET would send, from the metadata: a HEAD reads no file.
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(metadata.len()));
        return (StatusCode::OK, headers, Body::empty()).into_response();
    }
    match tokio::fs::read(path).await {
        Ok(bytes) => (StatusCode::OK, headers, Body::from(bytes)).into_response(),
        Err(_) => not_found(),
    }
}

/// A tag for the file's current content, from its size and modification time. With
/// `Cache-Control: no-cache` a browser asks again before each use (every reload, every new
/// worker's script); with the tag it gets 304 instead of the bytes, as from a static host.
fn entity_tag(metadata: &std::fs::Metadata) -> Option<HeaderValue> {
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    HeaderValue::from_str(&format!("\"{:x}-{:x}\"", metadata.len(), modified.as_nanos())).ok()
}

/// Whether the request's `If-None-Match` names `tag` (or `*`).
fn names_tag(request: &HeaderMap, tag: &HeaderValue) -> bool {
    let Some(tag) = tag.to_str().ok() else { return false };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|list| list.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == tag || t == "*"))
}

/// Writes one log line; errors are ignored, because a closed stdout (`serve | head -1`) must
/// not stop the server answering (`println!` would panic there, and drop the connection).
pub fn log_request(out: &mut impl Write, method: &Method, path: &str, status: StatusCode, elapsed: Duration) {
    let shown: String = path.chars().take(200).collect();
    let _ = writeln!(out, "{method} {shown} {} {:.1} ms", status.as_u16(), elapsed.as_secs_f64() * 1000.0);
}

/// Adds the security headers to every response and logs one line per request.
async fn add_headers_and_log(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let mut response = next.run(request).await;
    for (name, value) in security_headers(&site.options, &path) {
        response.headers_mut().insert(name, value);
    }
    log_request(&mut std::io::stdout().lock(), &method, &path, response.status(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_refuses_an_invalid_frame_ancestors() {
        let options = Options { frame_ancestors: "* ; script-src *".into(), ..Options::default() };
        let error = app(&std::env::temp_dir(), options).err().unwrap();
        assert!(error.to_string().contains("--frame-ancestors"), "{error}");
    }

    #[test]
    fn logging_to_a_closed_stdout_does_not_panic() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
        }
        log_request(&mut Closed, &Method::GET, "/", StatusCode::OK, Duration::from_millis(1));
        let mut written = Vec::new();
        log_request(&mut written, &Method::HEAD, "/x", StatusCode::NOT_FOUND, Duration::from_micros(1500));
        assert_eq!(String::from_utf8(written).unwrap(), "HEAD /x 404 1.5 ms\n");
    }
}
