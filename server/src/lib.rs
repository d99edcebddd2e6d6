//! The playground's development server: static files from one folder, with the headers that
//! make the page cross-origin isolated (so it may share memory between Web Workers).
//!
//! HTTP itself is hyper's (with axum's router); this crate decides which file a path names
//! (never one outside the root, never a dotfile: [`resolve`]), which headers every response
//! carries (from `server/headers.json`, shared with the static-host config:
//! [`security_headers`]), who may frame which page ([`validate_frame_ancestors`]), which
//! `Host` it answers to ([`host_name`]), and how long and how many connections it keeps
//! ([`Limits`]). One module per decision; [`app()`] puts them together, [`serve()`] runs it.

mod app;
mod files;
mod frame_ancestors;
mod headers;
mod hosts;
mod serve;

pub use app::{MAX_HEADER_BYTES, app, log_request};
pub use files::{mime_type, resolve};
pub use frame_ancestors::{
    LOOPBACK_FRAME_ANCESTORS, default_frame_ancestors, frame_ancestors_for, validate_frame_ancestors,
};
pub use headers::{
    HEADER_RULES, HEADERS_JSON, HeaderRules, PageRule, content_security_policy,
    content_security_policy_without_frame_ancestors, security_headers,
};
pub use hosts::{LOCAL_HOSTS, host_form, host_name};
pub use serve::{Limits, serve};

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
    /// itself. Checked by [`validate_frame_ancestors`] in [`app()`]. The binary's default
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
