//! Pages as a browser without JavaScript uses them: the sign-in form, and the values of a page's
//! forms.

use reqwest::StatusCode;

use crate::app::PASSWORD;

/// The value of the first attribute after `marker` in `html` (e.g. `name="csrf" value="`).
pub fn attr(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A client that follows no redirect, so that a test sees each step of POST → redirect → GET.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sign in at `base` through the login page, as `email` with the test password; returns the
/// `Set-Cookie` of the session.
pub async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    sign_in_with(client, base, email, PASSWORD).await
}

/// As [`sign_in`], with `password`.
pub async fn sign_in_with(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> String {
    let r = client.get(format!("{base}/login")).send().await.unwrap();
    let login_cookie = r.headers()["set-cookie"].to_str().unwrap();
    let login_cookie = login_cookie.split(';').next().unwrap().to_string();
    let csrf = attr(&r.text().await.unwrap(), "name=\"csrf\" value=\"");
    let r = client
        .post(format!("{base}/login"))
        .header("cookie", login_cookie)
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} cannot sign in");
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("sg_session="))
        .expect("a session cookie")
        .to_string()
}

/// A signed-in browser without JavaScript: its session cookie on every request, no redirect
/// followed by itself.
#[derive(Debug)]
pub struct Session {
    pub client: reqwest::Client,
    pub base: String,
    /// `sg_session=…`, as the `Cookie` header sends it.
    pub cookie: String,
}

impl Session {
    /// Sign in at `base` as `email` (with the test password) through the login page.
    pub async fn signed_in(base: &str, email: &str) -> Self {
        let client = client();
        let set = sign_in(&client, base, email).await;
        Self {
            client,
            base: base.to_string(),
            cookie: set.split(';').next().unwrap().to_string(),
        }
    }

    /// A request to `path` of the site, carrying the session.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
    }

    /// `GET path`: the status and the body.
    pub async fn get(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let r = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        (r.status(), r.bytes().await.unwrap().to_vec())
    }
}
