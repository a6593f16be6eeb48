//! OpenID Connect against the national identity provider (VNeID): the authorization code flow
//! with PKCE, a state and a nonce; the ID token's signature, issuer, audience, expiry and nonce
//! checked by `openidconnect`. The HTTP client follows no redirects (a redirect from the provider's
//! endpoints could be turned into a request to anywhere). The provider's metadata and keys are
//! fetched when needed and kept ten minutes.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::time::{Duration, Instant};

/// How long the provider's metadata (and keys) are kept.
const METADATA_TTL: Duration = Duration::from_secs(600);

/// The provider and our registration with it.
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer, e.g. `https://sso.dancuquocgia.gov.vn`.
    pub issuer: String,
    /// Our client id.
    pub client_id: String,
    /// Our client secret (from the environment or a file; never logged).
    pub client_secret: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .finish()
    }
}

/// What can go wrong talking to the provider (for the log; the citizen sees a plain message).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OidcError(String);

fn err(what: &str) -> impl Fn(&dyn std::fmt::Display) -> OidcError + '_ {
    move |e| OidcError(format!("{what}: {e}"))
}

/// A login in progress: kept in a short-lived cookie of the browser that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The `state` sent, which must come back.
    pub state: String,
    /// The PKCE verifier.
    pub verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
}

impl Pending {
    /// The cookie value (three base64url strings).
    pub fn to_cookie(&self) -> String {
        format!("{}.{}.{}", self.state, self.verifier, self.nonce)
    }

    /// Reads a cookie value.
    pub fn from_cookie(v: &str) -> Option<Pending> {
        let mut it = v.split('.');
        let (state, verifier, nonce) = (it.next()?, it.next()?, it.next()?);
        let ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 128
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (it.next().is_none() && ok(state) && ok(verifier) && ok(nonce)).then(|| Pending {
            state: state.into(),
            verifier: verifier.into(),
            nonce: nonce.into(),
        })
    }
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The subject identifier (for VNeID, the personal identification number).
    pub subject: String,
    /// The name, when given.
    pub name: Option<String>,
}

/// The client.
pub struct Oidc {
    settings: OidcSettings,
    http: openidconnect::reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Oidc {
    /// A client for `settings`.
    pub fn new(settings: OidcSettings) -> Result<Oidc, OidcError> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| err("http client")(&e))?;
        Ok(Oidc {
            settings,
            http,
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| err("issuer")(&e))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| err("discovery")(&e))?;
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    /// The provider's authorization URL for a new login returning to `redirect`, and what the
    /// browser must keep until it comes back.
    pub async fn start(&self, redirect: &str) -> Result<(String, Pending), OidcError> {
        let client = CoreClient::from_provider_metadata(
            self.metadata().await?,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).map_err(|e| err("redirect")(&e))?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url.to_string(),
            Pending {
                state: state.secret().clone(),
                verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
            },
        ))
    }

    /// Exchanges the code for tokens and checks the ID token (signature, issuer, audience,
    /// expiry, nonce).
    pub async fn finish(
        &self,
        redirect: &str,
        code: &str,
        pending: &Pending,
    ) -> Result<Identity, OidcError> {
        let client = CoreClient::from_provider_metadata(
            self.metadata().await?,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).map_err(|e| err("redirect")(&e))?);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| err("token endpoint")(&e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| err("code exchange")(&e))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError("no ID token in the answer".into()))?;
        let claims = id_token
            .claims(
                &client.id_token_verifier(),
                &Nonce::new(pending.nonce.clone()),
            )
            .map_err(|e| err("ID token")(&e))?;
        Ok(Identity {
            subject: claims.subject().as_str().to_owned(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_login_survives_its_cookie_and_nothing_else_does() {
        let p = Pending {
            state: "c3RhdGU".into(),
            verifier: "dmVyaWZpZXItdmVyaWZpZXItdmVyaWZpZXI_-".into(),
            nonce: "bm9uY2U".into(),
        };
        assert_eq!(Pending::from_cookie(&p.to_cookie()), Some(p));
        for bad in ["", "a.b", "a.b.c.d", "a..c", "a.b.<script>", "a;b.c.d"] {
            assert_eq!(Pending::from_cookie(bad), None, "{bad:?}");
        }
    }
}
