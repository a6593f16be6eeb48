//! Procedures and agencies.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, SystemAdministrator};
use axum::Json;
use axum::extract::State;
use motcua_app::catalogue::ImportReport;
use motcua_domain::agency::Agency;
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::{ProcedureCode, ProvinceCode, UnitCode};
use serde::Deserialize;

/// Query of the procedure list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProcedureQuery {
    /// Words to find (diacritics optional): "dang ky ket hon".
    pub q: Option<String>,
}

/// Search the catalogue (latest versions).
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", params(ProcedureQuery),
    responses((status = 200, description = "Matching procedures, best first", body = [Procedure])))]
pub async fn list_procedures(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ProcedureQuery>,
) -> Result<Json<Vec<Procedure>>, ApiError> {
    let q = q.q.unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(ApiError::new(
            "request.invalid_query",
            "q is at most 200 characters",
        ));
    }
    Ok(Json(s.app.search_procedures(&q).await?))
}

/// Ask the virtual assistant "what do I need to do to …": the procedure(s) with codes, the
/// documents to bring, fees, processing time, where to file for the applicant's commune (an
/// old address is resolved) and the online application. Every fact cites its catalogue
/// record (`sources`); an ambiguous question gets `kind: clarify` with `candidates` (ask
/// again with `choice`); a question nothing matches gets `kind: no_match`.
#[utoipa::path(post, path = "/api/v1/assistant", tag = "catalogue", request_body = motcua_app::assistant::Question,
    responses((status = 200, body = motcua_app::assistant::Reply),
        (status = 422, description = "request.invalid (question, commune, address)"),
        (status = 404, description = "unit.not_found, catalogue.unknown_procedure")))]
pub async fn ask_assistant(
    State(s): State<AppState>,
    ApiJson(q): ApiJson<motcua_app::assistant::Question>,
) -> Result<Json<motcua_app::assistant::Reply>, ApiError> {
    Ok(Json(s.app.ask(&q).await?))
}

/// Query of one procedure.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A past version; the latest when absent.
    pub version: Option<u32>,
}

/// One procedure (latest version, or `?version=`).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "Procedure code, e.g. 1.001193"), VersionQuery),
    responses((status = 200, body = Procedure), (status = 404, description = "catalogue.unknown_procedure")))]
pub async fn get_procedure(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<Procedure>, ApiError> {
    let code = ProcedureCode::parse(&code)
        .map_err(|_| ApiError::new("catalogue.unknown_procedure", "no such procedure"))?;
    Ok(Json(std::sync::Arc::unwrap_or_clone(
        s.app.procedure(&code, q.version).await?,
    )))
}

/// Import or edit procedures (admin). A changed record becomes a new
/// version; dossiers keep the version they were received under.
#[utoipa::path(post, path = "/api/v1/procedures", tag = "catalogue", request_body = [Procedure],
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 403, description = "auth.forbidden"), (status = 422, description = "catalogue.invalid_procedure")))]
pub async fn import_procedures(
    State(s): State<AppState>,
    SystemAdministrator(_admin): SystemAdministrator,
    ApiJson(list): ApiJson<Vec<Procedure>>,
) -> Result<Json<ImportReport>, ApiError> {
    Ok(Json(s.app.import_procedures(list).await?))
}

/// Query of the agency list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AgencyQuery {
    /// A commune code (five digits: its agencies) or a province code (two digits: the province's
    /// departments and centers).
    pub unit: String,
}

/// Agencies of a unit.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalogue", params(AgencyQuery),
    responses((status = 200, body = [Agency]), (status = 404, description = "unit.not_found")))]
pub async fn list_agencies(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<AgencyQuery>,
) -> Result<Json<Vec<Agency>>, ApiError> {
    if let Ok(p) = ProvinceCode::parse(&q.unit) {
        return Ok(Json(s.app.agencies_of_province(&p).await?));
    }
    let unit = UnitCode::parse(&q.unit).map_err(|_| {
        ApiError::new(
            "unit.not_found",
            "unit is a 5-digit commune or 2-digit province code",
        )
    })?;
    Ok(Json(s.app.agencies_of_unit(&unit).await?))
}
