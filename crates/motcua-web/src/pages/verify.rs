//! The public verification pages: `/verify` (upload a PDF) and `/verify/{id}` (the QR link of a
//! document: its public record, and an upload to compare a copy with it). No sign-in; nothing
//! uploaded is kept.

use super::Chrome;
use super::i18n::Tr;
use super::public::render;
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_app::documents::{PublicDocument, VerificationView, VerifyStatus};

/// A verdict, in words of the page's language.
struct Verdict {
    status: String,
    status_class: &'static str,
    message: String,
    record_line: String,
    signatures: Vec<SignatureLine>,
    sha256: String,
}

struct SignatureLine {
    title: String,
    signer: String,
    issuer: String,
    signed_at: String,
    intact: String,
    trusted: String,
    covers: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    c: Chrome,
    action: String,
    record: Option<PublicDocument>,
    result: Option<Verdict>,
    error: Option<String>,
}

fn status_key(s: VerifyStatus) -> (&'static str, &'static str) {
    match s {
        VerifyStatus::Valid => ("valid", "ok"),
        VerifyStatus::Invalid => ("invalid", "late"),
        VerifyStatus::Untrusted => ("untrusted", "warn"),
        VerifyStatus::Unsigned => ("unsigned", "warn"),
        VerifyStatus::NotPdf => ("not_pdf", "late"),
    }
}

/// `D:20261124045726+07'00'` → `24/11/2026 04:57:26 (+07:00)`.
fn pdf_time(s: &str) -> String {
    let d = s.trim_start_matches("D:");
    if d.len() >= 14 && d[..14].bytes().all(|b| b.is_ascii_digit()) {
        let tz = d[14..].replace('\'', ":");
        let tz = tz.trim_end_matches(':');
        format!(
            "{}/{}/{} {}:{}:{}{}",
            &d[6..8],
            &d[4..6],
            &d[..4],
            &d[8..10],
            &d[10..12],
            &d[12..14],
            if tz.is_empty() {
                String::new()
            } else {
                format!(" ({tz})")
            }
        )
    } else {
        s.to_owned()
    }
}

fn verdict(tr: &Tr, v: &VerificationView, expected: Option<&PublicDocument>) -> Verdict {
    let (key, class) = status_key(v.verification.status);
    let yes_no = |b: bool| tr.t(if b { "verify-yes" } else { "verify-no" });
    let message = match &v.verification.reason {
        None => tr.t("verify-reason-valid"),
        Some(r) => tr.t(&format!("verify-reason-{}", r.replace('.', "-"))),
    };
    let record_line = match (expected, &v.document) {
        (Some(e), Some(d)) if e.id == d.id => tr.t("verify-matches"),
        (Some(_), _) => tr.t("verify-not-this"),
        (None, Some(_)) => tr.t("verify-matches"),
        (None, None) => tr.t("verify-no-match"),
    };
    Verdict {
        status: tr.t(&format!("verify-status-{key}")),
        status_class: class,
        message,
        record_line,
        signatures: v
            .verification
            .signatures
            .iter()
            .enumerate()
            .map(|(i, s)| SignatureLine {
                title: tr.ta("verify-signature", &[("n", FluentValue::from(i + 1))]),
                signer: s.signer.clone().unwrap_or_else(|| "—".into()),
                issuer: s.issuer.clone().unwrap_or_else(|| "—".into()),
                signed_at: s
                    .signed_at
                    .as_deref()
                    .map(pdf_time)
                    .unwrap_or_else(|| "—".into()),
                intact: yes_no(s.intact),
                trusted: yes_no(s.trusted),
                covers: yes_no(s.covers_whole_file),
            })
            .collect(),
        sha256: v.verification.sha256.clone(),
    }
}

fn page(tr: Tr, uri: &Uri, action: String, record: Option<PublicDocument>) -> VerifyPage {
    VerifyPage {
        c: Chrome::new(tr, uri, tr.t("verify-title")),
        action,
        record,
        result: None,
        error: None,
    }
}

/// `GET /verify`.
pub async fn verify_page(Extension(tr): Extension<Tr>, uri: Uri) -> Response {
    render(&page(tr, &uri, "/verify".into(), None))
}

/// `GET /verify/{id}`: the QR link.
pub async fn document_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return super::public::not_found_page(&tr, &uri);
    };
    match s.app.published_document(id).await {
        Ok((doc, _)) => render(&page(tr, &uri, format!("/verify/{id}"), Some(doc))),
        Err(AppError::NotFound { .. }) => super::public::not_found_page(&tr, &uri),
        Err(e) => super::failure::public_failure(tr, &uri, e),
    }
}

/// The uploaded file, checked like the API's body (`check_pdf_body`); the error as a message key.
async fn read_file(mp: &mut Multipart) -> Result<Vec<u8>, &'static str> {
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| "verify-error-large")?;
            return match crate::api::documents::check_pdf_body(&bytes) {
                Ok(()) => Ok(bytes.to_vec()),
                Err(e) => Err(match e.code {
                    "upload.empty" => "verify-error-empty",
                    "upload.too_large" => "verify-error-large",
                    _ => "verify-error-type",
                }),
            };
        }
    }
    Err("verify-error-empty")
}

async fn check(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    mut mp: Multipart,
    record: Option<PublicDocument>,
) -> Response {
    let action = match &record {
        Some(d) => format!("/verify/{}", d.id),
        None => "/verify".into(),
    };
    let mut p = page(tr, uri, action, record);
    match read_file(&mut mp).await {
        Err(key) => {
            p.error = Some(tr.t(key));
            (StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response()
        }
        Ok(bytes) => match s.app.verify_pdf(bytes).await {
            Ok(v) => {
                p.result = Some(verdict(&tr, &v, p.record.as_ref()));
                render(&p)
            }
            Err(e) => {
                tracing::error!(error = %e, "verification failed");
                p.error = Some(tr.t("verify-error-type"));
                (StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response()
            }
        },
    }
}

/// `POST /verify`: check an uploaded PDF.
pub async fn verify_post(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    mp: Multipart,
) -> Response {
    check(&s, tr, &uri, mp, None).await
}

/// `POST /verify/{id}`: check an uploaded PDF against one document.
pub async fn document_post(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return super::public::not_found_page(&tr, &uri);
    };
    match s.app.published_document(id).await {
        Ok((doc, _)) => check(&s, tr, &uri, mp, Some(doc)).await,
        Err(AppError::NotFound { .. }) => super::public::not_found_page(&tr, &uri),
        Err(e) => super::failure::public_failure(tr, &uri, e),
    }
}
