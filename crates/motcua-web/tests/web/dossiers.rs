//! Dossier journeys through the router: intake, the lifecycle, refusals of bad actions (each
//! with its documented code, changing nothing), idempotency, tracking.

use crate::common::{TestApp, error_code, intake_body};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::json;
use time::macros::datetime;

const CENTER: &str = "24958.TTPVHCC";

#[tokio::test]
async fn counter_intake_on_the_friday_before_tet_is_due_the_wednesday_after() {
    let t = TestApp::new(datetime!(2025-01-24 16:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    // 1.004873 (marital-status certificate): 3 working days.
    let d = t.intake(&counter, "1.004873", CENTER).await;
    assert_eq!(d["code"], "24958-250124-0001");
    assert_eq!(d["status"], "received");
    assert_eq!(d["status_code"], 2);
    assert_eq!(d["due_at"], "2025-02-05T16:00:00+07:00");
    assert_eq!(d["competent_agency"], "24958.UBND");
    let events = t.events(&counter, "24958-250124-0001").await;
    assert_eq!(events.len(), 1);
    let payload: serde_json::Value =
        serde_json::from_str(events[0]["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["due"]["explanation"]["rule"], "working-time");
    assert_eq!(
        payload["due"]["explanation"]["skipped_days"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
}

#[tokio::test]
async fn a_dossier_goes_from_intake_to_returned_result_on_time() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();
    // Mon 08:00 + 24 working hours (Mon 7.5 h, Tue 8, Wed 8, Thu 0.5) = Thu 08:00.
    assert_eq!(d["due_at"], "2025-03-06T08:00:00+07:00");

    let handler = t.officer("24958.UBND", Role::Specialist).await;
    let steps = [
        (
            &counter,
            json!({"action": "transfer", "to_agency": "24958.UBND", "note": "Chuyển xử lý"}),
            "processing",
        ),
        (
            &specialist,
            json!({"action": "assign", "handler": handler}),
            "processing",
        ),
        (
            &specialist,
            json!({"action": "request_supplement", "items": [{"component": "TK", "note": "Thiếu chữ ký"}]}),
            "supplement_requested",
        ),
    ];
    let mut version = 1;
    for (tok, body, status) in steps {
        t.clock.set(t.clock_now() + time::Duration::hours(1));
        let mut body = body;
        body["version"] = json!(version);
        let (s, v) = t.act(tok, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], status);
        version = v["version"].as_i64().unwrap();
    }
    // Paused at Mon 11:00; the applicant comes back Wed 11:00: 2 working days excluded.
    t.clock.set(datetime!(2025-03-05 11:00 +7));
    let (s, v) = t.act(&counter, &code, json!({"action": "supplement", "version": version, "components": [{"code": "TK", "originals": 1}]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "processing");
    assert_eq!(v["due_at"], "2025-03-10T08:00:00+07:00");
    assert_eq!(v["appointment_at"], "2025-03-10T08:00:00+07:00");
    assert_eq!(v["paused_seconds"], 2 * 8 * 3600);
    // A second request, even after the first was answered, is refused.
    let (s, e) = t
        .act(
            &specialist,
            &code,
            json!({"action": "request_supplement", "version": 5, "items": [{"component": "TK"}]}),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::CONFLICT, "dossier.supplement_already_requested")
    );
    t.clock.set(datetime!(2025-03-06 09:00 +7));
    let (s, v) = t.act(&approver, &code, json!({"action": "finish", "version": 5, "result": {"summary": "Cấp Giấy xác nhận tình trạng hôn nhân", "document_number": "12/2025"}})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["timeliness"], "early");
    t.clock.set(datetime!(2025-03-06 10:00 +7));
    let (s, v) = t
        .act(
            &counter,
            &code,
            json!({"action": "return_result", "version": 6, "method": "counter"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "returned");
    assert_eq!(v["status_code"], 10);
    assert_eq!(v["legal_actions"], json!([]));
    assert_eq!(t.events(&counter, &code).await.len(), 7);

    // Public tracking with the phone number; a wrong number learns nothing.
    let (s, v) = t
        .get(&format!("/api/v1/track/{code}?phone=0912345678"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "returned");
    assert_eq!(v["timeline"].as_array().unwrap().len(), 7);
    assert!(
        !v.to_string().contains("068195001234"),
        "tracking must not reveal the CCCD"
    );
    let (s, v) = t
        .get(&format!("/api/v1/track/{code}?phone=0987654321"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "dossier.not_found");
}

impl TestApp {
    fn clock_now(&self) -> time::OffsetDateTime {
        use motcua_app::Clock;
        self.clock.now()
    }
}

/// Runs `body` against a fresh received dossier and checks the answer's status and code, and that
/// neither the dossier nor its event log changed.
async fn refused_without_change(
    t: &TestApp,
    token: &str,
    code: &str,
    body: serde_json::Value,
    status: StatusCode,
    want: &str,
) {
    let before = t.dossier(token, code).await;
    let events_before = t.events(token, code).await.len();
    let (s, v) = t.act(token, code, body.clone()).await;
    assert_eq!((s, error_code(&v)), (status, want), "{body} → {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(
        t.dossier(token, code).await,
        before,
        "dossier changed after {body}"
    );
    assert_eq!(t.events(token, code).await.len(), events_before);
}

#[tokio::test]
async fn bad_actions_get_their_documented_code_and_change_nothing() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "2.000815", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (s, v) = t
        .act(
            &counter,
            &code,
            json!({"action": "request_supplement", "version": 1, "items": [{"component": "BS"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let cases = [
        // A second supplement request.
        (
            json!({"action": "request_supplement", "version": 2, "items": [{"component": "BC"}]}),
            StatusCode::CONFLICT,
            "dossier.supplement_already_requested",
        ),
        // An illegal transition: nothing is finished yet.
        (
            json!({"action": "return_result", "version": 2}),
            StatusCode::CONFLICT,
            "dossier.invalid_transition",
        ),
        (
            json!({"action": "submit", "version": 2}),
            StatusCode::CONFLICT,
            "dossier.invalid_transition",
        ),
        // A stale version.
        (
            json!({"action": "withdraw", "version": 1}),
            StatusCode::CONFLICT,
            "dossier.version_conflict",
        ),
        // Unknown action, reason missing, wrong payload types, hostile strings.
        (
            json!({"action": "approve_everything", "version": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier.unknown_action",
        ),
        (
            json!({"action": "stop", "version": 2, "reason": "   "}),
            StatusCode::FORBIDDEN,
            "auth.forbidden",
        ),
        (
            json!({"action": "withdraw", "version": "two"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"action": "withdraw", "version": 2, "reason": "bad\u{0000}text"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"action": "supplement", "version": 2, "components": [{"code": "XYZ"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier.unknown_component",
        ),
    ];
    for (body, status, want) in cases {
        refused_without_change(&t, &counter, &code, body, status, want).await;
    }
    let (s, v) = t
        .get(&format!("/api/v1/dossiers/{code}"), Some(&counter))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["version"], 2);
}

#[tokio::test]
async fn a_supplement_item_not_in_the_procedure_is_refused() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let code = t.intake(&counter, "2.000815", CENTER).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for items in [
        json!([{"component": "SO-HO-KHAU"}]),
        json!([{"component": "BC"}, {"component": "Giấy xác nhận cư trú"}]),
        json!([]),
    ] {
        let want = if items.as_array().unwrap().is_empty() {
            "dossier.supplement_empty"
        } else {
            "dossier.supplement_item_not_in_procedure"
        };
        refused_without_change(
            &t,
            &counter,
            &code,
            json!({"action": "request_supplement", "version": 1, "items": items}),
            StatusCode::UNPROCESSABLE_ENTITY,
            want,
        )
        .await;
    }
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    refused_without_change(
        &t,
        &counter,
        &code,
        json!({"action": "stop", "version": 1, "reason": "x"}),
        StatusCode::FORBIDDEN,
        "auth.forbidden",
    )
    .await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    refused_without_change(
        &t,
        &approver,
        &code,
        json!({"action": "stop", "version": 1, "reason": " "}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "dossier.reason_required",
    )
    .await;
    refused_without_change(&t, &specialist, &code, json!({"action": "reschedule", "version": 1, "reason": "late", "new_due_at": "2025-03-01T09:00:00+07:00"}), StatusCode::UNPROCESSABLE_ENTITY, "dossier.reschedule_not_later").await;
    refused_without_change(
        &t,
        &counter,
        &code,
        json!({"action": "transfer", "version": 1, "to_agency": "99.NOWHERE"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_field",
    )
    .await;
}

#[tokio::test]
async fn a_retried_intake_with_the_same_key_returns_the_same_dossier() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let body = intake_body("2.000884", CENTER);
    let key = [("idempotency-key", "counter-7-20250303-0001")];
    let (s1, v1) = t
        .post_with("/api/v1/dossiers", Some(&counter), &body, &key)
        .await;
    let (s2, v2) = t
        .post_with("/api/v1/dossiers", Some(&counter), &body, &key)
        .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{v1} {v2}"
    );
    assert_eq!(v1["code"], v2["code"]);
    assert_eq!(v1["id"], v2["id"]);
    assert_eq!(t.count().await, 1);
    let mut other = body.clone();
    other["applicant"]["name"] = json!("Lê Văn Tám");
    let (s, v) = t
        .post_with("/api/v1/dossiers", Some(&counter), &other, &key)
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.idempotency_key_reused"
        )
    );
    assert_eq!(t.count().await, 1);
}

#[tokio::test]
async fn concurrent_intakes_get_distinct_consecutive_codes() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let router = t.router.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/dossiers")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {counter}"))
                .body(axum::body::Body::from(
                    intake_body("2.000884", CENTER).to_string(),
                ))
                .unwrap();
            let resp = router.oneshot(req).await.unwrap();
            assert_eq!(resp.status(), StatusCode::CREATED);
            let bytes = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap()
                .to_bytes();
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    codes.sort();
    let want: Vec<String> = (1..=20).map(|i| format!("24958-250303-{i:04}")).collect();
    assert_eq!(codes, want);
}

#[tokio::test]
async fn an_online_submission_waits_for_intake_then_is_received() {
    let t = TestApp::new(datetime!(2025-03-03 15:30 +7)).await;
    let mut body = intake_body("1.001193", CENTER);
    body["channel"] = json!("online");
    // Online, the birth registration's declaration is filled in (tests/web/declarations.rs).
    body["declaration"] = json!({
        "child": {"name": "Nguyễn Thị Bình", "birth_date": "2025-03-01", "sex": "female",
                  "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "birth_place": "Trạm Y tế xã", "hometown": "Lâm Đồng", "relationship": "Mẹ",
        "mother": {"name": "Nguyễn Thị Lan", "birth_date": "1995-06-15", "ethnicity": "Kinh",
                   "nationality": "Việt Nam"},
        "mother_residence": {"commune": "24958"},
        "father_known": "no", "copies_wanted": "no"
    });
    let (s, v) = t.post("/api/v1/dossiers", None, &body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["status_code"], 1);
    assert!(v["due_at"].is_null());
    let code = v["code"].as_str().unwrap().to_owned();
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let (s, v) = t
        .act(&counter, &code, json!({"action": "receive", "version": 1}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Same-day procedure received after 15:00: due at the next working day's close.
    assert_eq!(v["due_at"], "2025-03-04T17:00:00+07:00");
    // The public cannot pick a counter channel or skip the receiving point.
    body["channel"] = json!("direct");
    let (s, v) = t.post("/api/v1/dossiers", None, &body).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field")
    );
}

#[tokio::test]
async fn intake_refuses_bad_input_and_writes_nothing() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let good = intake_body("2.000884", CENTER);
    let with = |path: &[&str], v: serde_json::Value| {
        let mut b = good.clone();
        let mut cur = &mut b;
        for k in &path[..path.len() - 1] {
            cur = &mut cur[*k];
        }
        cur[path[path.len() - 1]] = v;
        b
    };
    let cases = [
        (
            with(&["applicant", "id_number"], json!("06819500123")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["applicant", "id_number"], json!("06819500123X")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["applicant", "phone"], json!("hello")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["applicant", "name"], json!("A\u{202E}lan")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["applicant", "name"], json!("x".repeat(201))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["applicant", "email"], json!("not-an-email")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["procedure"], json!("9.999999")),
            StatusCode::NOT_FOUND,
            "catalogue.unknown_procedure",
        ),
        (
            with(&["procedure"], json!("'; DROP TABLE dossiers; --")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["receiving_agency"], json!("24781.TTPVHCC")),
            StatusCode::FORBIDDEN,
            "auth.forbidden",
        ),
        (
            with(&["channel"], json!("online")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["channel"], json!("pigeon")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["case"], json!("nope")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            with(&["components"], json!([{"code": "NOT-A-COMPONENT"}])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier.unknown_component",
        ),
    ];
    for (body, status, want) in cases {
        let (s, v) = t.post("/api/v1/dossiers", Some(&counter), &body).await;
        assert_eq!((s, error_code(&v)), (status, want), "{body} → {v}");
    }
    // Malformed, mislabelled and oversized bodies.
    use axum::body::Body;
    use axum::http::Request;
    let raw = |ct: &str, body: Vec<u8>| {
        Request::post("/api/v1/dossiers")
            .header("content-type", ct)
            .header("authorization", format!("Bearer {counter}"))
            .body(Body::from(body))
            .unwrap()
    };
    let (s, v) = t
        .send(raw("application/json", b"{\"procedure\": ".to_vec()))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.malformed_json")
    );
    let (s, v) = t
        .send(raw("text/plain", good.to_string().into_bytes()))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type"
        )
    );
    let mut huge = good.clone();
    huge["summary"] = json!("a".repeat(300 * 1024));
    let (s, v) = t
        .send(raw("application/json", huge.to_string().into_bytes()))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large")
    );
    assert_eq!(t.count().await, 0, "nothing may be written by bad input");
    // Nor does a sequence number get burnt by a rejected request: the next good one is 0001.
    let d = t.intake(&counter, "2.000884", CENTER).await;
    assert_eq!(d["code"], "24958-250303-0001");
}

#[tokio::test]
async fn staff_see_only_their_jurisdiction() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let code = t.intake(&counter, "2.000884", CENTER).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, v) = t
        .get(&format!("/api/v1/dossiers/{code}"), Some(&other))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "dossier.not_found")
    );
    let (s, _) = t
        .get(&format!("/api/v1/dossiers/{code}/events"), Some(&other))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = t
        .act(&other, &code, json!({"action": "withdraw", "version": 1}))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "dossier.not_found")
    );
    let (s, v) = t
        .get(&format!("/api/v1/dossiers?agency={CENTER}"), Some(&other))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    let (s, v) = t.get("/api/v1/dossiers", Some(&other)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"], json!([]));
    let (s, v) = t.get("/api/v1/dossiers", Some(&counter)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"][0]["applicant_id_masked"], "********1234");
    for tok in [None, Some("mct_not-a-real-token"), Some("garbage")] {
        let (s, v) = t.get(&format!("/api/v1/dossiers/{code}"), tok).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNAUTHORIZED, "auth.unauthenticated"),
            "{tok:?}"
        );
    }
    // A specialist may not do counter intake.
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&specialist),
            &intake_body("2.000884", "24958.UBND"),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
}

#[tokio::test]
async fn the_inbox_lists_overdue_dossiers_by_due_date() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let a = t.intake(&counter, "1.004873", CENTER).await; // 3 working days
    t.clock.set(datetime!(2025-03-03 09:00 +7));
    let b = t.intake(&counter, "2.000884", CENTER).await; // same day
    t.clock.set(datetime!(2025-03-04 09:00 +7));
    let (s, v) = t.get("/api/v1/dossiers?overdue=true", Some(&counter)).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [b["code"].as_str().unwrap()]);
    assert_eq!(v["items"][0]["overdue"], true);
    let (_, v) = t
        .get("/api/v1/dossiers?status=received", Some(&counter))
        .await;
    let codes: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [b["code"].as_str().unwrap(), a["code"].as_str().unwrap()]
    );
    let (s, v) = t.get("/api/v1/dossiers?status=bogus", Some(&counter)).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
    let (s, _) = t.get("/api/v1/dossiers?limit=abc", Some(&counter)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_dossier_keeps_its_procedure_version_when_the_catalogue_changes() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    let code = t.intake(&counter, "2.000884", CENTER).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, mut p) = t.get("/api/v1/procedures/2.000884", None).await;
    assert_eq!(p["version"], 1);
    p["channels"][0]["processing_time"] = json!({"value": 2, "unit": "working-days"});
    let (s, v) = t
        .post("/api/v1/procedures", Some(&counter), &json!([p.clone()]))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    let (s, v) = t
        .post("/api/v1/procedures", Some(&admin), &json!([p.clone()]))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["updated"], json!(["2.000884"]));
    let (_, v) = t
        .post("/api/v1/procedures", Some(&admin), &json!([p]))
        .await;
    assert_eq!(v["unchanged"], json!(["2.000884"]));
    let (_, cur) = t.get("/api/v1/procedures/2.000884", None).await;
    assert_eq!(cur["version"], 2);
    let (_, old) = t.get("/api/v1/procedures/2.000884?version=1", None).await;
    assert_eq!(old["channels"][0]["processing_time"]["unit"], "same-day");
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["procedure"], json!({"code": "2.000884", "version": 1}));
    let new = t.intake(&counter, "2.000884", CENTER).await;
    assert_eq!(new["procedure"]["version"], 2);
    let mut bad = cur.clone();
    bad["cases"] = json!([]);
    let (s, v) = t
        .post("/api/v1/procedures", Some(&admin), &json!([bad]))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "catalogue.invalid_procedure"
        )
    );
}
