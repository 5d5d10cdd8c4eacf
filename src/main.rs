//! The `codecard` command: `codecard serve` runs the endpoint.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use codecard::server::{self, AppState, Catalog, DataSource, StaticDirs, WidgetFiles};
use tracing_subscriber::EnvFilter;

/// Medical-code lookup cards for any web page: the endpoint and its admin tools.
#[derive(Parser)]
#[command(name = "codecard", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the JSON endpoint, the widget files and the demo pages.
    Serve(ServeArgs),
}

#[derive(Parser)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CODECARD_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder with code-set files to use instead of the embedded ones (same file names as
    /// assets/data/).
    #[arg(long, env = "CODECARD_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Folder with the widget built by wasm-pack (codecard.js, codecard_bg.wasm).
    #[arg(long, env = "CODECARD_WIDGET_DIR", default_value = "pkg")]
    widget_dir: PathBuf,
    /// Folder with the demo host pages.
    #[arg(long, env = "CODECARD_WWW_DIR", default_value = "www")]
    www_dir: PathBuf,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("CODECARD_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("codecard: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let source = match &args.data_dir {
        Some(dir) => server::catalog::data_dir(dir).map_err(|e| e.to_string())?,
        None => DataSource::Embedded,
    };
    let catalog = Catalog::load(&source).map_err(|e| format!("cannot load the code sets: {e}"))?;
    for count in catalog.counts() {
        tracing::info!(system = %count.system, release = %count.release, codes = count.codes, "loaded");
    }
    let widget = WidgetFiles::load(&args.widget_dir);
    if !widget.missing().is_empty() {
        tracing::warn!(
            dir = %args.widget_dir.display(),
            missing = ?widget.missing(),
            "widget not built: the card cannot start until wasm-pack has built it"
        );
    }
    let state = AppState { catalog: Arc::new(catalog), widget: Arc::new(widget) };
    let router = server::app(state, &StaticDirs { www: args.www_dir });

    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Scripts and tests read the address from this line (`--addr 127.0.0.1:0` picks a port).
        tracing::info!("serving on http://{addr}/ (started in {} ms)", started.elapsed().as_millis());
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
