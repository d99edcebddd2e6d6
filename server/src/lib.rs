//! The playground's development server: static files from one folder, with the headers that
//! make the page cross-origin isolated (so it may share memory between Web Workers).
//!
//! HTTP itself is hyper's (with axum's router); this crate decides which file a path names
//! (never one outside the root, never a dotfile), which headers every response carries (from
//! `server/headers.json`, shared with the static-host config), which `Host` it answers to, and
//! how long and how many connections it keeps.

use std::future::Future;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

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
    /// The CSP `frame-ancestors` value for the embed (`embed.html`, `/embed`): who may frame it
    /// (`'self'`, or `*` for course sites). Every other page may only be framed by the site
    /// itself. Checked by [`validate_frame_ancestors`] in [`app`]. The binary's default
    /// depends on the address it listens on: [`default_frame_ancestors`].
    pub frame_ancestors: String,
    /// Host names (or IP addresses) the server answers to besides `localhost`, `127.0.0.1` and
    /// `[::1]`; any other `Host` is refused, so a DNS-rebinding page cannot read the files.
    pub allowed_hosts: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            isolation_headers: true,
            document_isolation: true,
            service_worker: true,
            frame_ancestors: "'self'".into(),
            allowed_hosts: Vec::new(),
        }
    }
}

/// `server/headers.json`, the one list of headers; `tools/write-host-config.mjs` reads the
/// same file for the static hosts, so the two cannot drift apart.
pub const HEADERS_JSON: &str = include_str!("../headers.json");

/// `server/headers.json`, parsed.
#[derive(Debug)]
pub struct HeaderRules {
    /// On every response.
    pub always: Vec<(String, String)>,
    /// COOP/COEP/CORP: what a host that can set headers sends.
    pub isolation: Vec<(String, String)>,
    /// `Document-Isolation-Policy`.
    pub document_isolation: Vec<(String, String)>,
    /// Only the dev server's (a static host should let browsers cache).
    pub dev_server_only: Vec<(String, String)>,
    /// The CSP directives, without `frame-ancestors`.
    pub csp: Vec<String>,
    /// Pages: their path forms, their `frame-ancestors`, and whether it is the embed.
    pub pages: Vec<PageRule>,
    /// `frame-ancestors` of every path no page rule names.
    pub other_paths_frame_ancestors: String,
    /// (extension, Content-Type) that hosts must get right.
    pub content_types: Vec<(String, String)>,
}

/// One entry of `pages` in `server/headers.json`.
#[derive(Debug)]
pub struct PageRule {
    pub paths: Vec<String>,
    pub frame_ancestors: String,
    pub embed: bool,
}

impl HeaderRules {
    /// Parses the text of `server/headers.json`; the error names the field that is wrong.
    pub fn parse(text: &str) -> Result<HeaderRules, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("headers.json: {e}"))?;
        let field = |name: &str| root.get(name).ok_or_else(|| format!("headers.json: no {name:?}"));
        let string = |v: &Value, what: &str| {
            v.as_str().map(str::to_string).ok_or_else(|| format!("headers.json: {what} must be a string"))
        };
        let list = |name: &str| -> Result<Vec<Value>, String> {
            field(name)?.as_array().cloned().ok_or_else(|| format!("headers.json: {name:?} must be a list"))
        };
        let pairs = |name: &str| -> Result<Vec<(String, String)>, String> {
            list(name)?
                .iter()
                .map(|pair| match pair.as_array().map(Vec::as_slice) {
                    Some([k, v]) => Ok((string(k, name)?, string(v, name)?)),
                    _ => Err(format!("headers.json: {name:?} must hold [name, value] pairs")),
                })
                .collect()
        };
        let pages = list("pages")?
            .iter()
            .map(|page| {
                let paths =
                    page.get("paths").and_then(Value::as_array).ok_or("headers.json: a page needs \"paths\"")?;
                Ok(PageRule {
                    paths: paths.iter().map(|p| string(p, "a page path")).collect::<Result<_, _>>()?,
                    frame_ancestors: string(
                        page.get("frame_ancestors").unwrap_or(&Value::Null),
                        "a page's \"frame_ancestors\"",
                    )?,
                    embed: page.get("embed").and_then(Value::as_bool).unwrap_or(false),
                })
            })
            .collect::<Result<_, String>>()?;
        let content_types = list("content_types")?
            .iter()
            .map(|rule| {
                let get = |k: &str| string(rule.get(k).unwrap_or(&Value::Null), &format!("content_types' {k:?}"));
                Ok((get("extension")?, get("content_type")?))
            })
            .collect::<Result<_, String>>()?;
        Ok(HeaderRules {
            always: pairs("always")?,
            isolation: pairs("isolation")?,
            document_isolation: pairs("document_isolation")?,
            dev_server_only: pairs("dev_server_only")?,
            csp: list("csp")?.iter().map(|d| string(d, "a \"csp\" directive")).collect::<Result<_, _>>()?,
            pages,
            other_paths_frame_ancestors: string(field("other_paths_frame_ancestors")?, "other_paths_frame_ancestors")?,
            content_types,
        })
    }
}

