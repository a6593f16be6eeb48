//! Linked applications (liên thông): file once, one tracking code, steps at several agencies.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Staff};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use motcua_app::Actor;
use motcua_app::linked::{LinkedView, OpenLinked};
use motcua_domain::ids::DossierCode;
use motcua_domain::linked::LinkedService;

fn parse_code(code: &str) -> Result<DossierCode, ApiError> {
    DossierCode::parse(code).map_err(|_| ApiError::new("dossier.not_found", "no such application"))
}

/// The linked services and their steps.
#[utoipa::path(get, path = "/api/v1/linked/services", tag = "linked",
    responses((status = 200, body = Vec<LinkedService>)))]
pub async fn list_services(
    State(s): State<AppState>,
) -> Result<Json<Vec<LinkedService>>, ApiError> {
    Ok(Json(s.app.linked_services().await?))
}

/// Files a linked application at the counter (the token's agency receives it): every step is
/// routed now, the first steps are opened and received at once, the others open when their
/// prerequisites have their result. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/linked", tag = "linked", security(("bearer" = [])), request_body = OpenLinked,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key + same body returns the same application")),
    responses((status = 201, body = LinkedView), (status = 404, description = "linked.unknown_service"),
              (status = 422, description = "request.invalid_field, authority.wrong_receiving_point, authority.no_competent_agency, authority.overlap")))]
pub async fn create_linked(
    State(s): State<AppState>,
    Staff(staff): Staff,
    headers: HeaderMap,
    ApiJson(req): ApiJson<OpenLinked>,
) -> Result<(StatusCode, Json<LinkedView>), ApiError> {
    let key = crate::extract::idempotency_key(&headers)?;
    let v = s.app.open_linked(&Actor::Staff(staff), req, key).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// A linked application with the progress of its steps (the receiving point, the agencies of
/// its steps, or an administrator).
#[utoipa::path(get, path = "/api/v1/linked/{code}", tag = "linked", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = LinkedView), (status = 404, description = "dossier.not_found")))]
pub async fn get_linked(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<LinkedView>, ApiError> {
    Ok(Json(
        s.app
            .linked_view(&Actor::Staff(staff), &parse_code(&code)?)
            .await?,
    ))
}

/// Public tracking of a linked application by its code and the applicant's phone number.
#[utoipa::path(get, path = "/api/v1/linked/{code}/track", tag = "public",
    params(("code" = String, Path), crate::api::dossiers::TrackQuery),
    responses((status = 200, body = LinkedView), (status = 404, description = "dossier.not_found")))]
pub async fn track_linked(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<crate::api::dossiers::TrackQuery>,
) -> Result<Json<LinkedView>, ApiError> {
    s.app
        .track_linked(&code, &q.phone)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                "dossier.not_found",
                "no application with this code and phone number",
            )
        })
}
