//! Documents: the forms, results and scans of a dossier (staff), digitising a component and
//! recording a result (staff), the register of an agency (form 07), and public verification.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiBytes, ApiPath, ApiQuery, Staff};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::Actor;
use motcua_app::documents::{PublicDocument, RegisterPeriod, VerificationView};
use motcua_app::ports::DocumentRecord;
use motcua_domain::ids::{AgencyCode, DossierCode};
use motcua_domain::upload::MAX_FILE_BYTES;
use serde::{Deserialize, Serialize};

/// A document with where to download it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    /// The record.
    #[serde(flatten)]
    pub document: DocumentRecord,
    /// Download URL (same credentials).
    pub download_url: String,
    /// The public verification page of this document (its QR link).
    pub verify_url: String,
}

fn dossier_code(code: &str) -> Result<DossierCode, ApiError> {
    DossierCode::parse(code).map_err(|_| ApiError::new("dossier.not_found", "no such dossier"))
}

fn document_id(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| ApiError::new("document.not_found", "no such document"))
}

/// `application/pdf` with a download name.
pub fn pdf_response(file_name: &str, bytes: Vec<u8>) -> Response {
    pdf_with(file_name, bytes, "attachment")
}

/// A PDF the browser shows (and prints) rather than saves: the receipt printed at the counter.
pub fn pdf_inline(file_name: &str, bytes: Vec<u8>) -> Response {
    pdf_with(file_name, bytes, "inline")
}

fn pdf_with(file_name: &str, bytes: Vec<u8>, disposition: &str) -> Response {
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{safe}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn view(s: &AppState, code: &str, d: DocumentRecord) -> DocumentView {
    DocumentView {
        download_url: format!("/api/v1/dossiers/{code}/documents/{}", d.id),
        verify_url: format!("{}/verify/{}", s.app.public_url(), d.id),
        document: d,
    }
}

/// The documents of a dossier: forms issued at its actions, signed results, digitised
/// components; oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/documents", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = Vec<DocumentView>), (status = 404, description = "dossier.not_found")))]
pub async fn list_documents(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    let c = dossier_code(&code)?;
    let docs = s.app.dossier_documents(&Actor::Staff(staff), &c).await?;
    Ok(Json(
        docs.into_iter().map(|d| view(&s, c.as_str(), d)).collect(),
    ))
}

/// One document's PDF.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/documents/{id}", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", description = "The PDF"),
              (status = 404, description = "dossier.not_found, document.not_found")))]
pub async fn get_document(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath((code, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (rec, bytes) = s
        .app
        .document_file(
            &Actor::Staff(staff),
            &dossier_code(&code)?,
            document_id(&id)?,
        )
        .await?;
    Ok(pdf_response(&rec.file_name, bytes))
}

/// Digitise a component received at the counter: the body is the scan (PDF, JPEG or PNG, at
/// most 5 MB, judged by its bytes). Its hash is recorded and it is issued as a PDF signed by the
/// receiving agency.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/components/{component}/scan", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path), ("component" = String, Path), ("X-File-Name" = Option<String>, Header, description = "Original file name")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentView),
              (status = 422, description = "upload.empty, upload.unsupported_type, upload.mislabelled, upload.unreadable_pdf, dossier.unknown_component"),
              (status = 413, description = "upload.too_large")))]
pub async fn scan_component(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath((code, component)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let c = dossier_code(&code)?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("scan");
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|t| *t != "application/octet-stream");
    let rec = s
        .app
        .digitise_component(
            &Actor::Staff(staff),
            &c,
            &component,
            name,
            declared,
            body.to_vec(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(&s, c.as_str(), rec))))
}

/// Record the result of a dossier: the body is the result PDF; it is stored signed by the
/// competent agency.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/result", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = DocumentView),
              (status = 422, description = "upload.*, dossier.invalid_transition"),
              (status = 403, description = "auth.forbidden")))]
pub async fn post_result(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let c = dossier_code(&code)?;
    let rec = s
        .app
        .attach_result(&Actor::Staff(staff), &c, body.to_vec())
        .await?;
    Ok((StatusCode::CREATED, Json(view(&s, c.as_str(), rec))))
}