/// The rules of `server/headers.json`. A test parses the file, so a broken file fails the
/// tests rather than the first request.
pub static HEADER_RULES: LazyLock<HeaderRules> =
    LazyLock::new(|| HeaderRules::parse(HEADERS_JSON).unwrap_or_else(|e| panic!("{e}")));

/// The Content-Security-Policy without `frame-ancestors`: what the pages' `<meta>` tags carry.
pub fn content_security_policy_without_frame_ancestors() -> String {
    HEADER_RULES.csp.join("; ")
}

/// The Content-Security-Policy: scripts only from this origin, no inline script, and
/// `'wasm-unsafe-eval'` so WebAssembly may be compiled.
pub fn content_security_policy(frame_ancestors: &str) -> String {
    format!("{}; frame-ancestors {frame_ancestors}", content_security_policy_without_frame_ancestors())
}

/// The `frame-ancestors` value for a URL path: the embed's is the option's (the dev server
/// decides who may frame it), the other pages' and paths' come from the file.
pub fn frame_ancestors_for<'a>(options: &'a Options, path: &str) -> &'a str {
    match HEADER_RULES.pages.iter().find(|page| page.paths.iter().any(|p| p == path)) {
        Some(page) if page.embed => &options.frame_ancestors,
        Some(page) => &page.frame_ancestors,
        None => &HEADER_RULES.other_paths_frame_ancestors,
    }
}

/// The embed's `frame-ancestors` on a server bound to a loopback address, unless told otherwise:
/// the site itself and pages of any port of this machine, where an instructor tries a course
/// page of their own (say at `http://localhost:8098`) against `./build.sh serve`. Such pages
/// can only be opened on this machine, so nothing is exposed to other sites. (A `http:` source
/// also matches `https:`; CSP has no syntax for an IPv6 address such as `[::1]`.)
pub const LOOPBACK_FRAME_ANCESTORS: &str = "'self' http://localhost:* http://127.0.0.1:*";

/// The embed's `frame-ancestors` when `--frame-ancestors` is not given, for a server listening
/// on `host` (the `--host` value): [`LOOPBACK_FRAME_ANCESTORS`] on a loopback address
/// (`localhost`, `127.x.x.x`, `::1`), else only the site itself (`'self'`), secure by default
/// wherever other machines can reach it (`0.0.0.0` included).
pub fn default_frame_ancestors(host: &str) -> &'static str {
    if is_loopback(host) { LOOPBACK_FRAME_ANCESTORS } else { "'self'" }
}

