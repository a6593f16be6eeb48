//! Dossiers: create (online submission or counter intake), read, list, act, events, tracking.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, MaybeStaff, Staff};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_app::Actor;
use motcua_app::desk::InboxTab;
use motcua_app::dossiers::{ConsultationView, OpenDossier, Sight, TrackingView};
use motcua_app::ports::{DossierFilter, ListOrder, StatusFilter, StoredEvent};
use motcua_domain::dossier::{ActionKind, Dossier, Status};
use motcua_domain::ids::{AgencyCode, DossierCode, ProcedureCode};
use serde::{Deserialize, Serialize};

/// A dossier with what a client needs to act on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierView {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: Dossier,
    /// National portal status code (1–10).
    pub status_code: u8,
    /// Status name in Vietnamese.
    pub status_name: &'static str,
    /// Actions legal now.
    pub legal_actions: Vec<ActionKind>,
    /// Open and past its due date.
    pub overdue: bool,
}

fn view(d: Dossier, now: time::OffsetDateTime) -> DossierView {
    DossierView {
        status_code: d.status.national_code(),
        status_name: d.status.name_vi(),
        legal_actions: d.legal_actions(),
        overdue: d.is_overdue(now),
        dossier: d,
    }
}

fn parse_code(code: &str) -> Result<DossierCode, ApiError> {
    DossierCode::parse(code).map_err(|_| ApiError::new("dossier.not_found", "no such dossier"))
}

/// With a staff token, counter intake (received at once, appointment
/// issued); without, an online or kiosk submission (status `submitted`). Send an
/// `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = OpenDossier,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key + same body returns the same dossier")),
    responses((status = 201, body = DossierView), (status = 422, description = "request.invalid_field, request.idempotency_key_reused"),
              (status = 404, description = "catalogue.unknown_procedure")))]
pub async fn create_dossier(
    State(s): State<AppState>,
    MaybeStaff(actor): MaybeStaff,
    headers: HeaderMap,
    ApiJson(req): ApiJson<OpenDossier>,
) -> Result<(StatusCode, Json<DossierView>), ApiError> {
    let key = crate::extract::idempotency_key(&headers)?;
    let d = s.app.open_dossier(&actor, req, key).await?;
    Ok((StatusCode::CREATED, Json(view(d, s.app.now()))))
}

/// One dossier in the token's jurisdiction.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = DossierView), (status = 404, description = "dossier.not_found")))]
pub async fn get_dossier(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<DossierView>, ApiError> {
    let d = s
        .app
        .dossier(&Actor::Staff(staff), &parse_code(&code)?)
        .await?;
    Ok(Json(view(d, s.app.now())))
}

/// Filters of the dossier list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Agency code (defaults to the token's agency; only an admin may name another).
    pub agency: Option<String>,
    /// Status name, e.g. `processing`, or `open` for every status but the closed ones
    /// (refused, withdrawn, stopped, returned). Default: every status.
    pub status: Option<String>,
    /// Only open dossiers past their due date.
    pub overdue: Option<bool>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// Search: a dossier code, a receipt number (`12/GTN`), an identity card number (12
    /// digits), a phone number, or the applicant's name with or without diacritics (each word's
    /// beginning: `nguyen van a`). Only dossiers of the caller's jurisdiction are found.
    pub q: Option<String>,
    /// Order: `due` (default, soonest first), `newest`, `procedure`, `status`.
    pub sort: Option<String>,
    /// The inbox's tab: `open`, `mine` (assigned to the caller's account), `unassigned`,
    /// `due_today`, `overdue`, `approval` (drafts waiting for the caller's approval).
    pub tab: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// Offset (default 0).
    pub offset: Option<u32>,
}

/// A dossier in a list: personal numbers masked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierSummary {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Status.
    pub status: Status,
    /// National status code.
    pub status_code: u8,
    /// Applicant name.
    pub applicant_name: String,
    /// Masked CCCD.
    pub applicant_id_masked: String,
    /// Masked phone.
    pub applicant_phone_masked: String,
    /// Receiving agency.
    pub receiving_agency: String,
    /// Current agency.
    pub current_agency: String,
    /// Due date, RFC 3339.
    pub due_at: Option<String>,
    /// Overdue now.
    pub overdue: bool,
    /// The officer handling it.
    pub handler: Option<String>,
    /// Since when, RFC 3339.
    pub handler_since: Option<String>,
    /// A draft decision waits for this approver.
    pub awaiting_approval_by: Option<String>,
    /// Version (for actions).
    pub version: i64,
}

/// A page of dossiers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierPage {
    /// The dossiers, by due date.
    pub items: Vec<DossierSummary>,
    /// Offset of the next page, if there may be one.
    pub next_offset: Option<u32>,
}

/// The inbox: by due date, or found by `q`, in a tab, in another order.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = DossierPage), (status = 400, description = "request.invalid_query"),
              (status = 403, description = "auth.forbidden"), (status = 422, description = "search.invalid_query")))]
