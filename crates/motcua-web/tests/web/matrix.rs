//! The authorisation matrix: every API endpoint × every kind of caller — anonymous; a counter
//! officer, specialist, agency leader and unit leader of the dossier's commune; a counter officer
//! and a unit leader of another commune; a province administrator of the dossier's province and
//! of another; a system administrator. Each cell says allowed or denied; a denied call answers
//! 401, 403 or 404 (a dossier outside one's jurisdiction is "not found") and changes nothing, an
//! allowed one anything else. Every path of the OpenAPI document must have a row here, so a new
//! endpoint cannot be added without deciding who may call it.

use crate::common::{TestApp, intake_body};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use time::macros::datetime;
use tower::ServiceExt;

/// The callers, by name.
const WHO: [(&str, Option<(&str, Role)>); 10] = [
    ("anon", None),
    ("counter", Some(("24958.TTPVHCC", Role::CounterOfficer))),
    (
        "counter_other",
        Some(("24781.TTPVHCC", Role::CounterOfficer)),
    ),
    ("specialist", Some(("24958.UBND", Role::Specialist))),
    ("leader", Some(("24958.UBND", Role::Leader))),
    ("unit_leader", Some(("24958.UBND", Role::UnitLeader))),
    ("unit_leader_other", Some(("24781.UBND", Role::UnitLeader))),
    ("province_admin", Some(("68.UBND", Role::ProvinceAdmin))),
    (
        "province_admin_other",
        Some(("79.UBND", Role::ProvinceAdmin)),
    ),
    ("admin", Some(("68.UBND", Role::Admin))),
];

const EVERYONE: &[&str] = &[
    "anon",
    "counter",
    "counter_other",
    "specialist",
    "leader",
    "unit_leader",
    "unit_leader_other",
    "province_admin",
    "province_admin_other",
    "admin",
];
const ALL_STAFF: &[&str] = &[
    "counter",
    "counter_other",
    "specialist",
    "leader",
    "unit_leader",
    "unit_leader_other",
    "province_admin",
    "province_admin_other",
    "admin",
];
/// Those whose jurisdiction takes in the dossier (received at 24958.TTPVHCC, competent
/// 24958.UBND, Lâm Đồng).
const SEE_DOSSIER: &[&str] = &[
    "counter",
    "specialist",
    "leader",
    "unit_leader",
    "province_admin",
    "admin",
];

struct Row {
    method: Method,
    /// Path with `{dossier}`, `{document}` and `{linked}` filled in from the fixture.
    path: &'static str,
    /// The OpenAPI path it stands for.
    api: &'static str,
    body: Option<Value>,
    allowed: &'static [&'static str],
}

fn row(
    method: Method,
    path: &'static str,
    api: &'static str,
    body: Option<Value>,
    allowed: &'static [&'static str],
) -> Row {
    Row {
        method,
        path,
        api,
        body,
        allowed,
    }
}

