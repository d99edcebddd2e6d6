//! Who may frame which page: the CSP `frame-ancestors` of a path. Only the embed may be framed
//! by other sites (course pages), and whom it allows is the server's option; every other page
//! only by the site itself, against clickjacking. The option ends up inside a header, so it is
//! checked first: a stray `;` or `,` would change the policy, and an invalid header would drop
//! the whole CSP without a word.

use crate::Options;
use crate::headers::HEADER_RULES;
use crate::hosts::is_loopback;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security_headers;
    use axum::http::header;

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
}
