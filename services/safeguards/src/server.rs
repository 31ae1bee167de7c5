//! The wiring of a running tracker, as a library: configuration in, a [`Server`] out — the
//! store, the read model caught up and following the feed, the digest service and its
//! scheduler, the use cases and the router. `safeguards serve` and the test harness both build
//! it here, so tests run exactly what production runs.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::PrometheusHandle;
use safeguards_api::AppState;
use safeguards_app::App;
use safeguards_digest::{DigestService, Mailer};
use safeguards_domain::processes::Processes;
use safeguards_infra::ledger::Ledger;
use safeguards_infra::{Config, Database, EventStore, Projector};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_cron_scheduler::JobScheduler;

/// What a caller may choose beyond the configuration.
#[derive(Debug, Default)]
pub struct Options {
    /// Load the demo data into an empty store first.
    pub demo: bool,
    /// Send mail through this instead of the configured transport (tests keep it in memory).
    pub mailer: Option<Mailer>,
    /// The first back-off after a failed delivery (default 30 s).
    pub retry_base: Option<Duration>,
    /// Sign-in and subscription limits (default: [`safeguards_api::http::limits::Limits::default`]).
    pub limits: Option<safeguards_api::http::limits::Limits>,
    /// How long the read model may be behind the log before rights are not decided on it
    /// (default 5 s).
    pub stale_bound: Option<Duration>,
}

/// A tracker ready to serve.
pub struct Server {
    pub app: App,
    pub state: AppState,
    pub db: Database,
    /// What `--demo` loaded, if anything.
    pub demo: Option<crate::demo::Loaded>,
    connections: Connections,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    scheduler: Option<JobScheduler>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("store", &self.db.kind())
            .field("tasks", &self.tasks.len())
            .finish()
    }
}

/// Connect and migrate.
pub async fn open(config: &Config) -> anyhow::Result<Database> {
    safeguards_infra::config::private_dir(&config.data_dir).with_context(|| {
        format!(
            "making the data directory {} private (SAFEGUARDS_DATA_DIR)",
            config.data_dir.display()
        )
    })?;
    let db = Database::connect(&config.database_url)
        .await
        .with_context(|| format!("opening {}", redact(&config.database_url)))?;
    db.migrate().await.context("migrating the store")?;
    Ok(db)
}