/// Whether a `--host` value names this machine only.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a `frame-ancestors` source list before it goes into a header: `*`, `'self'`,
/// `'none'` (alone), or space-separated host sources (`https://course.example.org`,
/// `*.example.org:443`) and scheme sources (`https:`). Anything else could end the directive
/// (`;`), start another policy (`,`), or make the header invalid, which would drop the whole
/// CSP without a word.
pub fn validate_frame_ancestors(value: &str) -> Result<(), String> {
    let sources: Vec<&str> = value.split(' ').filter(|s| !s.is_empty()).collect();
    let refuse = |why: String| Err(format!("--frame-ancestors {value:?}: {why}"));
    if sources.is_empty() {
        return refuse("is empty (use 'none' to forbid every frame)".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_control() || (c.is_whitespace() && *c != ' ')) {
        return refuse(format!("contains the control or space character {c:?}"));
    }
    if sources.contains(&"'none'") && sources.len() > 1 {
        return refuse("'none' must stand alone".into());
    }
    for source in &sources {
        if !matches!(*source, "*" | "'self'" | "'none'") && !is_host_or_scheme_source(source) {
            return refuse(format!(
                "{source:?} is not a source; use *, 'self', 'none', a scheme like https: or a host like \
                 https://course.example.org"
            ));
        }
    }
    Ok(())
}

/// CSP's scheme-source (`https:`) or host-source (`[scheme://]host[:port][/path]`, host
/// possibly `*` or `*.name`), limited to characters that cannot break out of the header.
fn is_host_or_scheme_source(source: &str) -> bool {
    let is_scheme = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    };
    if let Some(scheme) = source.strip_suffix(':') {
        return is_scheme(scheme);
    }
    let rest = match source.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        Some(_) => return false,
        None => source,
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
    let host = host.strip_prefix("*.").unwrap_or(host);
    let label_ok = |l: &str| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let host_ok = host == "*" || host.split('.').all(label_ok);
    let port_ok = authority.split_once(':').is_none()
        || port == "*"
        || (port.chars().all(|c| c.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0));
    let path_ok = path.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/%".contains(c));
    host_ok && port_ok && path_ok
}

/// Headers on every response, files and errors alike. COOP + COEP make a top-level page
/// cross-origin isolated, which is what lets it share memory between workers (wasm threads);
/// Document-Isolation-Policy does the same for a page inside a frame (Chromium).
pub fn security_headers(options: &Options, path: &str) -> Vec<(HeaderName, HeaderValue)> {
    let rules: &'static HeaderRules = &HEADER_RULES;
    let mut text: Vec<(&str, String)> = Vec::new();
    let mut add = |pairs: &'static [(String, String)]| text.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())));
    add(&rules.always);
    add(&rules.dev_server_only);
    if options.isolation_headers {
        add(&rules.isolation);
        if options.document_isolation {
            add(&rules.document_isolation);
        }
        text.push(("Content-Security-Policy", content_security_policy(frame_ancestors_for(options, path))));
    }
    // The names and values come from the checked-in file and a validated flag; a test sends
    // them all, so nothing is dropped here in practice.
    text.into_iter()
        .filter_map(|(k, v)| Some((HeaderName::try_from(k).ok()?, HeaderValue::try_from(v).ok()?)))
        .collect()
}

/// The MIME type for a file name; browsers refuse module scripts and streaming wasm
/// compilation without the right one.
pub fn mime_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let extension = extension.as_deref().unwrap_or("");
    if let Some((_, content_type)) = HEADER_RULES.content_types.iter().find(|(e, _)| e == extension) {
        return content_type;
    }
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file under `root` (already canonical) that the URL path `uri_path` names, or None if
/// it names nothing there or tries to leave it: `..` (also percent-encoded), backslashes, NUL,
/// or a symlink pointing outside. Dotfiles and dot-folders are never served, so `--root .`
/// does not expose `.git` (nor a symlink to one).
pub fn resolve(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            s if s.starts_with('.') || s.contains(':') => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let canonical = path.canonicalize().ok()?;
    let inside = canonical.strip_prefix(root).ok()?;
    let hidden = inside.components().any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.')));
    (!hidden && canonical.is_file()).then_some(canonical)
}

