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
