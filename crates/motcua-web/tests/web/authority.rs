//! The authority registry through the router (issue #6): routing at intake (own commune,
//! boundary-free filing elsewhere in the province, refused filing points, delegations in force
//! and expired, gaps and overlaps refused without writing anything), transfers only to the
//! competent agency or as a consultation, the checker and the rules API with their permissions.

use crate::common::{TestApp, error_code, intake_body};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;

const CENTER: &str = "24958.TTPVHCC";

fn body_for(procedure: &str, center: &str, unit: Option<&str>) -> Value {
    let mut b = intake_body(procedure, center);
    if let Some(u) = unit {
        b["applicant_unit"] = json!(u);
    }
    b
}

fn rule(
    id: &str,
    subject: Value,
    grant: Value,
    units: &[&str],
    from: &str,
    to: Option<&str>,
) -> Value {
    let mut r = json!({
        "id": id, "province_code": "68", "subject": subject, "units": units,
        "valid_from": from, "legal_basis": format!("Quyết định {id}"), "issued_by": "UBND tỉnh Lâm Đồng",
    });
    for (k, v) in grant.as_object().unwrap() {
        r[k] = v.clone();
    }
    if let Some(t) = to {
        r["valid_to"] = json!(t);
    }
    r
}

async fn add_rule(t: &TestApp, admin: &str, r: Value) {
    let (s, v) = t.post("/api/v1/authority/rules", Some(admin), &r).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// (case, receiving point, applicant commune, procedure, expected competent agency or error code)
#[tokio::test]
async fn routing_table() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        Result<&'a str, &'a str>,
    );
    let cases: &[Case] = &[
        (
            "own commune, commune procedure",
            CENTER,
            None,
            "1.004873",
            Ok("24958.UBND"),
        ),
        (
            "own commune given explicitly",
            CENTER,
            Some("24958"),
            "1.004873",
            Ok("24958.UBND"),
        ),
        (
            "own commune, police procedure",
            CENTER,
            None,
            "1.004222",
            Ok("24958.CA"),
        ),
        (
            "boundary-free, filed in another commune of the province",
            "24781.TTPVHCC",
            Some("24958"),
            "local.xac-nhan-thong-tin-cu-tru",
            Ok("24958.CA"),
        ),
        (
            "provincial procedure at a commune counter",
            CENTER,
            None,
            "local.ly-lich-tu-phap",
            Ok("68.CA"),
        ),
        (
            "provincial procedure at the provincial center",
            "68.TTPVHCC",
            Some("24958"),
            "local.ly-lich-tu-phap",
            Ok("68.CA"),
        ),
        (
            "commune procedure at another commune's counter",
            "24781.TTPVHCC",
            Some("24958"),
            "1.004873",
            Err("authority.wrong_receiving_point"),
        ),
        (
            "commune procedure at the provincial center",
            "68.TTPVHCC",
            Some("24958"),
            "1.004873",
            Err("authority.wrong_receiving_point"),
        ),
        (
            "applicant of another province",
            "24781.TTPVHCC",
            Some("25747"),
            "local.xac-nhan-thong-tin-cu-tru",
            Err("authority.wrong_receiving_point"),
        ),
        (
            "unknown commune",
            CENTER,
            Some("99999"),
            "1.004873",
            Err("request.invalid_field"),
        ),
    ];
    for (name, center, unit, procedure, want) in cases {
        let token = t.token(center, Role::CounterOfficer).await;
        let before = t.count().await;
        let (s, v) = t
            .post(
                "/api/v1/dossiers",
                Some(&token),
                &body_for(procedure, center, *unit),
            )
            .await;
        match want {
            Ok(agency) => {
                assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
                assert_eq!(v["competent_agency"], *agency, "{name}");
                assert_eq!(v["receiving_agency"], *center, "{name}");
                assert_eq!(
                    v["routing"]["applicant_unit"],
                    unit.unwrap_or("24958"),
                    "{name}"
                );
                assert_eq!(v["routing"]["chain"][0]["source"], "catalogue", "{name}");
            }
            Err(code) => {
                assert_eq!(error_code(&v), *code, "{name}: {v}");
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
                assert_eq!(t.count().await, before, "{name}: nothing written");
            }
        }
    }
}

