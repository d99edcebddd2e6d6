//! Which file a URL path names, and its Content-Type. The server is pointed at a folder, maybe
//! a whole checkout (`--root .`), so a path never leaves the root, by `..` or a symlink, and
//! never names a dotfile (`.git`). The types matter because browsers refuse module scripts and
//! streaming wasm compilation without the right one.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use crate::headers::HEADER_RULES;

/// The Content-Type of text files, and of the server's own error messages.
pub(crate) const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

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
        "txt" | "md" => PLAIN_TEXT,
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
    // Checked again after the file system had its say: a symlink may point anywhere.
    let canonical = path.canonicalize().ok()?;
    let inside = canonical.strip_prefix(root).ok()?;
    let hidden = inside.components().any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.')));
    (!hidden && canonical.is_file()).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

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
