//! A consulted agency (issue #29, first finding): while a consultation is out, the agency asked
//! reads only what the opinion needs and can only send the dossier back; nobody decides it
//! meanwhile; a consultation leaves the province only where the authority registry says so; a
//! result is signed only for the competent agency's own staff. The authorisation matrix of a
//! consulted agency, in and out of the province, as a table.

use crate::common::{TestApp, error_code};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;
use tower::ServiceExt;

/// A dossier received at 24958.TTPVHCC (competent 24958.UBND) and sent for a consultation to
/// 24958.CA, the commune police of the same province. Returns its code and version.
async fn consulted(t: &TestApp, counter: &str) -> (String, i64) {
    let d = t.intake(counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (s, v) = t
        .act(
            counter,
            &code,
            json!({"action": "transfer", "to_agency": "24958.CA", "consultation": true,
                   "note": "Xác minh nơi cư trú của người yêu cầu", "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["consultation_from"], "24958.TTPVHCC");
    (code, v["version"].as_i64().unwrap())
}

async fn raw(
    t: &TestApp,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<Body>,
    ctype: &str,
) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, ctype)
        .body(body.unwrap_or_else(Body::empty))
        .unwrap();
    let r = t.router.clone().oneshot(req).await.unwrap();
    let s = r.status();
    let b = r.into_body().collect().await.unwrap().to_bytes();
    (s, String::from_utf8_lossy(&b).into_owned())
}

#[tokio::test]
async fn a_consulted_agency_reads_what_the_opinion_needs_and_only_sends_it_back() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let police = t.token("24958.CA", Role::Leader).await;
    let police_specialist = t.token("24958.CA", Role::Specialist).await;
    let competent = t.token("24958.UBND", Role::Leader).await;
    let (code, version) = consulted(&t, &counter).await;

    // The whole dossier, its events and its documents: not for the consulted agency.
    for path in ["", "/events", "/documents"] {
        let (s, v) = t
            .get(&format!("/api/v1/dossiers/{code}{path}"), Some(&police))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    // What the consultation needs: the request, the components, the applicant by name and
    // masked number; never the phone, e-mail or address.
    let (s, v) = t
        .get(
            &format!("/api/v1/dossiers/{code}/consultation"),
            Some(&police),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["asked_by"], "24958.TTPVHCC");
    assert_eq!(v["note"], "Xác minh nơi cư trú của người yêu cầu");
    assert_eq!(v["applicant_name"], "Nguyễn Thị Lan");
    assert_eq!(v["applicant_id_masked"], "********1234");
    let text = v.to_string();
    for secret in ["068195001234", "0912345678", "phone", "address", "email"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // Deciding, paying, stopping, finishing, sending it elsewhere: refused with one code.
    for body in [
        json!({"action": "finish", "result": {"summary": "Đã cấp"}, "version": version}),
        json!({"action": "stop", "reason": "x", "version": version}),
        json!({"action": "request_payment", "amount_vnd": 1000, "version": version}),
        json!({"action": "assign", "handler": "ai đó", "version": version}),
        json!({"action": "transfer", "to_agency": "24958.UBND", "version": version}),
        json!({"action": "transfer", "to_agency": "68.STP", "consultation": true, "version": version}),
    ] {
        for who in [&police, &police_specialist] {
            let (s, v) = t.act(who, &code, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{body}: {v}");
            assert_eq!(error_code(&v), "dossier.consultation_only", "{body}");
        }
    }
    // A result: the consulted agency does not even see the dossier to attach one.
    let (s, body) = raw(
        &t,
        Method::POST,
        &format!("/api/v1/dossiers/{code}/result"),
        &police,
        Some(Body::from(&b"%PDF-1.4 forged result"[..])),
        "application/pdf",
    )
    .await;
    assert!(matches!(s.as_u16(), 403 | 404), "{s} {body}");

    // Nor does the competent agency record a signed result while the opinion is awaited.
    let (s, body) = raw(
        &t,
        Method::POST,
        &format!("/api/v1/dossiers/{code}/result"),
        &competent,
        Some(Body::from(&b"%PDF-1.4 result"[..])),
        "application/pdf",
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("dossier.in_consultation"), "{body}");
    // The consulted agency's list shows the dossier without any contact.
    let (s, v) = t.get("/api/v1/dossiers", Some(&police)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let row = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code.as_str())
        .expect("listed");
    assert_eq!(row["applicant_phone_masked"], "");
    // Meanwhile the competent agency decides nothing either: the lifecycle says so.
    let (s, v) = t
        .act(
            &competent,
            &code,
            json!({"action": "finish", "result": {"summary": "Đã cấp"}, "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(error_code(&v), "dossier.in_consultation");
    let (s, v) = t
        .act(
            &counter,
            &code,
            json!({"action": "withdraw", "version": version}),
        )
        .await;
    assert_eq!(error_code(&v), "dossier.in_consultation", "{s} {v}");

    // Nothing of that changed the dossier.
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["version"], version);
    assert_eq!(d["current_agency"], "24958.CA");
    assert_eq!(d["legal_actions"], json!(["transfer"]));

    // Sending it back: allowed, with the opinion; then the police see nothing more.
    let (s, v) = t
        .act(
            &police,
            &code,
            json!({"action": "transfer", "to_agency": "24958.TTPVHCC",
                   "note": "Người yêu cầu cư trú tại địa chỉ đã khai", "version": version}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, _) = t
        .get(
            &format!("/api/v1/dossiers/{code}/consultation"),
            Some(&police),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["current_agency"], "24958.TTPVHCC");
    assert_eq!(d["consultation_from"], Value::Null);
    let events = t.events(&counter, &code).await;
    let back = events.last().unwrap();
    let payload: Value = serde_json::from_str(back["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["kind"], "consultation_return");
    assert_eq!(payload["note"], "Người yêu cầu cư trú tại địa chỉ đã khai");
}

#[tokio::test]
async fn a_consultation_leaves_the_province_only_by_a_registry_rule() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let other_province = t.token("25747.UBND", Role::Leader).await;
    let admin = t.token("68.UBND", Role::ProvinceAdmin).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let out = json!({"action": "transfer", "to_agency": "25747.UBND", "consultation": true, "version": 1});

    // The probe's first step: a consultation to a commune of province 79. Refused, unchanged.
    let (s, v) = t.act(&counter, &code, out.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error_code(&v), "authority.consultation_not_allowed");
    assert_eq!(t.dossier(&counter, &code).await["version"], 1);
    let (s, _) = t
        .get(&format!("/api/v1/dossiers/{code}"), Some(&other_province))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The province's registry names 25747.UBND for consultations on this procedure: allowed.
    let rule = json!({
        "id": "68-2025-LYK-01", "province_code": "68", "subject": {"procedure": "1.004873"},
        "units": [], "valid_from": "2025-07-01", "legal_basis": "Quy chế phối hợp số 1/QC-UBND",
        "issued_by": "UBND tỉnh Lâm Đồng", "kind": "consultation", "to": {"agency": "25747.UBND"}
    });
    let (s, v) = t.post("/api/v1/authority/rules", Some(&admin), &rule).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Not yet in force on 3 March 2025: still refused.
    let (s, v) = t.act(&counter, &code, out.clone()).await;
    assert_eq!(error_code(&v), "authority.consultation_not_allowed", "{s}");
    t.clock.set(datetime!(2025-07-02 09:00 +7));
    let (s, v) = t.act(&counter, &code, out).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // And there too the consulted agency reads the consultation only.
    let (s, _) = t
        .get(&format!("/api/v1/dossiers/{code}"), Some(&other_province))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = t
        .get(
            &format!("/api/v1/dossiers/{code}/consultation"),
            Some(&other_province),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .act(
            &other_province,
            &code,
            json!({"action": "finish", "result": {"summary": "x"}, "version": 2}),
        )
        .await;
    assert_eq!(error_code(&v), "dossier.consultation_only", "{s}");
}

/// The matrix's rows for a consulted agency: every dossier operation × the consulted agency's
/// leader and specialist (in the province), another province's leader, the competent agency's
/// leader and the receiving counter, while the consultation is out. `true`: allowed (a 2xx).
#[tokio::test]
async fn consulted_agency_matrix() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let (code, version) = consulted(&t, &counter).await;
    let who = [
        ("counter", counter.clone()),
        (
            "competent_leader",
            t.token("24958.UBND", Role::Leader).await,
        ),
        ("consulted_leader", t.token("24958.CA", Role::Leader).await),
        (
            "consulted_specialist",
            t.token("24958.CA", Role::Specialist).await,
        ),
        ("other_province", t.token("25747.UBND", Role::Leader).await),
    ];
    type Row = (Method, String, Option<Value>, &'static [&'static str]);
    let rows: Vec<Row> = vec![
        (
            Method::GET,
            format!("/api/v1/dossiers/{code}"),
            None,
            &["counter", "competent_leader"],
        ),
        (
            Method::GET,
            format!("/api/v1/dossiers/{code}/events"),
            None,
            &["counter", "competent_leader"],
        ),
        (
            Method::GET,
            format!("/api/v1/dossiers/{code}/documents"),
            None,
            &["counter", "competent_leader"],
        ),
        (
            Method::GET,
            format!("/api/v1/dossiers/{code}/consultation"),
            None,
            &[
                "counter",
                "competent_leader",
                "consulted_leader",
                "consulted_specialist",
            ],
        ),
        (
            Method::GET,
            "/api/v1/dossiers?agency=24958.CA".to_owned(),
            None,
            &["consulted_leader", "consulted_specialist"],
        ),
        (
            Method::POST,
            format!("/api/v1/dossiers/{code}/actions"),
            Some(json!({"action": "finish", "result": {"summary": "x"}, "version": version})),
            &[],
        ),
        (
            Method::POST,
            format!("/api/v1/dossiers/{code}/actions"),
            Some(json!({"action": "stop", "reason": "x", "version": version})),
            &[],
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, body, allowed) in &rows {
        for (name, token) in &who {
            let (s, text) = match body {
                Some(b) => {
                    let (s, v) = t.post(path, Some(token), b).await;
                    (s, v.to_string())
                }
                None => {
                    let (s, v) = t.get(path, Some(token)).await;
                    (s, v.to_string())
                }
            };
            let ok = s.is_success();
            if s.is_server_error() || ok != allowed.contains(name) {
                wrong.push(format!("{method} {path} as {name}: {s} {text:.160}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn the_consulted_agency_pages_show_the_question_and_send_it_back() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let (code, version) = consulted(&t, &counter).await;
    let cookie = t.session("24958.CA", Role::Leader).await;
    let p = t
        .page("GET", &format!("/inbox/{code}"), Some(&cookie), None)
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Xác minh nơi cư trú của người yêu cầu"));
    assert!(p.body.contains("********1234"));
    assert!(!p.body.contains("0912345678"), "the phone is shown");
    assert!(!p.body.contains("068195001234"), "the full number is shown");
    assert!(!p.body.contains("/result"), "a result form is offered");
    assert!(
        !p.body.contains("+07:00"),
        "times are shown as people read them"
    );
    let csrf = crate::common::csrf(&p.body);
    // A forged form asking to finish: refused, nothing changed.
    let p = t
        .page(
            "POST",
            &format!("/inbox/{code}/act"),
            Some(&cookie),
            Some(&format!(
                "csrf={csrf}&version={version}&action=finish&result=x"
            )),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    assert_eq!(t.dossier(&counter, &code).await["version"], version);
    // The answer goes back.
    let p = t
        .page(
            "POST",
            &format!("/inbox/{code}/act"),
            Some(&cookie),
            Some(&format!(
                "csrf={csrf}&version={version}&action=transfer&to_agency=24958.TTPVHCC&note=%C4%90%C3%BAng"
            )),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/inbox?done=consultation"));
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["current_agency"], "24958.TTPVHCC");
    // The page is gone for the police now.
    let p = t
        .page("GET", &format!("/inbox/{code}"), Some(&cookie), None)
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}
