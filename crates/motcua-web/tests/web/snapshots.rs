//! Snapshots of the public shapes (issue #30): the error envelope, the OpenAPI document and a
//! dossier's state after each step of the lifecycle journey. An unintended change of any of them
//! fails here; an intended one is reviewed and accepted (`INSTA_UPDATE=always cargo test -p
//! motcua-web --test web -- snapshots::`, then `git diff crates/motcua-web/tests/web/snapshots`).
//! Under CI a missing or different snapshot fails, and nothing is written.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::Request;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;

const CENTER: &str = "24958.TTPVHCC";

#[tokio::test]
async fn the_error_envelope() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let mut answers = Vec::new();
    let (s, v) = t
        .get("/api/v1/dossiers/24958-250303-9999", Some(&counter))
        .await;
    answers.push(json!({"case": "unknown dossier", "status": s.as_u16(), "body": v}));
    let (s, v) = t.get("/api/v1/dossiers", None).await;
    answers.push(json!({"case": "no token", "status": s.as_u16(), "body": v}));
    let req = Request::post("/api/v1/dossiers")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {counter}"))
        .body(Body::from("{\"procedure\": "))
        .unwrap();
    let (s, v) = t.send(req).await;
    answers.push(json!({"case": "malformed JSON", "status": s.as_u16(), "body": v}));
    let mut body = crate::common::intake_body("1.004873", CENTER);
    body["applicant"]["id_number"] = json!("12345");
    let (s, v) = t.post("/api/v1/dossiers", Some(&counter), &body).await;
    answers.push(json!({"case": "a field breaks a rule", "status": s.as_u16(), "body": v}));
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let (s, v) = t
        .act(
            &counter,
            code,
            json!({"action": "return_result", "version": 1, "method": "counter"}),
        )
        .await;
    answers.push(json!({"case": "wrong state", "status": s.as_u16(), "body": v}));
    let (s, v) = t
        .act(&counter, code, json!({"action": "withdraw", "version": 7}))
        .await;
    answers.push(json!({"case": "stale version", "status": s.as_u16(), "body": v}));
    insta::assert_json_snapshot!(answers);
}

#[test]
fn the_openapi_document() {
    let doc: Value = serde_json::from_str(&motcua_web::openapi_json()).unwrap();
    insta::assert_json_snapshot!(doc);
}

/// What of a dossier is the same on every run: its generated ids and hashes are not.
fn stable(mut v: Value) -> Value {
    for k in ["id", "last_event_hash", "handler_id"] {
        if v.get(k).is_some() {
            v[k] = json!(format!("[{k}]"));
        }
    }
    v
}

#[tokio::test]
async fn a_dossier_after_each_step_of_its_lifecycle() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    let handler = t.officer("24958.UBND", Role::Specialist).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let mut states = vec![json!({"step": "receive", "dossier": stable(d)})];
    let steps = [
        (
            datetime!(2025-03-03 09:00 +7),
            &counter,
            json!({"action": "transfer", "to_agency": "24958.UBND", "note": "Chuyển xử lý"}),
        ),
        (
            datetime!(2025-03-03 10:00 +7),
            &specialist,
            json!({"action": "assign", "handler": handler}),
        ),
        (
            datetime!(2025-03-03 11:00 +7),
            &specialist,
            json!({"action": "request_supplement", "items": [{"component": "TK", "note": "Thiếu chữ ký"}]}),
        ),
        (
            datetime!(2025-03-05 11:00 +7),
            &counter,
            json!({"action": "supplement", "components": [{"code": "TK", "originals": 1}]}),
        ),
        (
            datetime!(2025-03-06 09:00 +7),
            &approver,
            json!({"action": "finish", "result": {"summary": "Cấp Giấy xác nhận tình trạng hôn nhân", "document_number": "12/2025"}}),
        ),
        (
            datetime!(2025-03-06 10:00 +7),
            &counter,
            json!({"action": "return_result", "method": "counter"}),
        ),
    ];
    let mut version = 1;
    for (at, token, mut body) in steps {
        t.clock.set(at);
        let step = body["action"].as_str().unwrap().to_owned();
        body["version"] = json!(version);
        let (s, v) = t.act(token, &code, body).await;
        assert!(s.is_success(), "{step}: {v}");
        version = v["version"].as_i64().unwrap();
        states.push(json!({"step": step, "dossier": stable(v)}));
    }
    insta::assert_json_snapshot!(states);
}
