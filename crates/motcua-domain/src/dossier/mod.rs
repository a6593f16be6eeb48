//! The dossier (hồ sơ) and its lifecycle.
//!
//! [`Dossier::open`] creates a dossier (online/kiosk submission, or counter intake that receives
//! it at once); [`Dossier::apply`] applies one [`Command`] at a given moment and returns the new
//! dossier and the event to append. Both are pure: the calendar, the procedure version and the
//! clock reading come in as arguments. The state machine itself is [`status::next_status`].

pub mod chain;
pub mod code;
mod listing;
pub mod search;
pub mod status;

use crate::VN_OFFSET;
use crate::authority::Routing;
use crate::calendar::{DueDate, WorkingCalendar};
use crate::catalogue::{Channel, Procedure, ProcedureRef};
use crate::declaration::FiledDeclaration;
use crate::ids::{AgencyCode, CitizenId, DossierCode, Phone, ProvinceCode, UnitCode};
use crate::text::has_hostile_chars;
pub use listing::DossierListing;
use serde::{Deserialize, Serialize};
pub use status::{ActionKind, Hold, Status, legal_actions, legal_during_consultation, next_status};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who the dossier is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// CCCD number (12 digits).
    pub id_number: CitizenId,
    /// Phone number; with the dossier code it opens public tracking.
    pub phone: Phone,
    /// E-mail address, optional.
    #[serde(default)]
    pub email: Option<String>,
    /// Address as written by the applicant (old forms are fine).
    #[serde(default)]
    pub address: Option<String>,
}

/// A component received with the dossier: which one, and how many originals and copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedComponent {
    /// Component code of the procedure case.
    pub code: String,
    /// Originals received.
    #[serde(default)]
    pub originals: u32,
    /// Copies received.
    #[serde(default)]
    pub copies: u32,
}

/// One item of a supplement request: a component of the procedure, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItem {
    /// Component code; must be a component of the dossier's procedure case.
    pub component: String,
    /// What to supply or correct.
    #[serde(default)]
    pub note: Option<String>,
}

/// How the applicant receives the result, chosen at filing (Decree 61/2018 art. 18: at the
/// one-stop point, by public postal service, or online).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ResultDelivery {
    /// At the receiving point's counter.
    Counter,
    /// By post, to this address.
    Postal {
        /// Where to send it.
        address: String,
    },
    /// Electronically: the signed result on the applicant's own page (signed in).
    Electronic,
}

impl ResultDelivery {
    /// The `return_result` method it means.
    pub fn method(&self) -> &'static str {
        match self {
            ResultDelivery::Counter => "counter",
            ResultDelivery::Postal { .. } => "postal",
            ResultDelivery::Electronic => "online",
        }
    }

    /// As written on forms.
    pub fn text_vi(&self) -> String {
        match self {
            ResultDelivery::Counter => "Nhận trực tiếp tại Bộ phận Một cửa".into(),
            ResultDelivery::Postal { address } => {
                format!("Nhận qua dịch vụ bưu chính công ích, địa chỉ: {address}")
            }
            ResultDelivery::Electronic => "Nhận kết quả điện tử (tải về sau khi đăng nhập)".into(),
        }
    }
}

/// The recorded result of a finished dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierResult {
    /// What was decided or issued, e.g. "Trích lục khai sinh số 123/2025".
    pub summary: String,
    /// Number of the result document, if any.
    #[serde(default)]
    pub document_number: Option<String>,
}

/// A staff account a dossier is given to: the application resolves it from the accounts (a
/// real, enabled account of the agency holding the dossier, with a role that processes); the
/// domain keeps who it is and the name printed on forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignee {
    /// The account's id.
    pub user: Uuid,
    /// The officer's name as printed on forms.
    pub name: String,
}

/// A draft decision waiting for its approver (*trình ký*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApproval {
    /// The result as drafted.
    pub draft: DossierResult,
    /// The draft result document (unsigned PDF on record), when the procedure issues one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub draft_document: Option<Uuid>,
    /// Who drafted it.
    pub by: Assignee,
    /// Who is to approve it.
    pub approver: Assignee,
    /// Since when it waits.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub since: OffsetDateTime,
}

/// How a finished dossier compares with its appointment (Decision 766; DOMAIN.md "On time").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Timeliness {
    /// Finished on a day before the appointment's day.
    Early,
    /// Finished by the appointment.
    OnTime,
    /// Finished after the appointment, rescheduled (apology letter), or supplemented more than once.
    Late,
}

