//! Electronic declarations through the router: the catalogue gives each case's form, the API
//! refuses a bad declaration with every failing path and stores nothing, the wizard asks it page
//! by page with every error at once, and the officer reads it as data.

use crate::apply::Browser;
use crate::common::{TestApp, csrf, error_code, intake_body};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;

fn birth() -> Value {
    json!({
        "child": {"name": "Nguyễn Thị Bình", "birth_date": "2025-02-20", "sex": "female",
                  "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "birth_place": "Bệnh viện Đa khoa tỉnh Lâm Đồng",
        "hometown": "Lâm Đồng",
        "relationship": "Mẹ",
        "mother": {"name": "Nguyễn Thị Lan", "birth_date": "1995-06-15", "ethnicity": "Kinh",
                   "nationality": "Việt Nam"},
        "mother_residence": {"place": "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng", "street": "Thôn 2"},
        "father_known": "no",
        "copies_wanted": "yes",
        "copies_count": 2
    })
}

fn online(procedure: &str, declaration: Option<Value>) -> Value {
    let mut body = intake_body(procedure, "24958.TTPVHCC");
    body["channel"] = json!("online");
    if let Some(d) = declaration {
        body["declaration"] = d;
    }
    body
}

#[tokio::test]
async fn the_catalogue_gives_each_case_its_declaration() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, v) = t.get("/api/v1/procedures/1.001193", None).await;
    assert_eq!(s, StatusCode::OK);
    let d = &v["cases"][0]["declaration"];
    assert_eq!(d["code"], "TK-KS");
    assert!(
        d["form"]["basis"]
            .as_str()
            .unwrap()
            .contains("04/2024/TT-BTP")
    );
    assert_eq!(d["pages"][0]["fields"][0]["key"], "child");
    assert_eq!(d["pages"][0]["fields"][0]["kind"]["type"], "person");
    // A procedure without one says nothing of it.
    let (_, v) = t.get("/api/v1/procedures/1.004873", None).await;
    assert!(v["cases"][0].get("declaration").is_none());
}

#[tokio::test]
async fn a_bad_declaration_is_refused_with_every_path_and_nothing_is_stored() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut bad = birth();
    bad["child"]["birth_date"] = json!("2025-03-04");
    bad["mother"]["name"] = json!("");
    bad["mother"]["id"] = json!({"kind": "cmnd", "number": "12"});
    bad["copies_count"] = json!(99);
    bad["mother_residence"] = json!({"commune": "99999"});
    bad["nickname"] = json!("Bông");
    let (s, v) = t
        .post("/api/v1/dossiers", None, &online("1.001193", Some(bad)))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(error_code(&v), "declaration.invalid");
    let fields = v["error"]["fields"].as_object().unwrap();
    let mut paths: Vec<&str> = fields.keys().map(String::as_str).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        vec![
            "child.birth_date",
            "copies_count",
            "mother.id.number",
            "mother.name",
            "mother_residence.commune",
            "nickname",
        ]
    );
    assert_eq!(fields["child.birth_date"]["code"], "date_in_future");
    assert_eq!(fields["nickname"]["code"], "unknown");
    assert_eq!(t.count().await, 0);

    // Not an object at all; no declaration online; one for a procedure that has none.
    for (body, code) in [
        (
            online("1.001193", Some(json!(["child"]))),
            "declaration.invalid",
        ),
        (online("1.001193", None), "request.invalid_field"),
        (
            online("1.004873", Some(json!({"x": 1}))),
            "request.invalid_field",
        ),
    ] {
        let (s, v) = t.post("/api/v1/dossiers", None, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(error_code(&v), code, "{v}");
    }
    assert_eq!(t.count().await, 0);
}

