//! Pages of issue #6: the authority registry's report and rules (`/admin/authority`), filing a
//! linked application at the counter (`/counter/linked`) and following it (`/linked/{code}`).

use super::authority_form::{GRANTS, RuleForm};
use super::declaration::Kind;
use super::i18n::Tr;
use super::public::render;
use super::staff::{StaffSession, forged};
use super::{Chrome, fmt_date, form};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::linked::{LinkedView, OpenLinked};
use motcua_app::{Actor, AppError};
use motcua_domain::agency::AgencyKind;
use motcua_domain::authority::{AuthorityReport, AuthorityRule, Grant, Subject, Target};
use motcua_domain::calendar::parse_iso_date;
use motcua_domain::dossier::Status;
use motcua_domain::ids::{AgencyCode, UnitCode};
use motcua_domain::ids::{DossierCode, ProvinceCode};
use motcua_domain::linked::{LinkedService, Overall, StepState};
use motcua_domain::problem::{Problem, Wrong};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// A rule as one table row.
pub struct RuleRow {
    id: String,
    kind: String,
    subject: String,
    grant: String,
    units: String,
    validity: String,
    legal_basis: String,
    issued_by: String,
    example: bool,
    /// Not yet ended (an administrator may end it).
    open: bool,
}

/// Names for the codes a registry page shows: agencies, communes, procedures.
struct Names {
    agencies: HashMap<String, String>,
    units: HashMap<String, String>,
    procedures: HashMap<String, String>,
}

impl Names {
    fn agency(&self, code: &str) -> String {
        if let Some(n) = self.agencies.get(code) {
            return format!("{n} ({code})");
        }
        // A commune's standard agency: its kind's title and the commune's name.
        let named = code.split_once('.').and_then(|(unit, suffix)| {
            let commune = self.units.get(unit)?;
            let kind = AgencyKind::COMMUNE_STANDARD
                .into_iter()
                .find(|k| k.suffix() == suffix)?;
            Some(format!("{} {commune} ({code})", kind.title()))
        });
        named.unwrap_or_else(|| code.to_owned())
    }

    fn unit(&self, code: &str) -> String {
        match self.units.get(code) {
            Some(n) => format!("{n} ({code})"),
            None => code.to_owned(),
        }
    }

    fn procedure(&self, code: &str) -> String {
        match self.procedures.get(code) {
            Some(n) => format!("{n} ({code})"),
            None => code.to_owned(),
        }
    }

    fn target(&self, tr: &Tr, t: &Target) -> String {
        match t {
            Target::Kind(k) => tr.t(&format!("kind-{}", super::authority_form::kind_name(*k))),
            Target::Agency(a) => self.agency(a.as_str()),
        }
    }

    fn units_of(&self, units: &[UnitCode]) -> String {
        let shown: Vec<String> = units
            .iter()
            .take(6)
            .map(|u| self.unit(u.as_str()))
            .collect();
        if units.len() > 6 {
            format!("{} … ({})", shown.join(", "), units.len())
        } else {
            shown.join(", ")
        }
    }
}

fn row(tr: &Tr, names: &Names, r: &AuthorityRule) -> RuleRow {
    let grant = match &r.grant {
        Grant::Assignment { to } | Grant::Decentralisation { to } => names.target(tr, to),
        Grant::Delegation { from, to } => {
            format!("{} → {}", names.target(tr, from), names.target(tr, to))
        }
        Grant::Consultation { to } => format!("⇄ {}", names.target(tr, to)),
    };
    RuleRow {
        id: r.id.clone(),
        kind: tr.t(&format!("authority-grant-{}", r.grant.kind_name())),
        subject: match &r.subject {
            Subject::Procedure(p) => names.procedure(p.as_str()),
            Subject::Field(f) => format!("{}: {f}", tr.t("authority-subject-field")),
        },
        grant,
        units: if r.units.is_empty() {
            tr.t("authority-whole-province")
        } else {
            names.units_of(&r.units)
        },
        validity: match r.valid_to {
            Some(t) => format!("{} – {}", fmt_date(r.valid_from), fmt_date(t)),
            None => format!("{} –", fmt_date(r.valid_from)),
        },
        legal_basis: r.legal_basis.clone(),
        issued_by: r.issued_by.clone(),
        example: r.example,
        open: r.valid_to.is_none(),
    }
}