/// A dossier's current state (the projection of its events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier {
    /// Internal id (UUIDv7).
    pub id: Uuid,
    /// Human reference printed on the receipt.
    pub code: DossierCode,
    /// The tenant key.
    pub province_code: ProvinceCode,
    /// Procedure and version the dossier is handled under.
    pub procedure: ProcedureRef,
    /// Procedure name at that version.
    pub procedure_name: String,
    /// Case of the procedure.
    pub case_code: String,
    /// How it was filed.
    pub channel: Channel,
    /// Current status.
    pub status: Status,
    /// Status a supplement returns to, while a supplement is requested.
    pub resume_status: Option<Status>,
    /// Number of events applied; actions must name it (optimistic concurrency).
    pub version: i64,
    /// The unit whose one-stop point received the dossier.
    pub receiving_unit: UnitCode,
    /// The receiving agency (a service center, usually).
    pub receiving_agency: AgencyCode,
    /// The agency competent to decide.
    pub competent_agency: AgencyCode,
    /// The agency holding the dossier now.
    pub current_agency: AgencyCode,
    /// The officer handling it, once assigned (the name; an account's id and the moment in
    /// `handler_id` and `handler_since` — dossiers assigned before accounts were picked have the
    /// name only).
    pub handler: Option<String>,
    /// The account handling it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub handler_id: Option<Uuid>,
    /// Since when that account holds it.
    #[serde(
        with = "time::serde::rfc3339::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub handler_since: Option<OffsetDateTime>,
    /// A draft decision waiting for its approver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<PendingApproval>,
    /// Drafts an approver has decided on (approved or returned): approval time counts in the
    /// indicators (issue #32).
    #[serde(default)]
    pub approval_rounds: u32,
    /// How long those drafts waited for their approver, in seconds (calendar time).
    #[serde(default)]
    pub approval_seconds: i64,
    /// The applicant.
    pub applicant: Applicant,
    /// Requested content (trích yếu).
    pub summary: String,
    /// Components received.
    pub components: Vec<ReceivedComponent>,
    /// When it was submitted (or received at the counter).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: OffsetDateTime,
    /// When it was received.
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub received_at: Option<OffsetDateTime>,
    /// The first appointment, moved forward by supplement time only (the on-time reference).
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub appointment_at: Option<OffsetDateTime>,
    /// The current due date (a reschedule moves it).
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub due_at: Option<OffsetDateTime>,
    /// When the clock was paused for a supplement.
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub paused_at: Option<OffsetDateTime>,
    /// Working seconds excluded for supplements.
    pub paused_seconds: i64,
    /// Supplement requests made (at most one).
    pub supplement_requests: u32,
    /// What the supplement request asked for.
    pub supplement_items: Vec<SupplementItem>,
    /// True once an apology and new appointment were issued.
    pub rescheduled: bool,
    /// Amount requested for fees, in VND.
    pub payment_due_vnd: Option<u64>,
    /// True when paid online.
    pub paid_online: bool,
    /// The result, once finished.
    pub result: Option<DossierResult>,
    /// When it was finished.
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub finished_at: Option<OffsetDateTime>,
    /// When the result was returned.
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub returned_at: Option<OffsetDateTime>,
    /// When it was refused, withdrawn or stopped.
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub closed_at: Option<OffsetDateTime>,
    /// Reason of a refusal, withdrawal, stop or reschedule.
    pub reason: Option<String>,
    /// On-time classification once finished.
    pub timeliness: Option<Timeliness>,
    /// When the dossier entered its current status (escalation rules measure step budgets from
    /// it; absent on dossiers from before it was recorded).
    #[serde(with = "time::serde::rfc3339::option", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub status_since: Option<OffsetDateTime>,
    /// True when the result was issued electronically: a result document signed by the
    /// competent agency was on record when the dossier was finished (Decision 766 "electronic
    /// result").
    #[serde(default)]
    pub electronic_result: bool,
    /// How intake routed it: the applicant's commune and the rules that made the competent
    /// agency competent (absent on dossiers from before the authority registry).
    #[serde(default)]
    pub routing: Option<Routing>,
    /// The support point (điểm hỗ trợ) that helped the applicant file — a post office, a
    /// community digital-technology team, a village house — distinct from the receiving point
    /// (which receives) and the competent agency (which decides).
    #[serde(default)]
    pub support_point: Option<String>,
    /// While a consultation is out: the agency that asked and must get the dossier back.
    #[serde(default)]
    pub consultation_from: Option<AgencyCode>,
    /// The linked application (liên thông) this dossier is a step of.
    #[serde(default)]
    pub linked: Option<LinkedStep>,
    /// The electronic declaration it was filed with (answers to its procedure version's form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<FiledDeclaration>,
    /// How the applicant receives the result (absent: at the counter, as before it was asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_delivery: Option<ResultDelivery>,
    /// Hash of the last event (the chain head).
    pub last_event_hash: String,
}

/// A dossier's place in a linked application (liên thông): the parent's code, the step, and the
/// data the step received from the steps before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedStep {
    /// The parent application's code (the one tracking code the applicant holds).
    pub parent: DossierCode,
    /// The step's key in the linked service (e.g. `birth`).
    pub step: String,
    /// Data passed from earlier steps (e.g. `birth_registration_number`).
    #[serde(default)]
    pub inputs: std::collections::BTreeMap<String, String>,
}

/// Overdue: open with its clock running and due before `now` (a dossier and its listing).
fn overdue(status: Status, due_at: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    status.is_open_with_clock() && due_at.is_some_and(|d| d < now)
}

impl Dossier {
    /// True when the dossier is open, has a due date in the past, and is not paused.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        overdue(self.status, self.due_at, now)
    }

    /// What the dossier waits for inside its status.
    pub fn hold(&self) -> Hold {
        if self.consultation_from.is_some() {
            Hold::Consultation
        } else if self.approval.is_some() {
            Hold::Approval
        } else {
            Hold::None
        }
    }

    /// Actions legal in the current state.
    pub fn legal_actions(&self) -> Vec<ActionKind> {
        legal_actions(self.status, self.resume_status, self.hold())
    }
}