fn table() -> Vec<Row> {
    use Method as M;
    let rule = json!({
        "id": "68-M-1", "province_code": "68", "subject": {"procedure": "1.004873"}, "units": [],
        "valid_from": "2025-07-01", "legal_basis": "Quyết định 68-M-1", "issued_by": "UBND tỉnh Lâm Đồng",
        "kind": "assignment", "to": {"kind": "commune_peoples_committee"}
    });
    vec![
        row(M::GET, "/healthz", "/healthz", None, EVERYONE),
        row(
            M::GET,
            "/api/v1/units/provinces",
            "/api/v1/units/provinces",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/units/provinces/68/communes",
            "/api/v1/units/provinces/{code}/communes",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/units/resolve?old_commune_code=24958",
            "/api/v1/units/resolve",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/agencies?unit=24958",
            "/api/v1/agencies",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/procedures?q=khai+sinh",
            "/api/v1/procedures",
            None,
            EVERYONE,
        ),
        // The national catalogue: the system administrator only.
        row(
            M::POST,
            "/api/v1/procedures",
            "/api/v1/procedures",
            Some(json!([])),
            &["admin"],
        ),
        row(
            M::GET,
            "/api/v1/procedures/1.004873",
            "/api/v1/procedures/{code}",
            None,
            EVERYONE,
        ),
        // The assistant answers anyone.
        row(
            M::POST,
            "/api/v1/assistant",
            "/api/v1/assistant",
            Some(json!({"question": "đăng ký kết hôn", "commune": "24958"})),
            EVERYONE,
        ),
        // Online submission is public; counter intake only at one's own counter.
        row(
            M::POST,
            "/api/v1/dossiers",
            "/api/v1/dossiers",
            Some(intake_body("1.004873", "24958.TTPVHCC")),
            &["anon", "counter"],
        ),
        // The inbox: every staff member (their own jurisdiction's dossiers).
        row(
            M::GET,
            "/api/v1/dossiers",
            "/api/v1/dossiers",
            None,
            ALL_STAFF,
        ),
        row(
            M::GET,
            "/api/v1/dossiers/{dossier}",
            "/api/v1/dossiers/{code}",
            None,
            SEE_DOSSIER,
        ),
        row(
            M::GET,
            "/api/v1/dossiers/{dossier}/events",
            "/api/v1/dossiers/{code}/events",
            None,
            SEE_DOSSIER,
        ),
        // The fixture's dossier is not out for a consultation: nobody reads one (the consulted
        // agency's rows are in consultation.rs).
        row(
            M::GET,
            "/api/v1/dossiers/{dossier}/consultation",
            "/api/v1/dossiers/{code}/consultation",
            None,
            &[],
        ),
        // An action (with a stale version, so an allowed caller gets a conflict and nothing
        // changes): whoever's role may transfer and whose jurisdiction holds the dossier.
        row(
            M::POST,
            "/api/v1/dossiers/{dossier}/actions",
            "/api/v1/dossiers/{code}/actions",
            Some(json!({"action": "transfer", "version": 999, "to_agency": "24958.UBND"})),
            &["counter", "specialist", "leader", "unit_leader", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/track/{dossier}?phone=0912345678",
            "/api/v1/track/{code}",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/dossiers/{dossier}/documents",
            "/api/v1/dossiers/{code}/documents",
            None,
            SEE_DOSSIER,
        ),
        row(
            M::GET,
            "/api/v1/dossiers/{dossier}/documents/{document}",
            "/api/v1/dossiers/{code}/documents/{id}",
            None,
            SEE_DOSSIER,
        ),
        // Digitising a component: the receiving counter's role, in its jurisdiction.
        row(
            M::POST,
            "/api/v1/dossiers/{dossier}/components/TK/scan",
            "/api/v1/dossiers/{code}/components/{component}/scan",
            Some(json!("not a file")),
            &["counter", "unit_leader", "admin"],
        ),
        row(
            M::POST,
            "/api/v1/dossiers/{dossier}/result",
            "/api/v1/dossiers/{code}/result",
            Some(json!("not a file")),
            // The specialist drafts (below); the result is recorded by whoever decides.
            &["leader", "unit_leader", "admin"],
        ),
        row(
            M::POST,
            "/api/v1/dossiers/{dossier}/draft-result",
            "/api/v1/dossiers/{code}/draft-result",
            Some(json!("not a file")),
            &["specialist", "leader", "unit_leader", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/agencies/24958.TTPVHCC/register?from=2025-03-01&to=2025-03-31",
            "/api/v1/agencies/{code}/register",
            None,
            &["counter", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::POST,
            "/api/v1/verify",
            "/api/v1/verify",
            Some(json!("not a pdf")),
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/documents/{document}",
            "/api/v1/documents/{id}",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/reports/index?unit=68&year=2025",
            "/api/v1/reports/index",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/reports/index/export?unit=68&year=2025&format=csv&table=metrics",
            "/api/v1/reports/index/export",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/reports/index/dossiers?unit=24958&year=2025&metric=ON_TIME",
            "/api/v1/reports/index/dossiers",
            None,
            &["leader", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/reports/kpis?unit=24958&year=2025",
            "/api/v1/reports/kpis",
            None,
            &["leader", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/reports/kpis/export?unit=24958&year=2025&format=xlsx",
            "/api/v1/reports/kpis/export",
            None,
            &["leader", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/reports/integrity?unit=24958&year=2025",
            "/api/v1/reports/integrity",
            None,
            &["leader", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/reports/staffing?unit=24958",
            "/api/v1/reports/staffing",
            None,
            &["leader", "unit_leader", "province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/notices",
            "/api/v1/notices",
            None,
            ALL_STAFF,
        ),
        row(
            M::GET,
            "/api/v1/authority/check?province=68",
            "/api/v1/authority/check",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/authority/competence?procedure=1.004873&unit=24958",
            "/api/v1/authority/competence",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/authority/rules?province=68",
            "/api/v1/authority/rules",
            None,
            EVERYONE,
        ),
        row(
            M::POST,
            "/api/v1/authority/rules",
            "/api/v1/authority/rules",
            Some(rule),
            &["province_admin", "admin"],
        ),
        row(
            M::POST,
            "/api/v1/authority/rules/68/{rule}/end",
            "/api/v1/authority/rules/{province}/{id}/end",
            Some(json!({"valid_to": "2025-12-31"})),
            &["province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/linked/services",
            "/api/v1/linked/services",
            None,
            EVERYONE,
        ),
        // Filing a linked application: counter officers, each at their own counter.
        row(
            M::POST,
            "/api/v1/linked",
            "/api/v1/linked",
            Some(json!({"service": "{service}"})),
            &["counter", "counter_other"],
        ),
        row(
            M::GET,
            "/api/v1/linked/{linked}",
            "/api/v1/linked/{code}",
            None,
            SEE_DOSSIER,
        ),
        row(
            M::GET,
            "/api/v1/linked/{linked}/track?phone=0912345678",
            "/api/v1/linked/{code}/track",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/calendar/due?agency=24958.TTPVHCC&from=2025-03-03T08:00:00%2B07:00&amount=3&unit=working_days",
            "/api/v1/calendar/due",
            None,
            EVERYONE,
        ),
        row(
            M::GET,
            "/api/v1/calendar/holidays/68/2025",
            "/api/v1/calendar/holidays/{province}/{year}",
            None,
            EVERYONE,
        ),
        row(
            M::PUT,
            "/api/v1/calendar/holidays/68/2025",
            "/api/v1/calendar/holidays/{province}/{year}",
            Some(json!({"year": 2025, "source": "official", "days": [
                {"date": "2025-01-01", "kind": "off", "name": "Tết Dương lịch"}]})),
            &["province_admin", "admin"],
        ),
        row(
            M::GET,
            "/api/v1/calendar/office-hours/24958",
            "/api/v1/calendar/office-hours/{unit}",
            None,
            EVERYONE,
        ),
        row(
            M::PUT,
            "/api/v1/calendar/office-hours/24958",
            "/api/v1/calendar/office-hours/{unit}",
            Some(
                json!({"periods": [{"open": "07:30", "close": "11:30"}, {"open": "13:00", "close": "17:00"}]}),
            ),
            &["province_admin", "admin"],
        ),
    ]
}

async fn call(
    t: &TestApp,
    method: &Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, String) {
    let mut b = Request::builder().method(method.clone()).uri(uri);
    if let Some(tk) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tk}"));
    }
    let body = match body {
        Some(Value::String(raw)) => {
            b = b.header(header::CONTENT_TYPE, "application/octet-stream");
            Body::from(raw.clone())
        }
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let r = t
        .router
        .clone()
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap();
    let s = r.status();
    let text =
        String::from_utf8_lossy(&r.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (s, text)
}

#[tokio::test]
async fn every_endpoint_by_every_caller_allows_exactly_its_table() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut tokens = BTreeMap::new();
    for (name, who) in WHO {
        if let Some((agency, role)) = who {
            tokens.insert(name, t.token(agency, role).await);
        }
    }
    // The fixture: a dossier received at the commune's counter, its receipt, a linked
    // application.
    let d = t
        .intake(&tokens["counter"], "1.004873", "24958.TTPVHCC")
        .await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (_, docs) = t
        .get(
            &format!("/api/v1/dossiers/{code}/documents"),
            Some(&tokens["counter"]),
        )
        .await;
    let document = docs[0]["id"].as_str().expect("the receipt").to_owned();
    let (_, services) = t.get("/api/v1/linked/services", None).await;
    let service = services[0]["code"].as_str().unwrap().to_owned();
    let linked_body = json!({"service": service, "receiving_agency": "24958.TTPVHCC",
        "applicant": {"name": "Nguyễn Thị Lan", "id_number": "068195001234", "phone": "0912345678"},
        "summary": "Khai sinh"});
    let (s, linked) = t
        .post("/api/v1/linked", Some(&tokens["counter"]), &linked_body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{linked}");
    let linked = linked["code"].as_str().unwrap().to_owned();
    // A registry rule to end.
    let rule = "68-M-0";
    let mut r = table()
        .into_iter()
        .find(|r| r.api == "/api/v1/authority/rules" && r.method == Method::POST)
        .unwrap()
        .body
        .unwrap();
    r["id"] = json!(rule);
    let (s, v) = t
        .post("/api/v1/authority/rules", Some(&tokens["admin"]), &r)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let rows = table();
    // Every path and method of the OpenAPI document has a row.
    let doc: Value = serde_json::from_str(&motcua_web::openapi_json()).unwrap();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.as_str().to_ascii_lowercase(), r.api.to_owned()))
        .collect();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            assert!(
                covered.contains(&(method.clone(), path.clone())),
                "no matrix row for {method} {path}"
            );
        }
    }
    let mut wrong = Vec::new();
    for r in &rows {
        let path = r
            .path
            .replace("{dossier}", &code)
            .replace("{document}", &document)
            .replace("{linked}", &linked)
            .replace("{rule}", rule);
        for (name, _) in WHO {
            let mut body = r.body.clone();
            if let Some(b) = body.as_mut()
                && b["service"] == "{service}"
            {
                *b = linked_body.clone();
            }
            let (s, text) = call(
                &t,
                &r.method,
                &path,
                tokens.get(name).map(String::as_str),
                body.as_ref(),
            )
            .await;
            let denied = matches!(s.as_u16(), 401 | 403 | 404);
            let allowed = r.allowed.contains(&name);
            if s.is_server_error() || allowed == denied {
                wrong.push(format!(
                    "{} {path} as {name}: {s} (expected {}) {}",
                    r.method,
                    if allowed { "allowed" } else { "denied" },
                    text.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