/// The process's metrics registry: installed once, shared by every server of the process.
pub fn metrics() -> anyhow::Result<PrometheusHandle> {
    // Servers built at once on several threads install it once: the first to come does.
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    let install = || {
        let builder = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
            .context("configuring metrics")?;
        let builder = safeguards_infra::metrics::COUNT_HISTOGRAMS
            .iter()
            .try_fold(builder, |b, name| {
                b.set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(name.to_string()),
                    &safeguards_infra::metrics::COUNT_BUCKETS,
                )
            })
            .context("configuring metrics")?;
        builder
            .install_recorder()
            .context("installing the metrics recorder")
            .inspect(|_| safeguards_infra::metrics::describe())
    };
    HANDLE
        .get_or_init(|| install().map_err(|e: anyhow::Error| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

/// The digest service over the configured mail transport (or `mailer`).
pub fn digest_service(
    config: &Config,
    store: Arc<EventStore>,
    projector: Arc<Projector>,
    secret: &str,
    mailer: Option<Mailer>,
    retry_base: Option<Duration>,
) -> anyhow::Result<DigestService> {
    let mailer = match mailer {
        Some(m) => m,
        None => Mailer::from_settings(config.smtp_url.as_ref(), config.data_dir.join("outbox"))
            .map_err(|e| anyhow::anyhow!(e))?,
    };
    let settings = safeguards_digest::Settings::new(
        config.public_url.clone(),
        config.mail_from.clone(),
        secret.to_string(),
    )
    .with_lease(config.digest_lease);
    Ok(DigestService::new(
        store,
        projector,
        mailer,
        settings,
        retry_base.unwrap_or(Duration::from_secs(30)),
    ))
}

/// The use cases over a store, without the server around them (the command line's commands).
pub async fn app(config: &Config, db: &Database) -> anyhow::Result<App> {
    assemble(config, db, None, None)
}

/// The store, the read model (empty until it catches up), the digest service and the use
/// cases over them.
fn assemble(
    config: &Config,
    db: &Database,
    mailer: Option<Mailer>,
    retry_base: Option<Duration>,
) -> anyhow::Result<App> {
    let secret = config
        .secret_key()
        .context("reading or creating the secret key (SAFEGUARDS_SECRET_KEY)")?;
    let store = Arc::new(EventStore::new(db.clone()));
    let projector = Projector::new(&store);
    let digest = digest_service(
        config,
        store.clone(),
        projector.clone(),
        &secret,
        mailer,
        retry_base,
    )?;
    let app = App::new(store, projector, digest)
        .with_ledger_public_key(hex::encode(ledger_key(config)?.verifying_key().to_bytes()))
        .with_second_factor_required_of(config.require_second_factor.clone())
        .with_documents(documents(config)?);
    let app = match &config.oidc {
        Some(settings) => app.with_organisation(
            safeguards_infra::oidc::Oidc::new(settings.clone())
                .map_err(|e| anyhow::anyhow!("SAFEGUARDS_OIDC_ISSUER: {e}"))?,
        ),
        None => app,
    };
    Ok(match &config.catalogue {
        None => app,
        Some(path) => app.with_processes(load_catalogue(path)?),
    })
}

/// Where evidence documents are kept, as configured; uploads are received in
/// `<data dir>/incoming` before they are judged and stored.
pub fn documents(config: &Config) -> anyhow::Result<safeguards_app::documents::Documents> {
    forget_stale_uploads(&config.data_dir.join("incoming"));
    Ok(safeguards_app::documents::Documents {
        store: evidence_store(config)?,
        max_bytes: config.evidence_max_bytes,
        incoming: config.data_dir.join("incoming"),
        idle: config.evidence_idle,
    })
}

/// Remove what a crash left of uploads being received: files of the incoming directory older
/// than an hour (another process sharing the data directory may be receiving the newer ones).
fn forget_stale_uploads(incoming: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(incoming) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The evidence store of `SAFEGUARDS_EVIDENCE_STORE`.
pub fn evidence_store(
    config: &Config,
) -> anyhow::Result<safeguards_infra::evidence::EvidenceStore> {
    let settings: Vec<(&str, &str)> = config
        .evidence_s3
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    safeguards_infra::evidence::EvidenceStore::open_with(&config.evidence_store, &settings)
        .map_err(|e| anyhow::anyhow!("SAFEGUARDS_EVIDENCE_STORE: {e}"))
}

/// The key that signs the ledger's checkpoints (`<data dir>/ledger.key`, created on first use).
pub fn ledger_key(config: &Config) -> anyhow::Result<ed25519_dalek::SigningKey> {
    let seed = config
        .ledger_key()
        .context("reading or creating the ledger key (<data dir>/ledger.key)")?;
    safeguards_infra::ledger::signing_key(&seed).map_err(anyhow::Error::msg)
}

/// An operator's catalogue of processes, checked.
pub fn load_catalogue(path: &std::path::Path) -> anyhow::Result<Processes> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading the catalogue {} (SAFEGUARDS_CATALOGUE)",
            path.display()
        )
    })?;
    Processes::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "invalid setting SAFEGUARDS_CATALOGUE: {}: {e}",
            path.display()
        )
    })
}

