//! A running tracker for tests: the real router on a random loopback port over a throw-away
//! store, with an admin account and helpers to sign in and call the API.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use safeguards_api::{auth, AppState};
use safeguards_domain::account::{Account, AccountCommand};
use safeguards_domain::values::{CountryCode, Email, Role, Title};
use safeguards_infra::{CommandContext, Database, EventStore, Projector};
use serde_json::{json, Value};

use crate::{Backend, TestDb};

pub const PASSWORD: &str = "a long test password";
pub const SECRET: &str = "test-secret-key-of-at-least-thirty-two-chars";

/// A digest service for tests: back-off starts at 50 ms.
pub fn digest_service(
    store: &Arc<EventStore>,
    projector: &Arc<Projector>,
    mailer: safeguards_digest::Mailer,
    public_url: &str,
) -> safeguards_digest::DigestService {
    safeguards_digest::DigestService {
        store: store.clone(),
        projector: projector.clone(),
        mailer,
        settings: Arc::new(safeguards_digest::Settings::new(
            public_url.parse().unwrap(),
            "Safeguards Digest <digest@tracker.test>".into(),
            SECRET.into(),
        )),
        retry_base: std::time::Duration::from_millis(50),
    }
}

/// A tracker serving on `base`.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<EventStore>,
    pub projector: Arc<Projector>,
    pub admin: String,
    pub admin_email: String,
    pub digest: safeguards_digest::DigestService,
    pub clock: safeguards_api::Clock,
    pub db: TestDb,
    stop: tokio::sync::watch::Sender<bool>,
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
        let generous = safeguards_api::limits::Limits {
            sign_in: safeguards_api::limits::RateLimit::new(
                100_000,
                std::time::Duration::from_secs(60),
            ),
            subscribe: safeguards_api::limits::RateLimit::new(
                100_000,
                std::time::Duration::from_secs(60),
            ),
        };
        Self::serve_limited(db, mailer, generous).await
    }

    /// A tracker with the given rate limits.
    pub async fn serve_limited(
        db: TestDb,
        mailer: safeguards_digest::Mailer,
        limits: safeguards_api::limits::Limits,
    ) -> Self {
        let store = Arc::new(db.store());
        let projector = Projector::new(db.db.clone());
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(projector.clone().run(stop_rx));
        let digest = digest_service(&store, &projector, mailer, "http://tracker.test/");
        let mut state = AppState::new(
            store.clone(),
            projector.clone(),
            SECRET,
            None,
            digest.clone(),
        );
        state.limits = Arc::new(limits);
        let clock = state.clock.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(
                listener,
                safeguards_api::router(state)
                    .into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let mut app = Self {
            base,
            client: reqwest::Client::new(),
            store,
            projector,
            admin: String::new(),
            admin_email: String::new(),
            digest,
            clock,
            db,
            stop,
        };
        app.admin_email = format!("admin-{}@example.org", uuid::Uuid::new_v4().simple());
        app.admin = app
            .account(&app.admin_email.clone(), Role::Admin, &[])
            .await;
        app
    }

    /// Create an account directly in the store and sign it in; returns its token.
    pub async fn account(&self, email: &str, role: Role, countries: &[&str]) -> String {
        let email = Email::parse(email).unwrap();
        let id = auth::account_id(&email);
        let hash = auth::hash_password(PASSWORD).unwrap();
        let committed = self
            .store
            .execute::<Account>(
                &id.to_string(),
                AccountCommand::Create {
                    email: email.clone(),
                    name: Title::parse(email.as_str()).unwrap(),
                    role,
                    countries: countries
                        .iter()
                        .map(|c| CountryCode::parse(c).unwrap())
                        .collect(),
                    password_hash: Some(hash),
                },
                &CommandContext::system("test"),
                None,
            )
            .await
            .unwrap();
        self.projector.committed(committed.position);
        self.token(email.as_str(), PASSWORD).await
    }

    pub async fn token(&self, email: &str, password: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "",
                "/api/v1/auth/token",
                Some(json!({"email": email, "password": password})),
            )
            .await;
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
    pub async fn event_count(&self) -> i64 {
        match &self.db.db {
            Database::Postgres(p) => sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(p)
                .await
                .unwrap(),
            Database::Sqlite(p) => sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(p)
                .await
                .unwrap(),
        }
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
        let _ = self.stop.send(true);
    }
}
