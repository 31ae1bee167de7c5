//! The `safeguards` binary: one command-line entry point that wires configuration, the event
//! store, the read model, the HTTP server and the administration commands together.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod cli;

use safeguards::{demo, transfer};

use std::io::{IsTerminal, Read};
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use safeguards_api::auth;
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{parse_word, CountryCode, Email, Role, Title};
use safeguards_infra::{telemetry, CommandContext, Config, Database, EventStore, Projector};

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
        Command::Serve(args) => serve(config, args.demo).await,
        Command::Account(cli::AccountCommand::Create(args)) => create_account(&config, args).await,
        Command::Projections(cli::ProjectionsCommand::Rebuild) => rebuild(&config).await,
        Command::Digest(cmd) => digest(&config, cmd).await,
        Command::Events(cli::EventsCommand::Export { after }) => {
            let db = open(&config).await?;
            let total = safeguards_infra::feed::count(&db).await?;
            let bar = progress_bar(total as u64, "exporting");
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let n = transfer::export(&db, after, &mut out, &|n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            eprintln!("exported {n} lines");
            Ok(())
        }
        Command::Events(cli::EventsCommand::Import { file }) => {
            let db = open(&config).await?;
            let secret = config.secret_key().context("reading the secret key")?;
            let size = std::fs::metadata(&file)
                .with_context(|| format!("reading {}", file.display()))?
                .len();
            let bar = progress_bar(0, "importing");
            bar.set_length(size / 600 + 1);
            let reader = std::io::BufReader::new(
                std::fs::File::open(&file)
                    .with_context(|| format!("opening {}", file.display()))?,
            );
            let done = transfer::import(&db, &secret, reader, &|n| bar.set_position(n)).await;
            bar.finish_and_clear();
            let done = done.map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!(
                "imported {} events and {} subscriber contacts",
                done.events, done.contacts
            );
            Ok(())
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

async fn serve(config: Config, demo_data: bool) -> anyhow::Result<()> {
    let db = open(&config).await?;
    let secret = config
        .secret_key()
        .context("reading or creating the secret key (SAFEGUARDS_SECRET_KEY)")?;
    let store = Arc::new(EventStore::new(db.clone()));
    if demo_data {
        match demo::load(&store, &secret, chrono::Utc::now())
            .await
            .context("loading the demo data")?
        {
            demo::Loaded::NotEmpty => {
                println!("--demo: the store is not empty; no demo data was loaded")
            }
            demo::Loaded::Loaded { accounts, events } => {
                println!("--demo: loaded {events} events. Sign in with:");
                for a in accounts {
                    let role: &str = a.role.into();
                    println!("  {:<18} {:<36} {}", role, a.email, a.password);
                }
            }
        }
    }
    let projector = Projector::new(db.clone());
    let replayed = projector
        .catch_up()
        .await
        .context("building the read model from the event log")?;
    tracing::info!(
        events = replayed,
        position = projector.applied(),
        "read model built"
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let projector_task = tokio::spawn(projector.clone().run(stop_rx));
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&[
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ])
        .context("configuring metrics")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    let digest = digest_service(&config, store.clone(), projector.clone(), &secret)?;
    let scheduler = safeguards_digest::schedule::start(digest.clone(), &config.digest_cron)
        .await
        .map_err(|e| anyhow::anyhow!("starting the digest scheduler: {e}"))?;
    let retries = tokio::spawn(safeguards_digest::schedule::retry_loop(
        digest.clone(),
        stop_tx.subscribe(),
    ));
    let state = safeguards_api::AppState::new(store, projector, &secret, Some(metrics), digest);
    let app = safeguards_api::router(state);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {} (SAFEGUARDS_BIND)", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, store = db.kind(), "serving");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")?;
    let _ = stop_tx.send(true);
    let _ = projector_task.await;
    let _ = retries.await;
    let mut scheduler = scheduler;
    let _ = scheduler.shutdown().await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn create_account(config: &Config, args: cli::CreateAccount) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {}", e.reason))?;
    let name = Title::parse_field("name", &args.name)
        .map_err(|e| anyhow::anyhow!("--name: {}", e.reason))?;
    let role: Role =
        parse_word("role", &args.role).map_err(|e| anyhow::anyhow!("--role: {}", e.reason))?;
    let countries = args
        .countries
        .iter()
        .map(|c| CountryCode::parse(c).map_err(|e| anyhow::anyhow!("--country: {}", e.reason)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (auth::generate_password(), true)
    } else {
        let mut input = String::new();
        stdin
            .lock()
            .read_to_string(&mut input)
            .context("reading the password from standard input")?;
        let given = input.trim_end_matches(['\n', '\r']).to_string();
        if given.is_empty() {
            (auth::generate_password(), true)
        } else {
            auth::check_password_strength(&given).map_err(|e| anyhow::anyhow!("{}", e.detail))?;
            (given, false)
        }
    };
    let hash = auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{}", e.detail))?;
    let db = open(config).await?;
    let store = EventStore::new(db.clone());
    let id = auth::account_id(&email);
    store
        .execute::<Account>(
            &id.to_string(),
            AccountCommand::Create {
                email: email.clone(),
                name,
                role,
                countries,
                password_hash: Some(hash),
            },
            &CommandContext::system("cli:account-create"),
            None,
        )
        .await
        .with_context(|| format!("creating the account {email}"))?;
    println!("created account {id} for {email}");
    if generated {
        println!("password: {password}");
    }
    db.close().await;
    Ok(())
}

/// The digest service over the configured mail transport.
fn digest_service(
    config: &Config,
    store: Arc<EventStore>,
    projector: Arc<Projector>,
    secret: &str,
) -> anyhow::Result<safeguards_digest::DigestService> {
    let mailer = safeguards_digest::Mailer::from_settings(
        config.smtp_url.as_ref(),
        config.data_dir.join("outbox"),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(safeguards_digest::DigestService {
        store,
        projector,
        mailer,
        settings: Arc::new(safeguards_digest::Settings::new(
            config.public_url.clone(),
            config.mail_from.clone(),
            secret.to_string(),
        )),
        retry_base: std::time::Duration::from_secs(30),
    })
}

async fn digest(config: &Config, command: cli::DigestCommand) -> anyhow::Result<()> {
    let db = open(config).await?;
    let secret = config.secret_key().context("reading the secret key")?;
    let store = Arc::new(EventStore::new(db.clone()));
    let projector = Projector::new(db.clone());
    projector.catch_up().await?;
    let svc = digest_service(config, store, projector, &secret)?;
    match command {
        cli::DigestCommand::Send { period } => {
            let period = match period {
                Some(p) => safeguards_domain::digest::Period::parse(&p)
                    .map_err(|e| anyhow::anyhow!("--period: {}", e.reason))?,
                None => {
                    safeguards_domain::digest::Period::containing(chrono::Utc::now().date_naive())
                }
            };
            let report = safeguards_digest::deliver::drain(
                &svc,
                period,
                std::time::Duration::from_secs(600),
            )
            .await?;
            println!(
                "digest {}: {} recipients, {} delivered now, {} failed attempts, {} still owed",
                report.period, report.recipients, report.delivered, report.failed, report.pending
            );
        }
        cli::DigestCommand::Preview { email } => {
            let email =
                Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {}", e.reason))?;
            let hash = safeguards_digest::contacts::email_hash(&secret, email.as_str());
            let id = safeguards_digest::contacts::find(&db, &hash)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no subscriber has the address {email}"))?;
            let countries = svc
                .projector
                .read()
                .await
                .subscribers
                .get(&id)
                .map(|s| s.countries.clone())
                .unwrap_or_default();
            println!(
                "{}",
                safeguards_digest::deliver::preview(&svc, &countries, chrono::Utc::now()).await?
            );
        }
    }
    db.close().await;
    Ok(())
}

/// Fold the whole log into a fresh read model, then time a plain copy of the same rows.
async fn rebuild(config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    let total = safeguards_infra::feed::count(&db).await?;
    let bar = indicatif::ProgressBar::new(total.max(0) as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rebuilding [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let counted = std::sync::atomic::AtomicU64::new(0);
    let (model, replayed) = safeguards_infra::projector::replay(&db, i64::MAX, None, |_| {
        let n = counted.fetch_add(
            safeguards_infra::projector::BATCH as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        bar.set_position((n + safeguards_infra::projector::BATCH as u64).min(total as u64));
    })
    .await?;
    let rebuild_secs = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let rate = replayed as f64 / rebuild_secs.max(1e-9);
    println!(
        "rebuilt the read model from {replayed} events in {rebuild_secs:.2} s: {rate:.0} events/s \
         ({} engagements, {} commitments, {} milestones, {} undecodable)",
        model.engagements.len(),
        model.commitments.len(),
        model.milestones.len(),
        model.undecodable
    );
    let started = std::time::Instant::now();
    let copied = safeguards_infra::feed::copy_all(&db).await?;
    let copy_secs = started.elapsed().as_secs_f64();
    let copy_rate = copied as f64 / copy_secs.max(1e-9);
    println!(
        "baseline: {} of the same {copied} rows in {copy_secs:.2} s: {copy_rate:.0} rows/s",
        if db.kind() == "postgres" {
            "COPY … TO STDOUT"
        } else {
            "a plain SELECT"
        }
    );
    println!(
        "rebuild rate = {:.0} % of the baseline",
        100.0 * rate / copy_rate.max(1e-9)
    );
    println!(
        "(servers keep their read model in memory and fold new events as they come; each rebuilds it at start)"
    );
    db.close().await;
    Ok(())
}

/// A progress bar on standard error (hidden when it is not a terminal).
fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{what} [{{bar:40}}] {{pos}} ({{per_sec}})"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
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
