//! Sign-in through the organisation's identity provider: an OpenID Connect relying party
//! (Authorization Code flow with PKCE, `state` and `nonce`) built on the `openidconnect` crate.
//!
//! The provider's metadata and keys are discovered from the issuer on first use and kept; a
//! token signed with a key they do not name has the keys fetched again, once, before it is
//! refused (providers rotate keys). The provider's HTTP goes through hyper with rustls (ring,
//! as the mail's TLS): no redirect followed (the library's advice against SSRF), a timeout,
//! and answers read up to [`MOST_BODY`] bytes.
//!
//! What the provider vouches for is an [`Identity`]; whether it may sign in, and as which
//! account, is the use cases' decision (`safeguards_app::organisation`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, HttpRequest,
    HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};

/// The most bytes read of one answer of the provider.
pub const MOST_BODY: usize = 1024 * 1024;

/// How long discovered metadata is kept before it is fetched again.
const METADATA_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The relying party's settings.
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer, as the provider names itself (`https://login.microsoftonline.com/<tenant>/v2.0`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The sign-in button's text, if not the default.
    pub label: Option<String>,
    /// `<public url>/auth/oidc/callback`.
    pub redirect_uri: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in through the provider did not give an identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered nonsense: try again later.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// What came back does not prove who signed in (a wrong audience, issuer or nonce, an
    /// expired token, a bad signature, a code used already).
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
}

/// A sign-in under way: where to send the browser, and what to keep until it comes back.
#[derive(Clone)]
pub struct Start {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl std::fmt::Debug for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Start(…)")
    }
}

/// Who the provider says signed in, from a verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// `None` where the provider does not send the claim.
    pub email_verified: Option<bool>,
}

struct Discovered {
    metadata: CoreProviderMetadata,
    at: Instant,
}

/// The relying party of one provider.
pub struct Oidc {
    settings: OidcSettings,
    http: Http,
    discovered: tokio::sync::RwLock<Option<Arc<Discovered>>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A failure of the provider's HTTP.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpFailure(String);

/// The HTTP client of the provider's requests: HTTPS by rustls (ring, the Mozilla roots) or
/// plain HTTP, HTTP/1.1, no redirect followed.
type Http = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

fn http_client() -> Result<Http, OidcError> {
    https_client(true).map_err(|e| OidcError::Unavailable(format!("TLS: {e}")))
}

/// A hyper client over rustls (ring, the Mozilla roots), HTTP/1.1, with bodies of type `B`:
/// HTTPS, and plain HTTP too where `allow_http`.
pub(crate) fn https_client<B>(
    allow_http: bool,
) -> Result<
    hyper_util::client::legacy::Client<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
        B,
    >,
    std::io::Error,
>
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
{
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(std::io::Error::other)?;
    let https = if allow_http {
        builder.https_or_http()
    } else {
        builder.https_only()
    }
    .enable_http1()
    .build();
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// Send `request` with `client`, within [`TIMEOUT`]: the answer read up to [`MOST_BODY`].
async fn send(client: Http, request: HttpRequest) -> Result<HttpResponse, HttpFailure> {
    use http_body_util::BodyExt;
    let failed = |e: &dyn std::fmt::Display| HttpFailure(e.to_string());
    let exchange = async {
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, http_body_util::Full::from(body));
        let answer = client.request(request).await.map_err(|e| failed(&e))?;
        let (parts, body) = answer.into_parts();
        let body = http_body_util::Limited::new(body, MOST_BODY)
            .collect()
            .await
            .map_err(|e| failed(&e))?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body.to_vec()))
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| HttpFailure(format!("no answer within {} s", TIMEOUT.as_secs())))?
}

/// How long one request to the provider may take.
const TIMEOUT: Duration = Duration::from_secs(10);

impl Oidc {
    pub fn new(settings: OidcSettings) -> Result<Self, OidcError> {
        IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Refused(format!("the issuer is not a URL: {e}")))?;
        RedirectUrl::new(settings.redirect_uri.clone())
            .map_err(|e| OidcError::Refused(format!("the redirect URI is not a URL: {e}")))?;
        let http = http_client()?;
        Ok(Self {
            settings,
            http,
            discovered: tokio::sync::RwLock::default(),
        })
    }

    /// The sign-in button's text, where one is set.
    pub fn label(&self) -> Option<&str> {
        self.settings.label.as_deref()
    }

    /// The issuer as configured.
    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// The provider's metadata and keys: as discovered lately, else discovered now.
    async fn metadata(&self, fresh: bool) -> Result<Arc<Discovered>, OidcError> {
        if !fresh {
            if let Some(d) = self.discovered.read().await.as_ref() {
                if d.at.elapsed() < METADATA_LIFETIME {
                    return Ok(d.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| OidcError::Refused(e.to_string()))?;
        let http = |request| send(self.http.clone(), request);
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("discovery: {e}")))?;
        let discovered = Arc::new(Discovered {
            metadata,
            at: Instant::now(),
        });
        *self.discovered.write().await = Some(discovered.clone());
        Ok(discovered)
    }

    /// The keys fetched again (a token named a key the metadata did not have).
    async fn refresh_keys(&self, old: &Discovered) -> Result<Arc<Discovered>, OidcError> {
        let http = |request| send(self.http.clone(), request);
        let keys = CoreJsonWebKeySet::fetch_async(old.metadata.jwks_uri(), &http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("keys: {e}")))?;
        let discovered = Arc::new(Discovered {
            metadata: old.metadata.clone().set_jwks(keys),
            at: old.at,
        });
        *self.discovered.write().await = Some(discovered.clone());
        Ok(discovered)
    }

    fn client(
        &self,
        metadata: &CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let redirect = RedirectUrl::new(self.settings.redirect_uri.clone())
            .map_err(|e| OidcError::Refused(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Begin a sign-in: the provider's authorization address with a fresh `state`, `nonce`
    /// and PKCE challenge (S256), and the values to keep until the browser comes back.
    pub async fn start(&self) -> Result<Start, OidcError> {
        let discovered = self.metadata(false).await?;
        let client = self.client(&discovered.metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Start {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finish a sign-in: exchange `code` (with the PKCE verifier) for tokens, and verify the
    /// ID token — signature, issuer, audience, expiry and `nonce`.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OidcError> {
        let discovered = self.metadata(false).await?;
        let client = self.client(&discovered.metadata)?;
        let http = |request| send(self.http.clone(), request);
        let answer = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&http)
            .await
            .map_err(|e| OidcError::Refused(format!("token: {e}")))?;
        let token = answer
            .id_token()
            .ok_or_else(|| OidcError::Refused("no ID token".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let verified = match token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => Ok(claims.clone()),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // A key the provider rotated in since the keys were fetched.
                let refreshed = self.refresh_keys(&discovered).await?;
                let client = self.client(&refreshed.metadata)?;
                let verifier = client.id_token_verifier();
                let claims = token.claims(&verifier, &nonce).cloned();
                claims
            }
            Err(e) => Err(e),
        }
        .map_err(|e| OidcError::Refused(format!("ID token: {e}")))?;
        Ok(Identity {
            issuer: verified.issuer().to_string(),
            subject: verified.subject().to_string(),
            email: verified.email().map(|e| e.to_string()),
            email_verified: verified.email_verified(),
        })
    }
}
