//! Units, agencies, catalogue, calendar and the API's own description, through the router.

use crate::common::{TestApp, error_code};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::json;
use time::macros::datetime;

async fn app() -> TestApp {
    TestApp::new(datetime!(2025-03-03 08:00 +7)).await
}

#[tokio::test]
async fn units_are_listed_and_old_addresses_resolved() {
    let t = app().await;
    let (s, v) = t.get("/api/v1/units/provinces", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 2);
    let (_, v) = t.get("/api/v1/units/provinces/68/communes", None).await;
    assert_eq!(v.as_array().unwrap().len(), 124);
    for bad in ["99", "6", "abc", "68%27"] {
        let (s, v) = t
            .get(&format!("/api/v1/units/provinces/{bad}/communes"), None)
            .await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::NOT_FOUND, "unit.not_found"),
            "{bad}"
        );
    }
    let (s, v) = t.get("/api/v1/units/resolve?address=Xa%20Phu%20Hoi%2C%20Huyen%20Duc%20Trong%2C%20Tinh%20Lam%20Dong", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["candidates"][0]["commune_code"], "24958");
    assert_eq!(v["candidates"][0]["old"]["commune_code"], "24982");
    let (_, v) = t
        .get("/api/v1/units/resolve?old_commune_code=24982", None)
        .await;
    assert_eq!(v["candidates"][0]["commune_name"], "Xã Đức Trọng");
    for q in [
        "",
        "?address=",
        "?old_commune_code=12",
        "?old_commune_code=abcde",
    ] {
        let (s, v) = t.get(&format!("/api/v1/units/resolve{q}"), None).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::BAD_REQUEST, "request.invalid_query"),
            "{q}"
        );
    }
}

#[tokio::test]
async fn agencies_of_a_commune_and_a_province() {
    let t = app().await;
    let (s, v) = t.get("/api/v1/agencies?unit=24958", None).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["24958.CA", "24958.TTPVHCC", "24958.UBND"]);
    let (_, v) = t.get("/api/v1/agencies?unit=68", None).await;
    let stp = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "68.STP")
        .unwrap();
    assert_eq!(stp["kind"], "department_of_justice");
    assert_eq!(stp["name"], "Sở Tư pháp Lâm Đồng");
    let (s, v) = t.get("/api/v1/agencies?unit=00000", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "unit.not_found")
    );
    let (s, v) = t.get("/api/v1/agencies", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
}

#[tokio::test]
async fn procedure_search_ignores_diacritics_and_case() {
    let t = app().await;
    for q in [
        "dang%20ky%20ket%20hon",
        "%C4%90%C4%82NG%20K%C3%9D%20K%E1%BA%BET%20H%C3%94N",
        "%C4%91%C4%83ng%20k%C3%BD%20k%E1%BA%BFt%20h%C3%B4n",
    ] {
        let (s, v) = t.get(&format!("/api/v1/procedures?q={q}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v[0]["code"], "1.000894", "{q}: {v}");
    }
    let (_, v) = t.get("/api/v1/procedures", None).await;
    assert_eq!(v.as_array().unwrap().len(), 28);
    let (_, v) = t.get("/api/v1/procedures?q=khai%20sinh", None).await;
    assert_eq!(v[0]["code"], "1.001193");
    let (s, v) = t.get("/api/v1/procedures/1.001193", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["channels"][0]["processing_time"],
        json!({"value": 0, "unit": "same-day"})
    );
    let (s, v) = t.get("/api/v1/procedures/9.999999", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "catalogue.unknown_procedure")
    );
}

#[tokio::test]
async fn the_due_date_endpoint_explains_itself() {
    let t = app().await;
    let (s, v) = t.get("/api/v1/calendar/due?from=2025-01-24T16:00:00%2B07:00&value=3&unit=working-days&agency=24958.TTPVHCC", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["due"], "2025-02-05T16:00:00+07:00");
    assert_eq!(v["explanation"]["rule"], "working-time");
    assert!(
        v["explanation"]["summary"]
            .as_str()
            .unwrap()
            .contains("05/02/2025")
    );
    let bad = [
        "from=yesterday&value=3&unit=working-days&agency=24958.TTPVHCC",
        "from=2025-01-24T16:00:00%2B07:00&value=3&unit=fortnights&agency=24958.TTPVHCC",
        "from=2025-01-24T16:00:00%2B07:00&value=-1&unit=days&agency=24958.TTPVHCC",
        "from=2025-01-24T16:00:00%2B07:00&value=3&unit=days",
    ];
    for q in bad {
        let (s, v) = t.get(&format!("/api/v1/calendar/due?{q}"), None).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::BAD_REQUEST, "request.invalid_query"),
            "{q}"
        );
    }
    let (s, v) = t
        .get(
            "/api/v1/calendar/due?from=2025-01-24T16:00:00%2B07:00&value=3&unit=days&agency=99.X",
            None,
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "agency.not_found")
    );
}