#[derive(Template)]
#[template(path = "admin_authority.html")]
struct AuthorityPage {
    c: Chrome,
    province: String,
    provinces: Vec<(String, String)>,
    date: String,
    /// The checked date as written on the page (dd/mm/yyyy).
    report_date: String,
    report: AuthorityReport,
    rules: Vec<RuleRow>,
    /// May add and end rules here (an administrator of this province).
    manage: bool,
    notice: Option<String>,
    /// A refusal that belongs to no field of the form.
    error: Option<String>,
    /// `(field id, "label: problem")` for the summary.
    errors: Vec<(String, String)>,
    field_errors: HashMap<String, String>,
    /// The new-rule form.
    form: RuleForm,
    /// Its two agency choices: `from` (delegation only) and `to`.
    targets: Vec<(String, super::authority_form::TargetField)>,
    procedures: Vec<(String, String)>,
    fields: Vec<String>,
    kinds: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    communes: Vec<(String, String)>,
    grants: Vec<(String, String)>,
    names: Names,
}

impl AuthorityPage {
    fn err(&self, id: &str) -> Option<&String> {
        self.field_errors.get(id)
    }

    fn unit_on(&self, code: &str) -> bool {
        self.form.units.iter().any(|u| u == code)
    }

    fn agency_name(&self, code: &AgencyCode) -> String {
        self.names.agency(code.as_str())
    }

    fn units_named(&self, units: &[UnitCode]) -> String {
        self.names.units_of(units)
    }

    fn level(&self, l: &motcua_domain::agency::Level) -> String {
        let key = match l {
            motcua_domain::agency::Level::Commune => "level-commune",
            motcua_domain::agency::Level::Province => "level-province",
            motcua_domain::agency::Level::Central => "level-central",
        };
        self.c.tr.t(key)
    }
}

/// Query of the registry page.
#[derive(Debug, Deserialize)]
pub struct AuthorityQuery {
    province: Option<String>,
    date: Option<String>,
    done: Option<String>,
}

/// The error page of a registry page.
fn error_page(tr: Tr, uri: &Uri, sess: &StaffSession, e: AppError) -> Response {
    sess.fail(tr, uri, e).into_response()
}

#[derive(Default)]
struct Notices {
    notice: Option<String>,
    error: Option<String>,
    form: Option<RuleForm>,
    problems: Vec<(String, Problem)>,
}

