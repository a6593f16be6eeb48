//! The applicant answers a supplement request online (Decree 61/2018 art. 15: a dossier is asked
//! to be completed once, with a slip — form 02 — saying what and why): they see the officer's
//! reason and each item asked for, upload exactly those items, and the dossier takes its
//! `supplement` action as the applicant; the clock resumes as the calendar rules say.

use crate::citizens::Citizen;
use crate::drafts::{checked_upload, draft_attachment};
use crate::error::AppError;
use crate::ports::{DraftRecord, StoredEvent};
use crate::service::{Actor, App};
use motcua_domain::dossier::{Dossier, ReceivedComponent, Status};
use motcua_domain::ids::DossierCode;
use uuid::Uuid;

/// Files an answer may carry for one requested item.
pub const MAX_FILES_PER_ITEM: usize = 3;
/// Bytes an answer may carry in all.
pub const MAX_ANSWER_BYTES: usize = 20 * 1024 * 1024;

/// What the applicant is asked to supply, as the officer wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplementRequest {
    /// The officer's reason, if given.
    pub reason: Option<String>,
    /// Each item: component code, its name in the procedure, the officer's note.
    pub items: Vec<(String, String, Option<String>)>,
    /// When it was asked.
    pub asked_at: time::OffsetDateTime,
}

/// One file of an answer.
#[derive(Debug, Clone)]
pub struct AnswerFile {
    /// The requested component it is for.
    pub component: String,
    /// The file's name as sent.
    pub file_name: String,
    /// The type the browser declared.
    pub declared_type: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl App {
    /// The open supplement request of a dossier (status "supplement requested"), read from its
    /// last request event; `None` otherwise.
    pub async fn supplement_request(
        &self,
        d: &Dossier,
        events: &[StoredEvent],
    ) -> Result<Option<SupplementRequest>, AppError> {
        if d.status != Status::SupplementRequested {
            return Ok(None);
        }
        let Some(ev) = events
            .iter()
            .rev()
            .find(|e| e.action == "request_supplement")
        else {
            return Ok(None);
        };
        let payload: serde_json::Value = serde_json::from_str(&ev.payload).unwrap_or_default();
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let case = procedure.case(Some(&d.case_code));
        let items = d
            .supplement_items
            .iter()
            .map(|i| {
                let name = case
                    .and_then(|c| c.components.iter().find(|x| x.code == i.component))
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| i.component.clone());
                (i.component.clone(), name, i.note.clone())
            })
            .collect();
        Ok(Some(SupplementRequest {
            reason: payload["reason"].as_str().map(str::to_owned),
            items,
            asked_at: ev.at,
        }))
    }

    /// The signed-in applicant answers the supplement request of their dossier with files for
    /// exactly the items asked (each at least one file, checked by content like the wizard's);
    /// the dossier takes its `supplement` action as the applicant and the files go to it. Once:
    /// afterwards the dossier is no longer awaiting documents. Another person's dossier answers
    /// as one that does not exist; nothing is stored on a refusal.
    pub async fn answer_supplement(
        &self,
        c: &Citizen,
        code: &DossierCode,
        version: i64,
        files: Vec<AnswerFile>,
    ) -> Result<Dossier, AppError> {
        let mine = self.my_dossier(c, code).await?;
        let d = mine.dossier;
        if d.status != Status::SupplementRequested {
            return Err(AppError::Denied {
                code: "supplement.not_requested",
                message: format!("{code} is not waiting for documents"),
            });
        }
        if version != d.version {
            return Err(AppError::VersionConflict { current: d.version });
        }
        let requested: Vec<&str> = d
            .supplement_items
            .iter()
            .map(|i| i.component.as_str())
            .collect();
        let invalid = |code: &'static str, message: String, field: &str| AppError::Invalid {
            code,
            message,
            field: Some(field.to_owned()),
        };
        if let Some(f) = files
            .iter()
            .find(|f| !requested.contains(&f.component.as_str()))
        {
            return Err(invalid(
                "supplement.not_requested_item",
                format!(
                    "{:?} was not asked for; send only the items of the request",
                    f.component.chars().take(40).collect::<String>()
                ),
                &format!("file_{}", f.component.chars().take(40).collect::<String>()),
            ));
        }
        if let Some(missing) = requested
            .iter()
            .find(|r| !files.iter().any(|f| f.component == **r))
        {
            return Err(invalid(
                "supplement.incomplete",
                format!("add a file for {missing}"),
                &format!("file_{missing}"),
            ));
        }
        let total: usize = files.iter().map(|f| f.bytes.len()).sum();
        let crowded = requested
            .iter()
            .any(|r| files.iter().filter(|f| f.component == *r).count() > MAX_FILES_PER_ITEM);
        if crowded || total > MAX_ANSWER_BYTES {
            return Err(invalid(
                "upload.draft_full",
                format!(
                    "at most {MAX_FILES_PER_ITEM} files an item and {} MB in all",
                    MAX_ANSWER_BYTES / 1024 / 1024
                ),
                "documents",
            ));
        }
        // Every file checked before anything is stored.
        let mut checked = Vec::new();
        for f in &files {
            checked.push(checked_upload(
                &f.component,
                &f.bytes,
                f.declared_type.as_deref(),
            )?);
        }
        // The files wait in a draft of their own until the action is committed, then move to
        // the dossier; if the action fails they go with the draft when it is purged.
        let now = self.now();
        let holder = DraftRecord {
            id: Uuid::new_v4(),
            province_code: d.province_code.clone(),
            procedure: d.procedure.code.clone(),
            data: serde_json::json!({"supplement_for": d.code}),
            created_at: now,
            updated_at: now,
        };
        self.store.save_draft(&holder).await?;
        for (f, kind) in files.iter().zip(checked) {
            let a = draft_attachment(
                holder.id,
                d.province_code.clone(),
                &f.component,
                &f.file_name,
                kind,
                &f.bytes,
                now,
            );
            self.store.add_attachment(&a, &f.bytes).await?;
        }
        let components: Vec<ReceivedComponent> = requested
            .iter()
            .map(|r| ReceivedComponent {
                code: (*r).to_owned(),
                originals: 0,
                copies: 1,
            })
            .collect();
        let id = d.id;
        let next = self
            .commit_action(
                &Actor::Applicant(c.id_number.clone()),
                d,
                motcua_domain::dossier::Command::Supplement { components },
            )
            .await?;
        self.store.link_draft(&holder, id).await?;
        Ok(next)
    }
}
