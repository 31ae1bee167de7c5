//! A running tracker for tests: the real router on a random loopback port over a throw-away
//! store, with an admin account and helpers to sign in and call the API.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use safeguards::server::{Options, Server};
use safeguards_app::accounts::{self, NewAccount};
use safeguards_app::{App, Caller};
use safeguards_domain::values::{CountryCode, Email, Role, Title};
use safeguards_infra::{Config, EventStore, Projector, RawConfig};
use serde_json::{json, Value};

use crate::{Backend, TestDb};

pub const PASSWORD: &str = "a long test password";
pub const SECRET: &str = "test-secret-key-of-at-least-thirty-two-chars";
pub const PUBLIC_URL: &str = "http://tracker.test/";

/// The configuration of a test server over `db` (mail to a private outbox unless a test
/// passes its own mailer; links to [`PUBLIC_URL`]).
pub fn config(db: &TestDb) -> Config {
    configured(db, RawConfig::default())
}

/// As [`config`], with the settings `raw` gives.
pub fn configured(db: &TestDb, raw: RawConfig) -> Config {
    let dir = std::env::temp_dir().join(format!("sg-app-{}", uuid::Uuid::new_v4().simple()));
    Config::resolve(RawConfig {
        data_dir: raw.data_dir.or(Some(dir.display().to_string())),
        database_url: Some(db.url.clone()),
        public_url: raw.public_url.or(Some(PUBLIC_URL.into())),
        mail_from: Some("Safeguards Digest <digest@tracker.test>".into()),
        secret_key: Some(SECRET.into()),
        // Every test client comes from 127.0.0.1, as one client: not limited unless a test says.
        max_connections_per_client: raw.max_connections_per_client.or(Some("1000000".into())),
        ..raw
    })
    .unwrap()
}

/// What a test server differs in from the default one.
#[derive(Debug, Default)]
pub struct Setup {
    /// Where mail goes (default: memory).
    pub mailer: Option<safeguards_digest::Mailer>,
    /// Rate limits (default: generous ones, so tests are not throttled).
    pub limits: Option<safeguards_api::http::limits::Limits>,
    /// Settings as given on the command line or in the environment.
    pub raw: RawConfig,
    pub stale_bound: Option<std::time::Duration>,
    /// Load the demo data (25 countries) before anything else.
    pub demo: bool,
    /// Where to serve (a test that must know the address before the server is built).
    pub listener: Option<tokio::net::TcpListener>,
    /// The S3 settings of the evidence store (`safeguards_tests::s3::bucket`).
    pub evidence_s3: Vec<(String, String)>,
    /// How long an upload may send nothing (default: a minute).
    pub evidence_idle: Option<std::time::Duration>,
}

/// Rate limits no test reaches by accident.
pub fn generous_limits() -> safeguards_api::http::limits::Limits {
    safeguards_api::http::limits::Limits {
        sign_in: safeguards_api::http::limits::RateLimit::new(
            100_000,
            std::time::Duration::from_secs(60),
        ),
        subscribe: safeguards_api::http::limits::RateLimit::new(
            100_000,
            std::time::Duration::from_secs(60),
        ),
        ..safeguards_api::http::limits::Limits::default()
    }
}

/// The use cases over `db`, with no server around them (as the command line has them).
pub async fn app_over(db: &TestDb) -> App {
    safeguards::server::app(&config(db), &db.db).await.unwrap()
}

