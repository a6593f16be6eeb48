//! The authorisation matrix of the pages: every page that shows something not public × the
//! callers of a browser — anonymous; a counter officer of the dossier's commune and of another;
//! the competent agency's leader; the province's administrator; a system administrator; the
//! citizen who filed the dossier and another citizen. Allowed is 200; denied is a redirect to a
//! login, 403 or 404. (The API's matrix is `matrix.rs`.)

use crate::common::TestApp;
use axum::http::StatusCode;
use motcua_domain::access::Role;
use time::macros::datetime;

const WHO: [&str; 8] = [
    "anon",
    "counter",
    "counter_other",
    "leader",
    "province_admin",
    "admin",
    "citizen",
    "citizen_other",
];
const INTAKE: &[&str] = &["counter", "counter_other", "leader", "admin"];
const STAFF: &[&str] = &[
    "counter",
    "counter_other",
    "leader",
    "province_admin",
    "admin",
];

/// A browser session of each caller of [`WHO`] but the anonymous one.
async fn callers(t: &TestApp) -> std::collections::BTreeMap<&'static str, String> {
    let mut cookies = std::collections::BTreeMap::new();
    for (name, agency, role) in [
        ("counter", "24958.TTPVHCC", Role::CounterOfficer),
        ("counter_other", "24781.TTPVHCC", Role::CounterOfficer),
        ("leader", "24958.UBND", Role::Leader),
        ("province_admin", "68.UBND", Role::ProvinceAdmin),
        ("admin", "68.UBND", Role::Admin),
    ] {
        cookies.insert(name, t.session(agency, role).await);
    }
    for (name, id) in [
        ("citizen", "068195001234"),
        ("citizen_other", "079200001234"),
    ] {
        let secret = t
            .app
            .citizen_login(id, id.parse().unwrap(), "Công dân", &Default::default())
            .await
            .unwrap();
        cookies.insert(name, format!("motcua_citizen={secret}"));
    }
    cookies
}

