//! Scoped API tokens (until the identity issue lands): a random secret shown once, stored as its
//! SHA-256, scoped to one agency and role.

use crate::error::AppError;
use crate::ports::TokenRecord;
use crate::service::{App, StaffActor};
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

/// Recently authenticated tokens: secret hash → (actor, when found).
pub(crate) type TokenCache = HashMap<String, (StaffActor, Instant)>;

/// The stored form of a token secret (SHA-256, hex).
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl App {
    /// Creates a token for `agency` with `role`; returns the record and the secret (shown once).
    pub async fn create_token(
        &self,
        agency: &AgencyCode,
        role: Role,
        label: &str,
    ) -> Result<(TokenRecord, String), AppError> {
        self.agency(agency).await?;
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
        let rec = TokenRecord {
            id: uuid::Uuid::now_v7(),
            agency: agency.clone(),
            role,
            label: label.chars().take(200).collect(),
            created_at: self.now(),
        };
        self.store.insert_token(&secret_hash(&secret), &rec).await?;
        Ok((rec, secret))
    }

    /// The staff actor for a bearer token secret, or `auth.unauthenticated`.
    pub async fn authenticate(&self, secret: &str) -> Result<StaffActor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let hash = secret_hash(secret);
        if let Some((actor, found)) = self.tokens.read().expect("token lock").get(&hash)
            && found.elapsed() < TOKEN_CACHE_TTL
        {
            return Ok(actor.clone());
        }
        let rec = self
            .store
            .token(&hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let actor = StaffActor {
            token_id: rec.id,
            agency: rec.agency,
            role: rec.role,
            label: rec.label,
        };
        let mut cache = self.tokens.write().expect("token lock");
        if cache.len() >= TOKEN_CACHE_MAX {
            cache.clear();
        }
        cache.insert(hash, (actor.clone(), Instant::now()));
        Ok(actor)
    }
}

/// The anti-forgery token for forms posted with a staff session: derived from the session
/// secret, so it cannot be guessed by another site and needs no storage.
pub fn csrf_for(secret: &str) -> String {
    hex::encode(Sha256::digest(format!("motcua-csrf\n{secret}").as_bytes()))
}
