//! The OpenAPI 3.1 document.

use crate::api;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

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
        api::catalogue::list_agencies, api::catalogue::list_procedures, api::catalogue::get_procedure, api::catalogue::import_procedures,
        api::dossiers::create_dossier, api::dossiers::get_dossier, api::dossiers::list_dossiers, api::dossiers::act_on_dossier,
        api::dossiers::list_events, api::dossiers::track_dossier,
        api::reports::get_index, api::reports::export_index, api::reports::get_metric_dossiers, api::reports::get_kpis, api::reports::export_kpis, api::reports::get_integrity, api::reports::get_staffing, api::reports::list_notices,
        api::documents::list_documents, api::documents::get_document, api::documents::scan_component,
        api::documents::post_result, api::documents::get_register, api::documents::verify,
        api::documents::get_public_document,
        api::calendar::get_due, api::calendar::get_holidays, api::calendar::put_holidays,
        api::calendar::get_office_hours, api::calendar::put_office_hours,
        api::authority::check_authority, api::authority::get_competence, api::authority::list_rules,
        api::authority::create_rule, api::authority::end_rule,
        api::linked::list_services, api::linked::create_linked, api::linked::get_linked, api::linked::track_linked,
    ),
    modifiers(&Security),
    tags((name = "units"), (name = "catalogue"), (name = "dossiers"), (name = "public"), (name = "calendar"), (name = "documents"), (name = "authority"), (name = "linked"), (name = "reports"), (name = "system"))
)]
pub(crate) struct ApiDoc;
