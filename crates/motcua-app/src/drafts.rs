//! Online applications in progress (the citizen wizard, also used by the kiosk): answers are
//! kept in a draft until the applicant submits, files are checked and stored as they are
//! uploaded, and submission opens the dossier and moves the files to it.

use crate::dossiers::OpenDossier;
use crate::error::AppError;
use crate::ports::{Attachment, DraftRecord};
use crate::service::{Actor, App};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{Applicant, Dossier, ReceivedComponent};
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode};
use motcua_domain::upload::{FileKind, check_file, clean_file_name};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The wizard's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// The address as the applicant wrote it.
    pub address: Option<String>,
    /// The commune it resolved to (or the applicant chose): routes the dossier.
    #[serde(default)]
    pub applicant_unit: Option<motcua_domain::ids::UnitCode>,
    /// The receiving point chosen (a service center).
    pub receiving_agency: Option<AgencyCode>,
    /// Full name.
    pub name: Option<String>,
    /// CCCD number.
    pub id_number: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail, optional.
    pub email: Option<String>,
    /// `online` or `kiosk`.
    pub kiosk: bool,
    /// The name and ID number came from the identity provider (a signed-in citizen): shown as
    /// verified, not asked and not editable.
    #[serde(default)]
    pub verified: bool,
    /// The declaration's answers so far (each page's, normalised when its page was accepted).
    #[serde(default)]
    pub declaration: serde_json::Map<String, serde_json::Value>,
    /// How the applicant receives the result.
    #[serde(default)]
    pub result_delivery: Option<motcua_domain::dossier::ResultDelivery>,
    /// The dossier it became, once submitted: a second submission (a double click, a retry, Back
    /// then submit) returns it instead of filing again, and the confirmation reads it.
    #[serde(default)]
    pub submitted: Option<motcua_domain::ids::DossierCode>,
}

/// A draft with its answers decoded.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Draft id.
    pub id: Uuid,
    /// Procedure.
    pub procedure: ProcedureCode,
    /// Answers.
    pub answers: Answers,
}

/// An uploaded file checked by its bytes (`file_{component}` names it in a refusal).
pub(crate) fn checked_upload(
    component: &str,
    bytes: &[u8],
    declared_type: Option<&str>,
) -> Result<FileKind, AppError> {
    check_file(bytes, declared_type).map_err(|e| AppError::Invalid {
        code: e.code(),
        message: e.to_string(),
        field: Some(format!("file_{component}")),
    })
}

/// A checked file as an attachment held by a draft (until the draft's dossier takes it).
pub(crate) fn draft_attachment(
    draft: Uuid,
    province: ProvinceCode,
    component: &str,
    file_name: &str,
    kind: FileKind,
    bytes: &[u8],
    now: time::OffsetDateTime,
) -> Attachment {
    Attachment {
        id: Uuid::now_v7(),
        province_code: province,
        draft_id: Some(draft),
        dossier_id: None,
        component_code: component.to_owned(),
        file_name: clean_file_name(file_name),
        content_type: kind.mime().to_owned(),
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(bytes)),
        created_at: now,
    }
}

fn national() -> ProvinceCode {
    ProvinceCode::parse("00").expect("valid")
}

/// How long an untouched draft is kept: then it goes, with its files (issue #29: an anonymous
/// draft is not free storage). The draft's cookie lasts a day; a week leaves room for a person
/// who comes back to it.
pub const DRAFT_LIFETIME: time::Duration = time::Duration::days(7);

/// Files a draft may hold for one component.
pub const MAX_FILES_PER_COMPONENT: usize = 3;
/// Files a draft may hold in all.
pub const MAX_DRAFT_FILES: usize = 20;
/// Bytes a draft may hold in all.
pub const MAX_DRAFT_BYTES: i64 = 20 * 1024 * 1024;

