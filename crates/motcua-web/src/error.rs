//! The error envelope and the table of stable error codes.
//!
//! Body: `{"error": {"code": "...", "message": "...", "fields": {...}}}`. Codes never change
//! meaning once released; `docs/API.md` lists them (a test checks the list is complete).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use serde::Serialize;
use std::collections::BTreeMap;

/// Every error code the API returns, with its HTTP status and meaning.
pub const ERROR_CODES: &[(&str, u16, &str)] = &[
    ("request.malformed_json", 400, "The body is not valid JSON."),
    (
        "request.invalid_path",
        400,
        "A segment of the path does not parse (a number out of range, bytes that are not UTF-8).",
    ),
    (
        "report.unknown_unit",
        404,
        "No province (2 digits), commune (5 digits) or agency has that code.",
    ),
    (
        "report.invalid_period",
        400,
        "The period is not a year (2000–2100) with at most one of quarter 1–4 or month 1–12.",
    ),
    (
        "report.unknown_metric",
        422,
        "The metric is not one counted over dossiers (ON_TIME, ONLINE_CHANNEL, FULL_ONLINE_DOSSIERS, DOSSIERS_PAID_ONLINE, ELECTRONIC_RESULT).",
    ),
    (
        "report.unknown_table",
        400,
        "The export names no table of the report, or a format other than csv or xlsx.",
    ),
    (
        "request.invalid_query",
        400,
        "A query parameter is missing or malformed.",
    ),
    (
        "request.invalid_field",
        422,
        "A field is missing, has the wrong type, or breaks a rule (see `fields`).",
    ),
    (
        "declaration.invalid",
        422,
        "The declaration's answers break its rules: `fields` maps every failing path (e.g. `child.birth_date`) to what is wrong; nothing was stored.",
    ),
    (
        "declaration.not_found",
        404,
        "The procedure case or dossier has no electronic declaration.",
    ),
    (
        "supplement.not_requested",
        409,
        "The dossier is not waiting for documents (the request was answered or withdrawn).",
    ),
    (
        "supplement.not_requested_item",
        422,
        "A file was sent for an item the supplement request did not ask for.",
    ),
    (
        "supplement.incomplete",
        422,
        "An item the supplement request asked for has no file.",
    ),
    (
        "request.unsupported_media_type",
        415,
        "The body must be `application/json`.",
    ),
    (
        "request.too_large",
        413,
        "The body is larger than the limit (256 KiB).",
    ),
    (
        "request.idempotency_key_reused",
        422,
        "The Idempotency-Key was already used with a different request.",
    ),
    ("request.timeout", 408, "The request took too long."),
    ("route.not_found", 404, "No such endpoint."),
    (
        "route.method_not_allowed",
        405,
        "The endpoint does not accept this method.",
    ),
    (
        "auth.unauthenticated",
        401,
        "A valid staff bearer token (or, on pages, session) is required.",
    ),
    (
        "auth.invalid_credentials",
        401,
        "The user name or password is not right (the same answer for an unknown name).",
    ),
    (
        "auth.locked",
        429,
        "Too many failed logins: the account is locked until `locked_until`; `Retry-After` says how many seconds.",
    ),
    (
        "request.rate_limited",
        429,
        "Too many requests of this kind (login, tracking, search) from your address; retry after the seconds in `Retry-After`.",
    ),
    ("user.exists", 409, "The user name is taken."),
    ("user.not_found", 404, "No account has that user name."),
    (
        "auth.forbidden",
        403,
        "The caller's role or jurisdiction does not allow this.",
    ),
    ("unit.not_found", 404, "No such province or commune."),
    ("agency.not_found", 404, "No such agency."),
    (
        "catalogue.unknown_procedure",
        404,
        "No such procedure (or version).",
    ),
    (
        "catalogue.code_exists",
        422,
        "The catalogue already has a procedure with this code (in any letter case).",
    ),
    (
        "catalogue.stale_version",
        422,
        "A newer version of the procedure was saved since the editor was opened.",
    ),
    (
        "exchange.not_found",
        404,
        "No message of the outbox to the national portal has that id.",
    ),
    (
        "exchange.wrong_state",
        422,
        "Only a dead letter is retried, and only a pending or dead message that no worker holds is skipped.",
    ),
    (
        "authority.end_before_start",
        422,
        "A rule cannot end before its first day in force.",
    ),
    (
        "authority.end_extends",
        422,
        "A rule that already ended is not extended: add a new rule.",
    ),
    (
        "authority.unknown_reference",
        422,
        "The rule names a procedure, field or agency that does not exist (the field says which).",
    ),
    (
        "document.no_receipt",
        404,
        "The dossier has no receipt (form 01).",
    ),
    (
        "catalogue.invalid_procedure",
        422,
        "A procedure record is inconsistent (names, cases, channels).",
    ),
    (
        "catalogue.channel_not_offered",
        422,
        "The procedure is not offered on that channel.",
    ),
    (
        "dossier.not_found",
        404,
        "No such dossier in your jurisdiction (or wrong phone number when tracking).",
    ),
    (
        "dossier.unknown_action",
        422,
        "The action name is not one of the lifecycle actions.",
    ),
    (
        "dossier.invalid_transition",
        409,
        "The action is not allowed in the dossier's current status.",
    ),
    (
        "dossier.version_conflict",
        409,
        "The dossier changed since you read it; `fields.current_version` says its version.",
    ),
    (
        "dossier.supplement_already_requested",
        409,
        "A supplement was already requested; only one request per dossier.",
    ),
    (
        "dossier.supplement_item_not_in_procedure",
        422,
        "A requested item is not a component of the dossier's procedure.",
    ),
    (
        "dossier.supplement_empty",
        422,
        "A supplement request must list at least one component.",
    ),
    (
        "dossier.unknown_component",
        422,
        "A component is not part of the procedure case, or is listed twice.",
    ),
    (
        "dossier.reason_required",
        422,
        "This action needs a reason.",
    ),
    (
        "dossier.reschedule_not_later",
        422,
        "The new appointment must be later than the current one, on a working day, in office hours.",
    ),
    (
        "dossier.transfer_to_self",
        422,
        "The dossier is already at that agency.",
    ),
    (
        "dossier.in_consultation",
        409,
        "The dossier is out for a consultation: nothing but sending it back to the agency that asked is possible until the opinion returns.",
    ),
    (
        "dossier.awaiting_approval",
        409,
        "A draft decision waits for its approver: it is approved or returned first (withdrawal, stop and a rescheduled appointment stay possible).",
    ),
    (
        "dossier.no_draft",
        409,
        "No draft decision waits for approval: there is nothing to approve or return.",
    ),
    (
        "dossier.self_approval",
        422,
        "The approver of a draft must be someone other than its drafter.",
    ),
    (
        "approval.not_yours",
        403,
        "The draft waits for another approver; only they (or a leader of the agency) approve or return it.",
    ),
    (
        "assign.unknown_account",
        422,
        "No staff account has that user name (`handler` for assignment, `approver` for a draft).",
    ),
    (
        "assign.account_disabled",
        422,
        "The account named is disabled.",
    ),
    (
        "assign.account_elsewhere",
        422,
        "The account named belongs to another agency: a dossier goes to the holding agency's staff, a draft to the competent agency's approvers.",
    ),
    (
        "assign.account_role",
        422,
        "The account's role does not process dossiers (assignment) or approve drafts (a draft's approver).",
    ),
    (
        "search.invalid_query",
        422,
        "The search `q` is no dossier code, receipt number (12/GTN), identity card number (12 digits), phone number or name (letters only), or is longer than 100 characters.",
    ),
    (
        "dossier.consultation_only",
        403,
        "Your agency holds this dossier only for a consultation: it may read what the consultation needs and send it back, nothing else.",
    ),
    (
        "authority.consultation_not_allowed",
        422,
        "A consultation goes to an agency of the dossier's province, or elsewhere only where the authority registry has a consultation rule for the procedure.",
    ),
    (
        "dossier.consultation_must_return",
        422,
        "The dossier is at this agency for a consultation: it can only go back to the agency that asked.",
    ),
    (
        "authority.not_competent",
        422,
        "The target agency is neither competent for the dossier nor its receiving point; send it elsewhere only as a consultation (`consultation: true`), which comes back.",
    ),
    (
        "authority.wrong_receiving_point",
        422,
        "The procedure may not be filed at this receiving point for this applicant; the message says where it may be filed.",
    ),
    (
        "authority.no_competent_agency",
        422,
        "The authority registry names no competent agency for this procedure and commune (a gap); nothing was filed.",
    ),
    (
        "authority.overlap",
        409,
        "The authority registry names more than one competent agency (an overlap); nothing was filed until an administrator resolves it.",
    ),
    (
        "authority.invalid_rule",
        422,
        "An authority rule is inconsistent (id, texts, dates, units outside its province, self-delegation).",
    ),
    (
        "authority.duplicate_rule",
        409,
        "The province already has a rule with this id; rules are never edited: end it and add a new one.",
    ),
    (
        "authority.unknown_rule",
        404,
        "No such rule in the province's registry.",
    ),
    (
        "linked.unknown_service",
        404,
        "No such linked service (2.000986, 1.006714).",
    ),
    ("upload.empty", 422, "An uploaded file is empty."),
    (
        "upload.unreadable_pdf",
        422,
        "A PDF cannot be read (damaged, encrypted or not a standard PDF), so it cannot be signed.",
    ),
    (
        "document.not_found",
        404,
        "No such document (for this dossier).",
    ),
    (
        "upload.too_large",
        422,
        "An uploaded file is larger than 5 MB.",
    ),
    (
        "upload.unsupported_type",
        422,
        "Only PDF, JPEG and PNG files are accepted (judged from the bytes).",
    ),
    (
        "upload.mislabelled",
        422,
        "A file's declared type does not match its content.",
    ),
    (
        "upload.image_too_large",
        422,
        "An image declares more than 25 megapixels (or no readable size); it is refused before it is decoded.",
    ),
    (
        "upload.unreadable_image",
        422,
        "An image's header is sound but the image cannot be decoded (damaged or incomplete).",
    ),
    (
        "upload.draft_full",
        422,
        "The draft already holds the most files it may (3 a component, 20 in all, 20 MB); remove one first.",
    ),
    (
        "draft.not_found",
        404,
        "No such application in progress (expired or never started).",
    ),
    (
        "apply.incomplete",
        422,
        "The application lacks answers (address, name, ID number or phone).",
    ),
    (
        "apply.missing_documents",
        422,
        "A required component has no uploaded file.",
    ),
    ("attachment.not_found", 404, "No such file on this dossier."),
    (
        "service.unavailable",
        503,
        "The database is unreachable or overloaded. Nothing was changed; retry after the number of seconds in `Retry-After`.",
    ),
    (
        "internal",
        500,
        "An internal error; it is logged. Nothing was changed by a failed write.",
    ),
];