async fn authority_page_with(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    province: ProvinceCode,
    date: Option<time::Date>,
    n: Notices,
) -> Response {
    let result = async {
        s.app.may_read_registry(sess.actor(), &province).await?;
        let report = s.app.authority_check(&province, date).await?;
        let rules = s.app.authority_rules(&province).await?;
        let agencies = s.app.agencies_of_province(&province).await?;
        let procedures = s.app.procedures().await?;
        Ok::<_, AppError>((report, rules, agencies, procedures))
    }
    .await;
    let (report, rules, agencies, procedures) = match result {
        Ok(x) => x,
        Err(e) => return error_page(tr, uri, sess, e),
    };
    let units = s.app.units();
    let communes: Vec<(String, String)> = units
        .communes_of(&province)
        .into_iter()
        .map(|c| (c.code.to_string(), c.name.clone()))
        .collect();
    let names = Names {
        agencies: agencies
            .iter()
            .map(|a| (a.code.to_string(), a.name.clone()))
            .collect(),
        units: communes.iter().cloned().collect(),
        procedures: procedures
            .iter()
            .map(|p| (p.code.to_string(), p.name.clone()))
            .collect(),
    };
    let mut fields: Vec<String> = procedures.iter().map(|p| p.field.clone()).collect();
    fields.sort();
    fields.dedup();
    let status = if n.error.is_some() || !n.problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut errors = Vec::new();
    let mut field_errors = HashMap::new();
    // In the order of the form's fields.
    const ORDER: [&str; 16] = [
        "id",
        "subject",
        "procedure",
        "field",
        "grant",
        "from_by",
        "from_kind",
        "from_agency",
        "to_by",
        "to_kind",
        "to_agency",
        "scope",
        "valid_from",
        "valid_to",
        "legal_basis",
        "issued_by",
    ];
    let mut problems = n.problems;
    let head = |id: &str| id.split('-').next().unwrap_or(id).to_owned();
    problems.sort_by_key(|(id, _)| ORDER.iter().position(|o| *o == head(id)));
    for (id, p) in problems {
        let what = super::procedure_form::describe(&tr, p.what);
        let label = tr.t(&format!("authority-form-{}", head(&id)));
        errors.push((id.clone(), format!("{label}: {what}")));
        field_errors.entry(id).or_insert(what);
    }
    let form = n
        .form
        .unwrap_or_else(|| RuleForm::blank(s.app.now().to_offset(motcua_domain::VN_OFFSET).date()));
    let page = AuthorityPage {
        c: sess.chrome(tr, uri, tr.t("authority-title")),
        targets: vec![
            ("from".to_owned(), form.from.clone()),
            ("to".to_owned(), form.to.clone()),
        ],
        province: province.to_string(),
        provinces: units
            .provinces()
            .iter()
            .map(|p| (p.code.to_string(), format!("{} ({})", p.name, p.code)))
            .collect(),
        date: report.date.to_string(),
        report_date: fmt_date(report.date),
        rules: rules.iter().map(|r| row(&tr, &names, r)).collect(),
        report,
        manage: sess.actor().role.may_administer()
            && sess.actor().jurisdiction.covers_province(&province),
        notice: n.notice,
        error: n.error,
        errors,
        field_errors,
        form,
        procedures: procedures
            .iter()
            .map(|p| (p.code.to_string(), format!("{} ({})", p.name, p.code)))
            .collect(),
        fields,
        kinds: super::procedure_form::kind_choices(&tr),
        // A commune's own agencies are named by kind (with the communes ticked): the list of
        // named agencies is the province's, not hundreds of communes'.
        agencies: agencies
            .iter()
            .filter(|a| a.kind.level() != motcua_domain::agency::Level::Commune)
            .map(|a| (a.code.to_string(), format!("{} ({})", a.name, a.code)))
            .collect(),
        communes,
        grants: GRANTS
            .iter()
            .map(|g| ((*g).to_owned(), tr.t(&format!("authority-grant-{g}"))))
            .collect(),
        names,
    };
    (status, render(&page)).into_response()
}

/// `GET /admin/authority`: the checker's report for a province and date, and its rules.
pub async fn authority_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Query(q): Query<AuthorityQuery>,
) -> Response {
    let own = match s.app.agency(&sess.actor().agency).await {
        Ok(a) => a.province_code,
        Err(e) => return error_page(tr, &uri, &sess, e),
    };
    let province = match q.province.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => match ProvinceCode::parse(p) {
            Ok(p) => p,
            Err(_) => {
                return error_page(
                    tr,
                    &uri,
                    &sess,
                    AppError::not_found("unit.not_found", "no such province"),
                );
            }
        },
        None => own,
    };
    let date = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => match parse_iso_date(d) {
            Some(d) => Some(d),
            None => {
                return error_page(tr, &uri, &sess, AppError::invalid("date", "YYYY-MM-DD"));
            }
        },
        None => None,
    };
    let notice = match q.done.as_deref() {
        Some("added") => Some(tr.t("authority-added")),
        Some("ended") => Some(tr.t("authority-ended")),
        _ => None,
    };
    let n = Notices {
        notice,
        ..Notices::default()
    };
    authority_page_with(&s, tr, &uri, &sess, province, date, n).await
}

