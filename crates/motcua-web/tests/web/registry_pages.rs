//! The pages of issue #6 through the router: filing a linked application at the counter (with the
//! anti-forgery check, a refusal that re-renders and writes nothing, a double submission that files
//! once), its progress page, public tracking by its one code, the registry page and who may see it.

use crate::common::{TestApp, csrf, form_body, form_fields};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::json;
use time::macros::datetime;

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn sign_in(t: &TestApp, agency: &str, role: Role) -> String {
    t.session(agency, role).await
}

#[tokio::test]
async fn a_counter_files_a_linked_application_and_follows_it() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let cookie = sign_in(&t, "24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t.page("GET", "/counter/linked", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2.000986") && r.body.contains("1.006714"));
    let token = csrf(&r.body);
    let form_id = {
        let pat = r#"name="form_id" value=""#;
        let i = r.body.find(pat).unwrap() + pat.len();
        r.body[i..i + 36].to_owned()
    };
    let body = |name: &str| {
        format!(
            "csrf={token}&form_id={form_id}&service=2.000986&name={}&id_number=068195001234&phone=0912345678&summary={}",
            enc(name),
            enc("Khai sinh cho cháu <b>An</b>")
        )
    };
    let before = t.count().await;
    // Without the anti-forgery token: refused, nothing written.
    let forged = body("Nguyễn Thị Lan").replace(&format!("csrf={token}"), "csrf=x");
    let r = t
        .page("POST", "/counter/linked", Some(&cookie), Some(&forged))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A bad name re-renders with the error and what was typed; nothing written.
    let r = t
        .page("POST", "/counter/linked", Some(&cookie), Some(&body("")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("error-summary") && r.body.contains("068195001234"));
    assert_eq!(t.count().await, before);
    // Filed: to its page. A double click files once.
    let r = t
        .page(
            "POST",
            "/counter/linked",
            Some(&cookie),
            Some(&body("Nguyễn Thị Lan")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location.unwrap();
    let r2 = t
        .page(
            "POST",
            "/counter/linked",
            Some(&cookie),
            Some(&body("Nguyễn Thị Lan")),
        )
        .await;
    assert_eq!(r2.location.as_deref(), Some(location.as_str()));
    assert_eq!(t.count().await, before + 1);
    let code = location.trim_start_matches("/linked/").to_owned();
    let r = t.page("GET", &location, Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("0 / 3") && r.body.contains("Đăng ký khai sinh"));
    assert!(
        r.body.contains("&#60;b&#62;An&#60;/b&#62;"),
        "hostile text is escaped"
    );
    assert!(r.body.contains("Chờ bước trước có kết quả"));

    // The public page under the same code: progress, no name.
    let r = t
        .page(
            "GET",
            &format!("/track?code={code}&phone=0912345678"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("0 / 3") && !r.body.contains("Nguyễn Thị Lan"));
    assert!(!r.body.contains("/inbox/"), "no staff links in public");
    let r = t
        .page(
            "GET",
            &format!("/track?code={code}&phone=0987654321"),
            None,
            None,
        )
        .await;
    assert!(!r.body.contains("0 / 3"), "a wrong phone shows nothing");
    // Another commune's counter does not see it.
    let other = sign_in(&t, "24781.TTPVHCC", Role::CounterOfficer).await;
    let r = t.page("GET", &location, Some(&other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_registry_page_shows_the_report_to_the_province_only() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    let (s, v) = t
        .post("/api/v1/authority/rules", Some(&admin), &json!({
            "id": "68-NCC-2", "province_code": "68", "subject": {"procedure": "1.010824"},
            "kind": "assignment", "to": {"agency": "68.BHXH"}, "units": ["24958"], "valid_from": "2024-01-01",
            "legal_basis": "Quyết định <script>x</script>", "issued_by": "UBND tỉnh"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = t
        .post("/api/v1/authority/rules", Some(&admin), &json!({
            "id": "68-NCC-1", "province_code": "68", "subject": {"procedure": "1.010824"},
            "kind": "assignment", "to": {"agency": "68.SNV"}, "units": [], "valid_from": "2025-07-01",
            "legal_basis": "Quyết định 2", "issued_by": "UBND tỉnh"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let cookie = sign_in(&t, "24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t.page("GET", "/admin/authority", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("68.BHXH") && r.body.contains("68.SNV") && r.body.contains("24958"));
    assert!(r.body.contains("&#60;script&#62;") && !r.body.contains("<script>x"));
    let r = t
        .page(
            "GET",
            "/admin/authority?date=2023-01-01",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("Chồng chéo"),
        "no overlap before the rules: {}",
        r.body.len()
    );
    let r = t
        .page("GET", "/admin/authority?date=tomorrow", Some(&cookie), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let hcm = sign_in(&t, "79.UBND", Role::Specialist).await;
    let r = t
        .page("GET", "/admin/authority?province=68", Some(&hcm), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.page("GET", "/admin/authority", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "sign in first");
}

#[tokio::test]
async fn an_administrator_adds_and_ends_rules_on_the_page() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = sign_in(&t, "68.UBND", Role::Admin).await;
    let r = t.page("GET", "/admin/authority", Some(&admin), None).await;
    assert!(
        r.body.contains("action=\"/admin/authority/rules\""),
        "the add form is offered"
    );
    let token = csrf(&r.body);
    let fields = form_fields(&r.body, "/admin/authority/rules");
    let rule = form_body(
        &fields,
        &[
            ("id", Some("68-UQ-9")),
            ("subject", Some("field")),
            ("field", Some("Chứng thực")),
            ("grant", Some("delegation")),
            ("from_by", Some("kind")),
            ("from_kind", Some("commune_peoples_committee")),
            ("to_by", Some("kind")),
            ("to_kind", Some("commune_service_center")),
            ("scope", Some("some")),
            ("unit-24958", Some("on")),
            ("valid_from", Some("2025-07-01")),
            ("legal_basis", Some("Quyết định 9/QĐ-UBND")),
            ("issued_by", Some("UBND xã Đức Trọng")),
        ],
    );
    // The communes are picked by name; every problem is named beside its field, in Vietnamese,
    // with what was typed kept; nothing is added.
    assert!(r.body.contains("Xã Đức Trọng"));
    let bad = form_body(
        &fields,
        &[
            ("id", Some("có dấu")),
            ("grant", Some("delegation")),
            ("scope", Some("some")),
            ("unit-25747", Some("on")),
            ("valid_from", Some("2025-07-01")),
            ("valid_to", Some("2025-01-01")),
            ("legal_basis", Some("")),
            ("issued_by", Some("UBND")),
        ],
    );
    let r = t
        .page("POST", "/admin/authority/rules", Some(&admin), Some(&bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (anchor, text) in [
        ("#id", "Chỉ gồm chữ không dấu"),
        ("#to_by-kind", "Cơ quan không thể ủy quyền cho chính mình"),
        ("#scope-some", "Không thuộc tỉnh này"),
        ("#valid_to", "Trước ngày bắt đầu hiệu lực"),
        ("#legal_basis", "Chưa nhập"),
    ] {
        assert!(
            r.body.contains(&format!("href=\"{anchor}\"")),
            "{anchor}: {}",
            r.body
        );
        assert!(r.body.contains(text), "{text}");
    }
    assert!(r.body.contains("value=\"có dấu\""));
    // What a rule names must exist; a kind and the agency it names are one body; the scope is
    // one of the two choices.
    for (change, anchor) in [
        (("procedure", "9.999999"), "#procedure"),
        (("to_agency", "68.NOPE"), "#to_agency"),
        (("scope", "xyz"), "#scope-all"),
    ] {
        let mut changes: Vec<(&str, Option<&str>)> = vec![
            ("id", Some("68-REF-1")),
            ("subject", Some("procedure")),
            ("procedure", Some("2.000884")),
            ("grant", Some("assignment")),
            (
                "to_by",
                Some(if change.0 == "to_agency" {
                    "agency"
                } else {
                    "kind"
                }),
            ),
            ("to_kind", Some("commune_service_center")),
            ("scope", Some("all")),
            ("valid_from", Some("2025-07-01")),
            ("legal_basis", Some("Quyết định 1")),
            ("issued_by", Some("UBND tỉnh")),
        ];
        changes.retain(|(k, _)| *k != change.0);
        changes.push((change.0, Some(change.1)));
        let r = t
            .page(
                "POST",
                "/admin/authority/rules",
                Some(&admin),
                Some(&form_body(&fields, &changes)),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{change:?}");
        assert!(
            r.body.contains(&format!("href=\"{anchor}\"")),
            "{change:?}: {}",
            r.body
        );
    }
    let mixed = form_body(
        &fields,
        &[
            ("id", Some("68-REF-2")),
            ("grant", Some("delegation")),
            ("from_by", Some("kind")),
            ("from_kind", Some("department_of_justice")),
            ("to_by", Some("agency")),
            ("to_agency", Some("68.STP")),
            ("valid_from", Some("2025-07-01")),
            ("legal_basis", Some("Quyết định 1")),
            ("issued_by", Some("UBND tỉnh")),
            ("procedure", Some("2.000884")),
        ],
    );
    let r = t
        .page("POST", "/admin/authority/rules", Some(&admin), Some(&mixed))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Cơ quan không thể ủy quyền cho chính mình"));
    assert!(!r.body.contains("is not a commune") && !r.body.contains("is required"));
    let r = t
        .page(
            "POST",
            "/admin/authority/rules",
            Some(&admin),
            Some(&form_body(&fields, &[("csrf", Some("x"))])),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Added, then shown, then ended.
    let r = t
        .page("POST", "/admin/authority/rules", Some(&admin), Some(&rule))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some("/admin/authority?province=68&done=added")
    );
    let r = t
        .page(
            "GET",
            "/admin/authority?province=68&done=added",
            Some(&admin),
            None,
        )
        .await;
    assert!(r.body.contains("68-UQ-9") && r.body.contains("/admin/authority/rules/68-UQ-9/end"));
    // Shown with names: the kind of rule, the agencies' kinds, the commune.
    assert!(r.body.contains("Ủy quyền") && r.body.contains("Xã Đức Trọng (24958)"));
    // The same number again is refused beside the number.
    let r2 = t
        .page("POST", "/admin/authority/rules", Some(&admin), Some(&rule))
        .await;
    assert_eq!(r2.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r2.body.contains("href=\"#id\"") && r2.body.contains("Bị trùng"));
    let r = t
        .page(
            "POST",
            "/admin/authority/rules/68-UQ-9/end",
            Some(&admin),
            Some(&format!("csrf={token}&valid_to=2025-06-01")),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot end before it starts"
    );
    assert!(
        r.body
            .contains("không thể kết thúc trước ngày bắt đầu hiệu lực")
    );
    // A system administrator manages another province's registry from its page: the rule is
    // added to and ended in that province.
    let page79 = t
        .page("GET", "/admin/authority?province=79", Some(&admin), None)
        .await;
    let f79 = form_fields(&page79.body, "/admin/authority/rules");
    let rule79 = form_body(
        &f79,
        &[
            ("id", Some("79-GIAO-1")),
            ("subject", Some("field")),
            ("field", Some("Chứng thực")),
            ("grant", Some("assignment")),
            ("to_by", Some("kind")),
            ("to_kind", Some("commune_peoples_committee")),
            ("scope", Some("all")),
            ("valid_from", Some("2025-07-01")),
            ("legal_basis", Some("Quyết định 79/QĐ-UBND")),
            ("issued_by", Some("UBND Thành phố Hồ Chí Minh")),
        ],
    );
    let r = t
        .page(
            "POST",
            "/admin/authority/rules",
            Some(&admin),
            Some(&rule79),
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some("/admin/authority?province=79&done=added"),
        "{}",
        r.body
    );
    let r = t
        .page(
            "POST",
            "/admin/authority/rules/79-GIAO-1/end",
            Some(&admin),
            Some(&format!("csrf={token}&province=79&valid_to=2025-12-31")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, rules79) = t
        .get(
            "/api/v1/authority/rules?province=79",
            Some(&t.token("68.UBND", Role::Admin).await),
        )
        .await;
    assert_eq!(rules79[0]["id"], "79-GIAO-1");
    assert_eq!(rules79[0]["valid_to"], "2025-12-31");
    let r = t
        .page(
            "POST",
            "/admin/authority/rules/68-UQ-9/end",
            Some(&admin),
            Some(&format!("csrf={token}&valid_to=2025-12-31")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, rules) = t
        .get(
            "/api/v1/authority/rules?province=68",
            Some(&t.token("68.UBND", Role::Admin).await),
        )
        .await;
    assert_eq!(rules[0]["valid_to"], "2025-12-31");
    // A counter officer sees the report but no forms, and cannot post them.
    let counter = sign_in(&t, "24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t
        .page("GET", "/admin/authority", Some(&counter), None)
        .await;
    assert!(!r.body.contains("action=\"/admin/authority/rules\""));
    let ct = csrf(&r.body);
    let r = t
        .page(
            "POST",
            "/admin/authority/rules",
            Some(&counter),
            Some(&form_body(&fields, &[("csrf", Some(&ct))])),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Issue #31: the counter types the birth step's declaration on the linked page; checked in
/// full (every error on its field, nothing written), it goes to the birth dossier.
#[tokio::test]
async fn the_counter_types_the_first_steps_declaration_on_the_linked_page() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let cookie = sign_in(&t, "24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t
        .page(
            "GET",
            "/counter/linked?service=2.000986",
            Some(&cookie),
            None,
        )
        .await;
    assert!(
        r.body.contains(r#"name="declare_step" value="birth""#)
            && r.body.contains(r#"name="child.birth_date""#),
        "{}",
        r.body
    );
    let token = csrf(&r.body);
    let declaration = [
        ("child.name", "Trần Minh Khôi"),
        ("child.birth_date", "20/08/2025"),
        ("child.sex", "male"),
        ("child.ethnicity", "Kinh"),
        ("child.nationality", "Việt Nam"),
        ("birth_place", "Trạm Y tế xã"),
        ("hometown", "Lâm Đồng"),
        ("relationship", "Mẹ"),
        ("mother.name", "Trần Thị Hoa"),
        ("mother.birth_date", "15/06/1995"),
        ("mother.ethnicity", "Kinh"),
        ("mother.nationality", "Việt Nam"),
        ("mother_residence.place", "Xã Đức Trọng, Lâm Đồng"),
        ("father_known", "no"),
        ("copies_wanted", "no"),
    ];
    let body = |pairs: &[(&str, &str)]| {
        let mut b = format!(
            "csrf={token}&service=2.000986&declare_step=birth&name={}&id_number=068195004321&phone=0912000111&summary=Khai+sinh",
            enc("Trần Thị Hoa")
        );
        for (k, v) in pairs {
            b.push_str(&format!("&{}={}", enc(k), enc(v)));
        }
        b
    };
    let before = t.count().await;
    let mut bad = declaration.to_vec();
    bad[1] = ("child.birth_date", "02/09/2025");
    let r = t
        .page("POST", "/counter/linked", Some(&cookie), Some(&body(&bad)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Ngày này không được sau ngày hôm nay"),
        "{}",
        r.body
    );
    assert_eq!(t.count().await, before);
    let r = t
        .page(
            "POST",
            "/counter/linked",
            Some(&cookie),
            Some(&body(&declaration)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let code = r
        .location
        .unwrap()
        .trim_start_matches("/linked/")
        .to_owned();
    let (_, v) = t
        .get(&format!("/api/v1/linked/{code}"), Some(&counter))
        .await;
    let birth = v["steps"][0]["dossier"].as_str().unwrap().to_owned();
    let d = t.dossier(&counter, &birth).await;
    assert_eq!(
        d["declaration"]["answers"]["child"]["name"],
        "Trần Minh Khôi"
    );
}
