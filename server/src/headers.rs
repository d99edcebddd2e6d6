//! Which headers every response carries, files and errors alike. They are read from
//! `server/headers.json` rather than written here because `tools/write-host-config.mjs` turns
//! the same file into the static hosts' config: one list, so the dev server and the hosts
//! cannot drift apart. The file is compiled in and parsed by a test, so a broken file fails the
//! tests rather than the first request.

use std::sync::LazyLock;

use axum::http::{HeaderName, HeaderValue};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use crate::Options;
use crate::frame_ancestors::frame_ancestors_for;

/// `server/headers.json`, the one list of headers; `tools/write-host-config.mjs` reads the
/// same file for the static hosts, so the two cannot drift apart.
pub const HEADERS_JSON: &str = include_str!("../headers.json");

/// `server/headers.json`, parsed. Keys the struct does not name (`about`, `corp_why`, ...)
/// explain the file to its readers and are ignored.
#[derive(Debug, Deserialize)]
pub struct HeaderRules {
    /// On every response.
    #[serde(deserialize_with = "header_pairs")]
    pub always: Vec<(String, String)>,
    /// COOP/COEP/CORP: what a host that can set headers sends.
    #[serde(deserialize_with = "header_pairs")]
    pub isolation: Vec<(String, String)>,
    /// `Document-Isolation-Policy`.
    #[serde(deserialize_with = "header_pairs")]
    pub document_isolation: Vec<(String, String)>,
    /// Only the dev server's (a static host should let browsers cache).
    #[serde(deserialize_with = "header_pairs")]
    pub dev_server_only: Vec<(String, String)>,
    /// The CSP directives, without `frame-ancestors`.
    pub csp: Vec<String>,
    /// Pages: their path forms, their `frame-ancestors`, and whether it is the embed.
    pub pages: Vec<PageRule>,
    /// `frame-ancestors` of every path no page rule names.
    pub other_paths_frame_ancestors: String,
    /// (extension, Content-Type) that hosts must get right.
    #[serde(deserialize_with = "content_type_pairs")]
    pub content_types: Vec<(String, String)>,
}

/// One entry of `pages` in `server/headers.json`.
#[derive(Debug, Deserialize)]
pub struct PageRule {
    pub paths: Vec<String>,
    pub frame_ancestors: String,
    #[serde(default)]
    pub embed: bool,
}

/// `[name, value]` pairs, read as lists first so that one of another length is shown as such
/// (a tuple of three would be reported as "trailing characters").
fn header_pairs<'de, D: Deserializer<'de>>(file: D) -> Result<Vec<(String, String)>, D::Error> {
    let lists = Vec::<Vec<String>>::deserialize(file)?;
    let pair = |list: Vec<String>| match <[String; 2]>::try_from(list) {
        Ok([name, value]) => Ok((name, value)),
        Err(list) => Err(D::Error::custom(format!("a header is a [name, value] pair, not {list:?}"))),
    };
    lists.into_iter().map(pair).collect()
}

/// One entry of `content_types`: named fields in the file (the host tool reads them by name),
/// a pair in [`HeaderRules`].
#[derive(Deserialize)]
struct ContentType {
    extension: String,
    content_type: String,
}

fn content_type_pairs<'de, D: Deserializer<'de>>(file: D) -> Result<Vec<(String, String)>, D::Error> {
    let rules = Vec::<ContentType>::deserialize(file)?;
    Ok(rules.into_iter().map(|rule| (rule.extension, rule.content_type)).collect())
}

impl HeaderRules {
    /// Parses the text of `server/headers.json`; the error names the field that is wrong, or
    /// the line and column of a value of the wrong kind.
    pub fn parse(text: &str) -> Result<HeaderRules, String> {
        serde_json::from_str(text).map_err(|e| format!("headers.json: {e}"))
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(HeaderRules::parse("{}").unwrap_err().starts_with("headers.json: missing field "));
        assert!(HeaderRules::parse(&HEADERS_JSON.replace("\"always\"", "\"al\"")).unwrap_err().contains("`always`"));
    }

    #[test]
    fn without_isolation_headers_nothing_isolating_is_sent() {
        let options = Options { isolation_headers: false, ..Options::default() };
        let names: Vec<String> = security_headers(&options, "/").iter().map(|(n, _)| n.to_string()).collect();
        assert!(!names.iter().any(|n| n.starts_with("cross-origin") || n.contains("isolation")), "{names:?}");
    }

    #[test]
    fn a_broken_file_is_named_where_it_is_wrong_and_explanations_are_allowed() {
        let broken = |from: &str, to: &str| {
            assert!(HEADERS_JSON.contains(from), "{from}");
            HeaderRules::parse(&HEADERS_JSON.replace(from, to)).unwrap_err()
        };
        let short_pair = broken(r#"["Referrer-Policy", "no-referrer"]"#, r#"["Referrer-Policy"]"#);
        assert!(short_pair.starts_with("headers.json: a header is a [name, value] pair, not"), "{short_pair}");
        assert!(short_pair.contains(" at line "), "{short_pair}");
        let no_paths = broken(r#""paths": ["/", "/index.html", "/index"], "#, "");
        assert!(no_paths.starts_with("headers.json: missing field `paths` at line "), "{no_paths}");
        let embed = broken(r#""embed": true"#, r#""embed": "yes""#);
        assert!(embed.contains("expected a boolean at line "), "{embed}");
        let explained = HEADERS_JSON.replacen('{', r#"{ "new_why": ["any text"], "#, 1);
        assert!(HeaderRules::parse(&explained).is_ok(), "keys that explain the file are allowed");
    }
}
