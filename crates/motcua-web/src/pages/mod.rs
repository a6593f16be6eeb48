//! Server-rendered pages (askama templates, Fluent strings). Every page works without
//! JavaScript; assets are embedded. Public pages: `/` (search), `/procedures/{code}`, `/track`.

mod account;
pub(crate) mod apply;
mod assets;
mod assistant;
mod authority_form;
mod catalogue_admin;
mod charts;
pub(crate) mod citizen;
pub mod context;
mod declaration;
mod exchange_admin;
pub mod failure;
pub mod i18n;
mod kiosk;
mod leader;
mod procedure_form;
mod public;
mod qr;
mod registry;
mod reports;
pub mod staff;
mod verify;

use crate::AppState;
use axum::Router;
use axum::http::Uri;
use axum::routing::get;
use i18n::{Lang, Tr};
use time::OffsetDateTime;

/// One entry of the language switch.
#[derive(Debug, Clone)]
pub struct LangLink {
    /// Language code.
    pub code: &'static str,
    /// Native name.
    pub name: &'static str,
    /// The current page in that language.
    pub href: String,
    /// True for the page's language.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translations.
    pub tr: Tr,
    /// Page title.
    pub title: String,
    /// Language switch.
    pub langs: Vec<LangLink>,
    /// "agency · role" when a staff member is signed in.
    pub staff: Option<String>,
    /// Anti-forgery token for staff forms (empty on public pages).
    pub csrf: String,
    /// Show the dashboard and the reports.
    pub is_leader: bool,
    /// Show the counter (intake) links.
    pub takes_intake: bool,
    /// Show the administration link.
    pub is_admin: bool,
    /// Kiosk pages: go back to the kiosk start after this many seconds without use.
    pub kiosk_reset: Option<u32>,
}