/// After adding or ending a rule: back to the page with a notice; a refused change re-renders
/// the page with the refusal in the reader's language (and the form as typed, when adding); a
/// permission or store failure is an error page.
async fn rule_change_answer(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    province: ProvinceCode,
    result: Result<&'static str, AppError>,
    form: Option<RuleForm>,
) -> Response {
    match result {
        Ok(done) => Redirect::to(&format!("/admin/authority?province={province}&done={done}"))
            .into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::Unavailable(_) | AppError::Internal(_))) => {
            error_page(tr, uri, sess, e)
        }
        Err(e) => {
            let adding = form.is_some();
            let mut notices = Notices {
                form,
                ..Notices::default()
            };
            // A refusal about one field of the form goes beside it.
            let on = |id: &str, what: Wrong| (id.to_owned(), Problem::new(id, what));
            match (e.code(), e.field()) {
                ("authority.duplicate_rule", _) => notices.problems.push(on("id", Wrong::Repeated)),
                ("authority.unknown_reference", Some(field)) => {
                    notices.problems.push(on(field, Wrong::UnknownChoice));
                }
                ("request.invalid_field", Some("valid_to")) if !adding => {
                    notices.error = Some(tr.t("problem-bad-date"));
                }
                ("authority.end_before_start" | "authority.end_extends", _) => {
                    notices.error = Some(tr.error(&e));
                }
                ("authority.unknown_rule", _) => {
                    notices.error = Some(tr.t("authority-unknown-rule"));
                }
                _ => notices.error = Some(tr.t("authority-end-refused")),
            }
            authority_page_with(s, tr, uri, sess, province, None, notices).await
        }
    }
}

/// The counter's linked applications are for the roles that take dossiers in.
fn intake_refused(sess: &StaffSession) -> AppError {
    AppError::Forbidden(format!(
        "role {} does not take dossiers in",
        sess.actor().role.as_str()
    ))
}

async fn own_province(s: &AppState, sess: &StaffSession) -> Result<ProvinceCode, AppError> {
    Ok(s.app.agency(&sess.actor().agency).await?.province_code)
}

/// The province whose registry the page showed (a system administrator may manage any), else
/// the caller's own; the application checks the caller may manage it.
async fn posted_province(
    s: &AppState,
    sess: &StaffSession,
    f: &std::collections::HashMap<String, String>,
) -> Result<ProvinceCode, AppError> {
    match f.get("province").and_then(|p| ProvinceCode::parse(p).ok()) {
        Some(p) => Ok(p),
        None => own_province(s, sess).await,
    }
}

/// `POST /admin/authority/rules`: add a rule to the administrator's province from the form.
pub async fn add_rule(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if !sess.csrf_ok(&f) {
        return forged(sess.chrome(tr, &uri, String::new()));
    }
    let province = match posted_province(&s, &sess, &f).await {
        Ok(p) => p,
        Err(e) => return error_page(tr, &uri, &sess, e),
    };
    let typed = RuleForm::from_post(&f);
    let communes: Vec<_> = s
        .app
        .units()
        .communes_of(&province)
        .into_iter()
        .cloned()
        .collect();
    match typed.to_rule(&province, &communes) {
        Ok(rule) => {
            let result = s
                .app
                .add_authority_rule(sess.actor(), rule)
                .await
                .map(|_| "added");
            rule_change_answer(&s, tr, &uri, &sess, province, result, Some(typed)).await
        }
        Err(problems) => {
            if !sess.actor().role.may_administer() {
                return error_page(
                    tr,
                    &uri,
                    &sess,
                    AppError::Forbidden("only an administrator maintains the registry".into()),
                );
            }
            let n = Notices {
                form: Some(typed),
                problems,
                ..Notices::default()
            };
            authority_page_with(&s, tr, &uri, &sess, province, None, n).await
        }
    }
}

/// `POST /admin/authority/rules/{id}/end`: end a rule of the administrator's province.
pub async fn end_rule(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if !sess.csrf_ok(&f) {
        return forged(sess.chrome(tr, &uri, String::new()));
    }
    let province = match posted_province(&s, &sess, &f).await {
        Ok(p) => p,
        Err(e) => return error_page(tr, &uri, &sess, e),
    };
    let result = match f
        .get("valid_to")
        .map(String::as_str)
        .and_then(parse_iso_date)
    {
        Some(d) => {
            s.app
                .end_authority_rule(sess.actor(), &province, &id, d)
                .await
        }
        None => Err(AppError::invalid("valid_to", "YYYY-MM-DD")),
    };
    let result = result.map(|_| "ended");
    rule_change_answer(&s, tr, &uri, &sess, province, result, None).await
}

