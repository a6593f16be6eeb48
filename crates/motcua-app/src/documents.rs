//! Issued documents: which form an action issues (Circular 03/2025/TT-VPCP annex, forms 01–07),
//! what goes on it, and the port to the engine that renders, signs and verifies PDFs.
//!
//! The content of each form is decided here, from the dossier, its events and the catalogue; the
//! engine (`motcua-documents`: typst, OpenSSL) only lays it out and signs it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::AppError;
use crate::lanes::blocking;
use crate::ports::{DocumentJob, DocumentRecord, Issued, NewDocument, StoredEvent};
use crate::service::{Actor, App};
use motcua_domain::VN_OFFSET;
use motcua_domain::agency::{Agency, AgencyKind, Level};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::{ActionKind, Dossier, DossierListing, Timeliness};
use motcua_domain::ids::{AgencyCode, DossierCode};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// The forms of the Circular 03/2025 annex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Form {
    /// 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology,
    /// 05 Thông báo dừng giải quyết hồ sơ.
    StopNotice,
    /// 06 Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSlip,
    /// 07 Sổ theo dõi hồ sơ (per agency and period, generated on request).
    Register,
}

impl Form {
    /// The form issued automatically by an action, if any. The receipt comes with intake, the
    /// supplement request, refusal, apology and stop notice with their actions; the control slip
    /// is re-issued at every hand-over and when the result is recorded, so the latest slip always
    /// shows every row.
    pub fn issued_by(kind: ActionKind) -> Option<Form> {
        match kind {
            ActionKind::Receive => Some(Form::Receipt),
            ActionKind::RequestSupplement => Some(Form::SupplementRequest),
            ActionKind::Refuse => Some(Form::Refusal),
            ActionKind::Reschedule => Some(Form::Apology),
            ActionKind::Stop => Some(Form::StopNotice),
            // The approval step is a handover between people inside the agency: form 06 records
            // the draft going to the approver, coming back, and approved.
            ActionKind::Transfer
            | ActionKind::Finish
            | ActionKind::SubmitDraft
            | ActionKind::ReturnDraft
            | ActionKind::ApproveDraft => Some(Form::ControlSlip),
            ActionKind::Submit
            | ActionKind::Supplement
            | ActionKind::Assign
            | ActionKind::RequestPayment
            | ActionKind::Pay
            | ActionKind::ReturnResult
            | ActionKind::Withdraw => None,
        }
    }

    /// `form01` … `form07`: the stored kind and the template name.
    pub fn kind(self) -> &'static str {
        match self {
            Form::Receipt => "form01",
            Form::SupplementRequest => "form02",
            Form::Refusal => "form03",
            Form::Apology => "form04",
            Form::StopNotice => "form05",
            Form::ControlSlip => "form06",
            Form::Register => "form07",
        }
    }

    /// The form of a stored kind.
    pub fn from_kind(kind: &str) -> Option<Form> {
        [
            Form::Receipt,
            Form::SupplementRequest,
            Form::Refusal,
            Form::Apology,
            Form::StopNotice,
            Form::ControlSlip,
            Form::Register,
        ]
        .into_iter()
        .find(|f| f.kind() == kind)
    }

    /// The title in Vietnamese.
    pub fn title(self) -> &'static str {
        match self {
            Form::Receipt => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            Form::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            Form::Refusal => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            Form::Apology => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            Form::StopNotice => "Thông báo dừng giải quyết hồ sơ",
            Form::ControlSlip => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            Form::Register => "Sổ theo dõi hồ sơ",
        }
    }

    /// The suffix of the document number (`Số: 12/GTN`); the slip and register are not numbered.
    pub fn number_suffix(self) -> Option<&'static str> {
        match self {
            Form::Receipt => Some("GTN"),
            Form::SupplementRequest => Some("PYCBS"),
            Form::Refusal => Some("PTC"),
            Form::Apology => Some("PXL"),
            Form::StopNotice => Some("TB-DGQ"),
            Form::ControlSlip | Form::Register => None,
        }
    }

    /// The sequence a numbered form takes its number from: `issuer`'s forms of this kind in the
    /// year (Vietnam time) of `now`. `None` for forms without a number.
    pub fn sequence_prefix(self, issuer: &AgencyCode, now: OffsetDateTime) -> Option<String> {
        self.number_suffix()?;
        let year = now.to_offset(VN_OFFSET).year();
        Some(format!("DOC-{issuer}-{year}-{}", self.kind()))
    }

    /// The printed number for the `seq`-th form of its sequence (`05/GTN`).
    pub fn number(self, seq: u64) -> Option<String> {
        self.number_suffix()
            .map(|suffix| format!("{seq:02}/{suffix}"))
    }
}

/// The verdict on a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerifyStatus {
    /// Intact, trusted, whole file covered.
    Valid,
    /// Changed after signing, or the signature does not verify.
    Invalid,
    /// Intact, but the signer is not trusted now (unknown CA, expired, not yet valid).
    Untrusted,
    /// A PDF without signatures.
    Unsigned,
    /// Not a PDF.
    NotPdf,
}

/// One signature of a verified PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureReport {
    /// Whether the signed bytes are intact (digest and signature verify).
    pub intact: bool,
    /// Whether the signer's chain leads to a trusted anchor and is valid now.
    pub trusted: bool,
    /// Whether this signature covers every byte of the file.
    pub covers_whole_file: bool,
    /// Why not intact or not trusted (a stable code, e.g. `certificate.expired`).
    pub problem: Option<String>,
    /// Signer (certificate common name).
    pub signer: Option<String>,
    /// Signer's organisational unit (our agency code).
    pub signer_unit: Option<String>,
    /// Issuer common name.
    pub issuer: Option<String>,
    /// Certificate valid from.
    pub not_before: Option<String>,
    /// Certificate valid until.
    pub not_after: Option<String>,
    /// Signing time claimed in the signature dictionary (`/M`).
    pub signed_at: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
}

