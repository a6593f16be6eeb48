//! Citizens signed in through the national identity provider (VNeID, OpenID Connect; the
//! protocol is the web layer's): their sessions, their own dossiers and the documents issued on
//! them — their personal document store. A citizen sees a dossier only when its applicant's
//! identification number is the one the provider vouched for. Filing never needs this.

use crate::accounts::Origin;
use crate::error::AppError;
use crate::ports::{CitizenSessionRecord, DocumentRecord, StoredEvent};
use crate::service::App;
use crate::tokens::{new_secret, secret_hash};
use motcua_domain::dossier::Dossier;
use motcua_domain::ids::{CitizenId, DossierCode};
use uuid::Uuid;

/// Prefix of every citizen session secret.
pub const CITIZEN_SESSION_PREFIX: &str = "mcc_";

/// Most dossiers listed for one citizen.
const MY_DOSSIERS_LIMIT: u32 = 200;

/// A signed-in citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// Their identification number (CCCD).
    pub id_number: CitizenId,
    /// Their name, as the provider gives it.
    pub name: String,
}

/// One of a citizen's dossiers with what they may see of it.
#[derive(Debug, Clone)]
pub struct MyDossier {
    /// The dossier.
    pub dossier: Dossier,
    /// Its history.
    pub events: Vec<StoredEvent>,
    /// The documents issued on it (receipts, slips, results).
    pub documents: Vec<DocumentRecord>,
}

impl App {
    /// Starts a citizen's session after the provider vouched for them; returns the secret for
    /// the cookie. `subject` is the provider's identifier; `id_number` the CCCD it gave.
    pub async fn citizen_login(
        &self,
        subject: &str,
        id_number: CitizenId,
        name: &str,
        origin: &Origin,
    ) -> Result<String, AppError> {
        let now = self.now();
        let secret = new_secret(CITIZEN_SESSION_PREFIX);
        self.store
            .insert_citizen_session(
                &secret_hash(&secret),
                &CitizenSessionRecord {
                    subject: subject.chars().take(255).collect(),
                    id_number: id_number.clone(),
                    name: name.trim().chars().take(120).collect(),
                    created_at: now,
                    last_seen_at: now,
                },
            )
            .await?;
        self.audit_security(
            "citizen_login",
            &format!("citizen:{}", id_number.masked()),
            None,
            &id_number.masked(),
            origin,
            "",
        )
        .await;
        Ok(secret)
    }

    /// The citizen of a cookie's secret; `auth.unauthenticated` when unknown or expired (the
    /// staff session timeouts apply).
    pub async fn citizen_session(&self, secret: &str) -> Result<Citizen, AppError> {
        if !secret.starts_with(CITIZEN_SESSION_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let hash = secret_hash(secret);
        let s = self
            .store
            .citizen_session(&hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let now = self.now();
        let policy = self.settings.sessions;
        if policy.check(s.created_at, s.last_seen_at, now).is_err() {
            self.store.delete_citizen_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        if policy.needs_touch(s.last_seen_at, now) {
            self.store.touch_citizen_session(&hash, now).await?;
        }
        Ok(Citizen {
            id_number: s.id_number,
            name: s.name,
        })
    }

    /// Ends a citizen's session.
    pub async fn citizen_logout(&self, secret: &str) -> Result<(), AppError> {
        self.store
            .delete_citizen_session(&secret_hash(secret))
            .await?;
        Ok(())
    }

    /// The citizen's own dossiers, newest first.
    pub async fn my_dossiers(&self, c: &Citizen) -> Result<Vec<Dossier>, AppError> {
        Ok(self
            .store
            .dossiers_of_applicant(&c.id_number, MY_DOSSIERS_LIMIT)
            .await?)
    }

    /// One of the citizen's dossiers with its history and documents; another person's dossier
    /// answers exactly as one that does not exist.
    pub async fn my_dossier(&self, c: &Citizen, code: &DossierCode) -> Result<MyDossier, AppError> {
        let not_found = || AppError::not_found("dossier.not_found", format!("no dossier {code}"));
        let (d, events) = self
            .store
            .dossier_with_events(code)
            .await?
            .filter(|(d, _)| d.applicant.id_number == c.id_number)
            .ok_or_else(not_found)?;
        self.finish_dossier_jobs(d.id).await?;
        // The result is the applicant's once it is handed over (`return_result`), not while
        // the agency still holds it.
        let returned = d.status == motcua_domain::dossier::Status::Returned;
        let documents = self
            .store
            .dossier_documents(d.id)
            .await?
            .into_iter()
            .filter(|x| x.kind != "result" || returned)
            .collect();
        Ok(MyDossier {
            dossier: d,
            events,
            documents,
        })
    }

    /// A document of one of the citizen's dossiers: its record and bytes (rendered first if
    /// still queued).
    pub async fn my_document(
        &self,
        c: &Citizen,
        code: &DossierCode,
        id: Uuid,
    ) -> Result<(DocumentRecord, Vec<u8>), AppError> {
        let mine = self.my_dossier(c, code).await?;
        let not_found = || AppError::not_found("document.not_found", "no such document");
        let rec = mine
            .documents
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(not_found)?;
        let bytes = self.store.document_bytes(id).await?.ok_or_else(not_found)?;
        Ok((rec, bytes))
    }
}