#[derive(Template)]
#[template(path = "linked_new.html")]
struct LinkedNewPage {
    c: Chrome,
    services: Vec<LinkedService>,
    values: BTreeMap<String, String>,
    error: Option<String>,
    /// Makes a double submission of this form file one application (its idempotency key).
    form_id: String,
    /// The chosen service's first step that has a declaration: its key and title, and its
    /// questions (typed here, they go to the step's dossier and on to the next steps).
    declare_step: String,
    declaration_title: String,
    widgets: Vec<super::declaration::Widget>,
}

/// Query of the linked-application page: the service chosen (to fill its declaration).
#[derive(Debug, serde::Deserialize)]
pub struct LinkedQuery {
    service: Option<String>,
}

/// The first step of `service` whose procedure has a declaration, with it.
async fn declared_step(
    s: &AppState,
    service: &LinkedService,
) -> Option<(String, motcua_domain::declaration::Declaration)> {
    for st in service.steps.iter().filter(|st| st.after.is_empty()) {
        let code = st.procedure_for(None)?;
        if let Ok(p) = s.app.procedure(code, None).await
            && let Some(d) = p.case(None).and_then(|c| c.declaration.clone())
        {
            return Some((st.key.clone(), d));
        }
    }
    None
}

impl LinkedNewPage {
    /// The names of the steps `st` waits for.
    fn after_names(&self, s: &LinkedService, st: &motcua_domain::linked::StepDef) -> String {
        st.after
            .iter()
            .filter_map(|k| s.step(k).map(|x| x.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn value(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
}

async fn linked_new_page(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    values: BTreeMap<String, String>,
    error: Option<String>,
    declaration_errors: &[motcua_domain::declaration::FieldError],
) -> Response {
    let services = match s.app.linked_services().await {
        Ok(x) => x,
        Err(e) => return error_page(tr, uri, sess, e),
    };
    let chosen = values
        .get("service")
        .and_then(|c| services.iter().find(|x| x.code.as_str() == c));
    let (mut declare_step, mut declaration_title, mut widgets) =
        (String::new(), String::new(), Vec::new());
    if let Some(service) = chosen
        && let Some((step, decl)) = declared_step(s, service).await
    {
        let typed: std::collections::HashMap<String, String> =
            values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let units = s.app.units();
        widgets = super::declaration::Builder {
            tr: &tr,
            declaration: &decl,
            values: &typed,
            errors: declaration_errors,
            units: &units,
            add: None,
        }
        .widgets(&decl.pages.iter().collect::<Vec<_>>(), true);
        declaration_title = decl.title.get(tr.lang.code()).to_owned();
        declare_step = step;
    }
    render(&LinkedNewPage {
        c: sess.chrome(tr, uri, tr.t("linked-new-title")),
        services,
        form_id: values
            .get("form_id")
            .filter(|f| f.len() == 36)
            .cloned()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        values,
        error,
        declare_step,
        declaration_title,
        widgets,
    })
}

/// `GET /counter/linked`: file a linked application.
pub async fn linked_form(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    axum::extract::Query(q): axum::extract::Query<LinkedQuery>,
) -> Response {
    if !sess.actor().role.takes_intake() {
        return error_page(tr, &uri, &sess, intake_refused(&sess));
    }
    let values: BTreeMap<String, String> = q
        .service
        .map(|c| ("service".to_owned(), c))
        .into_iter()
        .collect();
    linked_new_page(&s, tr, &uri, &sess, values, None, &[]).await
}

/// `POST /counter/linked`: file it (the counter's agency receives it) and show its progress.
pub async fn linked_submit(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if !sess.csrf_ok(&f) {
        return forged(sess.chrome(tr, &uri, String::new()));
    }
    if !sess.actor().role.takes_intake() {
        return error_page(tr, &uri, &sess, intake_refused(&sess));
    }
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut variants = BTreeMap::new();
    if get("meritorious") == "1" && get("service") == "1.006714" {
        variants.insert("funeral_allowance".to_owned(), "meritorious".to_owned());
    }
    // The first step's declaration, when the page showed it and anything of it was typed.
    let mut declarations = serde_json::Map::new();
    let step = get("declare_step");
    if !step.is_empty()
        && let Ok(services) = s.app.linked_services().await
        && let Some(service) = services.iter().find(|x| x.code.as_str() == get("service"))
        && let Some((key, decl)) = declared_step(&s, service).await
        && key == step
    {
        let answers = serde_json::Value::Object(motcua_domain::declaration::form::from_form(
            decl.fields().map(|(_, x)| x),
            &f,
        ));
        if !motcua_domain::declaration::check::is_empty(&answers) {
            declarations.insert(key, answers);
        }
    }
    let req = serde_json::json!({
        "service": get("service"),
        "applicant": {"name": get("name"), "id_number": get("id_number"), "phone": get("phone")},
        "summary": get("summary"),
        "variants": variants,
        "declarations": declarations,
    });
    let values: BTreeMap<String, String> = f
        .iter()
        .filter(|(k, _)| *k != "csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let parsed: Result<OpenLinked, _> = serde_json::from_value(req);
    let result = match parsed {
        Ok(req) => {
            let key = format!("page-{}", get("form_id"));
            let key = (get("form_id").len() == 36).then_some(key);
            s.app
                .open_linked(&Actor::Staff(sess.actor().clone()), req, key.as_deref())
                .await
        }
        Err(e) => Err(AppError::invalid("applicant", e.to_string())),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/linked/{}", v.code)).into_response(),
        Err(e @ (AppError::Unavailable(_) | AppError::Internal(_))) => {
            error_page(tr, &uri, &sess, e)
        }
        Err(AppError::Declaration(invalid)) => {
            let page = linked_new_page(
                &s,
                tr,
                &uri,
                &sess,
                values,
                Some(tr.t("err-declaration-invalid")),
                &invalid.errors,
            )
            .await;
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => {
            let page = linked_new_page(&s, tr, &uri, &sess, values, Some(e.to_string()), &[]).await;
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "linked.html")]
struct LinkedPage {
    c: Chrome,
    v: LinkedView,
    public: bool,
}

impl LinkedPage {
    fn overall_key(&self) -> &'static str {
        match self.v.overall {
            Overall::InProgress => "linked-overall-in-progress",
            Overall::Finished => "linked-overall-finished",
            Overall::NeedsAttention => "linked-overall-attention",
        }
    }

    fn state_key(&self, s: &StepState) -> &'static str {
        match s {
            StepState::Waiting { .. } => "linked-state-waiting",
            StepState::Ready => "linked-state-ready",
            StepState::InProgress => "linked-state-in-progress",
            StepState::Done => "linked-state-done",
            StepState::NotDone => "linked-state-not-done",
            StepState::Blocked { .. } => "linked-state-blocked",
        }
    }

    fn when(&self, t: &str) -> String {
        super::public::parse_rfc3339(t)
            .map(super::fmt_datetime)
            .unwrap_or_else(|| t.to_owned())
    }

    fn status_key(&self, s: &Status) -> String {
        format!("status-{}", s.as_str())
    }
}

/// `GET /linked/{code}`: a linked application's steps and combined progress.
pub async fn linked_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Path(code): Path<String>,
) -> Response {
    let Ok(code) = DossierCode::parse(&code) else {
        return error_page(
            tr,
            &uri,
            &sess,
            AppError::not_found("dossier.not_found", "no such linked application"),
        );
    };
    match s
        .app
        .linked_view(&Actor::Staff(sess.actor().clone()), &code)
        .await
    {
        Ok(v) => render(&LinkedPage {
            c: sess.chrome(tr, &uri, format!("{} {}", tr.t("linked-title"), v.code)),
            v,
            public: false,
        }),
        Err(AppError::NotFound { .. }) => error_page(
            tr,
            &uri,
            &sess,
            AppError::not_found("dossier.not_found", "no such linked application"),
        ),
        Err(e) => error_page(tr, &uri, &sess, e),
    }
}

/// The public tracking page's view of a linked application (no personal data).
pub fn public_linked(tr: Tr, uri: &Uri, v: LinkedView) -> String {
    let page = LinkedPage {
        c: Chrome::new(tr, uri, tr.t("linked-title")),
        v,
        public: true,
    };
    page.render().unwrap_or_default()
}