#[tokio::test]
async fn a_good_declaration_is_kept_normalised_and_stands_for_the_paper_form() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, v) = t
        .post("/api/v1/dossiers", None, &online("1.001193", Some(birth())))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.dossier(&counter, &code).await;
    let a = &d["declaration"]["answers"];
    assert_eq!(d["declaration"]["code"], "TK-KS");
    assert_eq!(a["mother_residence"]["commune"], "24958");
    assert!(
        a["mother_residence"]["old_name"]
            .as_str()
            .unwrap()
            .contains("Phú Hội")
    );
    assert_eq!(a["father_known"], false);
    assert_eq!(a["copies_count"], 2);
    // The declaration is the paper form TK: recorded as received, not uploaded.
    assert!(
        d["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "TK")
    );
    // And it is part of the hashed history.
    let events = t.events(&counter, &code).await;
    assert!(events[0]["payload"].to_string().contains("TK-KS"));

    // At the counter the declaration may be brought on paper instead.
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(&counter),
            &intake_body("1.001193", "24958.TTPVHCC"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn both_spouses_of_marrying_age_on_the_filing_date() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let marriage = |wife: &str, husband: &str| {
        json!({
            "wife": {"name": "Lê Thị Mai", "birth_date": wife, "ethnicity": "Kinh",
                     "nationality": "Việt Nam", "id": {"kind": "cccd", "number": "068300001111"}},
            "wife_residence": {"commune": "24958"},
            "wife_marriage_no": 1,
            "husband": {"name": "Phạm Văn Nam", "birth_date": husband, "ethnicity": "Kinh",
                        "nationality": "Việt Nam", "id": {"kind": "cccd", "number": "068200002222"}},
            "husband_residence": {"commune": "24958"},
            "husband_marriage_no": 1,
            "copies_wanted": false
        })
    };
    // She turns 18 the day after the filing date; he is 20 that day.
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            None,
            &online("1.000894", Some(marriage("2007-03-04", "2005-03-03"))),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields = v["error"]["fields"].as_object().unwrap();
    assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["wife.birth_date"]);
    assert_eq!(fields["wife.birth_date"]["code"], "rule");
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            None,
            &online("1.000894", Some(marriage("2007-03-03", "2005-03-03"))),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// Fills the applicant's questions of the wizard for `procedure`; returns the anti-forgery token.
async fn applicant(b: &mut Browser<'_>, procedure: &str) -> String {
    b.post(&format!("/apply/{procedure}"), "").await;
    let token = csrf(&b.get(&format!("/apply/{procedure}/where")).await.body);
    for (step, form) in [
        ("where", "address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong"),
        ("name", "name=Nguyen+Thi+Lan"),
        ("id", "id_number=068195001234"),
        ("contact", "phone=0912345678&email="),
        ("delivery", "delivery=electronic"),
    ] {
        let r = b
            .post(
                &format!("/apply/{procedure}/{step}"),
                &format!("csrf={token}&{form}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    token
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn form_of(token: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = format!("csrf={token}");
    for (k, v) in pairs {
        out.push_str(&format!("&{}={}", enc(k), enc(v)));
    }
    out
}

#[tokio::test]
async fn the_wizard_asks_the_declaration_page_by_page_and_the_officer_reads_it() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut b = Browser {
        t: &t,
        cookie: String::new(),
    };
    let token = applicant(&mut b, "1.001193").await;
    // After the applicant's questions, the declaration's first page.
    let r = b
        .post(
            "/apply/1.001193/delivery",
            &format!("csrf={token}&delivery=electronic"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.001193/form/child"));
    let page = b.get("/apply/1.001193/form/child").await;
    assert!(page.body.contains(r#"name="child.birth_date""#));

    // Everything empty: every error at once, each linked to its field, in the page's language.
    let r = b
        .post("/apply/1.001193/form/child", &format!("csrf={token}"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for anchor in [
        "#f-child-name",
        "#f-child-birth_date",
        "#f-child-sex",
        "#f-birth_place",
        "#f-relationship",
    ] {
        assert!(
            r.body.contains(&format!(r#"href="{anchor}""#)),
            "{anchor}: {}",
            r.body
        );
    }
    assert!(r.body.contains("Vui lòng trả lời câu hỏi này"));

    // A child born after the filing date, with what was typed kept.
    let child = [
        ("child.name", "Nguyễn Thị Bình"),
        ("child.birth_date", "04/03/2025"),
        ("child.sex", "female"),
        ("child.ethnicity", "Kinh"),
        ("child.nationality", "Việt Nam"),
        ("birth_place", "Bệnh viện Đa khoa tỉnh Lâm Đồng"),
        ("hometown", "Lâm Đồng"),
        ("relationship", "Mẹ"),
    ];
    let r = b
        .post("/apply/1.001193/form/child", &form_of(&token, &child))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ngày này không được sau ngày hôm nay"));
    assert!(r.body.contains(r#"value="04/03/2025""#));
    let mut good = child;
    good[1] = ("child.birth_date", "20/02/2025");
    let r = b
        .post("/apply/1.001193/form/child", &form_of(&token, &good))
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.001193/form/mother"));

    // An ambiguous old ward name: choose among the communes it became.
    let mother = [
        ("mother.name", "Nguyễn Thị Lan"),
        ("mother.birth_date", "15/06/1995"),
        ("mother.id.kind", "cccd"),
        ("mother.id.number", ""),
        ("mother.ethnicity", "Kinh"),
        ("mother.nationality", "Việt Nam"),
        ("mother_residence.place", "Phường 1"),
        ("mother_residence.street", "5 Trần Phú"),
    ];
    let r = b
        .post("/apply/1.001193/form/mother", &form_of(&token, &mother))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"name="mother_residence.commune""#));
    let mut chosen = mother.to_vec();
    chosen.push(("mother_residence.commune", "24958"));
    let r = b
        .post("/apply/1.001193/form/mother", &form_of(&token, &chosen))
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some("/apply/1.001193/form/father_known")
    );
    // No father known: his page is skipped.
    let r = b
        .post(
            "/apply/1.001193/form/father_known",
            &form_of(&token, &[("father_known", "no")]),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.001193/form/copies"));
    assert_eq!(
        b.get("/apply/1.001193/form/copies").await.status,
        StatusCode::OK
    );
    let r = b
        .post(
            "/apply/1.001193/form/copies",
            &form_of(&token, &[("copies_wanted", "yes"), ("copies_count", "2")]),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.001193/documents"));
    // The paper declaration is not asked for as an upload.
    let docs = b.get("/apply/1.001193/documents").await.body;
    assert!(!docs.contains("file_TK") && docs.contains("file_GCS"));
    let r = b
        .upload(
            "/apply/1.004873/documents",
            &token,
            &[("file_GCS", "gcs.pdf", "application/pdf", b"%PDF-1.4 gcs")],
        )
        .await;
    // (Another procedure's address: this draft is not for it.)
    assert_ne!(r.status, StatusCode::OK);
    for comp in ["GCS", "CCCD"] {
        let r = b
            .upload(
                "/apply/1.001193/documents",
                &token,
                &[(
                    &format!("file_{comp}"),
                    "x.pdf",
                    "application/pdf",
                    b"%PDF-1.4 x",
                )],
            )
            .await;
        assert!(r.status.is_redirection() || r.status.is_client_error());
    }
    let check = b.get("/apply/1.001193/check").await.body;
    assert!(
        check.contains("20/02/2025") && check.contains("Nữ"),
        "{check}"
    );
    assert!(check.contains(r#"href="/apply/1.001193/form/mother?change=1""#));
    let r = b
        .post("/apply/1.001193/check", &format!("csrf={token}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.count().await, 1);

    // The officer reads the declaration as data on the dossier page.
    let cookie = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    let page = t
        .page("GET", "/inbox/24958-250303-0001", Some(&cookie), None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Tờ khai đăng ký khai sinh"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nguyễn Thị Bình") && page.body.contains("20/02/2025"));
    assert!(page.body.contains("Thông tư 04/2020/TT-BTP"));
}

/// Issue #31: a signed-in citizen is offered the answers of their earlier dossier of the same
/// procedure — never filled in without their choice.
#[tokio::test]
async fn earlier_answers_are_offered_never_silently_reused() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    // An earlier birth registration of the same applicant (intake_body's 068195001234).
    let (s, v) = t
        .post("/api/v1/dossiers", None, &online("1.001193", Some(birth())))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let earlier = v["code"].as_str().unwrap().to_owned();
    let citizen = t.citizen_cookie("068195001234", "Nguyễn Thị Lan").await;
    let mut b = Browser {
        t: &t,
        cookie: citizen.clone(),
    };
    b.post("/apply/1.001193", "").await;
    b.cookie = format!("{citizen}; {}", b.cookie);
    let token = csrf(&b.get("/apply/1.001193/where").await.body);
    for (step, form) in [
        ("where", "address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong"),
        ("contact", "phone=0912345678"),
        ("delivery", "delivery=counter"),
    ] {
        let r = b
            .post(
                &format!("/apply/1.001193/{step}"),
                &format!("csrf={token}&{form}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    let page = b.get("/apply/1.001193/form/mother").await.body;
    assert!(
        page.contains(r#"name="reuse_mother""#) && page.contains(&earlier),
        "{page}"
    );
    // Nothing is filled in until chosen.
    assert!(!page.contains(r#"value="Nguyễn Thị Lan""#));
    let r = b
        .post(
            "/apply/1.001193/form/mother",
            &format!("csrf={token}&reuse=1&reuse_mother=1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"value="Nguyễn Thị Lan""#), "{}", r.body);
    assert!(r.body.contains(r#"value="15/06/1995""#));
    // The residence was not ticked: not filled.
    assert!(!r.body.contains(r#"value="Thôn 2""#));
    // Someone not signed in is offered nothing.
    let mut anon = Browser {
        t: &t,
        cookie: String::new(),
    };
    anon.post("/apply/1.001193", "").await;
    assert!(
        !anon
            .get("/apply/1.001193/form/mother")
            .await
            .body
            .contains("reuse_")
    );
}

/// The filed declaration prints only for staff who see the dossier: not for another commune's
/// counter, another province, or a citizen's session.
#[tokio::test]
async fn the_declaration_prints_only_for_staff_who_see_the_dossier() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, v) = t
        .post("/api/v1/dossiers", None, &online("1.001193", Some(birth())))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let uri = format!("/inbox/{}/declaration.pdf", v["code"].as_str().unwrap());
    let counter = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    let r = t.page("GET", &uri, Some(&counter), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert!(r.body.starts_with("%PDF-"));
    for (agency, role) in [
        ("24781.TTPVHCC", Role::CounterOfficer),
        ("25747.UBND", Role::Leader),
    ] {
        let other = t.session(agency, role).await;
        let r = t.page("GET", &uri, Some(&other), None).await;
        assert!(
            matches!(r.status.as_u16(), 403 | 404),
            "{agency}: {}",
            r.status
        );
        assert!(!r.body.contains("Nguyễn Thị Bình"));
    }
    let citizen = t.citizen_cookie("068195001234", "Nguyễn Thị Lan").await;
    let r = t.page("GET", &uri, Some(&citizen), None).await;
    assert!(matches!(r.status.as_u16(), 303 | 401 | 403), "{}", r.status);
    // A procedure without a declaration: a clear not found, not an error.
    let other = t
        .intake(
            &t.token("24958.TTPVHCC", Role::CounterOfficer).await,
            "1.004873",
            "24958.TTPVHCC",
        )
        .await;
    let r = t
        .page(
            "GET",
            &format!("/inbox/{}/declaration.pdf", other["code"].as_str().unwrap()),
            Some(&counter),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
