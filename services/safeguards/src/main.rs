//! The `safeguards` binary: one command-line entry point that wires configuration, the event
//! store, the HTTP server and the administration commands together.

mod cli;

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use safeguards_infra::{telemetry, Config, Database, EventStore};

use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let bind = match &cli.command {
        Command::Serve(args) => args.bind.clone(),
        _ => None,
    };
    let config = match Config::resolve(cli.global.raw(bind)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safeguards: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("safeguards: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("safeguards: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Migrate => {
            let db = open(&config).await?;
            println!("migrated the {} store", db.kind());
            Ok(())
        }
        Command::Serve(args) => {
            if args.demo {
                anyhow::bail!("--demo: demo data is not part of this build yet");
            }
            serve(config).await
        }
    }
}

/// Connect and migrate.
async fn open(config: &Config) -> anyhow::Result<Database> {
    let db = Database::connect(&config.database_url)
        .await
        .with_context(|| format!("opening {}", redact(&config.database_url)))?;
    db.migrate().await.context("migrating the store")?;
    Ok(db)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = open(&config).await?;
    let store = Arc::new(EventStore::new(db.clone()));
    let app = safeguards_api::router(safeguards_api::AppState { store });
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, store = db.kind(), "serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
