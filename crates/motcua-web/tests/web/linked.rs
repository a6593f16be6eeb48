//! Linked services through the router (issue #6): both groups end to end with their
//! dependencies and data passed, combined progress under one tracking code, a stopped step
//! reported with what to do, idempotent filing, refusals that write nothing, and jurisdiction.

use crate::common::{TestApp, error_code};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;

const CENTER: &str = "24958.TTPVHCC";

fn application(service: &str) -> Value {
    json!({
        "service": service,
        "applicant": {"name": "Nguyễn Thị Lan", "id_number": "068195001234", "phone": "0912345678"},
        "summary": "Khai sinh cho cháu Nguyễn Minh An",
    })
}

fn step<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap()
}

/// Assign and finish a step's dossier as the competent agency.
async fn finish(t: &TestApp, token: &str, code: &str, number: &str) {
    let d = t.dossier(token, code).await;
    let holder = d["current_agency"].as_str().unwrap().to_owned();
    let handler = t.officer(&holder, Role::Specialist).await;
    let (s, v) = t
        .act(
            token,
            code,
            json!({"action": "assign", "version": d["version"], "handler": handler}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The competent agency's approver decides.
    let approver = t
        .token(d["competent_agency"].as_str().unwrap(), Role::Approver)
        .await;
    let (s, v) = t
        .act(&approver, code, json!({"action": "finish", "version": v["version"], "result": {"summary": "Đã giải quyết", "document_number": number}}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn birth_residence_and_health_insurance_run_end_to_end() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let pc = t.token("24958.UBND", Role::Specialist).await;
    let police = t.token("24958.CA", Role::Specialist).await;
    let bhxh = t.token("68.BHXH", Role::Specialist).await;
    let before = t.count().await;
    let (s, v) = t
        .post_with(
            "/api/v1/linked",
            Some(&counter),
            &application("2.000986"),
            &[("Idempotency-Key", "lt-1")],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("24958-250901-"), "{code}");
    assert_eq!(
        (v["done"].as_u64(), v["total"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(v["overall"], "in_progress");
    assert_eq!(step(&v, "birth")["state"]["state"], "in_progress");
    assert_eq!(step(&v, "birth")["agency"], "24958.UBND");
    assert_eq!(step(&v, "birth")["status"], "received");
    assert_eq!(
        step(&v, "residence")["state"],
        json!({"state": "waiting", "on": ["birth"]})
    );
    assert_eq!(step(&v, "health_insurance")["dossier"], Value::Null);
    assert_eq!(t.count().await, before + 1, "only the first step is opened");

    // A retry with the same key is the same application; nothing new.
    let (s, again) = t
        .post_with(
            "/api/v1/linked",
            Some(&counter),
            &application("2.000986"),
            &[("Idempotency-Key", "lt-1")],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(again["code"], code.as_str());
    assert_eq!(t.count().await, before + 1);
    let mut other = application("2.000986");
    other["summary"] = json!("Khác");
    let (s, e) = t
        .post_with(
            "/api/v1/linked",
            Some(&counter),
            &other,
            &[("Idempotency-Key", "lt-1")],
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.idempotency_key_reused"
        )
    );

    // Birth registration finishes: the two next steps open at their own agencies with the
    // birth registration number.
    let birth = step(&v, "birth")["dossier"].as_str().unwrap().to_owned();
    let bd = t.dossier(&counter, &birth).await;
    assert_eq!(bd["linked"]["parent"], code.as_str());
    assert_eq!(bd["linked"]["step"], "birth");
    finish(&t, &pc, &birth, "125/2025").await;
    let (s, v) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&counter))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["done"], 1);
    assert_eq!(step(&v, "birth")["state"]["state"], "done");
    let res = step(&v, "residence");
    assert_eq!(res["agency"], "24958.CA");
    assert_eq!(res["inputs"]["birth_registration_number"], "125/2025");
    let card = step(&v, "health_insurance");
    assert_eq!(card["agency"], "68.BHXH");
    assert_eq!(card["status"], "received");
    assert!(card["due_at"].is_string(), "each step has its own deadline");
    assert_eq!(t.count().await, before + 3);
    let rd = t.dossier(&police, res["dossier"].as_str().unwrap()).await;
    assert_eq!(
        rd["linked"]["inputs"]["birth_registration_number"],
        "125/2025"
    );
    assert!(rd["summary"].as_str().unwrap().contains("125/2025"));

    finish(&t, &police, res["dossier"].as_str().unwrap(), "TT-77").await;
    finish(&t, &bhxh, card["dossier"].as_str().unwrap(), "BHYT-1").await;
    let (_, v) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&police))
        .await;
    assert_eq!(v["overall"], "finished");
    assert_eq!(v["done"], 3);

    // Public tracking under the one code: progress, no name, no inputs; wrong phone = unknown.
    let (s, p) = t
        .get(
            &format!("/api/v1/linked/{code}/track?phone=0912345678"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["overall"], "finished");
    assert_eq!(p["applicant_name"], Value::Null);
    // Nor the free-text summary (issue #29): it may name people and facts.
    assert_eq!(p["summary"], Value::Null);
    assert_eq!(step(&p, "residence")["inputs"], json!({}));
    let (s, e) = t
        .get(
            &format!("/api/v1/linked/{code}/track?phone=0987654321"),
            None,
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::NOT_FOUND, "dossier.not_found")
    );
    // Staff of an unrelated agency do not see it.
    let stranger = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let (s, _) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&stranger))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn death_group_a_stopped_step_is_reported_with_what_to_do() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let pc = t.token("24958.UBND", Role::Specialist).await;
    let police = t.token("24958.CA", Role::Approver).await;
    let mut req = application("1.006714");
    req["summary"] = json!("Khai tử ông Nguyễn Văn Bình");
    req["variants"] = json!({"funeral_allowance": "meritorious"});
    let (s, v) = t.post("/api/v1/linked", Some(&counter), &req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    assert_eq!(step(&v, "funeral_allowance")["procedure"], "1.010824");
    let death = step(&v, "death")["dossier"].as_str().unwrap().to_owned();
    finish(&t, &pc, &death, "KT-9/2025").await;
    let (_, v) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&counter))
        .await;
    assert_eq!(
        step(&v, "funeral_allowance")["agency"],
        "68.SNV",
        "the variant's agency"
    );
    assert_eq!(
        step(&v, "funeral_allowance")["inputs"]["death_registration_number"],
        "KT-9/2025"
    );
    let del = step(&v, "residence_deletion")["dossier"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = t.dossier(&police, &del).await;
    let (s, r) = t.act(&police, &del, json!({"action": "stop", "version": d["version"], "reason": "Người chết không có đăng ký thường trú tại xã"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, p) = t
        .get(
            &format!("/api/v1/linked/{code}/track?phone=0912345678"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["overall"], "needs_attention");
    assert_eq!(p["problems"][0]["step"], "residence_deletion");
    assert_eq!(p["problems"][0]["status"], "stopped");
    assert!(
        p["problems"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("thường trú")
    );
    assert!(
        p["problems"][0]["what_to_do"]
            .as_str()
            .unwrap()
            .contains("Công an xã")
    );
    assert_eq!(
        step(&p, "funeral_allowance")["state"]["state"],
        "in_progress",
        "the other step goes on"
    );
}

#[tokio::test]
async fn bad_linked_applications_change_nothing() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    let before = t.count().await;
    let mut variant = application("1.006714");
    variant["variants"] = json!({"funeral_allowance": "nope"});
    let mut elsewhere = application("2.000986");
    elsewhere["applicant_unit"] = json!("24781");
    let mut hostile = application("2.000986");
    hostile["applicant"]["name"] = json!("A\u{202e}B");
    let cases: Vec<(&str, &str, Value, StatusCode, &str)> = vec![
        (
            "unknown service",
            &counter,
            application("1.004873"),
            StatusCode::NOT_FOUND,
            "linked.unknown_service",
        ),
        (
            "unknown variant",
            &counter,
            variant,
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            "another commune's resident",
            &counter,
            elsewhere,
            StatusCode::UNPROCESSABLE_ENTITY,
            "authority.wrong_receiving_point",
        ),
        (
            "hostile name",
            &counter,
            hostile,
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            "a specialist may not receive",
            &specialist,
            application("2.000986"),
            StatusCode::FORBIDDEN,
            "auth.forbidden",
        ),
    ];
    for (name, token, body, status, code) in cases {
        let (s, v) = t.post("/api/v1/linked", Some(token), &body).await;
        assert_eq!((s, error_code(&v)), (status, code), "{name}: {v}");
    }
    let (s, v) = t
        .post("/api/v1/linked", None, &application("2.000986"))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNAUTHORIZED, "auth.unauthenticated")
    );
    // A step nobody may handle (the card's social insurance agency is not competent at this
    // commune after a bad assignment) refuses the whole application up front.
    let (s, v) = t.post("/api/v1/authority/rules", Some(&admin), &json!({
        "id": "68-BHYT-1", "province_code": "68", "subject": {"procedure": "local.the-bhyt-tre-em-duoi-6"},
        "kind": "assignment", "to": {"agency": "68.BHXH"}, "units": ["24781"], "valid_from": "2025-07-01",
        "legal_basis": "Quyết định thử", "issued_by": "UBND tỉnh"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .post("/api/v1/linked", Some(&counter), &application("2.000986"))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "authority.no_competent_agency"
        ),
        "{v}"
    );
    assert_eq!(t.count().await, before, "nothing written by any refusal");
    let (s, v) = t
        .get("/api/v1/linked/24958-250901-0099", Some(&counter))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "dossier.not_found")
    );
    let (s, v) = t.get("/api/v1/linked/services", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_sweep_opens_steps_a_crash_left_unopened_once() {
    use motcua_app::ports::roles::*;
    use motcua_domain::linked::LinkedApplication;
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let before = t.count().await;
    // A crash right after the application row was written: no step was opened.
    let app = LinkedApplication {
        id: uuid::Uuid::now_v7(),
        code: "24958-250901-0042".parse().unwrap(),
        province_code: "68".parse().unwrap(),
        service: "2.000986".parse().unwrap(),
        receiving_agency: CENTER.parse().unwrap(),
        applicant_unit: "24958".parse().unwrap(),
        channel: motcua_domain::catalogue::Channel::Direct,
        applicant: serde_json::from_value(application("2.000986")["applicant"].clone()).unwrap(),
        summary: "Khai sinh".into(),
        variants: Default::default(),
        filed_at: datetime!(2025-09-01 02:00 UTC),
        filed_by: "token:x".into(),
        declarations: Default::default(),
    };
    t.store.insert_linked(&app, None).await.unwrap();
    assert_eq!(t.count().await, before);
    assert_eq!(t.app.advance_recent_linked(90).await.unwrap(), 1);
    assert_eq!(t.count().await, before + 1);
    assert_eq!(
        t.app.advance_recent_linked(90).await.unwrap(),
        0,
        "idempotent"
    );
    // Concurrent advances (sweep, reader, action) open each step once.
    let (a, b) = tokio::join!(
        t.app.advance_recent_linked(90),
        t.app.advance_recent_linked(90)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0);
    assert_eq!(t.count().await, before + 1);
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let (_, v) = t
        .get("/api/v1/linked/24958-250901-0042", Some(&counter))
        .await;
    assert_eq!(step(&v, "birth")["status"], "received");
}

/// Issue #31: the birth step's declaration is filed with the linked application; the later
/// steps receive the child's declared data instead of typing it again; a bad declaration
/// refuses the whole application with every path and stores nothing.
#[tokio::test]
async fn the_childs_declared_data_goes_to_the_next_steps() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let pc = t.token("24958.UBND", Role::Specialist).await;
    let police = t.token("24958.CA", Role::Specialist).await;
    let mut body = application("2.000986");
    body["declarations"] = json!({"birth": {
        "child": {"name": "Nguyễn Minh An", "birth_date": "2025-08-20", "sex": "male",
                  "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "birth_place": "Trạm Y tế xã Đức Trọng", "hometown": "Lâm Đồng", "relationship": "Mẹ",
        "mother": {"name": "Nguyễn Thị Lan", "birth_date": "1995-06-15", "ethnicity": "Kinh",
                   "nationality": "Việt Nam"},
        "mother_residence": {"commune": "24958"},
        "father_known": "no", "copies_wanted": "no"
    }});
    let before = t.count().await;
    let mut bad = body.clone();
    bad["declarations"]["birth"]["child"]["birth_date"] = json!("2025-09-02");
    bad["declarations"]["nowhere"] = json!({});
    let (s, v) = t.post("/api/v1/linked", Some(&counter), &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let mut bad = body.clone();
    bad["declarations"]["birth"]["child"]["birth_date"] = json!("2025-09-02");
    let (s, v) = t.post("/api/v1/linked", Some(&counter), &bad).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "declaration.invalid")
    );
    assert!(v["error"]["fields"]["child.birth_date"].is_object(), "{v}");
    assert_eq!(t.count().await, before);

    let (s, v) = t.post("/api/v1/linked", Some(&counter), &body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let birth = step(&v, "birth")["dossier"].as_str().unwrap().to_owned();
    let bd = t.dossier(&counter, &birth).await;
    assert_eq!(bd["declaration"]["code"], "TK-KS");
    assert!(
        bd["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "TK")
    );
    finish(&t, &pc, &birth, "130/2025").await;
    let (_, v) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&counter))
        .await;
    let residence = step(&v, "residence")["dossier"]
        .as_str()
        .unwrap()
        .to_owned();
    let rd = t.dossier(&police, &residence).await;
    let inputs = &rd["linked"]["inputs"];
    assert_eq!(inputs["child_name"], "Nguyễn Minh An", "{inputs}");
    assert_eq!(inputs["child_birth_date"], "2025-08-20");
    assert_eq!(inputs["child_sex"], "male");
    assert_eq!(inputs["mother_name"], "Nguyễn Thị Lan");
    assert_eq!(inputs["birth_registration_number"], "130/2025");
}