/// A command on an existing dossier, with its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Accept an online/kiosk submission; optionally record the components checked.
    Receive {
        /// Components checked at intake (replaces what was declared online).
        #[serde(default)]
        components: Option<Vec<ReceivedComponent>>,
    },
    /// Refuse at intake.
    Refuse {
        /// Why (required).
        reason: String,
    },
    /// Ask for missing components.
    RequestSupplement {
        /// Items; each must be a component of the procedure case.
        items: Vec<SupplementItem>,
        /// Why, in words.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The applicant supplied the components.
    Supplement {
        /// Components now received.
        #[serde(default)]
        components: Vec<ReceivedComponent>,
    },
    /// Assign to a handler (or move it to another).
    Assign {
        /// The account.
        handler: Assignee,
    },
    /// Transfer to another agency.
    Transfer {
        /// Target agency (must exist).
        to_agency: AgencyCode,
        /// Note for the control slip.
        #[serde(default)]
        note: Option<String>,
        /// An explicit consultation step: the dossier goes to an agency that is not competent
        /// for an opinion and must come back to the sender.
        #[serde(default)]
        consultation: bool,
    },
    /// Ask for payment.
    RequestPayment {
        /// Amount in VND.
        amount_vnd: u64,
        /// What for.
        #[serde(default)]
        note: Option<String>,
    },
    /// Payment received.
    Pay {
        /// Amount paid in VND.
        amount_vnd: u64,
        /// Paid online.
        #[serde(default)]
        online: bool,
    },
    /// Record the result.
    Finish {
        /// The result.
        result: DossierResult,
    },
    /// Submit a draft decision to an approver.
    SubmitDraft {
        /// The result as drafted.
        result: DossierResult,
        /// The draft result document on record, if any.
        #[serde(default)]
        draft_document: Option<Uuid>,
        /// Who drafted it (the acting account).
        by: Assignee,
        /// The approver chosen.
        approver: Assignee,
    },
    /// Approve the draft: it becomes the result.
    ApproveDraft {},
    /// Send the draft back with a reason.
    ReturnDraft {
        /// Why (required).
        reason: String,
    },
    /// Hand over the result.
    ReturnResult {
        /// `counter`, `postal` or `online`.
        #[serde(default)]
        method: Option<String>,
    },
    /// Apologise and set a new appointment.
    Reschedule {
        /// Why the appointment cannot be met (required).
        reason: String,
        /// The new appointment, later than the current one.
        #[serde(with = "time::serde::rfc3339")]
        new_due_at: OffsetDateTime,
    },
    /// The applicant withdraws.
    Withdraw {
        /// Why, if given.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The agency stops processing.
    Stop {
        /// Why (required).
        reason: String,
    },
}

impl Command {
    /// The action kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::Receive { .. } => ActionKind::Receive,
            Command::Refuse { .. } => ActionKind::Refuse,
            Command::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Command::Supplement { .. } => ActionKind::Supplement,
            Command::Assign { .. } => ActionKind::Assign,
            Command::Transfer { .. } => ActionKind::Transfer,
            Command::RequestPayment { .. } => ActionKind::RequestPayment,
            Command::Pay { .. } => ActionKind::Pay,
            Command::Finish { .. } => ActionKind::Finish,
            Command::SubmitDraft { .. } => ActionKind::SubmitDraft,
            Command::ApproveDraft {} => ActionKind::ApproveDraft,
            Command::ReturnDraft { .. } => ActionKind::ReturnDraft,
            Command::ReturnResult { .. } => ActionKind::ReturnResult,
            Command::Reschedule { .. } => ActionKind::Reschedule,
            Command::Withdraw { .. } => ActionKind::Withdraw,
            Command::Stop { .. } => ActionKind::Stop,
        }
    }
}

/// Why a command was refused. Each variant has a stable code (the web layer maps it to HTTP).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierError {
    /// The action is not legal in the current status.
    #[error("action {action} is not allowed when the dossier is {status}")]
    InvalidTransition {
        /// Current status.
        status: &'static str,
        /// Attempted action.
        action: &'static str,
    },
    /// A second supplement request (Decision 766 counts it as overdue; one request only).
    #[error("a supplement was already requested for this dossier; only one request is allowed")]
    SupplementAlreadyRequested,
    /// A supplement item that is not a component of the procedure case.
    #[error("{0:?} is not a component of this procedure; only listed components may be requested")]
    SupplementItemNotInProcedure(String),
    /// A supplement request with no items.
    #[error("a supplement request must list at least one component")]
    SupplementEmpty,
    /// A component that is not part of the procedure case.
    #[error("{0:?} is not a component of this procedure case")]
    UnknownComponent(String),
    /// A reason is required for this action.
    #[error("a reason is required")]
    ReasonRequired,
    /// A text field is empty, too long or holds control characters.
    #[error("field {field}: {message}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The new appointment is not after the current one.
    #[error("the new appointment must be later than the current one and in office hours")]
    RescheduleNotLater,
    /// The procedure offers no processing time on this channel.
    #[error("procedure is not offered on channel {0}")]
    ChannelNotOffered(&'static str),
    /// Transfer to the agency already holding it.
    #[error("the dossier is already at agency {0}")]
    TransferToSelf(String),
    /// Transfer to an agency that is neither competent nor the receiving point.
    #[error(
        "{to} is not competent for this dossier: only {competent} (competent) or {receiving} (receiving point) may hold it; send it to another agency only as a consultation, which comes back"
    )]
    NotCompetent {
        /// The target.
        to: String,
        /// The competent agency.
        competent: String,
        /// The receiving point.
        receiving: String,
    },
    /// A consulted agency sends the dossier anywhere but back.
    #[error("the dossier is here for a consultation: it can only go back to {0}")]
    ConsultationMustReturn(String),
    /// Any action but the transfer back while a consultation is out.
    #[error(
        "the dossier is out for a consultation: nothing but sending it back to {0} is possible until the opinion returns"
    )]
    InConsultation(String),
    /// An action the approval hold does not allow while a draft waits for its approver.
    #[error("a draft decision waits for {0}'s approval: it is approved or returned first")]
    AwaitingApproval(String),
    /// Approving or returning when no draft waits.
    #[error("no draft decision waits for approval")]
    NoDraft,
    /// The approver is the drafter (the step exists so that two people see the decision).
    #[error("the approver must be someone other than the drafter")]
    SelfApproval,
}

