//! Working-day calendar: due dates and holiday tables.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Administrator, ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use motcua_domain::calendar::{DueDate, HolidayYear, OfficeHours, ProcessingTime, TimeUnit};
use motcua_domain::ids::UnitCode;
use motcua_domain::ids::{AgencyCode, ProvinceCode};
use serde::Deserialize;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Query of the due-date calculator.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DueQuery {
    /// Moment of receipt, RFC 3339 (e.g. 2025-01-24T16:00:00+07:00).
    pub from: String,
    /// Processing time value.
    pub value: u32,
    /// working-days, working-hours, days, months or same-day.
    pub unit: String,
    /// Agency whose calendar applies (office hours of its unit, holidays of its province).
    pub agency: String,
}

/// The due date and its explanation.
#[utoipa::path(get, path = "/api/v1/calendar/due", tag = "calendar", params(DueQuery),
    responses((status = 200, body = DueDate), (status = 400, description = "request.invalid_query"), (status = 404, description = "agency.not_found")))]
pub async fn get_due(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> Result<Json<DueDate>, ApiError> {
    let from = OffsetDateTime::parse(&q.from, &Rfc3339)
        .map_err(|_| ApiError::new("request.invalid_query", "from must be RFC 3339"))?;
    if !(1900..=2100).contains(&from.year()) {
        return Err(ApiError::new(
            "request.invalid_query",
            "from must be within 1900-2100",
        ));
    }
    let unit = TimeUnit::parse(&q.unit).ok_or_else(|| {
        ApiError::new(
            "request.invalid_query",
            "unit is working-days, working-hours, days, months or same-day",
        )
    })?;
    if q.value > 3650 {
        return Err(ApiError::new(
            "request.invalid_query",
            "value is at most 3650",
        ));
    }
    let agency = AgencyCode::parse(&q.agency)
        .map_err(|_| ApiError::new("agency.not_found", "no such agency"))?;
    Ok(Json(
        s.app
            .due_date(
                from,
                ProcessingTime {
                    value: q.value,
                    unit,
                },
                &agency,
            )
            .await?,
    ))
}

fn parse_province(s: &str) -> Result<ProvinceCode, ApiError> {
    ProvinceCode::parse(s).map_err(|_| ApiError::new("unit.not_found", "no such province"))
}

/// The table in force (official or default).
#[utoipa::path(get, path = "/api/v1/calendar/holidays/{province}/{year}", tag = "calendar",
    params(("province" = String, Path), ("year" = i32, Path)), responses((status = 200, body = HolidayYear)))]
pub async fn get_holidays(
    State(s): State<AppState>,
    ApiPath((province, year)): ApiPath<(String, i32)>,
) -> Result<Json<HolidayYear>, ApiError> {
    let p = parse_province(&province)?;
    if s.app.units().province(&p).is_none() {
        return Err(ApiError::new("unit.not_found", "no such province"));
    }
    Ok(Json(s.app.holiday_year(&p, year).await?))
}

/// Enter the year's official notice (admin).
#[utoipa::path(put, path = "/api/v1/calendar/holidays/{province}/{year}", tag = "calendar", security(("bearer" = [])),
    params(("province" = String, Path), ("year" = i32, Path)), request_body = HolidayYear,
    responses((status = 200, body = HolidayYear), (status = 403, description = "auth.forbidden"), (status = 422, description = "request.invalid_field")))]
pub async fn put_holidays(
    State(s): State<AppState>,
    Administrator(staff): Administrator,
    ApiPath((province, year)): ApiPath<(String, i32)>,
    ApiJson(body): ApiJson<HolidayYear>,
) -> Result<Json<HolidayYear>, ApiError> {
    let p = parse_province(&province)?;
    if s.app.units().province(&p).is_none() {
        return Err(ApiError::new("unit.not_found", "no such province"));
    }
    if !staff.jurisdiction.covers_province(&p) {
        return Err(ApiError::new(
            "auth.forbidden",
            format!("you administer {}, not province {p}", staff.agency),
        ));
    }
    if body.year != year {
        return Err(ApiError::new(
            "request.invalid_field",
            "year in the body must match the path",
        )
        .field("year", year));
    }
    s.app.save_holiday_year(&p, body).await?;
    Ok(Json(s.app.holiday_year(&p, year).await?))
}

/// A commune's office hours.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfficeHoursView {
    /// Commune code.
    pub unit: String,
    /// True when the commune has its own hours; false when the deployment default applies.
    pub own: bool,
    /// The hours.
    pub hours: OfficeHours,
}

fn parse_unit(s: &str) -> Result<UnitCode, ApiError> {
    UnitCode::parse(s).map_err(|_| ApiError::new("unit.not_found", "no such commune"))
}

/// A commune's office hours.
#[utoipa::path(get, path = "/api/v1/calendar/office-hours/{unit}", tag = "calendar",
    params(("unit" = String, Path, description = "Five-digit commune code")),
    responses((status = 200, body = OfficeHoursView), (status = 404, description = "unit.not_found")))]
pub async fn get_office_hours(
    State(s): State<AppState>,
    ApiPath(unit): ApiPath<String>,
) -> Result<Json<OfficeHoursView>, ApiError> {
    let unit = parse_unit(&unit)?;
    let (hours, own) = s.app.office_hours(&unit).await?;
    Ok(Json(OfficeHoursView {
        unit: unit.to_string(),
        own,
        hours,
    }))
}

/// Set a commune's office hours (admin).
#[utoipa::path(put, path = "/api/v1/calendar/office-hours/{unit}", tag = "calendar", security(("bearer" = [])),
    params(("unit" = String, Path)), request_body = OfficeHours,
    responses((status = 200, body = OfficeHoursView), (status = 403, description = "auth.forbidden"), (status = 422, description = "request.invalid_field")))]
pub async fn put_office_hours(
    State(s): State<AppState>,
    Administrator(staff): Administrator,
    ApiPath(unit): ApiPath<String>,
    ApiJson(hours): ApiJson<OfficeHours>,
) -> Result<Json<OfficeHoursView>, ApiError> {
    let unit = parse_unit(&unit)?;
    let province = s
        .app
        .units()
        .commune(&unit)
        .map(|c| c.province_code.clone());
    if !province.is_some_and(|p| staff.jurisdiction.covers_unit(&unit, &p)) {
        return Err(ApiError::new(
            "auth.forbidden",
            format!("unit {unit} is outside your jurisdiction"),
        ));
    }
    s.app.set_office_hours(&unit, &hours).await?;
    let (hours, own) = s.app.office_hours(&unit).await?;
    Ok(Json(OfficeHoursView {
        unit: unit.to_string(),
        own,
        hours,
    }))
}
