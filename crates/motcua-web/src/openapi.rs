//! The OpenAPI 3.1 document.

use crate::api;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

/// The error envelope, as documented (the responses themselves are built in `error.rs`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ErrorEnvelope {
    error: ErrorBody,
}

/// The body of an error: a stable code of docs/API.md, a message, details by field.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ErrorBody {
    code: String,
    message: String,
    fields: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Every operation may answer with the error envelope (bad input, authentication, rate limits,
/// an unavailable database, …): a `default` response says so, so that no status of docs/API.md
/// contradicts the document.
struct Errors;

impl Modify for Errors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let default = ResponseBuilder::new()
            .description("An error: `{\"error\": {\"code\", \"message\", \"fields\"}}` with a code of docs/API.md.")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                op.responses
                    .responses
                    .entry("default".into())
                    .or_insert_with(|| default.clone().into());
            }
        }
    }
}

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Staff token from `motcua token create`"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua API", description = "One-stop administrative procedures: units, catalogue, dossiers, tracking, working-day calendar, documents (forms, signatures, verification). Errors: {\"error\": {\"code\", \"message\", \"fields\"}} with the codes of docs/API.md."),
    paths(
        api::get_health,
        api::units::list_provinces, api::units::list_communes, api::units::resolve_address,
        api::catalogue::list_agencies, api::catalogue::list_procedures, api::catalogue::get_procedure, api::catalogue::import_procedures, api::catalogue::ask_assistant,
        api::dossiers::create_dossier, api::dossiers::get_dossier, api::dossiers::list_dossiers, api::dossiers::act_on_dossier,
        api::dossiers::list_events, api::dossiers::get_consultation, api::dossiers::track_dossier,
        api::reports::get_index, api::reports::export_index, api::reports::get_metric_dossiers, api::reports::get_kpis, api::reports::export_kpis, api::reports::get_integrity, api::reports::get_staffing, api::reports::list_notices,
        api::documents::list_documents, api::documents::get_document, api::documents::scan_component,
        api::documents::post_result, api::documents::post_draft_result, api::documents::get_register, api::documents::verify,
        api::documents::get_public_document,
        api::calendar::get_due, api::calendar::get_holidays, api::calendar::put_holidays,
        api::calendar::get_office_hours, api::calendar::put_office_hours,
        api::authority::check_authority, api::authority::get_competence, api::authority::list_rules,
        api::authority::create_rule, api::authority::end_rule,
        api::linked::list_services, api::linked::create_linked, api::linked::get_linked, api::linked::track_linked,
    ),
    components(schemas(ErrorEnvelope, ErrorBody)),
    modifiers(&Security, &Errors),
    tags((name = "units"), (name = "catalogue"), (name = "dossiers"), (name = "public"), (name = "calendar"), (name = "documents"), (name = "authority"), (name = "linked"), (name = "reports"), (name = "system"))
)]
pub(crate) struct ApiDoc;