/// A tracker serving on `base`: the production wiring ([`Server::build`]) over a throw-away
/// store, with an admin account signed in.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub app: App,
    pub store: Arc<EventStore>,
    pub projector: Arc<Projector>,
    pub admin: String,
    pub admin_email: String,
    pub digest: safeguards_digest::DigestService,
    pub clock: safeguards_app::Clock,
    pub db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A reply: status, headers and JSON body (`Null` when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {:?} {}", self.status, self.body))
            .to_string()
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, safeguards_digest::Mailer::memory().0).await
    }

    /// A tracker whose mail goes through `mailer`.
    pub async fn spawn_with(backend: Backend, mailer: safeguards_digest::Mailer) -> Self {
        let db = TestDb::new(backend).await;
        Self::serve(db, mailer).await
    }

    /// A tracker over an existing store (several may share one database).
    pub async fn serve(db: TestDb, mailer: safeguards_digest::Mailer) -> Self {
        Self::serve_limited(db, mailer, generous_limits()).await
    }

    /// A tracker with the given rate limits.
    pub async fn serve_limited(
        db: TestDb,
        mailer: safeguards_digest::Mailer,
        limits: safeguards_api::http::limits::Limits,
    ) -> Self {
        Self::serve_setup(
            db,
            Setup {
                mailer: Some(mailer),
                limits: Some(limits),
                ..Setup::default()
            },
        )
        .await
    }

    /// A tracker as `setup` says.
    pub async fn serve_setup(db: TestDb, setup: Setup) -> Self {
        let mut config = configured(&db, setup.raw);
        config.evidence_s3 = setup.evidence_s3;
        if let Some(idle) = setup.evidence_idle {
            config.evidence_idle = idle;
        }
        let server = Server::build(
            &config,
            Options {
                mailer: Some(
                    setup
                        .mailer
                        .unwrap_or_else(|| safeguards_digest::Mailer::memory().0),
                ),
                retry_base: Some(std::time::Duration::from_millis(50)),
                limits: Some(setup.limits.unwrap_or_else(generous_limits)),
                stale_bound: setup.stale_bound,
                ..Options::default()
            },
        )
        .await
        .unwrap();
        let app = server.app.clone();
        // The test's handle on the store is the server's own pool (closing it is an outage).
        let mut db = db;
        db.db = server.db.clone();
        let listener = match setup.listener {
            Some(l) => l,
            None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        };
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            server
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        let mut test = Self {
            base,
            client: reqwest::Client::new(),
            store: app.store().clone(),
            projector: app.projector().clone(),
            digest: app.digest().clone(),
            clock: app.clock().clone(),
            app,
            admin: String::new(),
            admin_email: String::new(),
            db,
            stop: Some(stop),
        };
        if setup.demo {
            safeguards::demo::load(&test.app, chrono::Utc::now())
                .await
                .unwrap();
        }
        test.admin_email = format!("admin-{}@example.org", uuid::Uuid::new_v4().simple());
        test.admin = test
            .account(&test.admin_email.clone(), Role::Admin, &[])
            .await;
        test
    }

    /// Create an account through the use case, as the operator would, and sign it in; returns
    /// its token.
    pub async fn account(&self, email: &str, role: Role, countries: &[&str]) -> String {
        let email = Email::parse(email).unwrap();
        accounts::create(
            &self.app,
            &Caller::system("test"),
            NewAccount {
                email: email.clone(),
                name: Title::parse(email.as_str()).unwrap(),
                role,
                countries: countries
                    .iter()
                    .map(|c| CountryCode::parse(c).unwrap())
                    .collect(),
                password: Some(PASSWORD.into()),
            },
        )
        .await
        .unwrap();
        self.token(email.as_str(), PASSWORD).await
    }

    /// `POST /api/v1/subscriptions` as a visitor (no token), whatever it answers.
    pub async fn subscribe(&self, body: Value) -> Reply {
        self.post("", "/api/v1/subscriptions", body).await
    }

    /// `POST /api/v1/auth/token`, whatever it answers.
    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.post(
            "",
            "/api/v1/auth/token",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// A token for `email`, which must sign in.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let r = self.sign_in(email, password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    pub async fn call(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call_with(method, token, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let response = req.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, token, path, Some(body)).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.call(Method::GET, token, path, None).await
    }

    /// How many events the log holds.
    /// The subscriber of `email` as the admin's list shows it.
    pub async fn subscriber(&self, email: &str) -> Value {
        let list = self.get(&self.admin, "/api/v1/subscribers").await;
        list.body
            .as_array()
            .and_then(|all| all.iter().find(|s| s["email"] == email))
            .cloned()
            .unwrap_or_else(|| panic!("{email} is not listed: {}", list.body))
    }

    /// The id of the subscriber of `email`, and the token of the links in their mails
    /// (preferences, unsubscribe).
    pub async fn link_token(&self, email: &str) -> (String, String) {
        let id = self.subscriber(email).await["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let token = safeguards_digest::subscriptions::unsubscribe_token(&self.digest.settings, &id);
        (id, token)
    }

    /// The admin erases the subscriber of `email`: its id, and the answer.
    pub async fn erase_subscriber(&self, email: &str) -> (String, Reply) {
        let (id, _) = self.link_token(email).await;
        let r = self
            .post(
                &self.admin,
                &format!("/api/v1/subscribers/{id}/erase"),
                json!({}),
            )
            .await;
        (id, r)
    }

    /// `GET path` without a token, as a visitor: the status and the body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = r.status();
        (status, r.text().await.unwrap_or_default())
    }

    pub async fn event_count(&self) -> i64 {
        safeguards_infra::feed::count(&self.db.db).await.unwrap()
    }

    /// Open an engagement with `country` as the admin.
    pub async fn open(&self, country: &str) {
        let r = self
            .post(
                &self.admin,
                "/api/v1/engagements",
                json!({"country": country, "lead": "Ministry of ICT", "started_on": "2025-05-01"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    /// A commitment in `country`, as the admin; returns its id.
    pub async fn commitment(&self, country: &str) -> String {
        let r = self
            .post(
                &self.admin,
                &format!("/api/v1/engagements/{country}/commitments"),
                json!({"title": "Adopt a data protection law", "principles": ["O3"], "risks": ["RS1"],
                       "authority": "R1", "stage": "L2", "due_on": "2027-06-30", "process_refs": ["O3.7"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.id()
    }

    /// Kenya engaged, a focal point `email` for it, and one milestone of Kenya started and due
    /// in `days`; returns the milestone.
    pub async fn kenya_focal_point_and_a_started_milestone(
        &self,
        email: &str,
        days: i64,
    ) -> String {
        self.open("KEN").await;
        self.account(email, Role::FocalPoint, &["KEN"]).await;
        let ken = self.commitment("KEN").await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
        let m = self.milestone(&ken, &due).await;
        let r = self
            .post(
                &self.admin,
                &format!("/api/v1/milestones/{m}/start"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        m
    }

    /// Wait until the read model has taken every event written (a reader without a sign-in
    /// names no position to wait for).
    pub async fn settled(&self) {
        let head = safeguards_infra::feed::written_head(&self.db.db)
            .await
            .unwrap();
        assert!(
            self.projector
                .wait_for(head, std::time::Duration::from_secs(10))
                .await
        );
    }

    /// Kenya engaged, a started milestone of it due in 20 days, and its focal point
    /// `fp@ict.go.ke` signed in: the milestone and the focal point's token.
    pub async fn kenya_milestone_and_its_focal_point(&self) -> (String, String) {
        let m = self
            .kenya_focal_point_and_a_started_milestone("fp@ict.go.ke", 20)
            .await;
        (m, self.token("fp@ict.go.ke", PASSWORD).await)
    }

    /// A milestone of `commitment`, as the admin; returns its id.
    pub async fn milestone(&self, commitment: &str, due_on: &str) -> String {
        let r = self
            .post(
                &self.admin,
                &format!("/api/v1/commitments/{commitment}/milestones"),
                json!({"title": "Bill tabled in parliament", "due_on": due_on}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.id()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