#[tokio::test]
async fn an_administrator_enters_a_years_holiday_notice() {
    let t = app().await;
    let (s, v) = t.get("/api/v1/calendar/holidays/68/2026", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["source"], "default");
    let admin = t.token("68.UBND", Role::Admin).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let notice = json!({"year": 2026, "source": "official", "days": [
        {"date": "2026-01-01", "kind": "off", "name": "Tết Dương lịch"},
        {"date": "2026-02-16", "kind": "off", "name": "Tết Nguyên Đán"},
        {"date": "2026-03-04", "kind": "off", "name": "Nghỉ theo thông báo (ví dụ)"}
    ]});
    let put = |tok: String, body: serde_json::Value| {
        let t = &t;
        async move {
            let req = axum::http::Request::put("/api/v1/calendar/holidays/68/2026")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {tok}"))
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            t.send(req).await
        }
    };
    let (s, v) = put(counter, notice.clone()).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    let mut wrong = notice.clone();
    wrong["days"][0]["date"] = json!("2025-12-31");
    let (s, v) = put(admin.clone(), wrong).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field")
    );
    let (s, v) = put(admin, notice).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"], "official");
    // The new day off now counts: 1 working day from Tue 3 March 16:00 skips Wed 4 March.
    let (_, v) = t.get("/api/v1/calendar/due?from=2026-03-03T16:00:00%2B07:00&value=1&unit=working-days&agency=24958.TTPVHCC", None).await;
    assert_eq!(v["due"], "2026-03-05T16:00:00+07:00");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let t = app().await;
    let (s, v) = t.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: Vec<&str> = v["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for want in [
        "/healthz",
        "/api/v1/units/provinces",
        "/api/v1/units/provinces/{code}/communes",
        "/api/v1/units/resolve",
        "/api/v1/agencies",
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/dossiers",
        "/api/v1/dossiers/{code}",
        "/api/v1/dossiers/{code}/actions",
        "/api/v1/dossiers/{code}/events",
        "/api/v1/track/{code}",
        "/api/v1/calendar/due",
        "/api/v1/calendar/holidays/{province}/{year}",
        "/api/v1/calendar/office-hours/{unit}",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    let (s, v) = t.get("/api/docs/", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v.as_str().unwrap().contains("swagger"),
        "Swagger UI is served"
    );
    let (s, v) = t.get("/healthz", None).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, v) = t.get("/api/v1/nothing-here", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "route.not_found")
    );
    let (s, v) = t.post("/api/v1/units/provinces", None, &json!({})).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::METHOD_NOT_ALLOWED, "route.method_not_allowed")
    );
}

#[test]
fn every_error_code_is_documented_in_api_md() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/API.md"))
        .expect("docs/API.md");
    for (code, status, _) in motcua_web::error::ERROR_CODES {
        let row = format!("`{code}` | {status}");
        assert!(doc.contains(&row), "docs/API.md lacks the row {row}");
    }
}

/// Every error code any error can carry is in the table (issue #30): codes are `&'static str`
/// literals of the form `namespace.name`, so every such literal in the workspace's sources whose
/// namespace is one of the table's must be a row of it — a code missing from the table would
/// silently answer 500.
#[test]
fn every_error_code_in_the_sources_is_in_the_table() {
    let table: std::collections::BTreeSet<&str> = motcua_web::error::ERROR_CODES
        .iter()
        .map(|(c, _, _)| *c)
        .collect();
    let namespaces: std::collections::BTreeSet<&str> = table
        .iter()
        .filter_map(|c| c.split_once('.'))
        .map(|(n, _)| n)
        .collect();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && p.components().any(|c| c.as_os_str() == "src")
            {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 50, "the sources were found ({})", files.len());
    let mut missing = Vec::new();
    let mut seen = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let Some((ns, name)) = lit.split_once('.') else {
                continue;
            };
            let word =
                |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            // A file name (a template, a data file) is not a code.
            let file = [
                "html", "json", "csv", "toml", "pdf", "png", "txt", "md", "typ",
            ]
            .contains(&name);
            if !namespaces.contains(ns) || !word(ns) || !word(name) || file {
                continue;
            }
            seen += 1;
            if !table.contains(lit) {
                missing.push(format!("{}: {lit}", f.display()));
            }
        }
    }
    assert!(seen > 100, "the scan found the codes ({seen})");
    assert!(
        missing.is_empty(),
        "codes missing from ERROR_CODES: {missing:#?}"
    );
}

#[tokio::test]
async fn a_communes_own_office_hours_change_its_due_dates() {
    let t = app().await;
    let (s, v) = t.get("/api/v1/calendar/office-hours/24958", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["own"], false);
    assert_eq!(
        v["hours"]["periods"][0],
        json!({"open": "07:30", "close": "11:30"})
    );
    let admin = t.token("68.UBND", Role::Admin).await;
    let put = |body: serde_json::Value, tok: String| {
        let t = &t;
        async move {
            let req = axum::http::Request::put("/api/v1/calendar/office-hours/24958")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {tok}"))
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            t.send(req).await
        }
    };
    let (s, v) = put(
        json!({"periods": [{"open": "13:00", "close": "11:00"}]}),
        admin.clone(),
    )
    .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field")
    );
    let (s, v) = put(json!({"periods": [{"open": "07:00", "close": "11:00"}, {"open": "13:30", "close": "17:30"}]}), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["own"], true);
    // 2 working hours from 10:00 at Đức Trọng: 10:00-11:00, then 13:30-14:30.
    let (_, v) = t.get("/api/v1/calendar/due?from=2025-03-03T10:00:00%2B07:00&value=2&unit=working-hours&agency=24958.TTPVHCC", None).await;
    assert_eq!(v["due"], "2025-03-03T14:30:00+07:00");
    // Another commune keeps the default.
    let (_, v) = t.get("/api/v1/calendar/due?from=2025-03-03T10:00:00%2B07:00&value=2&unit=working-hours&agency=24781.TTPVHCC", None).await;
    assert_eq!(v["due"], "2025-03-03T13:30:00+07:00");
}

#[tokio::test]
async fn a_path_segment_that_does_not_parse_gets_the_envelope() {
    // Found by schemathesis: axum's own rejection was plain text.
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    for uri in [
        "/api/v1/calendar/holidays/68/2147483648",
        "/api/v1/calendar/holidays/68/nam-nay",
        "/api/v1/procedures/%FF%FE",
    ] {
        let (s, v) = t.get(uri, None).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::BAD_REQUEST, "request.invalid_path"),
            "{uri}: {v}"
        );
    }
}