#[tokio::test]
async fn a_refused_filing_says_where_to_file() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let token = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let (_, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&token),
            &body_for("1.004873", "24781.TTPVHCC", Some("24958")),
        )
        .await;
    let m = v["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("24958.TTPVHCC") && m.contains("Đức Trọng"),
        "{m}"
    );
}

#[tokio::test]
async fn the_first_event_records_the_rule_that_routed_the_dossier() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    add_rule(&t, &admin, rule("68-UQ-1", json!({"field": "Hộ tịch"}),
        json!({"kind": "delegation", "from": {"kind": "commune_peoples_committee"}, "to": {"kind": "commune_service_center"}}),
        &["24958"], "2025-07-01", Some("2025-12-31"))).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    assert_eq!(d["competent_agency"], "24958.TTPVHCC");
    let chain = d["routing"]["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["source"], "catalogue");
    assert_eq!(chain[1]["id"], "68-UQ-1");
    assert_eq!(chain[1]["kind"], "delegation");
    let events = t.events(&counter, d["code"].as_str().unwrap()).await;
    let payload: Value = serde_json::from_str(events[0]["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["routing"]["chain"][1]["id"], "68-UQ-1");

    // The delegation expired: the next dossier goes back to the People's Committee, and the
    // checker reports the delegation that has no successor.
    t.clock.set(datetime!(2026-01-05 09:00 +7));
    let d = t.intake(&counter, "1.004873", CENTER).await;
    assert_eq!(d["competent_agency"], "24958.UBND");
    assert_eq!(d["routing"]["chain"].as_array().unwrap().len(), 1);
    let (s, r) = t
        .get("/api/v1/authority/check?province=68", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["expired_delegations"][0]["rule"], "68-UQ-1");
    // A renewal in force silences it.
    add_rule(&t, &admin, rule("68-UQ-2", json!({"field": "Hộ tịch"}),
        json!({"kind": "delegation", "from": {"kind": "commune_peoples_committee"}, "to": {"kind": "commune_service_center"}}),
        &["24958"], "2026-01-01", None)).await;
    let (_, r) = t
        .get("/api/v1/authority/check?province=68", Some(&admin))
        .await;
    assert_eq!(r["expired_delegations"], json!([]));
}

#[tokio::test]
async fn gaps_and_overlaps_refuse_intake_and_the_checker_finds_them() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    let (_, clean) = t
        .get("/api/v1/authority/check?province=68", Some(&admin))
        .await;
    for k in [
        "overlaps",
        "gaps",
        "expired_delegations",
        "dangling_delegations",
        "level_changes",
    ] {
        assert_eq!(clean[k], json!([]), "{k} on an empty registry");
    }
    // A gap: the construction permit assigned to one commune only.
    add_rule(
        &t,
        &admin,
        rule(
            "68-XD-1",
            json!({"procedure": "local.giay-phep-xay-dung-nha-o"}),
            json!({"kind": "assignment", "to": {"kind": "commune_peoples_committee"}}),
            &["24781"],
            "2025-07-01",
            None,
        ),
    )
    .await;
    // An overlap: two assignments of 1.010824 covering 24958.
    add_rule(
        &t,
        &admin,
        rule(
            "68-NCC-1",
            json!({"procedure": "1.010824"}),
            json!({"kind": "assignment", "to": {"agency": "68.SNV"}}),
            &[],
            "2025-07-01",
            None,
        ),
    )
    .await;
    add_rule(
        &t,
        &admin,
        rule(
            "68-NCC-2",
            json!({"procedure": "1.010824"}),
            json!({"kind": "assignment", "to": {"agency": "68.BHXH"}}),
            &["24958"],
            "2024-01-01",
            None,
        ),
    )
    .await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let before = t.count().await;
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&counter),
            &body_for("local.giay-phep-xay-dung-nha-o", CENTER, None),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "authority.no_competent_agency"
        ),
        "{v}"
    );
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&counter),
            &body_for("1.010824", CENTER, None),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::CONFLICT, "authority.overlap"),
        "{v}"
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("68.BHXH"));
    assert_eq!(t.count().await, before, "nothing written");
    // Elsewhere both still work.
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&other),
            &body_for("local.giay-phep-xay-dung-nha-o", "24781.TTPVHCC", None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["routing"]["chain"][0]["id"], "68-XD-1");
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&other),
            &body_for("1.010824", "24781.TTPVHCC", None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["competent_agency"], "68.SNV");

    let (_, r) = t
        .get("/api/v1/authority/check?province=68", Some(&admin))
        .await;
    assert_eq!(r["overlaps"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["overlaps"][0]["procedure"], "1.010824");
    assert_eq!(r["overlaps"][0]["units"], json!(["24958"]));
    assert_eq!(r["gaps"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["gaps"][0]["procedure"], "local.giay-phep-xay-dung-nha-o");
    assert!(r["gaps"][0]["units"].as_array().unwrap().len() > 100);
    assert_eq!(r["level_changes"], json!([]));
    // The public competence look-up says the same.
    let (s, c) = t
        .get(
            "/api/v1/authority/competence?procedure=1.010824&unit=24958",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["outcome"], "overlap");
    let (_, c) = t
        .get(
            "/api/v1/authority/competence?procedure=1.010824&unit=24781&date=2025-09-01",
            None,
        )
        .await;
    assert_eq!(c["outcome"], "competent");
    assert_eq!(c["agency"], "68.SNV");
    assert_eq!(c["chain"][0]["id"], "68-NCC-1");
    // Ending the old rule removes the overlap.
    let (s, v) = t
        .post(
            "/api/v1/authority/rules/68/68-NCC-2/end",
            Some(&admin),
            &json!({"valid_to": "2025-08-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, r) = t
        .get("/api/v1/authority/check?province=68", Some(&admin))
        .await;
    assert_eq!(r["overlaps"], json!([]));
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&counter),
            &body_for("1.010824", CENTER, None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn transfers_go_to_the_competent_agency_or_out_for_a_consultation() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let pc = t.token("24958.UBND", Role::Specialist).await;
    let stp = t.token("68.STP", Role::Specialist).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let (s, v) = t
        .act(
            &counter,
            code,
            json!({"action": "transfer", "version": 1, "to_agency": "68.STP"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "authority.not_competent"),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("24958.UBND")
    );
    assert_eq!(
        t.dossier(&counter, code).await["version"],
        1,
        "nothing changed"
    );
    let (s, v) = t
        .act(
            &counter,
            code,
            json!({"action": "transfer", "version": 1, "to_agency": "24958.UBND"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t.act(&pc, code, json!({"action": "transfer", "version": 2, "to_agency": "68.STP", "consultation": true, "note": "Xin ý kiến"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["consultation_from"], "24958.UBND");
    // The consulted department may only send it back (issue #29: refused before the lifecycle
    // is asked, with the consultation's own code).
    let (s, v) = t
        .act(
            &stp,
            code,
            json!({"action": "transfer", "version": 3, "to_agency": "68.CA", "consultation": true}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "dossier.consultation_only"),
        "{v}"
    );
    // The competent agency cannot send it on while it is out either.
    let (s, v) = t
        .act(
            &pc,
            code,
            json!({"action": "transfer", "version": 3, "to_agency": "68.CA", "consultation": true}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier.consultation_must_return"
        ),
        "{v}"
    );
    let (s, v) = t.act(&stp, code, json!({"action": "transfer", "version": 3, "to_agency": "24958.UBND", "note": "Ý kiến đã có"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let v = t.dossier(&pc, code).await;
    assert_eq!(v["current_agency"], "24958.UBND");
    assert_eq!(v["consultation_from"], Value::Null);
    let events = t.events(&counter, code).await;
    let kinds: Vec<String> = events
        .iter()
        .filter(|e| e["action"] == "transfer")
        .map(|e| {
            serde_json::from_str::<Value>(e["payload"].as_str().unwrap()).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["handover", "consultation", "consultation_return"]);
}

#[tokio::test]
async fn the_registry_api_checks_who_asks() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.token("68.UBND", Role::ProvinceAdmin).await;
    let admin79 = t.token("79.UBND", Role::ProvinceAdmin).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let counter79 = t.token("25747.TTPVHCC", Role::CounterOfficer).await;
    let ok_rule = rule(
        "68-T-1",
        json!({"procedure": "1.004873"}),
        json!({"kind": "assignment", "to": {"kind": "commune_peoples_committee"}}),
        &[],
        "2025-07-01",
        None,
    );

    // Reading is public (the registry records published decisions; no personal data).
    let (s0, v0) = t.get("/api/v1/authority/check?province=68", None).await;
    assert_eq!(s0, StatusCode::OK, "{v0}");
    assert_eq!(
        t.get("/api/v1/authority/rules?province=68", Some(&counter79))
            .await
            .0,
        StatusCode::OK
    );
    let (s, v) = t
        .get("/api/v1/authority/check?province=99", Some(&admin))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "unit.not_found")
    );
    let (s, v) = t.get("/api/v1/authority/rules?province=99", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "unit.not_found")
    );
    let (s, v) = t
        .get("/api/v1/authority/check?province=68&date=31-12-2025", None)
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
    let (s, v) = t.get("/api/v1/authority/check", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );

    // Writing: an administrator of the rule's province.
    for (who, want) in [(&counter, "auth.forbidden"), (&admin79, "auth.forbidden")] {
        let (s, v) = t.post("/api/v1/authority/rules", Some(who), &ok_rule).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, want), "{v}");
    }
    let bad: &[(&str, Value)] = &[
        ("bad id", {
            let mut r = ok_rule.clone();
            r["id"] = json!("a b<script>");
            r
        }),
        ("unit of another province", {
            let mut r = ok_rule.clone();
            r["units"] = json!(["25747"]);
            r
        }),
        ("ends before it starts", {
            let mut r = ok_rule.clone();
            r["valid_to"] = json!("2025-01-01");
            r
        }),
        ("bidi override in the field", {
            let mut r = ok_rule.clone();
            r["subject"] = json!({"field": "Hộ\u{202e}tịch"});
            r
        }),
        ("no legal basis", {
            let mut r = ok_rule.clone();
            r["legal_basis"] = json!("  ");
            r
        }),
        (
            "self-delegation",
            rule(
                "68-T-2",
                json!({"field": "Hộ tịch"}),
                json!({"kind": "delegation", "from": {"agency": "68.STP"}, "to": {"agency": "68.STP"}}),
                &[],
                "2025-07-01",
                None,
            ),
        ),
    ];
    for (name, r) in bad {
        let (s, v) = t.post("/api/v1/authority/rules", Some(&admin), r).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "authority.invalid_rule"),
            "{name}: {v}"
        );
    }
    let (s, v) = t
        .post(
            "/api/v1/authority/rules",
            Some(&admin),
            &json!({"id": "x", "kind": "teleport"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    add_rule(&t, &admin, ok_rule.clone()).await;
    let (s, v) = t
        .post("/api/v1/authority/rules", Some(&admin), &ok_rule)
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::CONFLICT, "authority.duplicate_rule")
    );
    let (s, v) = t
        .post(
            "/api/v1/authority/rules/68/NOPE/end",
            Some(&admin),
            &json!({"valid_to": "2025-12-31"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "authority.unknown_rule")
    );
    let (s, v) = t
        .post(
            "/api/v1/authority/rules/68/68-T-1/end",
            Some(&admin),
            &json!({"valid_to": "2025-01-01"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "authority.end_before_start"
        )
    );
    let (s, v) = t
        .post(
            "/api/v1/authority/rules/68/68-T-1/end",
            Some(&admin79),
            &json!({"valid_to": "2025-12-31"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    let (_, rules) = t
        .get("/api/v1/authority/rules?province=68", Some(&admin))
        .await;
    assert_eq!(rules.as_array().unwrap().len(), 1);
    assert_eq!(
        rules[0]["valid_to"],
        Value::Null,
        "refusals changed nothing"
    );
}

#[tokio::test]
async fn the_support_point_is_recorded_apart_from_the_receiving_point() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let mut b = body_for("1.004873", CENTER, None);
    b["support_point"] = json!("Tổ công nghệ số cộng đồng thôn 3");
    let (s, d) = t.post("/api/v1/dossiers", Some(&counter), &b).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["support_point"], "Tổ công nghệ số cộng đồng thôn 3");
    assert_eq!(d["receiving_agency"], CENTER);
    assert_eq!(d["competent_agency"], "24958.UBND");
    let events = t.events(&counter, d["code"].as_str().unwrap()).await;
    let payload: Value = serde_json::from_str(events[0]["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["support_point"], "Tổ công nghệ số cộng đồng thôn 3");
    let before = t.count().await;
    for bad in [
        json!("Bưu điện\u{202e}xã"),
        json!("x".repeat(201)),
        json!(42),
    ] {
        let mut b = body_for("1.004873", CENTER, None);
        b["support_point"] = bad;
        let (s, v) = t.post("/api/v1/dossiers", Some(&counter), &b).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field"),
            "{v}"
        );
    }
    assert_eq!(t.count().await, before);
}