impl DossierError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            DossierError::InvalidTransition { .. } => "dossier.invalid_transition",
            DossierError::SupplementAlreadyRequested => "dossier.supplement_already_requested",
            DossierError::SupplementItemNotInProcedure(_) => {
                "dossier.supplement_item_not_in_procedure"
            }
            DossierError::SupplementEmpty => "dossier.supplement_empty",
            DossierError::UnknownComponent(_) => "dossier.unknown_component",
            DossierError::ReasonRequired => "dossier.reason_required",
            DossierError::InvalidField { .. } => "request.invalid_field",
            DossierError::RescheduleNotLater => "dossier.reschedule_not_later",
            DossierError::ChannelNotOffered(_) => "catalogue.channel_not_offered",
            DossierError::TransferToSelf(_) => "dossier.transfer_to_self",
            DossierError::NotCompetent { .. } => "authority.not_competent",
            DossierError::ConsultationMustReturn(_) => "dossier.consultation_must_return",
            DossierError::InConsultation(_) => "dossier.in_consultation",
            DossierError::AwaitingApproval(_) => "dossier.awaiting_approval",
            DossierError::NoDraft => "dossier.no_draft",
            DossierError::SelfApproval => "dossier.self_approval",
        }
    }
}

/// Checks a free-text field: trimmed length within bounds, no control or bidi-override characters.
pub fn check_text(field: &'static str, s: &str, max: usize) -> Result<String, DossierError> {
    let t = crate::text::nfc(s);
    if t.is_empty() {
        return Err(DossierError::InvalidField {
            field,
            message: "must not be empty".into(),
        });
    }
    if t.chars().count() > max {
        return Err(DossierError::InvalidField {
            field,
            message: format!("at most {max} characters"),
        });
    }
    if has_hostile_chars(&t) {
        return Err(DossierError::InvalidField {
            field,
            message: "contains control characters".into(),
        });
    }
    Ok(t)
}

fn check_opt(
    field: &'static str,
    s: &Option<String>,
    max: usize,
) -> Result<Option<String>, DossierError> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => check_text(field, v, max).map(Some),
    }
}

fn reason(s: &str) -> Result<String, DossierError> {
    if s.trim().is_empty() {
        return Err(DossierError::ReasonRequired);
    }
    check_text("reason", s, 2000)
}

/// Whether `e` looks like an e-mail address (one `@`, a dot in the domain, no space).
fn is_email(e: &str) -> bool {
    e.split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
        && !e.contains(' ')
}

/// Every problem of an applicant's typed fields at once, each with its field (`name`,
/// `id_number`, `phone`, `email`, `address`): what a counter form reports in one summary. The
/// same rules as [`check_applicant`] and the identifiers' parsers.
pub fn applicant_problems(
    name: &str,
    id_number: &str,
    phone: &str,
    email: &str,
    address: &str,
) -> Vec<(&'static str, DossierError)> {
    let mut out = Vec::new();
    if let Err(e) = check_text("applicant.name", name, 200) {
        out.push(("name", e));
    }
    if let Err(e) = CitizenId::parse(id_number) {
        out.push((
            "id_number",
            DossierError::InvalidField {
                field: "applicant.id_number",
                message: e.to_string(),
            },
        ));
    }
    if let Err(e) = Phone::parse(phone) {
        out.push((
            "phone",
            DossierError::InvalidField {
                field: "applicant.phone",
                message: e.to_string(),
            },
        ));
    }
    match check_opt("applicant.email", &Some(email.to_owned()), 200) {
        Err(e) => out.push(("email", e)),
        Ok(Some(e)) if !is_email(&e) => out.push((
            "email",
            DossierError::InvalidField {
                field: "applicant.email",
                message: "not an e-mail address".into(),
            },
        )),
        Ok(_) => {}
    }
    if let Err(e) = check_opt("applicant.address", &Some(address.to_owned()), 500) {
        out.push(("address", e));
    }
    out
}

/// Checks applicant data (names and addresses free of control characters, sane lengths).
pub fn check_applicant(a: &Applicant) -> Result<Applicant, DossierError> {
    let email = check_opt("applicant.email", &a.email, 200)?;
    if let Some(e) = &email
        && !is_email(e)
    {
        return Err(DossierError::InvalidField {
            field: "applicant.email",
            message: "not an e-mail address".into(),
        });
    }
    Ok(Applicant {
        name: check_text("applicant.name", &a.name, 200)?,
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        email,
        address: check_opt("applicant.address", &a.address, 500)?,
    })
}

/// Checks received components against the procedure case.
pub fn check_components(
    procedure: &Procedure,
    case_code: &str,
    comps: &[ReceivedComponent],
) -> Result<Vec<ReceivedComponent>, DossierError> {
    let case = procedure.case(Some(case_code));
    let mut seen = std::collections::HashSet::new();
    for c in comps {
        let known = case.is_some_and(|k| k.components.iter().any(|x| x.code == c.code));
        if !known || !seen.insert(c.code.as_str()) || c.originals > 100 || c.copies > 100 {
            return Err(DossierError::UnknownComponent(
                c.code.chars().take(40).collect(),
            ));
        }
    }
    Ok(comps.to_vec())
}

/// What an action produced: the event to append (besides the new state).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDraft {
    /// The action.
    pub action: ActionKind,
    /// Status after the action.
    pub status: Status,
    /// When.
    pub at: OffsetDateTime,
    /// The action's payload and effects (JSON object).
    pub payload: serde_json::Value,
    /// Due date produced, with its explanation.
    pub due: Option<DueDate>,
}