impl Chrome {
    /// The layout context for a page at `uri`, titled by the Fluent key or text `title`.
    pub fn new(tr: Tr, uri: &Uri, title: String) -> Self {
        let other: Vec<&str> = uri
            .query()
            .map(|q| {
                q.split('&')
                    .filter(|kv| !kv.starts_with("lang=") && !kv.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let langs = Lang::ALL
            .into_iter()
            .map(|l| {
                let mut q = other.clone();
                let lang_kv = format!("lang={}", l.code());
                q.push(&lang_kv);
                LangLink {
                    code: l.code(),
                    name: l.native_name(),
                    href: format!("{}?{}", uri.path(), q.join("&")),
                    current: l == tr.lang,
                }
            })
            .collect();
        Self {
            tr,
            title,
            langs,
            staff: None,
            csrf: String::new(),
            is_leader: false,
            takes_intake: false,
            is_admin: false,
            kiosk_reset: None,
        }
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';').find_map(|c| {
                c.trim()
                    .strip_prefix(name)
                    .and_then(|r| r.strip_prefix('='))
                    .map(str::to_owned)
            })
        })
}

/// A URL-encoded form body as a map (the last value of a repeated field wins).
pub fn form(body: &axum::body::Bytes) -> std::collections::HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// `dd/mm/yyyy`.
pub fn fmt_date(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn fmt_datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(motcua_domain::VN_OFFSET);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

pub use motcua_domain::text::grouped;

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/procedures/{code}", get(public::procedure_page))
        .route(
            "/procedures/{code}/declaration.pdf",
            get(public::blank_declaration),
        )
        .route("/assistant", get(assistant::assistant))
        .route("/kiosk/assistant", get(assistant::kiosk_assistant))
        .route("/track", get(public::track_page))
        .route("/track/supplement-slip", get(public::supplement_slip))
        .route(
            "/verify",
            get(verify::verify_page).post(verify::verify_post).layer(
                axum::extract::DefaultBodyLimit::max(
                    motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
                ),
            ),
        )
        .route(
            "/verify/{id}",
            get(verify::document_page)
                .post(verify::document_post)
                .layer(axum::extract::DefaultBodyLimit::max(
                    motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
                )),
        )
        .route("/assets/{*path}", get(assets::get_asset))
        .route("/apply/{code}", get(apply::start_page).post(apply::start))
        .route(
            "/apply/{code}/documents",
            get(apply::documents_page).post(apply::upload).layer(
                axum::extract::DefaultBodyLimit::max(
                    4 * motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
                ),
            ),
        )
        .route(
            "/apply/{code}/check",
            get(apply::check_page).post(apply::submit),
        )
        .route(
            "/apply/{code}/form/{page}",
            get(apply::form_page).post(apply::form_answer),
        )
        .route("/apply/{code}/done/{draft}", get(apply::done_page))
        .route(
            "/apply/{code}/{step}",
            get(apply::question_page).post(apply::answer),
        )
        .route("/dashboard", get(leader::dashboard))
        .route("/reports", get(reports::kpis))
        .route("/reports/export", get(reports::export_report))
        .route("/reports/integrity", get(reports::integrity))
        .route("/reports/staffing", get(reports::staffing))
        .route("/reports/index", get(reports::index))
        .route("/reports/metric", get(reports::metric))
        .route("/admin/authority", get(registry::authority_page))
        .route(
            "/admin/authority/rules",
            axum::routing::post(registry::add_rule),
        )
        .route(
            "/admin/authority/rules/{id}/end",
            axum::routing::post(registry::end_rule),
        )
        .route(
            "/counter/linked",
            get(registry::linked_form).post(registry::linked_submit),
        )
        .route("/linked/{code}", get(registry::linked_page))
        .route("/admin", get(leader::admin))
        .route(
            "/admin/procedures/new",
            get(catalogue_admin::new_procedure).post(catalogue_admin::create_procedure),
        )
        .route(
            "/admin/procedures/{code}",
            get(catalogue_admin::edit_procedure).post(catalogue_admin::save_procedure),
        )
        .route("/admin/exchange", get(exchange_admin::page))
        .route(
            "/admin/exchange/{id}/{what}",
            axum::routing::post(exchange_admin::decide),
        )
        .route(
            "/admin/holidays",
            get(leader::holidays).post(leader::save_holidays),
        )
        .route("/kiosk", get(kiosk::home))
        .route("/kiosk/procedures", get(kiosk::procedures))
        .route("/kiosk/track", get(kiosk::track).post(kiosk::track_key))
        .route("/citizen", get(citizen::home))
        .route("/citizen/login", get(citizen::login))
        .route("/citizen/callback", get(citizen::callback))
        .route("/citizen/logout", axum::routing::post(citizen::logout))
        .route("/citizen/dossiers/{code}", get(citizen::dossier))
        .route(
            "/citizen/dossiers/{code}/supplement",
            axum::routing::post(citizen::answer_supplement).layer(
                axum::extract::DefaultBodyLimit::max(
                    motcua_app::supplements::MAX_ANSWER_BYTES + 64 * 1024,
                ),
            ),
        )
        .route(
            "/citizen/dossiers/{code}/documents/{id}",
            get(citizen::document),
        )
        .route(
            "/staff/login",
            get(account::login_page).post(account::login),
        )
        .route("/staff/logout", axum::routing::post(account::logout))
        .route(
            account::PASSWORD_PATH,
            get(account::password_page).post(account::change_password),
        )
        .route(
            "/counter",
            get(staff::counter_page).post(staff::counter_submit),
        )
        .route("/counter/scan", axum::routing::post(staff::counter_scan))
        .route("/inbox", get(staff::inbox_page))
        .route("/inbox/bulk", axum::routing::post(staff::inbox_bulk))
        .route(
            "/inbox/receipts",
            axum::routing::post(staff::inbox_receipts),
        )
        .route("/inbox/{code}", get(staff::dossier_page))
        .route("/inbox/{code}/act", axum::routing::post(staff::dossier_act))
        .route("/inbox/{code}/receipt", get(staff::receipt_page))
        .route("/inbox/{code}/declaration.pdf", get(staff::declaration_pdf))
        .route("/inbox/{code}/files/{id}", get(staff::dossier_file))
        .route("/inbox/register", get(staff::register_file))
        .route("/inbox/{code}/documents/{id}", get(staff::document_file))
        .route(
            "/inbox/{code}/scan",
            axum::routing::post(staff::scan_component).layer(axum::extract::DefaultBodyLimit::max(
                motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/inbox/{code}/result",
            axum::routing::post(staff::result_file).layer(axum::extract::DefaultBodyLimit::max(
                motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/inbox/{code}/draft-result",
            axum::routing::post(staff::draft_result_file).layer(
                axum::extract::DefaultBodyLimit::max(
                    motcua_domain::upload::MAX_FILE_BYTES + 64 * 1024,
                ),
            ),
        )
        .layer(axum::middleware::from_fn(page_rejections))
}

/// A request the framework refused before a page's handler ran — a body over the limit, a
/// malformed query — is answered with the error page in the reader's language and a stable
/// code, not the framework's English text.
async fn page_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let tr = req
        .extensions()
        .get::<Tr>()
        .copied()
        .unwrap_or(Tr { lang: Lang::Vi });
    let uri = req.uri().clone();
    let r = next.run(req).await;
    let plain = r
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain || !r.status().is_client_error() {
        return r;
    }
    let code = match r.status().as_u16() {
        413 => "request.too_large",
        415 => "request.unsupported_media_type",
        _ => "request.invalid_query",
    };
    let message = tr.t(&format!("err-{}", code.replace('.', "-")));
    failure::PageError::new(Chrome::new(tr, &uri, String::new()), code, message).into_response()
}

pub use public::not_found_page;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_with_dots() {
        assert_eq!(grouped(3321), "3.321");
        assert_eq!(grouped(34), "34");
        assert_eq!(grouped(1_000_000), "1.000.000");
    }

    #[test]
    fn dates_are_day_month_year_in_vietnam_time() {
        assert_eq!(
            fmt_datetime(time::macros::datetime!(2025-02-05 09:00 UTC)),
            "05/02/2025 16:00"
        );
    }

    #[test]
    fn the_language_switch_keeps_the_other_query_parameters() {
        let uri: Uri = "/?q=khai+sinh&lang=en".parse().unwrap();
        let c = Chrome::new(Tr { lang: Lang::En }, &uri, "x".into());
        assert_eq!(c.langs[2].href, "/?q=khai+sinh&lang=ar");
        assert!(c.langs[1].current);
    }
}
