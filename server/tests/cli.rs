//! The built binary as a process: it keeps answering when its stdout is closed, and refuses
//! bad flags at start-up with a message naming the flag. Bounded: each process is killed at
//! the end, each read has a timeout.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const SERVER: &str = env!("CARGO_BIN_EXE_playground-server");

fn fixture(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("pg-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    root
}

fn get(address: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn it_keeps_answering_when_its_stdout_is_closed() {
    let root = fixture("stdout");
    let mut server = Command::new(SERVER)
        .args(["--root", root.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let address = first.split("http://").nth(1).and_then(|s| s.split('/').next()).unwrap().to_string();
    drop(stdout); // `serve | head -1`: the reader has gone, each log line now fails to write
    let answers: Vec<String> = (0..3).map(|_| get(&address)).collect();
    server.kill().unwrap();
    let _ = server.wait();
    let mut stderr = String::new();
    let _ = server.stderr.take().unwrap().read_to_string(&mut stderr);
    for (i, answer) in answers.iter().enumerate() {
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i} got {answer:?}; stderr: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn refused(args: &[&str]) -> (i32, String) {
    let output = Command::new(SERVER).args(args).stdin(Stdio::null()).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn a_bad_frame_ancestors_value_stops_it_at_start_up() {
    for value in ["*; script-src *", "'self', *", "", "\"self\""] {
        let (code, stderr) = refused(&["--port", "0", "--frame-ancestors", value]);
        assert_eq!(code, 2, "{value:?}: {stderr}");
        assert!(stderr.contains("--frame-ancestors"), "{value:?}: {stderr}");
    }
    let (code, stderr) = refused(&["--port", "0", "--allow-host", "evil.example/x"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--allow-host"), "{stderr}");
}

/// build.sh checks `--port` before any arithmetic and before any set-up. Run with a PATH
/// without cargo or rustup, so that if the check were missing this would fail fast instead
/// of starting a build.
#[test]
fn build_sh_refuses_a_bad_port_before_anything_else() {
    let build_sh = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../build.sh");
    for (args, what) in [
        (vec!["serve", "--port", "x"], "x"),
        (vec!["serve", "--port", "0"], "0"),
        (vec!["serve", "--port", "65534", "--dist"], "65534"),
        (vec!["serve", "--port", "1+1"], "1+1"),
        (vec!["serve", "--port", "a[$(touch /tmp/pg-injected)]"], "touch"),
    ] {
        let output = Command::new("bash")
            .arg(&build_sh)
            .args(&args)
            .env("PATH", "/usr/bin:/bin")
            .env_remove("PORT")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("--port") && stderr.contains(what), "{args:?}: {stderr}");
    }
    assert!(!std::path::Path::new("/tmp/pg-injected").exists(), "the port was evaluated");
}

/// Starts the binary with `args` on a free port; returns it and the port it printed.
fn start(args: &[&str]) -> (std::process::Child, u16) {
    let mut server = Command::new(SERVER).args(args).args(["--port", "0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let port = first.split("http://").nth(1).and_then(|s| s.split('/').next()).and_then(|a| a.rsplit(':').next());
    (server, port.and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("no port in {first:?}")))
}

/// The Content-Security-Policy's frame-ancestors of `path`, asked of 127.0.0.1:`port`.
fn frame_ancestors(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let csp = answer.lines().find_map(|l| l.strip_prefix("content-security-policy: "));
    let csp = csp.unwrap_or_else(|| panic!("{path}: no CSP in {answer:?}"));
    csp.split("; ").find_map(|d| d.strip_prefix("frame-ancestors ")).unwrap().to_string()
}

/// An instructor's first embed is a course page on another port of localhost: on a loopback
/// address the embed (only the embed) lets such pages frame it; listening on every interface,
/// only the site itself; an explicit value wins either way.
#[test]
fn the_embeds_frame_ancestors_default_depends_on_the_address_it_listens_on() {
    let root = fixture("frame-ancestors");
    std::fs::write(root.join("embed.html"), "<!doctype html><title>e</title>").unwrap();
    let root = root.to_str().unwrap();
    let loopback = playground_server::LOOPBACK_FRAME_ANCESTORS;
    for (args, embed) in [
        (vec!["--root", root], loopback),
        (vec!["--root", root, "--host", "localhost"], loopback),
        (vec!["--root", root, "--host", "0.0.0.0"], "'self'"),
        (vec!["--root", root, "--frame-ancestors", "'none'"], "'none'"),
        (
            vec!["--frame-ancestors", "https://pg.example.org", "--host", "0.0.0.0", "--root", root],
            "https://pg.example.org",
        ),
    ] {
        let (mut server, port) = start(&args);
        let seen = [frame_ancestors(port, "/embed.html"), frame_ancestors(port, "/embed"), frame_ancestors(port, "/")];
        server.kill().unwrap();
        let _ = server.wait();
        assert_eq!(seen, [embed, embed, "'self'"], "{args:?}");
    }
}