pub async fn list_dossiers(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<DossierPage>, ApiError> {
    let now = s.app.now();
    let agency = q
        .agency
        .as_deref()
        .map(AgencyCode::parse)
        .transpose()
        .map_err(|_| ApiError::new("request.invalid_query", "agency is not an agency code"))?;
    let status = q
        .status
        .as_deref()
        .map(|x| {
            StatusFilter::parse(x).ok_or_else(|| {
                ApiError::new(
                    "request.invalid_query",
                    format!(
                        "unknown status {:?}",
                        x.chars().take(30).collect::<String>()
                    ),
                )
            })
        })
        .transpose()?
        .unwrap_or_default();
    let procedure = q
        .procedure
        .as_deref()
        .map(ProcedureCode::parse)
        .transpose()
        .map_err(|_| ApiError::new("request.invalid_query", "procedure is not a procedure code"))?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let offset = q.offset.unwrap_or(0);
    let search = motcua_app::desk::parse_search(q.q.as_deref().unwrap_or(""))?;
    let order = match q.sort.as_deref() {
        None | Some("") => ListOrder::Due,
        Some(x) => ListOrder::parse(x).ok_or_else(|| {
            ApiError::new(
                "request.invalid_query",
                "sort is due, newest, procedure or status",
            )
        })?,
    };
    let mut f = DossierFilter {
        province: None,
        agency,
        status,
        due_before: q.overdue.unwrap_or(false).then_some(now),
        procedure,
        search,
        order,
        limit,
        offset,
        ..Default::default()
    };
    if let Some(t) = q.tab.as_deref().filter(|t| !t.is_empty()) {
        let tab = InboxTab::parse(t).ok_or_else(|| {
            ApiError::new(
                "request.invalid_query",
                "tab is open, mine, unassigned, due_today, overdue or approval",
            )
        })?;
        motcua_app::App::tab_filter(&staff, tab, &mut f, now);
    }
    let list = s.app.list_dossiers(&Actor::Staff(staff.clone()), f).await?;
    let full = list.len() as u32 == limit;
    // A row the caller holds only as a consulted agency shows no contact (issue #29).
    let mut consulted = Vec::with_capacity(list.len());
    for d in &list {
        consulted.push(s.app.holds_only_for_consultation(&staff, d).await);
    }
    let items = list
        .into_iter()
        .zip(consulted)
        .map(|(d, consulted)| DossierSummary {
            overdue: d.is_overdue(now),
            code: d.code.to_string(),
            procedure_code: d.procedure.code.to_string(),
            procedure_name: d.procedure_name.clone(),
            status: d.status,
            status_code: d.status.national_code(),
            applicant_name: d.applicant.name.clone(),
            applicant_id_masked: d.applicant.id_number.masked(),
            applicant_phone_masked: if consulted {
                String::new()
            } else {
                d.applicant.phone.masked()
            },
            receiving_agency: d.receiving_agency.to_string(),
            current_agency: d.current_agency.to_string(),
            due_at: d.due_at.map(motcua_domain::dossier::fmt),
            handler: d.handler.clone(),
            handler_since: d.handler_since.map(motcua_domain::dossier::fmt),
            awaiting_approval_by: d.approval.as_ref().map(|a| a.approver.name.clone()),
            version: d.version,
        })
        .collect();
    Ok(Json(DossierPage {
        items,
        next_offset: full.then(|| offset.saturating_add(limit)),
    }))
}

/// Body of an action: `{"action": "...", "version": n, ...payload}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionRequest {
    /// Action name: receive, refuse, request_supplement, supplement, assign, transfer,
    /// request_payment, pay, finish, return_result, reschedule, withdraw, stop.
    pub action: String,
    /// The dossier version the client last read.
    pub version: i64,
    /// Payload fields of the action (reason, items, to_agency, handler, result, new_due_at, …).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub payload: serde_json::Map<String, serde_json::Value>,
}

/// Apply a lifecycle action.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ActionRequest,
    responses((status = 200, body = DossierView),
              (status = 204, description = "A consulted agency sent the dossier back: it no longer sees it"),
              (status = 403, description = "auth.forbidden, dossier.consultation_only"),
              (status = 409, description = "dossier.invalid_transition, dossier.in_consultation, dossier.version_conflict, dossier.supplement_already_requested"),
              (status = 422, description = "dossier.supplement_item_not_in_procedure, dossier.reason_required, …")))]
pub async fn act_on_dossier(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
    ApiJson(req): ApiJson<ActionRequest>,
) -> Result<Response, ApiError> {
    let code = parse_code(&code)?;
    if ActionKind::parse(&req.action).is_none() {
        return Err(ApiError::new("dossier.unknown_action", "unknown action")
            .field("action", req.action.chars().take(40).collect::<String>()));
    }
    let actor = Actor::Staff(staff.clone());
    let d = s
        .app
        .act_by_name(&actor, &code, req.version, &req.action, req.payload)
        .await?;
    // A consulted agency that sent the dossier back no longer sees it: nothing to show.
    if s.app.sight_of(&staff, &d).await != Some(Sight::Full) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(view(d, s.app.now())).into_response())
}

/// What a consulted agency reads of a dossier it holds for a consultation (the procedure, the
/// question, the components and files; the applicant by name and masked number only). Staff who
/// see the whole dossier may read it too while the consultation is out.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/consultation", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = ConsultationView), (status = 404, description = "dossier.not_found")))]
pub async fn get_consultation(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<ConsultationView>, ApiError> {
    Ok(Json(
        s.app
            .consultation(&Actor::Staff(staff), &parse_code(&code)?)
            .await?,
    ))
}

/// The hash-chained event log.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/events", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = [StoredEvent]), (status = 404, description = "dossier.not_found")))]
pub async fn list_events(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<StoredEvent>>, ApiError> {
    Ok(Json(
        s.app
            .dossier_events(&Actor::Staff(staff), &parse_code(&code)?)
            .await?,
    ))
}

/// Query of public tracking.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TrackQuery {
    /// The applicant's phone number as given at filing.
    pub phone: String,
}

/// Public tracking (no login).
#[utoipa::path(get, path = "/api/v1/track/{code}", tag = "public", params(("code" = String, Path), TrackQuery),
    responses((status = 200, body = TrackingView), (status = 404, description = "dossier.not_found")))]
pub async fn track_dossier(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<TrackQuery>,
) -> Result<Json<TrackingView>, ApiError> {
    Ok(Json(s.app.track(&code, &q.phone).await?))
}
