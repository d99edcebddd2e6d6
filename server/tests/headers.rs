//! The pages' `<meta>` Content-Security-Policy is the policy of `server/headers.json` minus
//! `frame-ancestors` (a `<meta>` tag cannot carry it; the header does): one policy, written
//! out in three places, checked here so they cannot drift apart.

use std::path::Path;

fn meta_csp(page: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("www").join(page);
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let marker = r#"<meta http-equiv="Content-Security-Policy" content=""#;
    let start = html.find(marker).unwrap_or_else(|| panic!("{page} has no CSP <meta> tag")) + marker.len();
    let end = start + html[start..].find('"').unwrap_or_else(|| panic!("{page}: unterminated CSP <meta>"));
    assert!(!html[end..].contains(marker), "{page} has two CSP <meta> tags");
    html[start..end].to_string()
}

#[test]
fn each_pages_meta_csp_is_the_header_files_policy_without_frame_ancestors() {
    let policy = playground_server::content_security_policy_without_frame_ancestors();
    assert!(!policy.contains("frame-ancestors"));
    for page in ["index.html", "embed.html"] {
        assert_eq!(meta_csp(page), policy, "www/{page}'s <meta> CSP differs from server/headers.json");
    }
    assert_eq!(playground_server::content_security_policy("'self'"), format!("{policy}; frame-ancestors 'self'"));
}
