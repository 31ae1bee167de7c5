//! The `safeguards` binary: the command line over the wiring of [`safeguards::server`] and the
//! use cases of `safeguards-app`.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod cli;

use std::io::{IsTerminal, Read};

use anyhow::Context;
use clap::Parser;
use safeguards::server::{self, Options, Server};
use safeguards::transfer;
use safeguards_app::accounts::{self, NewAccount};
use safeguards_app::{digests, Caller, Principal};
use safeguards_domain::values::{parse_word, CountryCode, Email, Role, Title};
use safeguards_infra::{telemetry, Config};

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
            let db = server::open(&config).await?;
            println!("migrated the {} store", db.kind());
            Ok(())
        }
        Command::Serve(args) => serve(config, args.demo).await,
        Command::Account(cli::AccountCommand::Create(args)) => create_account(&config, args).await,
        Command::Projections(cli::ProjectionsCommand::Rebuild) => rebuild(&config).await,
        Command::Digest(cmd) => digest(&config, cmd).await,
        Command::Reminders(cli::RemindersCommand::Send) => send_reminders(&config).await,
        Command::Events(cli::EventsCommand::Export { after }) => {
            let db = server::open(&config).await?;
            let total = safeguards_infra::feed::count(&db).await?;
            let bar = progress_bar(total as u64, "exporting");
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let key = server::ledger_key(&config)?;
            let n = transfer::export(&db, after, Some(&key), &mut out, &|n| bar.set_position(n))
                .await?;
            bar.finish_and_clear();
            eprintln!("exported {n} lines");
            Ok(())
        }
        Command::Verify {
            file,
            key,
            trust_embedded_key,
            evidence,
        } => {
            let report = transfer::verify_file(&file, key.as_deref(), trust_embedded_key)?;
            print!("{report}");
            if let Some(location) = evidence {
                print!("{}", transfer::verify_documents(&file, &location).await?);
            }
            Ok(())
        }
        Command::Evidence(cli::EvidenceCommand::Check) => {
            let db = server::open(&config).await?;
            let store = server::evidence_store(&config)?;
            let check = transfer::check_store(&db, &store).await?;
            for fault in &check.faults {
                println!("{fault}");
            }
            for name in &check.unnamed {
                println!("stored but named by no event (harmless): {name}");
            }
            println!(
                "{} documents recorded; {} missing or corrupt; {} stored files named by no event, in {}",
                check.recorded,
                check.faults.len(),
                check.unnamed.len(),
                store.location()
            );
            if check.faults.is_empty() {
                Ok(())
            } else {
                anyhow::bail!("the evidence store does not hold every recorded document")
            }
        }
        Command::Events(cli::EventsCommand::Import { file }) => {
            let db = server::open(&config).await?;
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
            let evidence = server::evidence_store(&config)?;
            let done =
                transfer::import(&db, &secret, &evidence, reader, &|n| bar.set_position(n)).await;
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

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    // Demo data names real-looking people and prints passwords: it stays on this machine.
    if demo && !config.bind.ip().is_loopback() {
        anyhow::bail!(
            "--demo serves demo accounts and prints their passwords: bind it to a loopback address (127.0.0.1), not {}",
            config.bind
        );
    }
    let server = Server::build(
        &config,
        Options {
            demo,
            ..Options::default()
        },
    )
    .await?;
    match &server.demo {
        None => {}
        Some(safeguards::demo::Loaded::NotEmpty) => {
            println!("--demo: the store is not empty; no demo data was loaded")
        }
        Some(safeguards::demo::Loaded::Loaded { accounts, events }) => {
            println!("--demo: loaded {events} events. Sign in with (only the admin has a second factor):");
            for a in accounts {
                let role: &str = a.role.into();
                println!("  {:<18} {:<36} {}", role, a.email, a.password);
                if let Some(secret) = &a.second_factor {
                    println!("  {:<18} second factor: add the TOTP secret {secret} to an authenticator app", "");
                }
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {} (SAFEGUARDS_BIND)", config.bind))?;
    server.serve(listener, shutdown_signal()).await
}

async fn create_account(config: &Config, args: cli::CreateAccount) -> anyhow::Result<()> {
    let email =
        Email::parse(args.email.trim()).map_err(|e| anyhow::anyhow!("--email: {}", e.reason))?;
    let name = Title::parse_field("name", &args.name)
        .map_err(|e| anyhow::anyhow!("--name: {}", e.reason))?;
    let role: Role = parse_word("role", args.role.trim())
        .map_err(|e| anyhow::anyhow!("--role: {}", e.reason))?;
    let countries = args
        .countries
        .iter()
        .map(|c| {
            CountryCode::parse(&c.trim().to_ascii_uppercase())
                .map_err(|e| anyhow::anyhow!("--country: {}", e.reason))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        None
    } else {
        let mut input = String::new();
        stdin
            .lock()
            .read_to_string(&mut input)
            .context("reading the password from standard input")?;
        Some(input.trim_end_matches(['\n', '\r']).to_string()).filter(|p| !p.is_empty())
    };
    let db = server::open(config).await?;
    let app = server::app(config, &db).await?;
    let created = accounts::create(
        &app,
        &Caller::system("cli:account-create"),
        NewAccount {
            email: email.clone(),
            name,
            role,
            countries,
            password,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the account {email}: {e}"))?;
    println!(
        "created account {} for {email}",
        created.committed.aggregate_id
    );
    if let Some(password) = created.generated_password {
        println!("password: {password}");
    }
    db.close().await;
    Ok(())
}

async fn send_reminders(config: &Config) -> anyhow::Result<()> {
    let db = server::open(config).await?;
    let app = server::app(config, &db).await?;
    app.projector().catch_up().await?;
    let sent = safeguards_digest::reminders::send_reminders(app.digest(), chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("sending the reminders: {e}"))?;
    println!("reminders: {sent} mails sent");
    Ok(())
}

async fn digest(config: &Config, command: cli::DigestCommand) -> anyhow::Result<()> {
    let db = server::open(config).await?;
    let app = server::app(config, &db).await?;
    app.projector().catch_up().await?;
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
                app.digest(),
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
                Email::parse(email.trim()).map_err(|e| anyhow::anyhow!("--email: {}", e.reason))?;
            let secret = config.secret_key().context("reading the secret key")?;
            let hash = safeguards_infra::contacts::email_hash(&secret, email.as_str());
            let id = safeguards_infra::contacts::find(&db, &hash)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no subscriber has the address {email}"))?;
            let countries = safeguards_app::subscriptions::countries_of(&app, &id).await;
            // What that subscriber receives: everything only when the address has an account.
            let audience =
                safeguards_digest::deliver::audience_of(app.digest(), email.as_str()).await;
            let html = digests::preview(&app, &Principal::system(), &countries, audience)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{html}");
        }
    }
    db.close().await;
    Ok(())
}

/// Fold the whole log into a fresh read model, then time a plain copy of the same rows.
async fn rebuild(config: &Config) -> anyhow::Result<()> {
    let db = server::open(config).await?;
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
    let (model, replayed) =
        safeguards_infra::projector::replay(&db, i64::MAX, None, |n| bar.set_position(n)).await?;
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