/// The `Host` forms every server answers to: the machine itself, whatever it was bound to.
pub const LOCAL_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The host part of a `Host` header (`name`, `name:port`, `[v6]:port`), lower-cased, or
/// None if it is malformed.
pub fn host_name(host: &str) -> Option<String> {
    let (name, after) = if host.starts_with('[') {
        host.split_at(host.find(']')? + 1)
    } else {
        host.find(':').map_or((host, ""), |i| host.split_at(i))
    };
    let port_ok = after.is_empty()
        || after.strip_prefix(':').is_some_and(|p| (1..=5).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    (!name.is_empty() && port_ok).then(|| name.trim_end_matches('.').to_ascii_lowercase())
}

/// How a `--host` or `--allow-host` value appears in a `Host` header (an IPv6 address in
/// brackets), or None for an unspecified address (0.0.0.0, ::), which no request names.
pub fn host_form(value: &str) -> Option<String> {
    match value.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() => None,
        Ok(IpAddr::V6(ip)) => Some(format!("[{ip}]")),
        Ok(ip) => Some(ip.to_string()),
        Err(_) => Some(value.trim_end_matches('.').to_ascii_lowercase()),
    }
}

struct Site {
    root: PathBuf,
    options: Options,
    allowed_hosts: Vec<String>,
}

