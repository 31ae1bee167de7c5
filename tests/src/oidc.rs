//! A real OpenID Provider for the tests of the organisation's sign-in: `tests/oidc/provider.mjs`
//! (the npm package `oidc-provider`, OpenID Certified) on loopback, one per test, with its test
//! hooks (users, and an altered ID token for the hostile tests); and a browser without
//! JavaScript that goes through the sign-in: the tracker's start, the provider's login form,
//! back to the tracker's callback.

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::AsyncBufReadExt;

/// The client the provider has registered for the tracker.
pub const CLIENT_ID: &str = "tracker";
pub const CLIENT_SECRET: &str = "tracker-secret";

/// The provider, running until the test ends (it stops when its stdin closes).
#[derive(Debug)]
pub struct Provider {
    pub issuer: String,
    _child: tokio::process::Child,
}

impl Provider {
    /// Start a provider whose client for the tracker has `redirect_uri`.
    pub async fn start(redirect_uri: &str) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "run `npm ci` in {} (tests/run does it)",
            dir.display()
        );
        let mut child = tokio::process::Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("PORT", "0")
            .env("REDIRECT_URI", redirect_uri)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            tokio::io::BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the provider starts within 30 s")
        .unwrap();
        let started: serde_json::Value = serde_json::from_str(&line).expect("the provider's line");
        Self {
            issuer: started["issuer"].as_str().unwrap().to_string(),
            _child: child,
        }
    }

    /// Register a user: its `sub`, address and `email_verified` (`None`: the claim is left out).
    pub async fn user(&self, sub: &str, email: &str, verified: Option<bool>) {
        let r = reqwest::Client::new()
            .post(format!("{}/__users", self.issuer))
            .json(&json!({ sub: {"email": email, "email_verified": verified} }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    /// Alter the next ID token the provider issues (`wrong-audience`, `expired`, …).
    pub async fn mode(&self, mode: &str) {
        let r = reqwest::Client::new()
            .post(format!("{}/__mode", self.issuer))
            .json(&json!({ "mode": mode }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "mode {mode}");
    }
}

/// A tracker on `backend` whose organisation's sign-in is a provider started for it (the
/// provider must know the tracker's address before the tracker is built), with the button's
/// text `label` if given.
pub async fn tracker_and_provider(
    backend: crate::Backend,
    label: Option<&str>,
) -> (crate::app::TestApp, Provider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider::start(&format!("{base}/auth/oidc/callback")).await;
    let app = crate::app::TestApp::serve_setup(
        crate::TestDb::new(backend).await,
        crate::app::Setup {
            listener: Some(listener),
            raw: safeguards_infra::RawConfig {
                public_url: Some(base),
                oidc_issuer: Some(provider.issuer.clone()),
                oidc_client_id: Some(CLIENT_ID.into()),
                oidc_client_secret: Some(CLIENT_SECRET.into()),
                oidc_label: label.map(str::to_string),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await;
    (app, provider)
}

/// A browser without JavaScript: cookies kept per origin (host and port), no redirect
/// followed by itself.
#[derive(Debug, Default)]
pub struct Browser {
    client: reqwest::Client,
    cookies: HashMap<String, HashMap<String, String>>,
}

/// What a step answered.
#[derive(Debug)]
pub struct Page {
    pub url: String,
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    /// The cookies it set (`name=value`).
    pub set: Vec<String>,
}

fn origin(url: &str) -> String {
    let u = reqwest::Url::parse(url).unwrap();
    format!(
        "{}:{}",
        u.host_str().unwrap(),
        u.port_or_known_default().unwrap()
    )
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    /// The cookies this browser holds for `url`'s origin, as a `Cookie` header.
    pub fn cookie_header(&self, url: &str) -> String {
        self.cookies
            .get(&origin(url))
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    async fn answer(&mut self, url: &str, r: reqwest::Response) -> Page {
        let mut set = Vec::new();
        for v in r.headers().get_all("set-cookie") {
            let raw = v.to_str().unwrap();
            let pair = raw.split(';').next().unwrap().trim();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = value.is_empty() || raw.to_ascii_lowercase().contains("max-age=0");
            let jar = self.cookies.entry(origin(url)).or_default();
            if removed {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
            set.push(pair.to_string());
        }
        let location = r.headers().get("location").map(|l| {
            reqwest::Url::parse(url)
                .unwrap()
                .join(l.to_str().unwrap())
                .unwrap()
                .to_string()
        });
        Page {
            url: url.to_string(),
            status: r.status(),
            location,
            body: r.text().await.unwrap(),
            set,
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let r = self
            .client
            .get(url)
            .header("cookie", self.cookie_header(url))
            .send()
            .await
            .unwrap();
        self.answer(url, r).await
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .client
            .post(url)
            .header("cookie", self.cookie_header(url))
            .form(form)
            .send()
            .await
            .unwrap();
        self.answer(url, r).await
    }

    /// Follow redirects from `page` until one leads to a URL starting with `until` (not
    /// fetched: its address is returned) or a page that is not a redirect.
    pub async fn follow(&mut self, mut page: Page, until: &str) -> Result<String, Page> {
        for _ in 0..10 {
            let Some(next) = page.location.clone() else {
                return Err(page);
            };
            if next.starts_with(until) {
                return Ok(next);
            }
            page = self.get(&next).await;
        }
        panic!("too many redirects");
    }

    /// Sign in at the tracker on `base` through the provider as `sub`: the tracker's start,
    /// the provider's login form, up to the callback's address (not fetched yet).
    pub async fn through_provider(&mut self, base: &str, sub: &str) -> String {
        let start = self.get(&format!("{base}/auth/oidc/start")).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let callback = format!("{base}/auth/oidc/callback");
        let login = match self.follow(start, &callback).await {
            Err(page) => page,
            Ok(url) => return url,
        };
        assert_eq!(login.status, StatusCode::OK, "{}", login.body);
        assert!(!login.body.contains("<script"));
        let action = login
            .body
            .split("action=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let action = reqwest::Url::parse(&login.url)
            .unwrap()
            .join(&action)
            .unwrap()
            .to_string();
        let posted = self.post(&action, &[("login", sub)]).await;
        self.follow(posted, &callback)
            .await
            .unwrap_or_else(|p| panic!("the provider did not send the browser back: {p:?}"))
    }

    /// The whole sign-in as `sub`: the callback's page.
    pub async fn sign_in(&mut self, base: &str, sub: &str) -> Page {
        let callback = self.through_provider(base, sub).await;
        self.get(&callback).await
    }
}
