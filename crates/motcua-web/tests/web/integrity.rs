//! The integrity review through the router (issue #7): a broker found with its evidence, a family
//! not flagged, a forbidden demand flagged, the threshold honoured, permissions, exports.

use crate::common::{TestApp, error_code, intake_body};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::json;
use time::macros::datetime;

const CENTER: &str = "24958.TTPVHCC";

async fn file(t: &TestApp, counter: &str, name: &str, id: &str, phone: &str) -> String {
    let mut b = intake_body("1.004873", CENTER);
    b["applicant"]["name"] = json!(name);
    b["applicant"]["id_number"] = json!(id);
    b["applicant"]["phone"] = json!(phone);
    let (s, v) = t.post("/api/v1/dossiers", Some(counter), &b).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_broker_and_a_forbidden_demand_are_found_and_a_family_is_not() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let broker = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
    ];
    for (i, name) in broker.iter().enumerate() {
        t.clock
            .set(datetime!(2025-03-03 08:00 +7) + time::Duration::hours(i as i64));
        file(
            &t,
            &counter,
            name,
            &format!("06809500{:04}", 100 + i),
            "0966766766",
        )
        .await;
    }
    let family = [
        "Võ Thị Hoa",
        "Đỗ Văn Khang",
        "Đỗ Thị Lan",
        "Đỗ Văn Minh",
        "Đỗ Thị Ngọc",
    ];
    let mut last = String::new();
    for (i, name) in family.iter().enumerate() {
        last = file(
            &t,
            &counter,
            name,
            &format!("06809600{:04}", 200 + i),
            "0911222333",
        )
        .await;
    }
    // A supplement request for an in-person filing demanding proof of the old address.
    let (s, v) = t
        .act(&counter, &last, json!({"action": "request_supplement", "version": 1,
            "items": [{"component": "TK", "note": "Bổ sung giấy xác nhận địa chỉ cũ trùng địa chỉ mới"}]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let leader = t.token("24958.UBND", Role::Leader).await;
    let (s, r) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025&month=3",
            Some(&leader),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let brokers = r["brokers"].as_array().unwrap();
    assert_eq!(brokers.len(), 1, "{r}");
    assert_eq!(brokers[0]["contact"], "0966766766");
    assert_eq!(brokers[0]["applicants"], 5);
    assert_eq!(brokers[0]["dossiers"].as_array().unwrap().len(), 5);
    assert_eq!(brokers[0]["agencies"], json!([CENTER]));
    assert_eq!(r["scanned"], 10);
    let demands = r["demands"].as_array().unwrap();
    assert_eq!(demands.len(), 1, "{r}");
    assert_eq!(
        (
            demands[0]["code"].as_str(),
            demands[0]["demand"].as_str(),
            demands[0]["action"].as_str()
        ),
        (
            Some(last.as_str()),
            Some("address_proof"),
            Some("supplement_request")
        )
    );
    // A higher threshold lists no broker; a threshold out of range is refused.
    let (_, r) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025&threshold=6",
            Some(&leader),
        )
        .await;
    assert_eq!(r["brokers"], json!([]));
    let (s, v) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025&threshold=1",
            Some(&leader),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
    // Another commune's leader sees nothing of it; a counter officer may not read the review.
    let other = t.token("24781.UBND", Role::Leader).await;
    let (s, _) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025",
            Some(&other),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025",
            Some(&counter),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The evidence exports as CSV.
    let (s, v) = t
        .get(
            "/api/v1/reports/integrity?unit=24958&year=2025&format=csv&table=brokers",
            Some(&leader),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let csv = v.as_str().unwrap();
    assert_eq!(csv.lines().count(), 6, "{csv}");
    assert!(csv.contains("0966766766,5,24958-250303-"), "{csv}");
    // The page shows it to the leader, escaped.
    let r = t
        .page("GET", "/reports/integrity?unit=24958&year=2025", None, None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "signed-in staff only");
}