impl App {
    /// Starts an application for a procedure; returns the draft id.
    pub async fn start_draft(
        &self,
        procedure: &ProcedureCode,
        kiosk: bool,
        citizen: Option<&crate::citizens::Citizen>,
    ) -> Result<Uuid, AppError> {
        self.procedure(procedure, None).await?;
        let now = self.now();
        let id = Uuid::new_v4();
        // A citizen signed in through the identity provider: their verified name and number
        // fill the applicant block (never at a kiosk, a shared screen).
        let verified = citizen.filter(|_| !kiosk);
        let answers = Answers {
            kiosk,
            name: verified
                .map(|c| c.name.clone())
                .filter(|n| !n.trim().is_empty()),
            id_number: verified.map(|c| c.id_number.to_string()),
            verified: verified.is_some(),
            ..Answers::default()
        };
        self.store
            .save_draft(&DraftRecord {
                id,
                province_code: national(),
                procedure: procedure.clone(),
                data: serde_json::to_value(&answers)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(id)
    }

    /// A draft, if it exists and is for `procedure`.
    pub async fn draft(&self, id: Uuid, procedure: &ProcedureCode) -> Result<Draft, AppError> {
        let rec = self
            .store
            .draft(id)
            .await?
            .filter(|d| &d.procedure == procedure);
        let rec = rec.ok_or_else(|| {
            AppError::not_found(
                "draft.not_found",
                "this application was not found; start again",
            )
        })?;
        let answers = serde_json::from_value(rec.data).unwrap_or_default();
        Ok(Draft {
            id: rec.id,
            procedure: rec.procedure,
            answers,
        })
    }

    /// Saves the answers of a draft.
    pub async fn save_answers(&self, d: &Draft) -> Result<(), AppError> {
        let province = match &d.answers.receiving_agency {
            Some(a) => self.agency(a).await?.province_code,
            None => national(),
        };
        let existing = self
            .store
            .draft(d.id)
            .await?
            .ok_or_else(|| AppError::not_found("draft.not_found", "start again"))?;
        self.store
            .save_draft(&DraftRecord {
                province_code: province,
                data: serde_json::to_value(&d.answers)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                updated_at: self.now(),
                ..existing
            })
            .await?;
        Ok(())
    }

    /// Removes the drafts untouched for [`DRAFT_LIFETIME`] and their files; returns how many
    /// drafts and files went (run by `serve` every hour).
    pub async fn purge_stale_drafts(&self) -> Result<(u64, u64), AppError> {
        Ok(self.store.purge_drafts(self.now() - DRAFT_LIFETIME).await?)
    }

    /// Checks and stores a file for a component of the draft's procedure.
    pub async fn add_draft_file(
        &self,
        d: &Draft,
        component: &str,
        file_name: &str,
        declared_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<Attachment, AppError> {
        let procedure = self.procedure(&d.procedure, None).await?;
        let listed = procedure
            .case(None)
            .is_some_and(|c| c.components.iter().any(|x| x.code == component));
        if !listed {
            return Err(AppError::Dossier(
                motcua_domain::dossier::DossierError::UnknownComponent(
                    component.chars().take(40).collect(),
                ),
            ));
        }
        let kind = checked_upload(component, bytes, declared_type)?;
        // A draft holds what one application needs, not a free store for anyone: at most a few
        // files a component and a bounded total (an anonymous draft took 43 MB in four requests).
        let held = self.store.draft_attachments(d.id).await?;
        let same = held
            .iter()
            .filter(|a| a.component_code == component)
            .count();
        let total: i64 = held.iter().map(|a| a.size).sum();
        if same >= MAX_FILES_PER_COMPONENT
            || held.len() >= MAX_DRAFT_FILES
            || total + bytes.len() as i64 > MAX_DRAFT_BYTES
        {
            return Err(AppError::Invalid {
                code: "upload.draft_full",
                message: format!(
                    "a draft holds at most {MAX_FILES_PER_COMPONENT} files a component, {MAX_DRAFT_FILES} files and {} MB in all; remove a file first",
                    MAX_DRAFT_BYTES / 1024 / 1024
                ),
                field: Some(format!("file_{component}")),
            });
        }
        let a = draft_attachment(
            d.id,
            national(),
            component,
            file_name,
            kind,
            bytes,
            self.now(),
        );
        self.store.add_attachment(&a, bytes).await?;
        Ok(a)
    }

    /// Removes a file from a draft.
    pub async fn remove_draft_file(&self, d: &Draft, attachment: Uuid) -> Result<(), AppError> {
        self.store.remove_draft_attachment(d.id, attachment).await?;
        Ok(())
    }

    /// Files uploaded to a draft.
    pub async fn draft_files(&self, d: &Draft) -> Result<Vec<Attachment>, AppError> {
        Ok(self.store.draft_attachments(d.id).await?)
    }

    /// Submits the draft: every required component must have a file; opens the dossier
    /// (`online`, or `kiosk`) at the chosen receiving point and moves the files to it.
    pub async fn submit_draft(&self, d: &Draft) -> Result<Dossier, AppError> {
        // Read again: another request may have submitted it since this one loaded it.
        let current = self.draft(d.id, &d.procedure).await?;
        if let Some(code) = &current.answers.submitted {
            return self.submitted_dossier(code).await;
        }
        let procedure = self.procedure(&d.procedure, None).await?;
        let files = self.draft_files(d).await?;
        let a = &d.answers;
        let missing = || AppError::Invalid {
            code: "apply.incomplete",
            message: "some answers are missing".into(),
            field: None,
        };
        let applicant = Applicant {
            name: a.name.clone().ok_or_else(missing)?,
            id_number: a
                .id_number
                .as_deref()
                .ok_or_else(missing)?
                .parse()
                .map_err(|_| missing())?,
            phone: a
                .phone
                .as_deref()
                .ok_or_else(missing)?
                .parse()
                .map_err(|_| missing())?,
            email: a.email.clone(),
            address: a.address.clone(),
        };
        let receiving = a.receiving_agency.clone().ok_or_else(missing)?;
        let case = procedure
            .case(None)
            .ok_or_else(|| AppError::Internal("procedure without a case".into()))?;
        // The paper form the declaration replaces is not uploaded.
        let replaced = case
            .declaration
            .as_ref()
            .and_then(|d| d.replaces_component.as_deref());
        let lacking: Vec<String> = case
            .components
            .iter()
            .filter(|c| c.required && Some(c.code.as_str()) != replaced)
            .filter(|c| !files.iter().any(|f| f.component_code == c.code))
            .map(|c| c.name.clone())
            .collect();
        // A kiosk takes no uploads: the papers are brought to the counter, which checks them
        // at intake (`receive`).
        if !lacking.is_empty() && !a.kiosk {
            return Err(AppError::Invalid {
                code: "apply.missing_documents",
                message: format!("upload: {}", lacking.join("; ")),
                field: Some("documents".into()),
            });
        }
        let mut components: Vec<ReceivedComponent> = Vec::new();
        for f in &files {
            if !components.iter().any(|c| c.code == f.component_code) {
                components.push(ReceivedComponent {
                    code: f.component_code.clone(),
                    originals: 0,
                    copies: 1,
                });
            }
        }
        let req = OpenDossier {
            procedure: d.procedure.clone(),
            case: None,
            channel: Some(if a.kiosk {
                Channel::Kiosk
            } else {
                Channel::Online
            }),
            receiving_agency: Some(receiving),
            applicant,
            applicant_unit: a.applicant_unit.clone(),
            support_point: None,
            summary: None,
            components,
            receive: None,
            declaration: case
                .declaration
                .as_ref()
                .map(|_| serde_json::Value::Object(a.declaration.clone())),
            result_delivery: a.result_delivery.clone(),
        };
        let dossier = self
            .open_dossier(&Actor::Public, req, Some(&format!("draft-{}", d.id)))
            .await?;
        let record = self
            .store
            .draft(d.id)
            .await?
            .ok_or_else(|| AppError::Internal("submitted draft vanished".into()))?;
        let mut answers = d.answers.clone();
        answers.submitted = Some(dossier.code.clone());
        self.store
            .link_draft(
                &DraftRecord {
                    province_code: dossier.province_code.clone(),
                    data: serde_json::to_value(&answers)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    updated_at: self.now(),
                    ..record
                },
                dossier.id,
            )
            .await?;
        Ok(dossier)
    }

    /// The dossier a submitted draft became.
    async fn submitted_dossier(
        &self,
        code: &motcua_domain::ids::DossierCode,
    ) -> Result<Dossier, AppError> {
        self.store
            .dossier(code)
            .await?
            .ok_or_else(|| AppError::Internal(format!("submitted dossier {code} missing")))
    }

    /// The confirmation of a submitted draft: the dossier it became (the draft's id is the
    /// applicant's secret, held in their browser and in the confirmation's address). Not found
    /// for a draft not submitted, purged, or unknown.
    pub async fn confirmation(&self, draft: Uuid) -> Result<Dossier, AppError> {
        let rec = self.store.draft(draft).await?;
        let code = rec
            .and_then(|r| serde_json::from_value::<Answers>(r.data).ok())
            .and_then(|a| a.submitted)
            .ok_or_else(|| {
                AppError::not_found(
                    "draft.not_found",
                    "no submitted application at this address; track your dossier with its code",
                )
            })?;
        self.submitted_dossier(&code).await
    }

    /// Files of a dossier (for staff who may see it).
    pub async fn dossier_files(
        &self,
        actor: &Actor,
        code: &motcua_domain::ids::DossierCode,
    ) -> Result<Vec<Attachment>, AppError> {
        // The component files are what a consulted agency is asked about: it reads them too.
        let staff = match actor {
            Actor::Staff(s) => s,
            _ => return Err(AppError::Unauthenticated),
        };
        let (d, _) = self.load_any(staff, code).await?;
        Ok(self.store.dossier_attachments(d.id).await?)
    }

    /// The bytes of one of a dossier's files (for staff who may see the dossier).
    pub async fn dossier_file(
        &self,
        actor: &Actor,
        code: &motcua_domain::ids::DossierCode,
        id: Uuid,
    ) -> Result<(Attachment, Vec<u8>), AppError> {
        let files = self.dossier_files(actor, code).await?;
        let a = files
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| AppError::not_found("attachment.not_found", "no such file"))?;
        let bytes = self
            .store
            .attachment_bytes(&a.sha256)
            .await?
            .ok_or_else(|| AppError::Internal("attachment bytes missing".into()))?;
        Ok((a, bytes))
    }
}

/// An answer from one of the applicant's earlier dossiers, offered for a question again.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierAnswer {
    /// The question's key.
    pub key: String,
    /// The answer as filed (normalised).
    pub value: serde_json::Value,
    /// The dossier it was filed with.
    pub dossier: motcua_domain::ids::DossierCode,
}

impl App {
    /// Answers to `keys` in the verified applicant's earlier dossiers of the same procedure,
    /// newest first, one per key: offered to the applicant, never filled in without them. None
    /// for a draft whose applicant the identity provider did not vouch for.
    pub async fn earlier_answers(
        &self,
        d: &Draft,
        keys: &[&str],
    ) -> Result<Vec<EarlierAnswer>, AppError> {
        let id = match (&d.answers.id_number, d.answers.verified) {
            (Some(id), true) => id.parse::<motcua_domain::ids::CitizenId>().ok(),
            _ => None,
        };
        let Some(id) = id else {
            return Ok(Vec::new());
        };
        let mut out: Vec<EarlierAnswer> = Vec::new();
        for dossier in self.store.dossiers_of_applicant(&id, 50).await? {
            if dossier.procedure.code != d.procedure {
                continue;
            }
            let Some(filed) = &dossier.declaration else {
                continue;
            };
            for key in keys {
                if out.iter().any(|a| a.key == *key) {
                    continue;
                }
                if let Some(v) = filed.answers.0.get(*key) {
                    out.push(EarlierAnswer {
                        key: (*key).to_owned(),
                        value: v.clone(),
                        dossier: dossier.code.clone(),
                    });
                }
            }
        }
        Ok(out)
    }
}