/// The outcome of verifying a PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// The verdict.
    pub status: VerifyStatus,
    /// A stable reason code when not valid: `file.not_pdf`, `file.truncated`, `signature.none`,
    /// `signature.digest_mismatch`, `signature.byte_range`, `signature.malformed`,
    /// `signature.not_covering`, `certificate.untrusted`, `certificate.expired`,
    /// `certificate.not_yet_valid`.
    pub reason: Option<String>,
    /// The verdict in Vietnamese words.
    pub message: String,
    /// The signatures, in file order.
    pub signatures: Vec<SignatureReport>,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// What the public verification shows: the engine's verdict and the matching record, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationView {
    /// The signature check.
    #[serde(flatten)]
    pub verification: Verification,
    /// Whether the file is byte for byte a document on record.
    pub matches_record: bool,
    /// The document on record (by hash, or the one the QR link names).
    pub document: Option<PublicDocument>,
}

/// A document as the public may see it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicDocument {
    /// Document id.
    pub id: String,
    /// Kind (`form01` … `form06`, `result`, `scan`).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Number.
    pub number: Option<String>,
    /// Dossier code.
    pub dossier_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Issuing (signing) agency name.
    pub issued_by: Option<String>,
    /// When issued (RFC 3339, UTC+7).
    pub issued_at: String,
    /// SHA-256 on record.
    pub sha256: String,
}

/// Renders, signs and verifies PDFs (implemented by `motcua-documents`). Blocking: the app
/// calls it on the blocking thread pool.
pub trait DocumentEngine: Send + Sync + 'static {
    /// Renders a template (`form01` … `form07`, `scan`) with its data to PDF. The data's
    /// `qr_url` becomes the QR code; `files` are extra inputs (the scanned image).
    fn render(
        &self,
        template: &str,
        data: &Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, String>;
    /// Who will sign for `agency` (the certificate's name), or `None` when it has no signing
    /// identity (documents are then issued unsigned and say so).
    fn signer_name(&self, agency: &Agency) -> Option<String>;
    /// Signs a PDF as `agency`.
    fn sign(
        &self,
        agency: &Agency,
        pdf: &[u8],
        reason: &str,
        location: &str,
    ) -> Result<Vec<u8>, String>;
    /// Verifies a PDF's signatures against the deployment's trust anchors.
    fn verify(&self, pdf: &[u8]) -> Verification;
    /// Puts the pages of several PDFs into one file for printing (without their signature
    /// fields: a signature covers its own file only).
    fn merge_for_print(&self, pdfs: &[Vec<u8>]) -> Result<Vec<u8>, String>;
}

/// A date in words: "ngày 23 tháng 11 năm 2026" (Decree 30/2020 style: day and month < 10 with a
/// leading zero for 1–2 only in the month, as written on forms: "ngày 05 tháng 02").
pub fn date_words(t: OffsetDateTime) -> String {
    let t = t.to_offset(VN_OFFSET);
    format!(
        "ngày {:02} tháng {:02} năm {}",
        t.day(),
        t.month() as u8,
        t.year()
    )
}

/// "09 giờ 30 phút, ngày 23/11/2026".
pub fn time_words(t: OffsetDateTime) -> String {
    let t = t.to_offset(VN_OFFSET);
    format!(
        "{:02} giờ {:02} phút, ngày {:02}/{:02}/{}",
        t.hour(),
        t.minute(),
        t.day(),
        t.month() as u8,
        t.year()
    )
}

fn non_empty(s: &Option<String>) -> Value {
    match s {
        Some(v) if !v.trim().is_empty() => json!(v),
        _ => Value::Null,
    }
}

/// The stored kind of a draft result document (unsigned, submitted with a draft decision).
pub const DRAFT_RESULT_KIND: &str = "result_draft";

/// A result (or draft result) must be a PDF, judged from its bytes.
fn check_pdf(bytes: &[u8]) -> Result<(), AppError> {
    let kind = motcua_domain::upload::check_file(bytes, Some("application/pdf")).map_err(|e| {
        AppError::Invalid {
            code: e.code(),
            message: e.to_string(),
            field: Some("file".into()),
        }
    })?;
    if kind != motcua_domain::upload::FileKind::Pdf {
        return Err(AppError::Invalid {
            code: "upload.unsupported_type",
            message: "the result must be a PDF".into(),
            field: Some("file".into()),
        });
    }
    Ok(())
}

