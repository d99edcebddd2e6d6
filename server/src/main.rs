//! `playground-server [--root DIR] [--host ADDR] [--port N] [--no-isolation-headers]
//! [--no-document-isolation] [--no-service-worker] [--frame-ancestors VALUE]`: serves the
//! playground with the cross-origin isolation headers until Ctrl-C. Binds 127.0.0.1:8080
//! unless told otherwise. The `--no-*` flags imitate hosts that cannot do as much;
//! `--frame-ancestors` says who may frame `embed.html` (other pages: only the site itself).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

struct Options {
    root: PathBuf,
    host: String,
    port: u16,
    site: playground_server::Options,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options =
        Options { root: PathBuf::from("www"), host: "127.0.0.1".into(), port: 8080, site: Default::default() };
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
            "--no-isolation-headers" => options.site.isolation_headers = false,
            "--no-document-isolation" => options.site.document_isolation = false,
            "--no-service-worker" => options.site.service_worker = false,
            "--frame-ancestors" => options.site.frame_ancestors = value()?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
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
            eprintln!(
                "usage: playground-server [--root DIR] [--host ADDR] [--port N] [--no-isolation-headers] \
                 [--no-document-isolation] [--no-service-worker] [--frame-ancestors VALUE]"
            );
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
    println!("Serving {} at http://{bound}/ (Ctrl-C stops)", options.root.display());
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        eprintln!("playground-server: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