/// The app serving files from `root`.
pub fn app(root: &Path, options: Options) -> std::io::Result<Router> {
    validate_frame_ancestors(&options.frame_ancestors)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let mut allowed_hosts: Vec<String> = LOCAL_HOSTS.iter().map(|h| h.to_string()).collect();
    for host in options.allowed_hosts.iter().filter_map(|h| host_form(h)) {
        if !allowed_hosts.contains(&host) {
            allowed_hosts.push(host);
        }
    }
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
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

async fn serve_file(State(site): State<Arc<Site>>, method: Method, request: Request) -> Response {
    let header_bytes: usize = request.headers().iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return text(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large\n".into());
    }
    // An absolute-form target (`GET http://host/ HTTP/1.1`) names the host itself.
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_string())
        .or_else(|| request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string));
    let Some(host) = host else {
        return text(StatusCode::BAD_REQUEST, "the request names no Host\n".into());
    };
    if !host_name(&host).is_some_and(|name| site.allowed_hosts.contains(&name)) {
        let shown: String = host.chars().take(100).collect();
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server answers only to {}, not to Host {shown:?}; start it with --allow-host NAME to add a \
                 name\n",
                site.allowed_hosts.join(", ")
            ),
        );
    }
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "method not allowed\n")
            .into_response();
    }
    let blocked = !site.options.service_worker && request.uri().path() == "/coi-serviceworker.js";
    let Some(path) = resolve(&site.root, request.uri().path()).filter(|_| !blocked) else {
        return text(StatusCode::NOT_FOUND, "not found\n".into());
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_type(&path)));
    if method == Method::HEAD {
        // The length a GET would send, from the metadata: a HEAD reads no file.
        return match tokio::fs::metadata(&path).await {
            Ok(metadata) => {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(metadata.len()));
                (StatusCode::OK, headers, Body::empty()).into_response()
            }
            Err(_) => text(StatusCode::NOT_FOUND, "not found\n".into()),
        };
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => (StatusCode::OK, headers, Body::from(bytes)).into_response(),
        Err(_) => text(StatusCode::NOT_FOUND, "not found\n".into()),
    }
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
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a moment rather than spin, and keep serving.
                    let _ = writeln!(std::io::stderr().lock(), "playground-server: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let (limits, mut stopping) = (limits.clone(), stopping.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.changed() => {}
                () = tokio::time::sleep(limits.max_connection_age) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(limits.close_grace, connection).await;
        });
    }
    drop(listener);
    let _ = stop.send(());
    // Every connection holds a slot until it ends: all slots back means all connections ended.
    let _ = tokio::time::timeout(limits.close_grace, slots.acquire_many(max)).await;
    Ok(())
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
        assert!(csp("/embed").ends_with("frame-ancestors *"), "pretty URLs too");
        assert!(csp("/").ends_with("frame-ancestors 'self'"));
        assert!(csp("/index.html").ends_with("frame-ancestors 'self'"));
        assert!(csp("/index").ends_with("frame-ancestors 'self'"));
        assert!(csp("/pkg/x.js").ends_with("frame-ancestors 'self'"));
    }

    #[test]
    fn the_header_file_parses_and_every_header_is_sent() {
        let rules = HeaderRules::parse(HEADERS_JSON).unwrap();
        assert!(!rules.csp.iter().any(|d| d.starts_with("frame-ancestors")), "frame-ancestors is per path");
        let sent = security_headers(&Options::default(), "/");
        let expected = rules.always.len()
            + rules.dev_server_only.len()
            + rules.isolation.len()
            + rules.document_isolation.len()
            + 1;
        assert_eq!(sent.len(), expected, "a header of the file is not a valid header: {sent:?}");
        let corp = sent.iter().find(|(n, _)| n == "cross-origin-resource-policy").unwrap();
        assert_eq!(corp.1, "cross-origin");
        assert!(HeaderRules::parse("{}").unwrap_err().starts_with("headers.json: no "));
        assert!(HeaderRules::parse(&HEADERS_JSON.replace("\"always\"", "\"al\"")).unwrap_err().contains("\"always\""));
    }

    #[test]
    fn frame_ancestors_accepts_sources_and_refuses_what_could_break_the_header() {
        for good in [
            "*",
            "'self'",
            "'none'",
            "https:",
            "'self' https://course.example.org",
            "https://*.example.org:443 http://localhost:*",
            "course.example.org/lessons/",
            "  'self'   *.example.org ",
        ] {
            assert_eq!(validate_frame_ancestors(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "   ",
            "*; script-src *",
            "'self', *",
            "'unsafe-inline'",
            "\"self\"",
            "'self\n'",
            "a\tb",
            "'none' 'self'",
            "https://exa mple.org\r\nX-Evil: 1",
            "https://ex'ample.org",
            "https://example.org:99999",
            "https://example.org:",
            "ht_tp:",
            "1http:",
            "https://",
            "https://ex..ample.org",
            "https://example.org/a;b",
        ] {
            let error = validate_frame_ancestors(bad).expect_err(bad);
            assert!(error.starts_with("--frame-ancestors"), "{error}");
        }
    }

    #[test]
    fn the_embed_may_be_framed_from_this_machine_only_when_serving_on_loopback() {
        assert_eq!(validate_frame_ancestors(LOOPBACK_FRAME_ANCESTORS), Ok(()));
        for loopback in ["127.0.0.1", "127.0.0.2", "localhost", "LocalHost.", "::1", "[::1]"] {
            assert_eq!(default_frame_ancestors(loopback), LOOPBACK_FRAME_ANCESTORS, "{loopback}");
        }
        for other in ["0.0.0.0", "::", "[::]", "192.168.1.5", "10.0.0.1", "pg.example.org", "localhost.example.org"] {
            assert_eq!(default_frame_ancestors(other), "'self'", "{other}");
        }
    }

    #[test]
    fn app_refuses_an_invalid_frame_ancestors() {
        let options = Options { frame_ancestors: "* ; script-src *".into(), ..Options::default() };
        let error = app(&std::env::temp_dir(), options).err().unwrap();
        assert!(error.to_string().contains("--frame-ancestors"), "{error}");
    }

    #[test]
    fn host_names_are_read_with_or_without_a_port() {
        assert_eq!(host_name("localhost").as_deref(), Some("localhost"));
        assert_eq!(host_name("LocalHost:8080").as_deref(), Some("localhost"));
        assert_eq!(host_name("localhost.:8080").as_deref(), Some("localhost"));
        assert_eq!(host_name("[::1]:8080").as_deref(), Some("[::1]"));
        assert_eq!(host_name("[::1]").as_deref(), Some("[::1]"));
        for bad in ["", ":8080", "localhost:", "localhost:x", "localhost:8080:1", "::1", "[::1]x", "[::1"] {
            assert_eq!(host_name(bad), None, "{bad}");
        }
        assert_eq!(host_form("0.0.0.0"), None);
        assert_eq!(host_form("::"), None);
        assert_eq!(host_form("::1").as_deref(), Some("[::1]"));
        assert_eq!(host_form("192.168.1.5").as_deref(), Some("192.168.1.5"));
        assert_eq!(host_form("Pg.Example.org.").as_deref(), Some("pg.example.org"));
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
            "/.git/config",
            "/%2egit/config",
            "/sub/.hidden",
            "/./index.html",
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
