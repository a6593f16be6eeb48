//! Scoped service tokens for integrations (and the bench): a random secret shown once, stored as
//! its SHA-256, holding one role at one agency. People sign in with accounts (`accounts`).

use crate::error::AppError;
use crate::ports::TokenRecord;
use crate::service::{App, Principal, StaffActor};
use motcua_domain::access::Role;
use motcua_domain::ids::AgencyCode;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Prefix of every token secret, so that leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "mct_";

/// How long a token, once found, is trusted without asking the store again. Every staff request
/// carries its token; at a peak the lookup was one statement in seven. A token revoked in the
/// store stops working within this time.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(30);

/// Most tokens remembered at once (a province's staff, with room); past it the cache starts
/// again empty. Only tokens that exist are remembered, so random secrets cannot fill it.
const TOKEN_CACHE_MAX: usize = 20_000;

/// Recently authenticated tokens: secret hash → (actor, when found, when it expires).
pub(crate) type TokenCache = HashMap<String, (StaffActor, Instant, Option<time::OffsetDateTime>)>;

/// The stored form of a token secret (SHA-256, hex).
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Days a token works when no other term is given (issue #29: a token is never forever; an
/// integration renews its token before then).
pub const DEFAULT_TOKEN_DAYS: i64 = 365;

impl App {
    /// Creates a token for `agency` with `role`, valid for [`DEFAULT_TOKEN_DAYS`]; returns the
    /// record, the secret (shown once) and the actor it authenticates as.
    pub async fn create_token(
        &self,
        agency: &AgencyCode,
        role: Role,
        label: &str,
    ) -> Result<(TokenRecord, String, StaffActor), AppError> {
        self.create_token_for(agency, role, label, DEFAULT_TOKEN_DAYS)
            .await
    }

    /// As [`App::create_token`], valid for `days` (1–3650).
    pub async fn create_token_for(
        &self,
        agency: &AgencyCode,
        role: Role,
        label: &str,
        days: i64,
    ) -> Result<(TokenRecord, String, StaffActor), AppError> {
        if !(1..=3650).contains(&days) {
            return Err(AppError::invalid(
                "days",
                "a token is valid for 1 to 3650 days",
            ));
        }
        let home = self.agency(agency).await?;
        let secret = new_secret(TOKEN_PREFIX);
        let rec = TokenRecord {
            id: uuid::Uuid::now_v7(),
            agency: agency.clone(),
            role,
            label: label.chars().take(200).collect(),
            created_at: self.now(),
            expires_at: Some(self.now() + time::Duration::days(days)),
            revoked_at: None,
        };
        self.store.insert_token(&secret_hash(&secret), &rec).await?;
        let actor = StaffActor::new(rec.id, Principal::Token, &home, role, rec.label.clone());
        Ok((rec, secret, actor))
    }

    /// The staff actor for a bearer token secret, or `auth.unauthenticated`.
    pub async fn authenticate(&self, secret: &str) -> Result<StaffActor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let hash = secret_hash(secret);
        if let Some((actor, found, expires)) = self.tokens.read().expect("token lock").get(&hash)
            && found.elapsed() < TOKEN_CACHE_TTL
            && expires.is_none_or(|e| self.now() < e)
        {
            return Ok(actor.clone());
        }
        let rec = self
            .store
            .token(&hash)
            .await?
            .filter(|t| t.valid_at(self.now()))
            .ok_or(AppError::Unauthenticated)?;
        let home = self.agency(&rec.agency).await?;
        let actor = StaffActor::new(rec.id, Principal::Token, &home, rec.role, rec.label);
        let mut cache = self.tokens.write().expect("token lock");
        if cache.len() >= TOKEN_CACHE_MAX {
            cache.clear();
        }
        cache.insert(hash, (actor.clone(), Instant::now(), rec.expires_at));
        Ok(actor)
    }

    /// Every service token (never the secrets).
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>, AppError> {
        Ok(self.store.tokens().await?)
    }

    /// Revokes a token: it stops working at once in this process and within
    /// [`TOKEN_CACHE_TTL`] in the others. Recorded in the security log.
    pub async fn revoke_token(&self, id: uuid::Uuid) -> Result<(), AppError> {
        if !self.store.revoke_token(id, self.now()).await? {
            return Err(AppError::not_found(
                "token.not_found",
                format!("no active token {id}"),
            ));
        }
        self.tokens
            .write()
            .expect("token lock")
            .retain(|_, (actor, _, _)| actor.id != id);
        self.audit_security(
            "token_revoked",
            "cli",
            None,
            &format!("token:{id}"),
            &crate::accounts::Origin::default(),
            "",
        )
        .await;
        Ok(())
    }
}

/// The anti-forgery token for forms posted with a session (staff) or a draft (applicant):
/// derived from the cookie's secret, so another site cannot know it and it needs no storage.
pub fn csrf_for(secret: &str) -> String {
    hex::encode(Sha256::digest(format!("motcua-csrf\n{secret}").as_bytes()))
}

/// A new random secret with `prefix` (24 random bytes, hex).
pub(crate) fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}