/// The name of the person an approval event names under `key` (`by`, `approver`).
fn person(p: &Value, key: &str) -> String {
    p.get(key)
        .and_then(|x| x.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

fn timeliness_vi(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Early => "Trước hạn",
        Timeliness::OnTime => "Đúng hạn",
        Timeliness::Late => "Quá hạn",
    }
}

impl App {
    /// Attaches the document engine; without one, no documents are issued (unit tests of other
    /// use cases).
    pub fn with_documents(mut self, engine: Arc<dyn DocumentEngine>, public_url: &str) -> Self {
        self.documents = Some(engine);
        self.public_url = public_url.trim_end_matches('/').to_owned();
        self
    }

    /// Sets the public base URL printed on documents (e.g. once the listening port is known).
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.public_url = public_url.trim_end_matches('/').to_owned();
        self
    }

    /// Whether documents are issued.
    pub fn issues_documents(&self) -> bool {
        self.documents.is_some()
    }

    /// The public base URL (for links printed on documents).
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The header lines of an agency: the body above it (its People's Committee, or the
    /// province's) and its own name.
    async fn header_of(&self, a: &Agency) -> Value {
        let parent_code = match (a.kind, a.level) {
            (AgencyKind::ProvincialPeoplesCommittee, _) => None,
            (AgencyKind::CommunePolice, _) => Some(format!(
                "{}.{}",
                a.province_code,
                AgencyKind::ProvincialPolice.suffix()
            )),
            (AgencyKind::CommunePeoplesCommittee, _) | (_, Level::Province | Level::Central) => {
                Some(format!(
                    "{}.{}",
                    a.province_code,
                    AgencyKind::ProvincialPeoplesCommittee.suffix()
                ))
            }
            (_, Level::Commune) => a
                .unit_code
                .as_ref()
                .map(|u| format!("{u}.{}", AgencyKind::CommunePeoplesCommittee.suffix())),
        };
        let mut parent = None;
        if let Some(code) = parent_code.and_then(|c| AgencyCode::parse(&c).ok())
            && let Ok(Some(p)) = self.store.agency(&code).await
        {
            parent = Some(p.name);
        }
        json!({ "parent": parent, "name": a.name })
    }

    /// The place name printed before the date: the commune's or province's name.
    fn place_of(&self, a: &Agency) -> String {
        let units = self.units();
        a.unit_code
            .as_ref()
            .and_then(|u| units.commune(u))
            .map(|c| c.name.clone())
            .or_else(|| units.province(&a.province_code).map(|p| p.name.clone()))
            .unwrap_or_default()
    }

    /// The agency that issues `form` for `d`: the receiving point for the intake forms, the
    /// acting agency for the rest.
    fn issuer_of<'a>(form: Form, d: &'a Dossier, actor: &'a Actor) -> &'a AgencyCode {
        match form {
            Form::Receipt | Form::SupplementRequest | Form::Refusal => &d.receiving_agency,
            _ => match actor {
                Actor::Staff(s) => &s.agency,
                Actor::Public | Actor::System(_) | Actor::Applicant(_) => &d.receiving_agency,
            },
        }
    }

    /// The sequence prefix of the number `form` will carry when issued for `d` by `actor` at
    /// `now`, so the caller can take it in the same write as the dossier's code. `None` when
    /// the form has no number or no forms are issued here.
    pub(crate) fn form_number_prefix(
        &self,
        form: Form,
        d: &Dossier,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Option<String> {
        self.documents.as_ref()?;
        form.sequence_prefix(Self::issuer_of(form, d, actor), now)
    }

    /// The form's number: `taken` if the caller already took it (see
    /// [`App::form_number_prefix`]), else the next of its sequence.
    async fn number_for(
        &self,
        form: Form,
        agency: &Agency,
        now: OffsetDateTime,
        taken: Option<u64>,
    ) -> Result<Option<String>, AppError> {
        let Some(prefix) = form.sequence_prefix(&agency.code, now) else {
            return Ok(None);
        };
        let seq = match taken {
            Some(seq) => seq,
            None => {
                self.store
                    .next_code_sequence(&agency.province_code, &prefix)
                    .await?
            }
        };
        Ok(form.number(seq))
    }

    /// The form an action issues, to store with its transition: rendered and signed now, or
    /// (with `defer_documents`) a job fixing its id, number, issuer and date whose bytes follow
    /// the commit. `events` are the dossier's events including the new one (only the new one is
    /// needed when deferring); `number`, the form's number if the caller took it already.
    pub(crate) async fn issue_form(
        &self,
        form: Form,
        d: &Dossier,
        events: &[StoredEvent],
        actor: &Actor,
        number: Option<u64>,
    ) -> Result<Option<Issued>, AppError> {
        let Some(last) = events.last() else {
            return Ok(None);
        };
        let Some(job) = self.plan_form(form, d, last.seq, actor, number).await? else {
            return Ok(None);
        };
        if self.settings.defer_documents {
            return Ok(Some(Issued::Deferred(job)));
        }
        Ok(Some(Issued::Document(
            self.render_form(&job, events).await?,
        )))
    }

    /// What a form fixes at its action: its id, the issuing agency (the receiving point for
    /// intake forms, the acting agency for the rest), its number, its date, the officer, and
    /// the dossier as the action left it.
    async fn plan_form(
        &self,
        form: Form,
        d: &Dossier,
        event_seq: i64,
        actor: &Actor,
        number: Option<u64>,
    ) -> Result<Option<DocumentJob>, AppError> {
        if self.documents.is_none() {
            return Ok(None);
        }
        let now = self.now();
        let now = now.replace_nanosecond(0).unwrap_or(now);
        let issuer = self.agency(Self::issuer_of(form, d, actor)).await?;
        let number = self.number_for(form, &issuer, now, number).await?;
        Ok(Some(DocumentJob {
            id: Uuid::now_v7(),
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: form.kind().into(),
            number,
            issuer: issuer.code,
            actor: actor.id(),
            officer: match actor {
                Actor::Staff(s) => Some(s.label.clone()),
                Actor::Public | Actor::System(_) | Actor::Applicant(_) => None,
            },
            event_seq,
            issued_at: now,
            dossier: serde_json::to_string(d).map_err(|e| AppError::Internal(e.to_string()))?,
        }))
    }

    /// Renders and signs a planned form. `events`: the dossier's events (those after the
    /// issuing one are ignored).
    async fn render_form(
        &self,
        job: &DocumentJob,
        events: &[StoredEvent],
    ) -> Result<NewDocument, AppError> {
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let form = Form::from_kind(&job.kind)
            .ok_or_else(|| AppError::Internal(format!("unknown form {}", job.kind)))?;
        let d: Dossier =
            serde_json::from_str(&job.dossier).map_err(|e| AppError::Internal(e.to_string()))?;
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let events: Vec<StoredEvent> = events
            .iter()
            .filter(|e| e.seq <= job.event_seq)
            .cloned()
            .collect();
        let issued = job.issued_at;
        let issuer = self.agency(&job.issuer).await?;
        let id = job.id;
        let number = job.number.clone();
        let officer = job.officer.clone();
        let last = events.last();
        let payload: Value = last
            .and_then(|e| serde_json::from_str(&e.payload).ok())
            .unwrap_or(Value::Null);
        let names = self.agency_names(&events, &d).await;
        let components = self.component_lines(&d, &procedure, form, &payload);
        let offer = procedure.offer(d.channel);
        let first_received = d.received_at.unwrap_or(d.submitted_at);
        let old_due = payload
            .get("old_due_at")
            .and_then(Value::as_str)
            .and_then(|s| {
                OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            });
        let engine_signer = self.signer_of(&engine, &issuer).await?;
        let verify_url = format!("{}/verify/{id}", self.public_url);
        let (qr_url, qr_caption) = match form {
            Form::Receipt | Form::SupplementRequest | Form::Refusal => (
                format!("{}/track?code={}", self.public_url, d.code),
                "Quét mã để tra cứu tình trạng hồ sơ (cần số điện thoại đã khai).",
            ),
            _ => (verify_url.clone(), "Quét mã để xác thực văn bản này."),
        };
        // Agencies consulted (transfers out for an opinion, issue #6): the slip's "coordinating
        // agencies" line.
        let mut consulted: Vec<String> = Vec::new();
        for e in events.iter().filter(|e| e.action == "transfer") {
            let p: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
            if p.get("kind").and_then(Value::as_str) == Some("consultation")
                && let Some(to) = p.get("to_agency").and_then(Value::as_str)
            {
                let n = AgencyCode::parse(to)
                    .ok()
                    .and_then(|c| names.get(&c).cloned())
                    .unwrap_or_else(|| to.to_owned());
                if !consulted.contains(&n) {
                    consulted.push(n);
                }
            }
        }
        let coordinating = if consulted.is_empty() {
            Value::Null
        } else {
            Value::from(consulted.join("; "))
        };
        let data = json!({
            "title": form.title(),
            "document_id": id.to_string(),
            "verify_url": verify_url,
            "agency": self.header_of(&issuer).await,
            "number": number,
            "place": self.place_of(&issuer),
            "date_words": date_words(issued),
            "qr_url": qr_url,
            "qr_caption": qr_caption,
            "signer": engine_signer,
            "signed_at": engine_signer.as_ref().map(|_| time_words(self.now())),
            "officer": officer,
            "contact": format!("{} (mã hồ sơ {})", issuer.name, d.code),
            "note": Value::Null,
            "reason": payload.get("reason").cloned().unwrap_or(Value::Null),
            "dossier": {
                "code": d.code.as_str(),
                "summary": if d.summary.trim().is_empty() { d.procedure_name.clone() } else { d.summary.clone() },
                "procedure_name": d.procedure_name,
                "procedure_code": d.procedure.code.as_str(),
                "processing_time": offer.map(|o| o.processing_time.describe_vi()),
                "received_at": time_words(first_received),
                "received_date": format!("{:02}/{:02}/{}", first_received.to_offset(VN_OFFSET).day(), first_received.to_offset(VN_OFFSET).month() as u8, first_received.to_offset(VN_OFFSET).year()),
                "appointment_at": d.due_at.map(time_words),
                "old_due_at": old_due.map(time_words),
                "return_place": names.get(&d.receiving_agency).cloned(),
                "competent_agency": names.get(&d.competent_agency).cloned(),
                "coordinating": coordinating,
                "delivery": d.result_delivery.as_ref().map(motcua_domain::dossier::ResultDelivery::text_vi),
            },
            "applicant": {
                "name": d.applicant.name,
                "id_number": d.applicant.id_number.as_str(),
                "phone": d.applicant.phone.as_str(),
                "email": non_empty(&d.applicant.email),
                "address": non_empty(&d.applicant.address),
            },
            "components": components,
            "rows": if form == Form::ControlSlip { self.control_rows(&d, &events, &names) } else { json!([]) },
            "register": [],
            "period": Value::Null,
            "scan": Value::Null,
        });
        let pdf = {
            let engine = engine.clone();
            let template = form.kind().to_owned();
            blocking(move || engine.render(&template, &data, &[])).await?
        };
        let reason = format!("{} — hồ sơ {}", form.title(), d.code);
        let (bytes, signed_by, _) = self
            .sign_as(&engine, &issuer, pdf, reason, engine_signer.clone())
            .await?;
        let file_name = format!("{}-{}.pdf", d.code, form.kind());
        Ok(NewDocument {
            record: DocumentRecord {
                id,
                province_code: d.province_code.clone(),
                dossier_id: d.id,
                dossier_code: d.code.clone(),
                kind: form.kind().into(),
                number,
                title: form.title().into(),
                file_name,
                sha256: hex::encode(Sha256::digest(&bytes)),
                size: bytes.len() as i64,
                signed_by,
                signer_name: engine_signer,
                actor: job.actor.clone(),
                event_seq: Some(job.event_seq),
                created_at: issued,
            },
            bytes,
        })
    }

    /// Finishes one waiting form: renders, signs and stores it. `false` when another finisher
    /// was first.
    async fn finish_job(&self, job: &DocumentJob) -> Result<bool, AppError> {
        let events = self.store.events(job.dossier_id).await?;
        let doc = self.render_form(job, &events).await?;
        Ok(self.store.complete_document_job(&doc).await?)
    }

    /// Issues up to `limit` waiting forms, oldest first (the background worker of `serve`).
    /// Returns how many were issued; a form that fails stays waiting and is logged.
    pub async fn issue_waiting_documents(&self, limit: u32) -> Result<usize, AppError> {
        let mut done = 0;
        for job in self.store.document_jobs(limit).await? {
            match self.finish_job(&job).await {
                Ok(_) => done += 1,
                Err(e) => {
                    tracing::error!(document = %job.id, dossier = %job.dossier_code, error = %e, "a waiting form could not be issued")
                }
            }
        }
        Ok(done)
    }

    /// The background worker: issues waiting forms one at a time, oldest first, using at most
    /// `share` (0.05–1.0) of one core — after each form it rests in proportion to the time the
    /// form took — so that at a peak the counters' requests keep the CPU and the queue drains
    /// in the quieter hours. Rests when there is nothing to do.
    pub async fn run_document_worker(self, share: f64) {
        let share = share.clamp(0.05, 1.0);
        loop {
            let started = std::time::Instant::now();
            match crate::lanes::in_background(self.issue_waiting_documents(1)).await {
                Ok(0) => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
                Ok(_) => {
                    let rest = started.elapsed().mul_f64((1.0 - share) / share);
                    tokio::time::sleep(rest).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "document worker: store unavailable");
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
            }
        }
    }

    /// Finishes the waiting forms of a dossier before they are read, so a reader never waits
    /// for the worker.
    pub(crate) async fn finish_dossier_jobs(&self, dossier_id: Uuid) -> Result<(), AppError> {
        for job in self.store.dossier_document_jobs(dossier_id).await? {
            self.finish_job(&job).await?;
        }
        Ok(())
    }

    /// Names of every agency the dossier has met.
    async fn agency_names(
        &self,
        events: &[StoredEvent],
        d: &Dossier,
    ) -> HashMap<AgencyCode, String> {
        let mut codes: Vec<AgencyCode> = vec![
            d.receiving_agency.clone(),
            d.competent_agency.clone(),
            d.current_agency.clone(),
        ];
        for e in events {
            if let Ok(c) = AgencyCode::parse(&e.agency) {
                codes.push(c);
            }
            if let Ok(p) = serde_json::from_str::<Value>(&e.payload) {
                for k in ["from_agency", "to_agency"] {
                    if let Some(c) = p.get(k).and_then(Value::as_str)
                        && let Ok(c) = AgencyCode::parse(c)
                    {
                        codes.push(c);
                    }
                }
            }
        }
        let mut out = HashMap::new();
        for c in codes {
            if out.contains_key(&c) {
                continue;
            }
            if let Ok(Some(a)) = self.store.agency(&c).await {
                out.insert(c, a.name);
            }
        }
        out
    }

    fn component_lines(
        &self,
        d: &Dossier,
        procedure: &Procedure,
        form: Form,
        payload: &Value,
    ) -> Value {
        let case = procedure.case(Some(&d.case_code));
        let name_of = |code: &str| {
            case.and_then(|c| c.components.iter().find(|x| x.code == code))
                .map(|x| x.name.clone())
                .unwrap_or_else(|| code.to_owned())
        };
        if form == Form::SupplementRequest {
            let items = payload
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            return Value::Array(
                items
                    .iter()
                    .map(|i| {
                        let code = i.get("component").and_then(Value::as_str).unwrap_or("");
                        let spec = case.and_then(|c| c.components.iter().find(|x| x.code == code));
                        json!({
                            "name": name_of(code),
                            "originals": spec.map_or(0, |s| s.originals),
                            "copies": spec.map_or(0, |s| s.copies),
                            "note": i.get("note").cloned().filter(|n| !n.is_null()).unwrap_or(json!("Bổ sung")),
                        })
                    })
                    .collect(),
            );
        }
        Value::Array(
            d.components
                .iter()
                .map(|c| {
                    json!({
                        "name": name_of(&c.code),
                        "originals": c.originals,
                        "copies": c.copies,
                    })
                })
                .collect(),
        )
    }

    /// Rows of the processing control slip: every hand-over (intake to the competent agency,
    /// transfers, the result back to the counter) with its timeliness against the appointment.
    fn control_rows(
        &self,
        d: &Dossier,
        events: &[StoredEvent],
        names: &HashMap<AgencyCode, String>,
    ) -> Value {
        let name = |code: &str| {
            AgencyCode::parse(code)
                .ok()
                .and_then(|c| names.get(&c).cloned())
                .unwrap_or_else(|| code.to_owned())
        };
        let due = d.due_at;
        let result_at = |at: OffsetDateTime| match due {
            Some(due) if at.to_offset(VN_OFFSET).date() < due.to_offset(VN_OFFSET).date() => {
                "Trước hạn"
            }
            Some(due) if at <= due => "Đúng hạn",
            Some(_) => "Quá hạn",
            None => "—",
        };
        let mut rows = Vec::new();
        for e in events {
            let p: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
            let (giver, receiver, note) = match e.action.as_str() {
                "receive" => (
                    name(&e.agency),
                    name(d.competent_agency.as_str()),
                    // Routed automatically by the authority registry (issue #6): the row names
                    // the basis that made the receiver competent.
                    match &d.routing {
                        Some(r) => format!(
                            "Tiếp nhận, chuyển cơ quan giải quyết theo {}",
                            r.describe_vi()
                        ),
                        None => "Tiếp nhận, chuyển cơ quan giải quyết".to_owned(),
                    },
                ),
                "transfer" => (
                    name(
                        p.get("from_agency")
                            .and_then(Value::as_str)
                            .unwrap_or(&e.agency),
                    ),
                    name(p.get("to_agency").and_then(Value::as_str).unwrap_or("")),
                    p.get("note")
                        .and_then(Value::as_str)
                        .unwrap_or("Chuyển xử lý")
                        .to_owned(),
                ),
                "finish" => (
                    name(&e.agency),
                    name(d.receiving_agency.as_str()),
                    "Có kết quả, chuyển trả".to_owned(),
                ),
                // Trình ký: the specialist to the approver, and back when returned.
                "submit_draft" => (
                    person(&p, "by"),
                    person(&p, "approver"),
                    "Trình ký dự thảo kết quả".to_owned(),
                ),
                "return_draft" => (
                    person(&p, "approver"),
                    person(&p, "by"),
                    format!(
                        "Trả lại dự thảo: {}",
                        p.get("reason").and_then(Value::as_str).unwrap_or("")
                    ),
                ),
                "approve_draft" => (
                    person(&p, "approver"),
                    name(d.receiving_agency.as_str()),
                    "Phê duyệt, ký kết quả, chuyển trả".to_owned(),
                ),
                "return_result" => (
                    name(&e.agency),
                    d.applicant.name.clone(),
                    "Trả kết quả".to_owned(),
                ),
                _ => continue,
            };
            let result = if e.action == "finish" || e.action == "approve_draft" {
                p.get("timeliness")
                    .and_then(|t| serde_json::from_value::<Timeliness>(t.clone()).ok())
                    .map(timeliness_vi)
                    .unwrap_or_else(|| result_at(e.at))
            } else {
                result_at(e.at)
            };
            rows.push(json!({
                "agency": name(&e.agency),
                "giver": giver,
                "receiver": receiver,
                "at": time_words(e.at),
                "result": result,
                "note": note,
            }));
        }
        Value::Array(rows)
    }

    /// The documents of a dossier the actor may see.
    pub async fn dossier_documents(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<Vec<DocumentRecord>, AppError> {
        let d = self.dossier(actor, code).await?;
        self.finish_dossier_jobs(d.id).await?;
        Ok(self.store.dossier_documents(d.id).await?)
    }

    /// A document's record and bytes, if the actor may see its dossier.
    pub async fn document_file(
        &self,
        actor: &Actor,
        code: &DossierCode,
        id: Uuid,
    ) -> Result<(DocumentRecord, Vec<u8>), AppError> {
        let d = self.dossier(actor, code).await?;
        self.finish_dossier_jobs(d.id).await?;
        let not_found = || AppError::not_found("document.not_found", "no such document");
        let rec = self
            .store
            .document(id)
            .await?
            .filter(|r| r.dossier_id == d.id)
            .ok_or_else(not_found)?;
        let bytes = self.store.document_bytes(id).await?.ok_or_else(not_found)?;
        Ok((rec, bytes))
    }

    /// The receipts (form 01, the latest issued) of several dossiers the actor may see, in one
    /// PDF to print in one go. Every dossier the actor may not see, or that has no receipt
    /// (`document.no_receipt`), is in the inner error with its code; nothing is printed then.
    /// The outer error is a fault of the server.
    pub async fn receipts_for_print(
        &self,
        actor: &Actor,
        codes: &[DossierCode],
    ) -> Result<Result<Vec<u8>, Vec<(DossierCode, AppError)>>, AppError> {
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let mut pdfs = Vec::with_capacity(codes.len());
        let mut refused = Vec::new();
        for code in codes {
            let found = async {
                let docs = self.dossier_documents(actor, code).await?;
                let Some(receipt) = docs.iter().rev().find(|x| x.kind == "form01") else {
                    return Err(AppError::not_found(
                        "document.no_receipt",
                        format!("dossier {code} has no receipt (form 01)"),
                    ));
                };
                Ok(self.document_file(actor, code, receipt.id).await?.1)
            }
            .await;
            match found {
                Ok(bytes) => pdfs.push(bytes),
                Err(e) if e.is_server_fault() => return Err(e),
                Err(e) => refused.push((code.clone(), e)),
            }
        }
        if !refused.is_empty() {
            return Ok(Err(refused));
        }
        crate::lanes::heavy(move || engine.merge_for_print(&pdfs))
            .await
            .map(Ok)
    }

    /// Verifies an uploaded PDF: its signatures, and whether it is a document on record.
    pub async fn verify_pdf(&self, pdf: Vec<u8>) -> Result<VerificationView, AppError> {
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let verification = crate::lanes::heavy(move || Ok(engine.verify(&pdf))).await?;
        let found = self
            .store
            .documents_by_sha256(&verification.sha256)
            .await?
            .into_iter()
            .next();
        let document = match found {
            Some(r) => Some(self.public_document(&r).await?),
            None => None,
        };
        Ok(VerificationView {
            matches_record: document.is_some(),
            document,
            verification,
        })
    }

    /// What the QR link of a document shows: its public record (no personal data).
    pub async fn public_document(&self, r: &DocumentRecord) -> Result<PublicDocument, AppError> {
        let d = self.store.dossier(&r.dossier_code).await?;
        let issued_by = match &r.signed_by {
            Some(c) => self.store.agency(c).await?.map(|a| a.name),
            None => None,
        };
        Ok(PublicDocument {
            id: r.id.to_string(),
            kind: r.kind.clone(),
            title: r.title.clone(),
            number: r.number.clone(),
            dossier_code: d.as_ref().map(|d| d.code.to_string()).unwrap_or_default(),
            procedure_name: d.map(|d| d.procedure_name).unwrap_or_default(),
            issued_by,
            issued_at: motcua_domain::dossier::fmt(r.created_at),
            sha256: r.sha256.clone(),
        })
    }

    /// A document's public record by id (the QR link), with its bytes for download.
    pub async fn published_document(
        &self,
        id: Uuid,
    ) -> Result<(PublicDocument, Vec<u8>), AppError> {
        let not_found = || AppError::not_found("document.not_found", "no such document");
        let r = self.store.document(id).await?.ok_or_else(not_found)?;
        let bytes = self.store.document_bytes(id).await?.ok_or_else(not_found)?;
        Ok((self.public_document(&r).await?, bytes))
    }
}

/// What a register (form 07) covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterPeriod {
    /// First day (UTC+7), inclusive.
    pub from: time::Date,
    /// Last day (UTC+7), inclusive.
    pub to: time::Date,
}

/// The most dossiers one register PDF lists (a commune's busiest month is far below).
pub const REGISTER_MAX_ROWS: usize = 5_000;

impl App {
    pub(crate) fn staff_of<'a>(
        &self,
        actor: &'a Actor,
    ) -> Result<&'a crate::service::StaffActor, AppError> {
        match actor {
            Actor::Staff(s) => Ok(s),
            Actor::Public | Actor::System(_) | Actor::Applicant(_) => {
                Err(AppError::Unauthenticated)
            }
        }
    }

    /// Who will sign for `agency` (the engine's answer), `None` when it cannot sign.
    async fn signer_of(
        &self,
        engine: &Arc<dyn DocumentEngine>,
        agency: &Agency,
    ) -> Result<Option<String>, AppError> {
        let engine = engine.clone();
        let agency = agency.clone();
        blocking(move || Ok(engine.signer_name(&agency))).await
    }

    /// Signs `pdf` as `agency` when it has a signer (`name`, from [`Self::signer_of`]); else
    /// returns it unsigned. Returns the bytes, the signing agency and the signer's name.
    async fn sign_as(
        &self,
        engine: &Arc<dyn DocumentEngine>,
        agency: &Agency,
        pdf: Vec<u8>,
        reason: String,
        name: Option<String>,
    ) -> Result<(Vec<u8>, Option<AgencyCode>, Option<String>), AppError> {
        if name.is_none() {
            return Ok((pdf, None, None));
        }
        let location = self.place_of(agency);
        let engine = engine.clone();
        let a = agency.clone();
        let signed = blocking(move || {
            engine.sign(&a, &pdf, &reason, &location).map_err(|e| {
                // A PDF lopdf cannot read is the uploader's problem, reported by the caller.
                format!("sign: {e}")
            })
        })
        .await;
        match signed {
            Ok(b) => Ok((b, Some(agency.code.clone()), name)),
            // Unreadable, or a structure that cannot carry a signature (no pages, a page tree
            // that loops, a cross-reference chain that loops): the uploaded file's fault.
            Err(AppError::Internal(m))
                if m.contains("not a readable PDF") || m.contains("cannot sign this PDF") =>
            {
                Err(AppError::Invalid {
                    code: "upload.unreadable_pdf",
                    message: "the PDF cannot be read (damaged or not a standard PDF)".into(),
                    field: Some("file".into()),
                })
            }
            Err(AppError::Internal(m)) if m.contains("encrypted") => Err(AppError::Invalid {
                code: "upload.unreadable_pdf",
                message: "the PDF is encrypted; upload it without a password".into(),
                field: Some("file".into()),
            }),
            Err(e) => Err(e),
        }
    }

    /// Digitises a component received at the counter: records the scan's hash with the dossier
    /// and issues it as a PDF signed by the receiving agency (Decree 118/2025: digitised
    /// components are signed by the receiving one-stop unit). Images are placed on an A4 page
    /// with their record; PDFs are signed as they are.
    pub async fn digitise_component(
        &self,
        actor: &Actor,
        code: &DossierCode,
        component: &str,
        file_name: &str,
        declared_type: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<DocumentRecord, AppError> {
        let staff = self.staff_of(actor)?;
        let d = self.dossier(actor, code).await?;
        if !self.covers(staff, &d.receiving_agency).await {
            return Err(AppError::Forbidden(
                "only the receiving counter digitises components".into(),
            ));
        }
        if !staff.role.may(ActionKind::Receive) {
            return Err(AppError::Forbidden(format!(
                "role {} may not receive components",
                staff.role.as_str()
            )));
        }
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let spec = procedure
            .case(Some(&d.case_code))
            .and_then(|c| c.components.iter().find(|x| x.code == component))
            .cloned()
            .ok_or_else(|| {
                AppError::Dossier(motcua_domain::dossier::DossierError::UnknownComponent(
                    component.chars().take(40).collect(),
                ))
            })?;
        let kind = motcua_domain::upload::check_file(&bytes, declared_type).map_err(|e| {
            AppError::Invalid {
                code: e.code(),
                message: e.to_string(),
                field: Some("file".into()),
            }
        })?;
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let receiving = self.agency(&d.receiving_agency).await?;
        let now = self.now();
        let sha = hex::encode(Sha256::digest(&bytes));
        let clean = motcua_domain::upload::clean_file_name(file_name);
        let id = Uuid::now_v7();
        let signer = self.signer_of(&engine, &receiving).await?;
        let pdf = match kind {
            motcua_domain::upload::FileKind::Pdf => bytes.clone(),
            img => {
                let ext = if img == motcua_domain::upload::FileKind::Png {
                    "png"
                } else {
                    "jpg"
                };
                let image = format!("scan.{ext}");
                let data = json!({
                    "title": "Bản số hóa thành phần hồ sơ",
                    "document_id": id.to_string(),
                    "verify_url": format!("{}/verify/{id}", self.public_url),
                    "agency": self.header_of(&receiving).await,
                    "number": Value::Null,
                    "place": self.place_of(&receiving),
                    "date_words": date_words(now),
                    "qr_url": format!("{}/verify/{id}", self.public_url),
                    "qr_caption": "Quét mã để xác thực bản số hóa này.",
                    "signer": signer,
                    "signed_at": signer.as_ref().map(|_| time_words(now)),
                    "note": Value::Null,
                    "dossier": { "code": d.code.as_str() },
                    "scan": {
                        "component": spec.name,
                        "file_name": clean,
                        "sha256": sha,
                        "received_at": time_words(now),
                        "image": image,
                    },
                });
                let engine = engine.clone();
                let files = vec![(image, bytes.clone())];
                // The header was sound but the image is not (damaged, truncated, a second frame
                // of another size): the file's fault, not the server's.
                crate::lanes::heavy(move || engine.render("scan", &data, &files))
                    .await
                    .map_err(|e| match e {
                        AppError::Internal(detail) => {
                            tracing::info!(%detail, "an uploaded image did not render");
                            AppError::Invalid {
                                code: "upload.unreadable_image",
                                message: "the image cannot be read (damaged or incomplete)".into(),
                                field: Some("file".into()),
                            }
                        }
                        other => other,
                    })?
            }
        };
        let (signed, signed_by, signer_name) = self
            .sign_as(
                &engine,
                &receiving,
                pdf,
                format!("Số hóa thành phần hồ sơ {} — {}", d.code, spec.name),
                signer,
            )
            .await?;
        let attachment = crate::ports::Attachment {
            id: Uuid::now_v7(),
            province_code: d.province_code.clone(),
            draft_id: None,
            dossier_id: Some(d.id),
            component_code: component.to_owned(),
            file_name: clean.clone(),
            content_type: kind.mime().to_owned(),
            size: bytes.len() as i64,
            sha256: sha,
            created_at: now,
        };
        self.store.add_attachment(&attachment, &bytes).await?;
        let record = DocumentRecord {
            id,
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: "scan".into(),
            number: None,
            title: format!("Bản số hóa: {}", spec.name),
            file_name: format!("{}-scan-{}.pdf", d.code, component),
            sha256: hex::encode(Sha256::digest(&signed)),
            size: signed.len() as i64,
            signed_by,
            signer_name,
            actor: actor.id(),
            event_seq: Some(d.version),
            created_at: now,
        };
        self.store
            .add_document(&NewDocument {
                record: record.clone(),
                bytes: signed,
            })
            .await?;
        Ok(record)
    }

    /// Records the result document (a PDF) of a dossier, signed by the competent agency.
    pub async fn attach_result(
        &self,
        actor: &Actor,
        code: &DossierCode,
        bytes: Vec<u8>,
    ) -> Result<DocumentRecord, AppError> {
        let d = self
            .result_upload(
                actor,
                code,
                &bytes,
                ActionKind::Finish,
                "only the competent agency's approver records the result",
            )
            .await?;
        self.store_signed_result(actor, &d, bytes).await
    }

    /// Records the draft result document of a dossier (an unsigned PDF the specialist submits
    /// with the draft decision; signed only when the approver approves it).
    pub async fn attach_draft_result(
        &self,
        actor: &Actor,
        code: &DossierCode,
        bytes: Vec<u8>,
    ) -> Result<DocumentRecord, AppError> {
        let d = self
            .result_upload(
                actor,
                code,
                &bytes,
                ActionKind::SubmitDraft,
                "only the staff processing the dossier submit its draft result",
            )
            .await?;
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: DRAFT_RESULT_KIND.into(),
            number: None,
            title: format!("Dự thảo kết quả: {}", d.procedure_name),
            file_name: format!("{}-du-thao-ket-qua.pdf", d.code),
            sha256: hex::encode(Sha256::digest(&bytes)),
            size: bytes.len() as i64,
            signed_by: None,
            signer_name: None,
            actor: actor.id(),
            event_seq: Some(d.version),
            created_at: self.now(),
        };
        self.store
            .add_document(&NewDocument {
                record: record.clone(),
                bytes,
            })
            .await?;
        Ok(record)
    }

    /// Signs the approved draft document `doc` of `d` as its result (called by the approval,
    /// which has checked who approves).
    pub(crate) async fn sign_draft_result(
        &self,
        actor: &Actor,
        d: &Dossier,
        doc: Uuid,
    ) -> Result<DocumentRecord, AppError> {
        let bytes =
            self.store.document_bytes(doc).await?.ok_or_else(|| {
                AppError::not_found("document.not_found", "no draft result document")
            })?;
        self.store_signed_result(actor, d, bytes).await
    }

    /// The dossier a result (or draft result) PDF is uploaded to, once `actor` may do `kind`
    /// on it, it is open, and the bytes are a PDF.
    async fn result_upload(
        &self,
        actor: &Actor,
        code: &DossierCode,
        bytes: &[u8],
        kind: ActionKind,
        refusal: &str,
    ) -> Result<Dossier, AppError> {
        let staff = self.staff_of(actor)?;
        let d = self.dossier(actor, code).await?;
        if !self.may_act(staff, &d, kind).await {
            return Err(AppError::Forbidden(refusal.into()));
        }
        Self::result_open(&d, kind)?;
        check_pdf(bytes)?;
        Ok(d)
    }

    /// Refuses a result or draft on a closed dossier, or while an opinion is awaited (the
    /// lifecycle refuses `finish` and `submit_draft` then too).
    fn result_open(d: &Dossier, kind: ActionKind) -> Result<(), AppError> {
        if d.status.is_closed() {
            return Err(AppError::Dossier(
                motcua_domain::dossier::DossierError::InvalidTransition {
                    status: d.status.as_str(),
                    action: kind.as_str(),
                },
            ));
        }
        if let Some(back) = &d.consultation_from {
            return Err(AppError::Dossier(
                motcua_domain::dossier::DossierError::InConsultation(back.to_string()),
            ));
        }
        Ok(())
    }

    /// Signs `bytes` (a checked PDF) in the competent agency's name and stores it as the
    /// dossier's result.
    async fn store_signed_result(
        &self,
        actor: &Actor,
        d: &Dossier,
        bytes: Vec<u8>,
    ) -> Result<DocumentRecord, AppError> {
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let competent = self.agency(&d.competent_agency).await?;
        let signer = self.signer_of(&engine, &competent).await?;
        let (signed, signed_by, signer_name) = self
            .sign_as(
                &engine,
                &competent,
                bytes,
                format!("Kết quả giải quyết hồ sơ {}", d.code),
                signer,
            )
            .await?;
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: "result".into(),
            number: None,
            title: format!("Kết quả giải quyết: {}", d.procedure_name),
            file_name: format!("{}-ket-qua.pdf", d.code),
            sha256: hex::encode(Sha256::digest(&signed)),
            size: signed.len() as i64,
            signed_by,
            signer_name,
            actor: actor.id(),
            event_seq: Some(d.version),
            created_at: self.now(),
        };
        self.store
            .add_document(&NewDocument {
                record: record.clone(),
                bytes: signed,
            })
            .await?;
        Ok(record)
    }

    /// Form 07, the dossier register of `agency` for a period: every dossier it received (or is
    /// competent for) submitted in the period, oldest first.
    pub async fn register_pdf(
        &self,
        actor: &Actor,
        agency: &AgencyCode,
        period: &RegisterPeriod,
    ) -> Result<Vec<u8>, AppError> {
        let staff = self.staff_of(actor)?;
        if !self.covers(staff, agency).await {
            return Err(AppError::Forbidden(format!(
                "{agency} is outside your jurisdiction ({})",
                staff.agency
            )));
        }
        if period.to < period.from || (period.to - period.from).whole_days() > 366 {
            return Err(AppError::invalid(
                "to",
                "the period must run forwards and last at most a year",
            ));
        }
        let engine = self
            .documents
            .clone()
            .ok_or_else(|| AppError::Internal("no document engine".into()))?;
        let a = self.agency(agency).await?;
        let in_period = |t: OffsetDateTime| {
            let day = t.to_offset(VN_OFFSET).date();
            day >= period.from && day <= period.to
        };
        let mut rows: Vec<DossierListing> = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_dossiers(&crate::ports::DossierFilter {
                    agency: Some(agency.clone()),
                    limit: 500,
                    offset,
                    ..Default::default()
                })
                .await?;
            let n = page.len();
            // The register is of what the agency receives or decides: a dossier it holds only
            // for a consultation is not its to record (and its contacts are not for it).
            rows.extend(page.into_iter().filter(|d| {
                in_period(d.submitted_at)
                    && (d.receiving_agency == *agency || d.competent_agency == *agency)
            }));
            if n < 500 || rows.len() >= REGISTER_MAX_ROWS {
                break;
            }
            offset += 500;
        }
        rows.sort_by_key(|d| (d.submitted_at, d.code.to_string()));
        rows.truncate(REGISTER_MAX_ROWS);
        let short = |t: OffsetDateTime| {
            let t = t.to_offset(VN_OFFSET);
            format!(
                "{:02}/{:02}/{} {:02}:{:02}",
                t.day(),
                t.month() as u8,
                t.year(),
                t.hour(),
                t.minute()
            )
        };
        let mut names: HashMap<AgencyCode, String> = HashMap::new();
        let mut register = Vec::new();
        for d in &rows {
            if !names.contains_key(&d.competent_agency)
                && let Ok(Some(x)) = self.store.agency(&d.competent_agency).await
            {
                names.insert(d.competent_agency.clone(), x.name);
            }
            let returned = d.returned_at.map(short).unwrap_or_default();
            let note = d
                .timeliness
                .map(timeliness_vi)
                .unwrap_or(d.status.name_vi());
            register.push(json!({
                "code": d.code.as_str(),
                "procedure": d.procedure_name,
                "applicant": d.applicant.name,
                "contact": format!("{} · {}", d.applicant.address.clone().unwrap_or_default(), d.applicant.phone.as_str()),
                "received_at": short(d.received_at.unwrap_or(d.submitted_at)),
                "appointment_at": d.due_at.map(short).unwrap_or_default(),
                "transferred": names.get(&d.competent_agency).cloned().unwrap_or_default(),
                "returned_at": returned,
                "note": note,
            }));
        }
        let now = self.now();
        let fmt_day = |d: time::Date| format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year());
        let data = json!({
            "title": Form::Register.title(),
            "document_id": Value::Null,
            "verify_url": Value::Null,
            "agency": self.header_of(&a).await,
            "number": Value::Null,
            "place": self.place_of(&a),
            "date_words": date_words(now),
            "qr_url": Value::Null,
            "signer": Value::Null,
            "note": Value::Null,
            "dossier": Value::Null,
            "register": register,
            "period": format!("Từ ngày {} đến ngày {}", fmt_day(period.from), fmt_day(period.to)),
        });
        blocking(move || engine.render(Form::Register.kind(), &data, &[])).await
    }
}
