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
const STAFF: &[&str] = &[
    "counter",
    "counter_other",
    "leader",
    "province_admin",
    "admin",
];

#[tokio::test]
async fn every_page_by_every_caller_allows_exactly_its_table() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
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
    let dossier = format!("/inbox/{code}");
    let receipt = format!("/inbox/{code}/receipt");
    let mine = format!("/citizen/dossiers/{code}");
    let table: Vec<(&str, &[&str])> = vec![
        ("/counter", STAFF),
        ("/inbox", STAFF),
        ("/counter/linked", STAFF),
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
