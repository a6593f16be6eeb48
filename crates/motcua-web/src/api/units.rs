//! Administrative units and address resolution.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use motcua_domain::ids::ProvinceCode;
use motcua_domain::units::{Commune, Province, Resolution};
use serde::Deserialize;

/// The 34 provinces.
#[utoipa::path(get, path = "/api/v1/units/provinces", tag = "units",
    responses((status = 200, description = "The provinces", body = [Province])))]
pub async fn list_provinces(State(s): State<AppState>) -> Json<Vec<Province>> {
    Json(s.app.units().provinces().to_vec())
}

/// The communes of a province.
#[utoipa::path(get, path = "/api/v1/units/provinces/{code}/communes", tag = "units",
    params(("code" = String, Path, description = "Two-digit province code, e.g. 68")),
    responses((status = 200, description = "Communes", body = [Commune]), (status = 404, description = "unit.not_found")))]
pub async fn list_communes(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Commune>>, ApiError> {
    let units = s.app.units();
    let code = ProvinceCode::parse(&code)
        .ok()
        .filter(|c| units.province(c).is_some())
        .ok_or_else(|| ApiError::new("unit.not_found", "no such province"))?;
    Ok(Json(
        units.communes_of(&code).into_iter().cloned().collect(),
    ))
}

/// Query of the resolver: an address, or an old commune code.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ResolveQuery {
    /// Free-text pre-2025 (or current) address, e.g. "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng".
    pub address: Option<String>,
    /// Old (pre-2025) five-digit commune code.
    pub old_commune_code: Option<String>,
}

/// Resolve an old address or commune code to the new unit(s).
#[utoipa::path(get, path = "/api/v1/units/resolve", tag = "units", params(ResolveQuery),
    responses((status = 200, description = "Candidates (a split old commune gives several, marked partial)", body = Resolution),
              (status = 400, description = "request.invalid_query")))]
pub async fn resolve_address(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> Result<Json<Resolution>, ApiError> {
    let units = s.app.units();
    match (
        q.address.as_deref().map(str::trim),
        q.old_commune_code.as_deref().map(str::trim),
    ) {
        (_, Some(code)) if !code.is_empty() => {
            if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::new(
                    "request.invalid_query",
                    "old_commune_code is five digits",
                ));
            }
            Ok(Json(units.resolve_old_code(code)))
        }
        (Some(addr), _) if !addr.is_empty() => {
            if addr.chars().count() > 500 {
                return Err(ApiError::new(
                    "request.invalid_query",
                    "address is at most 500 characters",
                ));
            }
            Ok(Json(units.resolve_address(addr)))
        }
        _ => Err(ApiError::new(
            "request.invalid_query",
            "give address or old_commune_code",
        )),
    }
}