/// Record the draft result document a specialist submits with a draft decision (*trình ký*):
/// the body is the PDF; it is stored unsigned and signed in the competent agency's name only
/// when the approver approves the draft (`submit_draft` names it as `draft_document`).
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/draft-result", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = DocumentView),
              (status = 422, description = "upload.*, dossier.invalid_transition"),
              (status = 403, description = "auth.forbidden")))]
pub async fn post_draft_result(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
    ApiBytes(body): ApiBytes,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let c = dossier_code(&code)?;
    let rec = s
        .app
        .attach_draft_result(&Actor::Staff(staff), &c, body.to_vec())
        .await?;
    Ok((StatusCode::CREATED, Json(view(&s, c.as_str(), rec))))
}

/// The register's period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// First day, `YYYY-MM-DD` (UTC+7).
    pub from: String,
    /// Last day, `YYYY-MM-DD`, at most a year after `from`.
    pub to: String,
}

/// Form 07, the dossier register of an agency for a period, as PDF.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/register", tag = "documents", security(("bearer" = [])),
    params(("code" = String, Path), RegisterQuery),
    responses((status = 200, content_type = "application/pdf", description = "The register"),
              (status = 400, description = "request.invalid_query"), (status = 403, description = "auth.forbidden")))]
pub async fn get_register(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> Result<Response, ApiError> {
    let period = parse_period(&q.from, &q.to)?;
    let agency = AgencyCode::parse(&code)
        .map_err(|_| ApiError::new("agency.not_found", "no such agency"))?;
    let pdf = s
        .app
        .register_pdf(&Actor::Staff(staff), &agency, &period)
        .await?;
    Ok(pdf_response(
        &format!("so-theo-doi-{code}-{}-{}.pdf", q.from, q.to),
        pdf,
    ))
}

/// Parses a register period (`YYYY-MM-DD` twice).
pub fn parse_period(from: &str, to: &str) -> Result<RegisterPeriod, ApiError> {
    let day = |v: &str, f: &str| {
        motcua_domain::calendar::parse_iso_date(v).ok_or_else(|| {
            ApiError::new(
                "request.invalid_query",
                format!("{f} must be a date YYYY-MM-DD"),
            )
        })
    };
    Ok(RegisterPeriod {
        from: day(from, "from")?,
        to: day(to, "to")?,
    })
}

/// Verify a PDF (the body): its signatures against the deployment's trust anchors, and whether
/// it is byte for byte a document on record. A tampered, truncated or untrusted PDF is a
/// verdict (200 with `status`), not an error; a body that is not a PDF is refused.
#[utoipa::path(post, path = "/api/v1/verify", tag = "documents",
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 200, body = VerificationView),
              (status = 422, description = "upload.empty, upload.unsupported_type"),
              (status = 413, description = "upload.too_large")))]
pub async fn verify(
    State(s): State<AppState>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<VerificationView>, ApiError> {
    check_pdf_body(&body)?;
    Ok(Json(s.app.verify_pdf(body.to_vec()).await?))
}

/// Refuses an empty, oversized or non-PDF body with the upload codes.
pub fn check_pdf_body(body: &[u8]) -> Result<(), ApiError> {
    if body.is_empty() {
        return Err(ApiError::new("upload.empty", "the file is empty"));
    }
    if body.len() > MAX_FILE_BYTES {
        return Err(ApiError::new(
            "upload.too_large",
            "the file is larger than 5 MB",
        ));
    }
    if !body.starts_with(b"%PDF-") {
        return Err(ApiError::new(
            "upload.unsupported_type",
            "only PDF files can be verified",
        ));
    }
    Ok(())
}

/// A document's public record (what its QR link shows): no personal data.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = String, Path)),
    responses((status = 200, body = PublicDocument), (status = 404, description = "document.not_found")))]
pub async fn get_public_document(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PublicDocument>, ApiError> {
    let (doc, _) = s.app.published_document(document_id(&id)?).await?;
    Ok(Json(doc))
}