/// Seconds a client should wait before retrying after `service.unavailable`.
const RETRY_AFTER_SECONDS: &str = "2";

/// An API error: code, message and per-field details.
#[derive(Debug)]
pub struct ApiError {
    /// Stable code.
    pub code: &'static str,
    /// Human message.
    pub message: String,
    /// Details by field.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Seconds before a retry may succeed (`Retry-After`), when known.
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    fields: &'a BTreeMap<String, serde_json::Value>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// Adds a field detail.
    pub fn field(mut self, name: &str, v: impl Into<serde_json::Value>) -> Self {
        self.fields.insert(name.to_owned(), v.into());
        self
    }

    /// The HTTP status of this error's code.
    pub fn status(&self) -> StatusCode {
        status_for(self.code)
    }
}

/// The HTTP status of `code` in [`ERROR_CODES`]. Every code any error can carry is in the table
/// (`tests/web/error_codes.rs` proves it over the source); were one missing, it would answer 500.
pub fn status_for(code: &str) -> StatusCode {
    ERROR_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .and_then(|x| StatusCode::from_u16(x.1).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        match e {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new("internal", "internal error; nothing was changed")
            }
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                ApiError::new(
                    "service.unavailable",
                    "the database is unavailable; nothing was changed, retry shortly",
                )
            }
            AppError::Locked { until } => {
                let wait = (until - time::OffsetDateTime::now_utc())
                    .whole_seconds()
                    .max(1);
                let mut err = ApiError::new(code, e.to_string()).field(
                    "locked_until",
                    until
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                );
                err.retry_after = Some(u64::try_from(wait).unwrap_or(1));
                err
            }
            AppError::Declaration(ref invalid) => {
                let mut err = ApiError::new(code, e.to_string());
                for f in &invalid.errors {
                    let path = if f.path.is_empty() {
                        "declaration".to_owned()
                    } else {
                        f.path.clone()
                    };
                    err = err.field(
                        &path,
                        serde_json::json!({"code": f.problem.code(), "message": f.problem.to_string()}),
                    );
                }
                err
            }
            AppError::VersionConflict { current } => {
                ApiError::new(code, e.to_string()).field("current_version", current)
            }
            AppError::Invalid { ref field, .. } => {
                let f = field.clone();
                let mut err = ApiError::new(code, e.to_string());
                if let Some(f) = f {
                    err = err.field(&f, e.to_string());
                }
                err
            }
            AppError::Dossier(motcua_domain::dossier::DossierError::InvalidField {
                field,
                ref message,
            }) => ApiError::new(code, e.to_string()).field(field, message.clone()),
            other => ApiError::new(code, other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
            },
        };
        if let Some(secs) = self.retry_after {
            return (
                status,
                [(axum::http::header::RETRY_AFTER, secs.to_string())],
                Json(body),
            )
                .into_response();
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // RFC 9110 §10.2.3: when the client may retry.
            return (
                status,
                [(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS)],
                Json(body),
            )
                .into_response();
        }
        (status, Json(body)).into_response()
    }
}

/// Fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::new("route.not_found", "no such endpoint")
}

/// Fallback for a known route with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new("route.method_not_allowed", "method not allowed")
}
