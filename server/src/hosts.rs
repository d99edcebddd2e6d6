//! Which `Host` the server answers to: the machine itself (`localhost`, `127.0.0.1`, `[::1]`),
//! the address it was told to listen on and each `--allow-host` name, nothing else. A page on
//! another site can point its own name at 127.0.0.1 (DNS rebinding) and then read whatever
//! answers there as same-origin; refusing its `Host` stops that.

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::header;

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
    (!name.is_empty() && port_ok).then(|| comparable(name))
}

/// How a `--host` or `--allow-host` value appears in a `Host` header (an IPv6 address in
/// brackets), or None for an unspecified address (0.0.0.0, ::), which no request names.
pub fn host_form(value: &str) -> Option<String> {
    match ip_address(value) {
        Some(ip) if ip.is_unspecified() => None,
        Some(IpAddr::V6(ip)) => Some(format!("[{ip}]")),
        Some(ip) => Some(ip.to_string()),
        None => Some(comparable(value)),
    }
}

/// The names a server with these `--allow-host` values answers to: [`LOCAL_HOSTS`] and each
/// value's [`host_form`], once.
pub(crate) fn allowed_hosts(extra: &[String]) -> Vec<String> {
    let mut allowed: Vec<String> = LOCAL_HOSTS.iter().map(|h| h.to_string()).collect();
    for host in extra.iter().filter_map(|h| host_form(h)) {
        if !allowed.contains(&host) {
            allowed.push(host);
        }
    }
    allowed
}

/// The host a request names, as sent: an absolute-form target (`GET http://host/ HTTP/1.1`)
/// names it itself, and then wins over the `Host` header, as HTTP says.
pub(crate) fn request_host(request: &Request) -> Option<String> {
    let header = || request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string);
    request.uri().authority().map(|a| a.as_str().to_string()).or_else(header)
}

/// Whether a `--host` value names this machine only.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case("localhost") || ip_address(host).is_some_and(|ip| ip.is_loopback())
}

/// An IP address, IPv6 with or without its brackets.
fn ip_address(value: &str) -> Option<IpAddr> {
    value.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// A name as two forms of it compare equal: DNS names are case-insensitive, and a trailing dot
/// (the DNS root) names the same host.
fn comparable(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_allowed_hosts_are_the_machine_and_each_named_host_once() {
        let extra = ["LOCALHOST.", "::1", "0.0.0.0", "Pg.Example.org", "pg.example.org"].map(String::from);
        assert_eq!(allowed_hosts(&extra), ["localhost", "127.0.0.1", "[::1]", "pg.example.org"]);
    }
}
