//! `playground-server [--root DIR] [--host ADDR] [--port N] [--allow-host NAME]...
//! [--no-isolation-headers] [--no-document-isolation] [--no-service-worker]
//! [--frame-ancestors VALUE]`: serves the playground with the cross-origin isolation headers
//! until Ctrl-C. Binds 127.0.0.1:8080 unless told otherwise. The `--no-*` flags imitate hosts
//! that cannot do as much; `--frame-ancestors` says who may frame `embed.html` (other pages:
//! only the site itself); without it, pages of any localhost port when it listens on a loopback
//! address, else only the site itself. It answers only to `Host: localhost`, `127.0.0.1`,
//! `[::1]`, the `--host` value and each `--allow-host` name.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

struct Options {
    root: PathBuf,
    host: String,
    port: u16,
    site: playground_server::Options,
}

const USAGE: &str = "usage: playground-server [--root DIR] [--host ADDR] [--port N] [--allow-host NAME]... \
                     [--no-isolation-headers] [--no-document-isolation] [--no-service-worker] \
                     [--frame-ancestors VALUE]";

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options =
        Options { root: PathBuf::from("www"), host: "127.0.0.1".into(), port: 8080, site: Default::default() };
    let mut frame_ancestors = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--root" => options.root = PathBuf::from(value()?),
            "--host" => options.host = value()?,
            "--port" => {
                let text = value()?;
                options.port =
                    text.parse().map_err(|_| format!("--port must be a number from 0 to 65535, got {text:?}"))?;
            }
            "--allow-host" => {
                let name = value()?;
                let valid = !name.is_empty()
                    && name.len() <= 253
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
                if !valid {
                    return Err(format!("--allow-host needs a host name or IP address, got {name:?}"));
                }
                options.site.allowed_hosts.push(name);
            }
            "--no-isolation-headers" => options.site.isolation_headers = false,
            "--no-document-isolation" => options.site.document_isolation = false,
            "--no-service-worker" => options.site.service_worker = false,
            "--frame-ancestors" => {
                let text = value()?;
                playground_server::validate_frame_ancestors(&text)?;
                frame_ancestors = Some(text);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    // Decided once --host is known, whatever the order of the flags.
    options.site.frame_ancestors =
        frame_ancestors.unwrap_or_else(|| playground_server::default_frame_ancestors(&options.host).into());
    // The name it was asked to listen on is a name it answers to (0.0.0.0 names nothing).
    options.site.allowed_hosts.push(options.host.clone());
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("playground-server: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let app = match playground_server::app(&options.root, options.site.clone()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("playground-server: cannot serve {}: {e}", options.root.display());
            return ExitCode::FAILURE;
        }
    };
    let address = format!("{}:{}", options.host, options.port);
    let listener = match address.parse::<SocketAddr>() {
        Ok(addr) => tokio::net::TcpListener::bind(addr).await,
        Err(_) => tokio::net::TcpListener::bind(address.as_str()).await,
    };
    let listener = match listener {
        Ok(l) => l,
        Err(e) => {
            eprintln!("playground-server: cannot listen on {address}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bound = listener.local_addr().map(|a| a.to_string()).unwrap_or(address);
    // Not println!: with stdout closed (`serve | head -1`) that panics; the server goes on.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving {} at http://{bound}/ (Ctrl-C stops)", options.root.display());
    if options.site.isolation_headers {
        // Said at start-up, so an instructor whose embed stays blank knows why and what to change.
        let who = &options.site.frame_ancestors;
        let _ = writeln!(out, "embed.html may be framed by: {who} (--frame-ancestors changes it)");
    }
    drop(out);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let limits = playground_server::Limits::default();
    if let Err(e) = playground_server::serve(listener, app, limits, shutdown).await {
        eprintln!("playground-server: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