/// Everything [`Dossier::apply`] needs besides the dossier and the command.
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    /// The moment of the action.
    pub now: OffsetDateTime,
    /// The calendar of the agency whose time runs.
    pub calendar: &'a WorkingCalendar,
    /// The procedure version the dossier is under.
    pub procedure: &'a Procedure,
}

fn truncate_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0)
        .expect("0 is valid")
        .to_offset(VN_OFFSET)
}

/// What is needed to open a dossier.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// Internal id.
    pub id: Uuid,
    /// Allocated code.
    pub code: DossierCode,
    /// Province of the receiving unit.
    pub province_code: ProvinceCode,
    /// Case code (validated against the procedure).
    pub case_code: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// Receiving unit and agency.
    pub receiving_unit: UnitCode,
    /// Receiving agency.
    pub receiving_agency: AgencyCode,
    /// Competent agency.
    pub competent_agency: AgencyCode,
    /// Applicant.
    pub applicant: Applicant,
    /// Requested content.
    pub summary: String,
    /// Components declared or received.
    pub components: Vec<ReceivedComponent>,
    /// True for counter intake: the dossier is received at once and gets its appointment.
    pub receive_now: bool,
    /// How it was routed (recorded on the dossier and in its first event).
    pub routing: Option<Routing>,
    /// The support point that helped the applicant file, if any.
    pub support_point: Option<String>,
    /// The linked application it is a step of.
    pub linked: Option<LinkedStep>,
    /// The declaration, already checked against the case's (`Declaration::check`).
    pub declaration: Option<FiledDeclaration>,
    /// How the result is to be received.
    pub result_delivery: Option<ResultDelivery>,
}

/// Validates the parts of a new dossier that do not depend on the store.
pub fn check_new(
    n: &NewDossier,
    procedure: &Procedure,
) -> Result<(NewDossier, String), DossierError> {
    let case_code =
        match &n.case_code {
            Some(c) => procedure.case(Some(c)).map(|c| c.code.clone()).ok_or(
                DossierError::InvalidField {
                    field: "case",
                    message: format!(
                        "{:?} is not a case of this procedure",
                        c.chars().take(40).collect::<String>()
                    ),
                },
            )?,
            None => procedure.cases[0].code.clone(),
        };
    if procedure.offer(n.channel).is_none() {
        return Err(DossierError::ChannelNotOffered(n.channel.as_str()));
    }
    let mut out = n.clone();
    out.applicant = check_applicant(&n.applicant)?;
    out.summary = if n.summary.trim().is_empty() {
        procedure.name.clone()
    } else {
        check_text("summary", &n.summary, 1000)?
    };
    out.components = check_components(procedure, &case_code, &n.components)?;
    if let Some(ResultDelivery::Postal { address }) = &n.result_delivery {
        out.result_delivery = Some(ResultDelivery::Postal {
            address: check_text("result_delivery.address", address, 300)?,
        });
    }
    Ok((out, case_code))
}

impl Dossier {
    /// Opens a dossier: `submit` (online/kiosk → submitted) or counter intake (→ received, with
    /// the appointment). Returns the dossier and its first event.
    pub fn open(
        n: NewDossier,
        ctx: ActionContext<'_>,
    ) -> Result<(Dossier, EventDraft), DossierError> {
        let (n, case_code) = check_new(&n, ctx.procedure)?;
        let now = truncate_seconds(ctx.now);
        let mut d = Dossier {
            id: n.id,
            code: n.code,
            province_code: n.province_code,
            procedure: ProcedureRef {
                code: ctx.procedure.code.clone(),
                version: ctx.procedure.version,
            },
            procedure_name: ctx.procedure.name.clone(),
            case_code,
            channel: n.channel,
            status: Status::Submitted,
            resume_status: None,
            version: 0,
            receiving_unit: n.receiving_unit,
            receiving_agency: n.receiving_agency.clone(),
            competent_agency: n.competent_agency,
            current_agency: n.receiving_agency,
            handler: None,
            handler_id: None,
            handler_since: None,
            approval: None,
            approval_rounds: 0,
            approval_seconds: 0,
            applicant: n.applicant,
            summary: n.summary,
            components: n.components,
            submitted_at: now,
            received_at: None,
            appointment_at: None,
            due_at: None,
            paused_at: None,
            paused_seconds: 0,
            supplement_requests: 0,
            supplement_items: vec![],
            rescheduled: false,
            payment_due_vnd: None,
            paid_online: false,
            result: None,
            finished_at: None,
            returned_at: None,
            closed_at: None,
            reason: None,
            timeliness: None,
            status_since: Some(now),
            electronic_result: false,
            routing: n.routing,
            support_point: check_opt("support_point", &n.support_point, 200)?,
            consultation_from: None,
            linked: n.linked,
            declaration: n.declaration,
            result_delivery: n.result_delivery,
            last_event_hash: chain::GENESIS.to_owned(),
        };
        // The applicant is part of the hashed history (issue #29): the dossier row alone could
        // otherwise be edited to another person's name or phone without breaking any chain.
        let mut payload = serde_json::json!({
            "channel": d.channel,
            "procedure": d.procedure,
            "case": d.case_code,
            "receiving_agency": d.receiving_agency,
            "competent_agency": d.competent_agency,
            "components": d.components,
            "applicant": d.applicant,
        });
        // Which rule routed it is part of the hashed history (issue #6).
        if let Some(r) = &d.routing {
            payload["routing"] = serde_json::to_value(r).unwrap_or_default();
        }
        if let Some(l) = &d.linked {
            payload["linked"] = serde_json::to_value(l).unwrap_or_default();
        }
        if let Some(s) = &d.support_point {
            payload["support_point"] = serde_json::json!(s);
        }
        // What the applicant declared is part of the hashed history like the applicant.
        if let Some(decl) = &d.declaration {
            payload["declaration"] = serde_json::to_value(decl).unwrap_or_default();
        }
        if let Some(r) = &d.result_delivery {
            payload["result_delivery"] = serde_json::to_value(r).unwrap_or_default();
        }
        let (action, due) = if n.receive_now {
            let due = d.receive(now, ctx)?;
            (ActionKind::Receive, Some(due))
        } else {
            (ActionKind::Submit, None)
        };
        if let Some(due) = &due {
            payload["due_at"] = serde_json::json!(fmt(due.due));
        }
        d.version = 1;
        Ok((
            d.clone(),
            EventDraft {
                action,
                status: d.status,
                at: now,
                payload,
                due,
            },
        ))
    }

