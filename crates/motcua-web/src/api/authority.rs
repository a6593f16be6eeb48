//! The authority registry: who is competent, the checker's report, and the rules (issue #6).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Staff};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_domain::authority::{AuthorityReport, AuthorityRule, Resolution};
use motcua_domain::calendar::parse_iso_date;
use motcua_domain::ids::{ProcedureCode, ProvinceCode, UnitCode};
use serde::Deserialize;
use time::Date;

fn province(code: &str) -> Result<ProvinceCode, ApiError> {
    ProvinceCode::parse(code).map_err(|_| ApiError::new("unit.not_found", "no such province"))
}

fn date(d: Option<&str>) -> Result<Option<Date>, ApiError> {
    d.map(|d| {
        parse_iso_date(d)
            .ok_or_else(|| ApiError::new("request.invalid_query", "date must be YYYY-MM-DD"))
    })
    .transpose()
}

/// Query of the checker.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CheckQuery {
    /// Province code (e.g. `68`).
    pub province: String,
    /// Date to check (`YYYY-MM-DD`); today when absent.
    #[serde(default)]
    pub date: Option<String>,
}

/// The checker's report for a province and date: overlaps, gaps, expired and dangling
/// delegations, level changes. Public: the registry is published law and holds no personal data.
#[utoipa::path(get, path = "/api/v1/authority/check", tag = "authority", params(CheckQuery),
    responses((status = 200, body = AuthorityReport), (status = 404, description = "unit.not_found")))]
pub async fn check_authority(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Json<AuthorityReport>, ApiError> {
    let p = province(&q.province)?;
    let d = date(q.date.as_deref())?;
    Ok(Json(s.app.authority_check(&p, d).await?))
}

/// Query of a competence look-up.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CompetenceQuery {
    /// Procedure code.
    pub procedure: String,
    /// The applicant's commune (2025 code).
    pub unit: String,
    /// Date (`YYYY-MM-DD`); today when absent.
    #[serde(default)]
    pub date: Option<String>,
}

/// Who is competent for a procedure for an applicant in a commune on a date, with the chain of
/// legal bases (public: the citizen may know who decides).
#[utoipa::path(get, path = "/api/v1/authority/competence", tag = "authority", params(CompetenceQuery),
    responses((status = 200, body = Resolution), (status = 404, description = "catalogue.unknown_procedure, unit.not_found")))]
pub async fn get_competence(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CompetenceQuery>,
) -> Result<Json<Resolution>, ApiError> {
    let p = ProcedureCode::parse(&q.procedure)
        .map_err(|_| ApiError::new("catalogue.unknown_procedure", "no such procedure"))?;
    let u =
        UnitCode::parse(&q.unit).map_err(|_| ApiError::new("unit.not_found", "no such commune"))?;
    let d = date(q.date.as_deref())?;
    Ok(Json(s.app.competence(&p, &u, d).await?.1))
}

/// Query of the rule list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RulesQuery {
    /// Province code.
    pub province: String,
}

/// A province's rules, every date (public, as the decisions they record are).
#[utoipa::path(get, path = "/api/v1/authority/rules", tag = "authority", params(RulesQuery),
    responses((status = 200, body = Vec<AuthorityRule>), (status = 404, description = "unit.not_found")))]
pub async fn list_rules(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RulesQuery>,
) -> Result<Json<Vec<AuthorityRule>>, ApiError> {
    let p = province(&q.province)?;
    if s.app.units().province(&p).is_none() {
        return Err(ApiError::new("unit.not_found", format!("no province {p}")));
    }
    Ok(Json(s.app.authority_rules(&p).await?))
}

/// Adds a rule (an administrator of the rule's province). Rules are never edited: end one and
/// add its successor.
#[utoipa::path(post, path = "/api/v1/authority/rules", tag = "authority", security(("bearer" = [])), request_body = AuthorityRule,
    responses((status = 201, body = AuthorityRule), (status = 403, description = "auth.forbidden"),
              (status = 409, description = "authority.duplicate_rule"), (status = 422, description = "authority.invalid_rule")))]
pub async fn create_rule(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiJson(rule): ApiJson<AuthorityRule>,
) -> Result<(StatusCode, Json<AuthorityRule>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.add_authority_rule(&staff, rule).await?),
    ))
}

/// Body of ending a rule.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EndRule {
    /// Last day in force (`YYYY-MM-DD`).
    pub valid_to: String,
}

/// Ends a rule on a date (an administrator of its province).
#[utoipa::path(post, path = "/api/v1/authority/rules/{province}/{id}/end", tag = "authority", security(("bearer" = [])),
    params(("province" = String, Path), ("id" = String, Path)), request_body = EndRule,
    responses((status = 200, body = AuthorityRule), (status = 404, description = "authority.unknown_rule"), (status = 422, description = "request.invalid_field")))]
pub async fn end_rule(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath((prov, id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<EndRule>,
) -> Result<Json<AuthorityRule>, ApiError> {
    let p = province(&prov)?;
    let to = date(Some(&body.valid_to))?.expect("given");
    Ok(Json(s.app.end_authority_rule(&staff, &p, &id, to).await?))
}