impl Server {
    /// Migrate, load the demo data when asked, build the read model from the log, and start
    /// what runs beside the requests: the projector, the digest's retries and its scheduler.
    pub async fn build(config: &Config, options: Options) -> anyhow::Result<Self> {
        let db = open(config).await?;
        let app = assemble(config, &db, options.mailer, options.retry_base)?;
        let (projector, digest) = (app.projector().clone(), app.digest().clone());
        let demo = if options.demo {
            Some(
                crate::demo::load(&app, chrono::Utc::now())
                    .await
                    .context("loading the demo data")?,
            )
        } else {
            None
        };
        let started = projector
            .start()
            .await
            .context("building the read model from the event log")?;
        tracing::info!(
            from_snapshot = started.from_snapshot,
            events = started.folded,
            position = projector.applied(),
            "read model built"
        );
        let (stop, stop_rx) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(projector.clone().run(stop_rx)),
            tokio::spawn(Ledger::new(db.clone(), ledger_key(config)?).run(stop.subscribe())),
            tokio::spawn(safeguards_digest::schedule::retry_loop(
                digest.clone(),
                stop.subscribe(),
            )),
        ];
        let scheduler = safeguards_digest::schedule::start(digest, &config.digest_cron)
            .await
            .map_err(|e| anyhow::anyhow!("starting the digest scheduler: {e}"))?;
        let mut state = AppState::new(app.clone(), Some(metrics()?));
        safeguards_infra::metrics::build_info(db.kind());
        let mut limits = options.limits.unwrap_or_default();
        if limits.trusted_proxies.is_empty() {
            limits.trusted_proxies = config.trusted_proxies.clone();
        }
        state.limits = Arc::new(limits);
        state.public_pages = config.public_pages;
        if let Some(bound) = options.stale_bound {
            state.stale_bound = bound;
        }
        Ok(Self {
            connections: Connections {
                max: config.max_connections,
                per_client: config.max_connections_per_client,
                trusted_proxies: config.trusted_proxies.clone(),
                header_timeout: config.header_timeout,
            },
            app,
            state,
            db,
            demo,
            stop,
            tasks,
            scheduler: Some(scheduler),
        })
    }

    /// The router of every route, over this server's state.
    pub fn router(&self) -> axum::Router {
        safeguards_api::router(self.state.clone())
    }

    /// Serve on `listener` until `shutdown` resolves, then stop everything.
    ///
    /// At most `max_connections` connections are open at once (past that, new ones wait to be
    /// accepted), at most `max_connections_per_client` from one client address; a client that takes longer than `header_timeout` to send a request's head —
    /// the first one, or the next on a kept-alive connection — is disconnected, so slow or idle
    /// clients cannot hold the server's connections.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %listener.local_addr()?, store = self.db.kind(), "serving");
        serve_connections(listener, self.router(), self.connections.clone(), shutdown).await;
        self.stop().await;
        Ok(())
    }

    /// Stop the projector, the retries and the scheduler, and close the store.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
        if let Some(mut scheduler) = self.scheduler.take() {
            let _ = scheduler.shutdown().await;
        }
        self.db.close().await;
        tracing::info!("stopped");
    }
}

/// How many connections, and how long a request's head may take.
#[derive(Debug, Clone)]
struct Connections {
    max: usize,
    per_client: usize,
    trusted_proxies: Vec<ipnet::IpNet>,
    header_timeout: Duration,
}

/// The connections each client address holds open. A client at its limit has its next
/// connection closed as soon as it is accepted, so that one client cannot take the slots of
/// everyone else; the proxies in front of the server are not counted (they carry everyone).
#[derive(Debug)]
struct PerClient {
    limit: usize,
    trusted: Vec<ipnet::IpNet>,
    open: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>,
}

/// One counted connection; dropping it gives the slot back.
struct ClientSlot(Option<(Arc<PerClient>, std::net::IpAddr)>);

impl PerClient {
    fn take(self: &Arc<Self>, client: std::net::IpAddr) -> Option<ClientSlot> {
        if self.trusted.iter().any(|n| n.contains(&client)) {
            return Some(ClientSlot(None));
        }
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let held = open.entry(client).or_insert(0);
        if *held >= self.limit {
            return None;
        }
        *held += 1;
        Some(ClientSlot(Some((self.clone(), client))))
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        if let Some((counts, client)) = self.0.take() {
            let mut open = counts.open.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(held) = open.get_mut(&client) {
                *held -= 1;
                if *held == 0 {
                    open.remove(&client);
                }
            }
        }
    }
}

/// Accept connections and serve `router` on each, within `limits`, until `shutdown`; then
/// let the requests under way finish (at most 10 s).
///
/// HTTP/1.1 only: the head of every request, the first and each next one on a kept-alive
/// connection, must arrive within the header timeout, so an idle connection is closed after
/// it. (HTTP/2 without TLS has no such bound in hyper: a client that sends only the preface
/// would hold its connection for as long as it likes. A proxy in front speaks HTTP/2 to
/// browsers; see README, "Deploying safely".)
async fn serve_connections(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: Connections,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max));
    let per_client = Arc::new(PerClient {
        limit: limits.per_client,
        trusted: limits.trusted_proxies.clone(),
        open: Default::default(),
    });
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = per_client.take(peer.ip()) else {
            metrics::counter!("safeguards_connections_refused_total", "reason" => "per_client")
                .increment(1);
            tracing::debug!(client = %peer.ip(), "a client at its connection limit; closed");
            drop(stream);
            continue;
        };
        let service = router.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(axum::body::Body::new)
            },
        );
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
            drop((permit, slot));
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still under way after 10 s were cut");
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