    fn receive(
        &mut self,
        now: OffsetDateTime,
        ctx: ActionContext<'_>,
    ) -> Result<DueDate, DossierError> {
        let offer = ctx
            .procedure
            .offer(self.channel)
            .ok_or(DossierError::ChannelNotOffered(self.channel.as_str()))?;
        let due = ctx.calendar.due(now, offer.processing_time);
        self.status = Status::Received;
        self.received_at = Some(now);
        self.appointment_at = Some(due.due);
        self.due_at = Some(due.due);
        Ok(due)
    }

    /// Applies `cmd` at `ctx.now`. The dossier is unchanged on error.
    pub fn apply(
        &self,
        cmd: &Command,
        ctx: ActionContext<'_>,
    ) -> Result<(Dossier, EventDraft), DossierError> {
        let kind = cmd.kind();
        // The second dimension of the table (status.rs, `Hold::allows`): while a consultation is
        // out only the transfer back, whatever the status.
        let hold = self.hold();
        if let Some(back) = &self.consultation_from
            && !hold.allows(kind)
        {
            return Err(DossierError::InConsultation(back.to_string()));
        }
        // One supplement request per dossier (Decree 118/2025; Decision 766 counts a second one as
        // overdue): say so plainly, whatever the current status.
        if kind == ActionKind::RequestSupplement
            && self.supplement_requests >= 1
            && !self.status.is_closed()
        {
            return Err(DossierError::SupplementAlreadyRequested);
        }
        let Some(next) = next_status(self.status, kind, self.resume_status) else {
            return Err(DossierError::InvalidTransition {
                status: self.status.as_str(),
                action: kind.as_str(),
            });
        };
        // While a draft waits, its approval or return (and the few actions that stay open);
        // approving or returning only a waiting draft.
        if !hold.allows(kind) {
            return Err(match &self.approval {
                Some(a) => DossierError::AwaitingApproval(a.approver.name.clone()),
                None => DossierError::NoDraft,
            });
        }
        let now = truncate_seconds(ctx.now);
        let mut d = self.clone();
        let mut due_out = None;
        let payload = match cmd {
            Command::Receive { components } => {
                let (p, due) = d.on_receive(components.as_deref(), now, ctx)?;
                due_out = Some(due);
                p
            }
            Command::Refuse { reason } | Command::Stop { reason } => d.on_close(reason, now)?,
            Command::Withdraw { reason } => d.on_withdraw(reason, now)?,
            Command::RequestSupplement { items, reason } => {
                d.on_request_supplement(items, reason, now, ctx)?
            }
            Command::Supplement { components } => d.on_supplement(components, now, ctx)?,
            Command::Assign { handler } => d.on_assign(handler, now)?,
            Command::Transfer {
                to_agency,
                note,
                consultation,
            } => d.on_transfer(to_agency, note, *consultation, now)?,
            Command::RequestPayment { amount_vnd, note } => {
                d.payment_due_vnd = Some(*amount_vnd);
                serde_json::json!({ "amount_vnd": amount_vnd, "note": check_opt("note", note, 1000)? })
            }
            Command::Pay { amount_vnd, online } => d.on_pay(*amount_vnd, *online)?,
            Command::Finish { result } => d.on_finish(result, now)?,
            Command::SubmitDraft {
                result,
                draft_document,
                by,
                approver,
            } => d.on_submit_draft(result, *draft_document, by, approver, now)?,
            Command::ApproveDraft {} => d.on_approve_draft(now)?,
            Command::ReturnDraft { reason: r } => {
                let r = reason(r)?;
                let a = d.approval.take().ok_or(DossierError::NoDraft)?;
                let waited = d.count_approval(&a, now);
                serde_json::json!({
                    "reason": r, "by": a.by, "approver": a.approver, "waited_seconds": waited,
                })
            }
            Command::ReturnResult { method } => d.on_return_result(method, now)?,
            Command::Reschedule { reason, new_due_at } => {
                d.on_reschedule(reason, *new_due_at, now, ctx)?
            }
        };
        if next != self.status {
            d.status_since = Some(now);
        }
        d.status = next;
        d.version = self.version + 1;
        Ok((
            d.clone(),
            EventDraft {
                action: kind,
                status: next,
                at: now,
                payload,
                due: due_out,
            },
        ))
    }

    // One function per command below: each changes the working copy `self` (a clone of the
    // dossier, dropped if it fails) and returns the event's payload. `apply` has checked that the
    // action is legal in the current status; these check the command's own content.

