//! JSON API handlers, one module per resource. Handlers are named `<verb>_<resource>`.

pub mod authority;
pub mod calendar;
pub mod catalogue;
pub mod documents;
pub mod dossiers;
pub mod linked;
pub mod reports;
pub mod units;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The process is up and the database answers.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "Healthy", body = serde_json::Value)))]
pub async fn get_health(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    s.app.health().await?;
    Ok(axum::Json(serde_json::json!({ "status": "ok" })))
}

/// Routes that take a file: the file limit plus room for headers.
fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(motcua_domain::upload::MAX_FILE_BYTES + 1024)
}

/// All API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(get_health))
        .route("/api/v1/units/provinces", get(units::list_provinces))
        .route(
            "/api/v1/units/provinces/{code}/communes",
            get(units::list_communes),
        )
        .route("/api/v1/units/resolve", get(units::resolve_address))
        .route("/api/v1/agencies", get(catalogue::list_agencies))
        .route(
            "/api/v1/procedures",
            get(catalogue::list_procedures).post(catalogue::import_procedures),
        )
        .route("/api/v1/procedures/{code}", get(catalogue::get_procedure))
        .route("/api/v1/assistant", post(catalogue::ask_assistant))
        .route(
            "/api/v1/dossiers",
            post(dossiers::create_dossier).get(dossiers::list_dossiers),
        )
        .route("/api/v1/dossiers/{code}", get(dossiers::get_dossier))
        .route(
            "/api/v1/dossiers/{code}/actions",
            post(dossiers::act_on_dossier),
        )
        .route("/api/v1/dossiers/{code}/events", get(dossiers::list_events))
        .route(
            "/api/v1/dossiers/{code}/consultation",
            get(dossiers::get_consultation),
        )
        .route("/api/v1/track/{code}", get(dossiers::track_dossier))
        .route("/api/v1/reports/index", get(reports::get_index))
        .route("/api/v1/reports/index/export", get(reports::export_index))
        .route(
            "/api/v1/reports/index/dossiers",
            get(reports::get_metric_dossiers),
        )
        .route("/api/v1/reports/kpis", get(reports::get_kpis))
        .route("/api/v1/reports/kpis/export", get(reports::export_kpis))
        .route("/api/v1/reports/integrity", get(reports::get_integrity))
        .route("/api/v1/reports/staffing", get(reports::get_staffing))
        .route("/api/v1/notices", get(reports::list_notices))
        .route(
            "/api/v1/dossiers/{code}/documents",
            get(documents::list_documents),
        )
        .route(
            "/api/v1/dossiers/{code}/documents/{id}",
            get(documents::get_document),
        )
        .route(
            "/api/v1/dossiers/{code}/components/{component}/scan",
            post(documents::scan_component).layer(upload_limit()),
        )
        .route(
            "/api/v1/dossiers/{code}/result",
            post(documents::post_result).layer(upload_limit()),
        )
        .route(
            "/api/v1/dossiers/{code}/draft-result",
            post(documents::post_draft_result).layer(upload_limit()),
        )
        .route(
            "/api/v1/agencies/{code}/register",
            get(documents::get_register),
        )
        .route(
            "/api/v1/verify",
            post(documents::verify).layer(upload_limit()),
        )
        .route(
            "/api/v1/documents/{id}",
            get(documents::get_public_document),
        )
        .route("/api/v1/authority/check", get(authority::check_authority))
        .route(
            "/api/v1/authority/competence",
            get(authority::get_competence),
        )
        .route(
            "/api/v1/authority/rules",
            get(authority::list_rules).post(authority::create_rule),
        )
        .route(
            "/api/v1/authority/rules/{province}/{id}/end",
            post(authority::end_rule),
        )
        .route("/api/v1/linked/services", get(linked::list_services))
        .route("/api/v1/linked", post(linked::create_linked))
        .route("/api/v1/linked/{code}", get(linked::get_linked))
        .route("/api/v1/linked/{code}/track", get(linked::track_linked))
        .route("/api/v1/calendar/due", get(calendar::get_due))
        .route(
            "/api/v1/calendar/holidays/{province}/{year}",
            get(calendar::get_holidays).put(calendar::put_holidays),
        )
        .route(
            "/api/v1/calendar/office-hours/{unit}",
            get(calendar::get_office_hours).put(calendar::put_office_hours),
        )
}
