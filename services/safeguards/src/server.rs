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
    /// Sign-in and subscription limits (default: [`safeguards_api::limits::Limits::default`]).
    pub limits: Option<safeguards_api::limits::Limits>,
}

/// A tracker ready to serve.
pub struct Server {
    pub app: App,
    pub state: AppState,
    pub db: Database,
    /// What `--demo` loaded, if anything.
    pub demo: Option<crate::demo::Loaded>,
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
    let db = Database::connect(&config.database_url)
        .await
        .with_context(|| format!("opening {}", redact(&config.database_url)))?;
    db.migrate().await.context("migrating the store")?;
    Ok(db)
}

/// The process's metrics registry: installed once, shared by every server of the process.
pub fn metrics() -> anyhow::Result<PrometheusHandle> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&[
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ])
        .context("configuring metrics")?
        .install_recorder()
        .context("installing the metrics recorder")?;
    Ok(HANDLE.get_or_init(|| handle).clone())
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
    Ok(DigestService {
        store,
        projector,
        mailer,
        settings: Arc::new(safeguards_digest::Settings::new(
            config.public_url.clone(),
            config.mail_from.clone(),
            secret.to_string(),
        )),
        retry_base: retry_base.unwrap_or(Duration::from_secs(30)),
    })
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
    Ok(App::new(store, projector, digest))
}

impl Server {
    /// Migrate, load the demo data when asked, build the read model from the log, and start
    /// what runs beside the requests: the projector, the digest's retries and its scheduler.
    pub async fn build(config: &Config, options: Options) -> anyhow::Result<Self> {
        let db = open(config).await?;
        let app = assemble(config, &db, options.mailer, options.retry_base)?;
        let (projector, digest) = (app.projector.clone(), app.digest.clone());
        let demo = if options.demo {
            Some(
                crate::demo::load(&app, chrono::Utc::now())
                    .await
                    .context("loading the demo data")?,
            )
        } else {
            None
        };
        let replayed = projector
            .catch_up()
            .await
            .context("building the read model from the event log")?;
        tracing::info!(
            events = replayed,
            position = projector.applied(),
            "read model built"
        );
        let (stop, stop_rx) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(projector.clone().run(stop_rx)),
            tokio::spawn(safeguards_digest::schedule::retry_loop(
                digest.clone(),
                stop.subscribe(),
            )),
        ];
        let scheduler = safeguards_digest::schedule::start(digest, &config.digest_cron)
            .await
            .map_err(|e| anyhow::anyhow!("starting the digest scheduler: {e}"))?;
        let mut state = AppState::new(app.clone(), Some(metrics()?));
        if let Some(limits) = options.limits {
            state.limits = Arc::new(limits);
        }
        Ok(Self {
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
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %listener.local_addr()?, store = self.db.kind(), "serving");
        axum::serve(
            listener,
            self.router()
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
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