#[tokio::test]
async fn every_page_by_every_caller_allows_exactly_its_table() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let cookies = callers(&t).await;
    let dossier = format!("/inbox/{code}");
    let receipt = format!("/inbox/{code}/receipt");
    let mine = format!("/citizen/dossiers/{code}");
    let table: Vec<(&str, &[&str])> = vec![
        // The counter only for the roles that take dossiers in (a province administrator
        // decides nothing and receives nothing).
        ("/counter", INTAKE),
        ("/inbox", STAFF),
        ("/counter/linked", INTAKE),
        (&dossier, &["counter", "leader", "province_admin", "admin"]),
        (&receipt, &["counter", "leader", "province_admin", "admin"]),
        ("/dashboard", &["leader", "province_admin", "admin"]),
        (
            "/reports?unit=24958&year=2025",
            &["leader", "province_admin", "admin"],
        ),
        (
            "/reports/integrity?unit=24958&year=2025",
            &["leader", "province_admin", "admin"],
        ),
        (
            "/reports/staffing?unit=24958",
            &["leader", "province_admin", "admin"],
        ),
        ("/admin", &["province_admin", "admin"]),
        (
            "/admin/holidays?province=68&year=2025",
            &["province_admin", "admin"],
        ),
        ("/admin/procedures/1.004873", &["admin"]),
        ("/admin/procedures/new", &["admin"]),
        ("/admin/exchange", &["admin"]),
        ("/admin/authority?province=68", STAFF),
        ("/staff/password", STAFF),
        (&mine, &["citizen"]),
    ];
    let mut wrong = Vec::new();
    for (path, allowed) in &table {
        for who in WHO {
            let r = t
                .page("GET", path, cookies.get(who).map(String::as_str), None)
                .await;
            let ok = r.status == StatusCode::OK;
            let denied = matches!(r.status.as_u16(), 303 | 403 | 404);
            let expect = allowed.contains(&who);
            if (expect && !ok) || (!expect && !denied) {
                wrong.push(format!(
                    "{path} as {who}: {} (expected {})",
                    r.status,
                    if expect { "200" } else { "denied" }
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

/// A form post: its path, its body, and who gets which status (everyone else is denied).
type Post<'a> = (&'a str, &'a str, &'a [(&'a str, u16)]);

/// The forms of issue #32 posted by every caller, each with an anti-forgery token of their own
/// session: the catalogue editor (a system administrator only), a new authority rule (the
/// province's administrators; an empty form is refused field by field), and the bulk receipts
/// (staff who see the dossier get its PDF; another commune's counter is refused by name).
#[tokio::test]
async fn the_issue_32_forms_by_every_caller() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let cookies = callers(&t).await;
    let receipts = format!("pick={code}%401");
    let table: [Post; 4] = [
        ("/admin/procedures/new", "more=cases", &[("admin", 200)]),
        (
            "/admin/procedures/1.004873",
            "more=cases",
            &[("admin", 200)],
        ),
        (
            "/admin/authority/rules",
            "id=",
            &[("province_admin", 422), ("admin", 422)],
        ),
        (
            "/inbox/receipts",
            &receipts,
            &[
                ("counter", 200),
                ("counter_other", 422),
                ("leader", 200),
                ("province_admin", 200),
                ("admin", 200),
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (path, body, allowed) in &table {
        for who in [
            "anon",
            "counter",
            "counter_other",
            "leader",
            "province_admin",
            "admin",
            "citizen",
        ] {
            let cookie = cookies.get(who).map(String::as_str);
            let token = match cookie {
                Some(c) if !who.starts_with("citizen") => {
                    let page = t.page("GET", "/staff/password", Some(c), None).await;
                    crate::common::csrf(&page.body)
                }
                _ => "none".into(),
            };
            let r = t
                .page("POST", path, cookie, Some(&format!("csrf={token}&{body}")))
                .await;
            let want = allowed.iter().find(|(w, _)| *w == who).map(|(_, s)| *s);
            let ok = match want {
                Some(s) => r.status.as_u16() == s,
                None => matches!(r.status.as_u16(), 303 | 403),
            };
            if !ok {
                wrong.push(format!(
                    "POST {path} as {who}: {} (expected {want:?})",
                    r.status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Nothing was saved by any of them.
    let (_, p) = t.get("/api/v1/procedures/1.004873", None).await;
    assert_eq!(p["version"], 1);
}

/// The pages of a dossier out for a consultation (issue #29): the consulted agency (the commune
/// police) opens only the consultation page — not the receipt — and an agency of another
/// province nothing.
#[tokio::test]
async fn the_pages_of_a_dossier_out_for_a_consultation() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (s, v) = t
        .act(
            &counter,
            &code,
            serde_json::json!({"action": "transfer", "to_agency": "24958.CA",
                               "consultation": true, "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut cookies = std::collections::BTreeMap::new();
    for (name, agency, role) in [
        ("counter", "24958.TTPVHCC", Role::CounterOfficer),
        ("leader", "24958.UBND", Role::Leader),
        ("consulted", "24958.CA", Role::Leader),
        ("consulted_specialist", "24958.CA", Role::Specialist),
        ("other_province", "25747.UBND", Role::Leader),
    ] {
        cookies.insert(name, t.session(agency, role).await);
    }
    let dossier = format!("/inbox/{code}");
    let receipt = format!("/inbox/{code}/receipt");
    let table: Vec<(&str, &[&str])> = vec![
        (
            &dossier,
            &["counter", "leader", "consulted", "consulted_specialist"],
        ),
        (&receipt, &["counter", "leader"]),
    ];
    let mut wrong = Vec::new();
    for (path, allowed) in &table {
        for (who, cookie) in &cookies {
            let r = t.page("GET", path, Some(cookie), None).await;
            let ok = r.status == StatusCode::OK;
            let denied = matches!(r.status.as_u16(), 303 | 403 | 404);
            let expect = allowed.contains(who);
            if (expect && !ok) || (!expect && !denied) {
                wrong.push(format!("{path} as {who}: {}", r.status));
            }
            // The consulted agency's page is the consultation's: no phone, no full number.
            if ok && who.starts_with("consulted") {
                assert!(!r.body.contains("0912345678") && !r.body.contains("068195001234"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