    fn on_receive(
        &mut self,
        components: Option<&[ReceivedComponent]>,
        now: OffsetDateTime,
        ctx: ActionContext<'_>,
    ) -> Result<(serde_json::Value, DueDate), DossierError> {
        if let Some(c) = components {
            self.components = check_components(ctx.procedure, &self.case_code, c)?;
        }
        let due = self.receive(now, ctx)?;
        let p = serde_json::json!({ "components": self.components, "due_at": fmt(due.due) });
        Ok((p, due))
    }

    /// Refuse and stop: closed, with the reason the law requires.
    fn on_close(
        &mut self,
        r: &str,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        let r = reason(r)?;
        self.reason = Some(r.clone());
        self.closed_at = Some(now);
        Ok(serde_json::json!({ "reason": r }))
    }

    /// The applicant withdraws; a reason is optional.
    fn on_withdraw(
        &mut self,
        r: &Option<String>,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        let r = check_opt("reason", r, 2000)?;
        self.reason = r.clone();
        self.closed_at = Some(now);
        Ok(serde_json::json!({ "reason": r }))
    }

    /// One request per dossier, only for the procedure's own components; the clock pauses.
    fn on_request_supplement(
        &mut self,
        items: &[SupplementItem],
        r: &Option<String>,
        now: OffsetDateTime,
        ctx: ActionContext<'_>,
    ) -> Result<serde_json::Value, DossierError> {
        if self.supplement_requests >= 1 {
            return Err(DossierError::SupplementAlreadyRequested);
        }
        if items.is_empty() {
            return Err(DossierError::SupplementEmpty);
        }
        let case = ctx.procedure.case(Some(&self.case_code));
        let mut checked = Vec::new();
        for it in items {
            let listed = case.is_some_and(|c| c.components.iter().any(|x| x.code == it.component));
            if !listed {
                return Err(DossierError::SupplementItemNotInProcedure(
                    it.component.chars().take(40).collect(),
                ));
            }
            checked.push(SupplementItem {
                component: it.component.clone(),
                note: check_opt("items.note", &it.note, 500)?,
            });
        }
        let r = check_opt("reason", r, 2000)?;
        self.supplement_requests += 1;
        self.supplement_items = checked.clone();
        self.resume_status = Some(self.status);
        if self.due_at.is_some() {
            self.paused_at = Some(now);
        }
        Ok(serde_json::json!({ "items": checked, "reason": r }))
    }

    /// The applicant's answer: components added or replaced; the pause moves the due date and
    /// the appointment by the working time it lasted.
    fn on_supplement(
        &mut self,
        components: &[ReceivedComponent],
        now: OffsetDateTime,
        ctx: ActionContext<'_>,
    ) -> Result<serde_json::Value, DossierError> {
        let extra = check_components(ctx.procedure, &self.case_code, components)?;
        for c in extra {
            match self.components.iter_mut().find(|x| x.code == c.code) {
                Some(x) => *x = c,
                None => self.components.push(c),
            }
        }
        let mut p = serde_json::json!({ "components": components });
        if let (Some(paused_at), Some(due), Some(appt)) =
            (self.paused_at, self.due_at, self.appointment_at)
        {
            let (new_due, paused) = ctx.calendar.shift_by_pause(due, paused_at, now);
            let (new_appt, _) = ctx.calendar.shift_by_pause(appt, paused_at, now);
            self.due_at = Some(new_due);
            self.appointment_at = Some(new_appt);
            self.paused_seconds += paused;
            p["paused_working_seconds"] = serde_json::json!(paused);
            p["due_at"] = serde_json::json!(fmt(new_due));
        }
        self.paused_at = None;
        self.resume_status = None;
        Ok(p)
    }

    /// Given to an account (or moved to another): who held it before is in the event.
    fn on_assign(
        &mut self,
        handler: &Assignee,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        let name = check_text("handler", &handler.name, 200)?;
        let before = self.handler.replace(name.clone());
        let before_id = self.handler_id.replace(handler.user);
        self.handler_since = Some(now);
        Ok(serde_json::json!({
            "handler": name,
            "handler_id": handler.user,
            "previous_handler": before,
            "previous_handler_id": before_id,
        }))
    }

    /// The draft decision goes to an approver other than its drafter; the dossier stays in
    /// processing (national code 4) and its clock runs on.
    fn on_submit_draft(
        &mut self,
        result: &DossierResult,
        draft_document: Option<Uuid>,
        by: &Assignee,
        approver: &Assignee,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        if by.user == approver.user {
            return Err(DossierError::SelfApproval);
        }
        let draft = DossierResult {
            summary: check_text("result.summary", &result.summary, 1000)?,
            document_number: check_opt("result.document_number", &result.document_number, 100)?,
        };
        let a = PendingApproval {
            draft,
            draft_document,
            by: Assignee {
                user: by.user,
                name: check_text("by", &by.name, 200)?,
            },
            approver: Assignee {
                user: approver.user,
                name: check_text("approver", &approver.name, 200)?,
            },
            since: now,
        };
        let p = serde_json::json!({
            "draft": a.draft,
            "draft_document": a.draft_document,
            "by": a.by,
            "approver": a.approver,
        });
        self.approval = Some(a);
        Ok(p)
    }

    /// The waiting draft becomes the result, recorded as `finish` records one; the event keeps
    /// how long it waited (approval time counts in the indicators).
    fn on_approve_draft(&mut self, now: OffsetDateTime) -> Result<serde_json::Value, DossierError> {
        let a = self.approval.take().ok_or(DossierError::NoDraft)?;
        let mut p = self.on_finish(&a.draft, now)?;
        p["by"] = serde_json::json!(a.by);
        p["approver"] = serde_json::json!(a.approver);
        p["draft_document"] = serde_json::json!(a.draft_document);
        p["waited_seconds"] = serde_json::json!(self.count_approval(&a, now));
        Ok(p)
    }

    /// Counts one decided draft and how long it waited; returns the wait in seconds.
    fn count_approval(&mut self, a: &PendingApproval, now: OffsetDateTime) -> i64 {
        let waited = (now - a.since).whole_seconds().max(0);
        self.approval_rounds += 1;
        self.approval_seconds += waited;
        waited
    }

    /// Who may hold a dossier (issue #6, routing): the competent agency and the receiving point;
    /// another agency only for a consultation, which comes back.
    fn on_transfer(
        &mut self,
        to_agency: &AgencyCode,
        note: &Option<String>,
        consultation: bool,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        if to_agency == &self.current_agency {
            return Err(DossierError::TransferToSelf(to_agency.to_string()));
        }
        let returning = match &self.consultation_from {
            Some(back) if to_agency != back => {
                return Err(DossierError::ConsultationMustReturn(back.to_string()));
            }
            Some(_) => true,
            None => false,
        };
        let holder_ok = to_agency == &self.competent_agency || to_agency == &self.receiving_agency;
        if !returning && !consultation && !holder_ok {
            return Err(DossierError::NotCompetent {
                to: to_agency.to_string(),
                competent: self.competent_agency.to_string(),
                receiving: self.receiving_agency.to_string(),
            });
        }
        let note = check_opt("note", note, 1000)?;
        let from = self.current_agency.clone();
        self.consultation_from = (!returning && consultation).then(|| from.clone());
        self.current_agency = to_agency.clone();
        self.handler = None;
        self.handler_id = None;
        self.handler_since = None;
        let timing = match self.due_at {
            Some(due) if now > due => "late",
            _ => "on_time",
        };
        let kind = if returning {
            "consultation_return"
        } else if consultation {
            "consultation"
        } else {
            "handover"
        };
        Ok(
            serde_json::json!({ "from_agency": from, "to_agency": to_agency, "note": note, "handover_result": timing, "kind": kind }),
        )
    }

    /// A payment of exactly the amount requested.
    fn on_pay(&mut self, amount_vnd: u64, online: bool) -> Result<serde_json::Value, DossierError> {
        if Some(amount_vnd) != self.payment_due_vnd {
            return Err(DossierError::InvalidField {
                field: "amount_vnd",
                message: format!(
                    "must equal the amount requested ({})",
                    self.payment_due_vnd.unwrap_or(0)
                ),
            });
        }
        self.paid_online = online;
        Ok(serde_json::json!({ "amount_vnd": amount_vnd, "online": online }))
    }

    /// The result, and whether it came early, on time or late.
    fn on_finish(
        &mut self,
        result: &DossierResult,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        let r = DossierResult {
            summary: check_text("result.summary", &result.summary, 1000)?,
            document_number: check_opt("result.document_number", &result.document_number, 100)?,
        };
        self.result = Some(r.clone());
        self.finished_at = Some(now);
        self.timeliness = Some(classify(self, now));
        Ok(serde_json::json!({ "result": r, "timeliness": self.timeliness }))
    }

    fn on_return_result(
        &mut self,
        method: &Option<String>,
        now: OffsetDateTime,
    ) -> Result<serde_json::Value, DossierError> {
        // Unless the officer says otherwise, the way the applicant chose at filing.
        let m = method.clone().unwrap_or_else(|| {
            self.result_delivery
                .as_ref()
                .map_or("counter", ResultDelivery::method)
                .into()
        });
        if !matches!(m.as_str(), "counter" | "postal" | "online") {
            return Err(DossierError::InvalidField {
                field: "method",
                message: "counter, postal or online".into(),
            });
        }
        self.returned_at = Some(now);
        Ok(serde_json::json!({ "method": m }))
    }

    /// A later due date, on a working day in office hours, with the reason (the apology letter).
    fn on_reschedule(
        &mut self,
        r: &str,
        new_due_at: OffsetDateTime,
        now: OffsetDateTime,
        ctx: ActionContext<'_>,
    ) -> Result<serde_json::Value, DossierError> {
        let r = reason(r)?;
        let new_due = truncate_seconds(new_due_at);
        let current = self.due_at.unwrap_or(now);
        let local = new_due.to_offset(VN_OFFSET);
        let in_office = ctx.calendar.is_working_day(local.date())
            && ctx.calendar.office().contains(local.time());
        if new_due <= current || new_due <= now || !in_office {
            return Err(DossierError::RescheduleNotLater);
        }
        self.due_at = Some(new_due);
        self.rescheduled = true;
        self.reason = Some(r.clone());
        Ok(
            serde_json::json!({ "reason": r, "old_due_at": fmt(current), "new_due_at": fmt(new_due) }),
        )
    }
}

/// On-time classification (Decision 766, DOMAIN.md): finished no later than the appointment
/// (supplement time excluded); a rescheduled dossier or one with more than one supplement
/// request is late.
pub fn classify(d: &Dossier, finished_at: OffsetDateTime) -> Timeliness {
    let Some(appt) = d.appointment_at else {
        return Timeliness::OnTime;
    };
    if d.rescheduled || d.supplement_requests > 1 || finished_at > appt {
        Timeliness::Late
    } else if finished_at.to_offset(VN_OFFSET).date() < appt.to_offset(VN_OFFSET).date() {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// RFC 3339 at +07:00.
pub fn fmt(t: OffsetDateTime) -> String {
    t.to_offset(VN_OFFSET)
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formattable")
}
