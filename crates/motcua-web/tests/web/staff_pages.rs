//! Staff pages through the router: sign-in, counter intake, inbox, dossier actions, receipt,
//! and the anti-forgery check.

use crate::common::{PageResp, TEST_PASSWORD, TestApp, cookie_pair, csrf};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use time::macros::datetime;

async fn call(
    t: &TestApp,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> PageResp {
    t.page(method, uri, cookie, form).await
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn a_counter_officer_signs_in_receives_a_dossier_and_prints_the_receipt() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let user = t
        .account("hoa.tiepnhan", "24958.TTPVHCC", Role::CounterOfficer)
        .await;
    // Not signed in: sent to the login page.
    let r = call(&t, "GET", "/counter", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/staff/login?next=%2Fcounter"));
    let r = t.browser_login(&user, "wrong password!", "/counter").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("error-summary"));
    let r = t.browser_login(&user, TEST_PASSWORD, "/counter").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/counter"));
    let set = r.cookie.unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = cookie_pair(&set);
    // An open redirect is refused.
    let r = t
        .browser_login(&user, TEST_PASSWORD, "//evil.example")
        .await;
    assert_eq!(r.location.as_deref(), Some("/inbox"));

    let r = call(
        &t,
        "GET",
        "/counter?procedure=1.004873",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")
    );
    let token_csrf = csrf(&r.body);
    // Invalid CCCD: the form comes back with what was typed and the error.
    let bad = format!(
        "csrf={token_csrf}&procedure=1.004873&name={}&id_number=123&phone=0912345678&recv_TK=on&orig_TK=1&copy_TK=0",
        enc("Lê Thị Hoa")
    );
    let r = call(&t, "POST", "/counter", Some(&cookie), Some(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("error-summary") && r.body.contains("Lê Thị Hoa"),
        "{}",
        r.body
    );
    assert_eq!(t.count().await, 0);
    // A forged form (no token) is refused and writes nothing.
    let forged = bad
        .replace(&format!("csrf={token_csrf}&"), "")
        .replace("id_number=123", "id_number=068195001234");
    let r = call(&t, "POST", "/counter", Some(&cookie), Some(&forged)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count().await, 0);
    let good = bad.replace("id_number=123", "id_number=068195001234");
    let r = call(&t, "POST", "/counter", Some(&cookie), Some(&good)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some("/inbox/24958-250303-0001?done=receive")
    );
    let r = call(
        &t,
        "GET",
        "/inbox/24958-250303-0001?done=receive",
        Some(&cookie),
        None,
    )
    .await;
    assert!(r.body.contains("Đã thực hiện: Tiếp nhận hồ sơ."));
    assert!(r.body.contains("06/03/2025 08:00"));
    let r = call(
        &t,
        "GET",
        "/inbox/24958-250303-0001/receipt",
        Some(&cookie),
        None,
    )
    .await;
    // "Print the receipt" is form 01 itself: the signed PDF issued at intake, shown inline.
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .starts_with("inline")
    );
    let admin = t.token("68.UBND", Role::Admin).await;
    let (_, docs) = t
        .get("/api/v1/dossiers/24958-250303-0001/documents", Some(&admin))
        .await;
    let form01 = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "form01")
        .expect("form 01 was issued");
    assert!(form01["signed_by"].is_string(), "signed: {form01}");
    let (_, signed) = t
        .get_bytes(
            &format!(
                "/api/v1/dossiers/24958-250303-0001/documents/{}",
                form01["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await;
    assert_eq!(r.bytes, signed, "the very PDF that was signed");
    let r = call(&t, "GET", "/inbox", Some(&cookie), None).await;
    assert!(r.body.contains(r#"<a href="/inbox/24958-250303-0001">"#));
}

#[tokio::test]
async fn a_supplement_request_offers_only_the_procedures_components() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&token, "2.000815", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap();
    let cookie = t.cookie(&token).await;
    let r = call(&t, "GET", &format!("/inbox/{code}"), Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let boxes: Vec<&str> = r
        .body
        .match_indices(r#"name="item_"#)
        .map(|(i, _)| &r.body[i + 11..i + 13])
        .collect();
    assert_eq!(boxes, ["BC", "BS"], "only the two listed components");
    assert!(
        !r.body.contains(r#"value="finish""#),
        "a counter officer is not offered finish"
    );
    let token_csrf = csrf(&r.body);
    // An item that is not a component, forged into the form, is refused by the rule.
    let forged =
        format!("csrf={token_csrf}&version=1&action=request_supplement&item_SO-HO-KHAU=on");
    let r = call(
        &t,
        "POST",
        &format!("/inbox/{code}/act"),
        Some(&cookie),
        Some(&forged),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Chỉ được yêu cầu bổ sung giấy tờ có trong thành phần hồ sơ của thủ tục."),
        "{}",
        r.body
    );
    let ok = format!(
        "csrf={token_csrf}&version=1&action=request_supplement&item_BS=on&reason={}",
        enc("Bản sao bị mờ")
    );
    let r = call(
        &t,
        "POST",
        &format!("/inbox/{code}/act"),
        Some(&cookie),
        Some(&ok),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = call(&t, "GET", &format!("/inbox/{code}"), Some(&cookie), None).await;
    assert!(r.body.contains("Cần bổ sung giấy tờ"));
    // Another agency's staff cannot open it.
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let r = call(
        &t,
        "GET",
        &format!("/inbox/{code}"),
        Some(&t.cookie(&other).await),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_counter_can_refuse_or_ask_for_the_unticked_components_at_intake() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let cookie = t.cookie(&token).await;
    let r = call(
        &t,
        "GET",
        "/counter?procedure=2.000815",
        Some(&cookie),
        None,
    )
    .await;
    let c = csrf(&r.body);
    let base =
        format!("csrf={c}&procedure=2.000815&name=An&id_number=068195001234&phone=0912345678");
    // Refusing needs a reason; nothing is written without one.
    let r = call(
        &t,
        "POST",
        "/counter",
        Some(&cookie),
        Some(&format!("{base}&decision=refuse&reason=")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count().await, 0);
    let r = call(
        &t,
        "POST",
        "/counter",
        Some(&cookie),
        Some(&format!(
            "{base}&decision=refuse&reason=Gi%E1%BA%A5y+t%E1%BB%9D+gi%E1%BA%A3"
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.as_deref().unwrap().ends_with("?done=refuse"));
    let d = t.dossier(&token, "24958-250303-0001").await;
    assert_eq!(d["status"], "refused");
    // Everything ticked: nothing to ask for.
    let r = call(
        &t,
        "POST",
        "/counter",
        Some(&cookie),
        Some(&format!("{base}&recv_BC=on&recv_BS=on&decision=supplement")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The copy is missing: the request lists exactly it.
    let r = call(
        &t,
        "POST",
        "/counter",
        Some(&cookie),
        Some(&format!("{base}&recv_BC=on&decision=supplement")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = t.dossier(&token, "24958-250303-0002").await;
    assert_eq!(d["status"], "supplement_requested");
    assert_eq!(
        d["supplement_items"],
        serde_json::json!([{"component": "BS", "note": null}])
    );
    assert!(d["due_at"].is_null(), "not received yet: no appointment");
}

#[tokio::test]
async fn the_inbox_filters_by_due_date_and_procedure() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let cookie = t.cookie(&token).await;
    let same_day = t.intake(&token, "2.000884", "24958.TTPVHCC").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let three_days = t.intake(&token, "1.004873", "24958.TTPVHCC").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = |html: &str, code: &str| html.contains(&format!(r#"<a href="/inbox/{code}">"#));
    let r = call(&t, "GET", "/inbox?due=today", Some(&cookie), None).await;
    assert!(row(&r.body, &same_day) && !row(&r.body, &three_days));
    let r = call(&t, "GET", "/inbox?due=soon", Some(&cookie), None).await;
    assert!(row(&r.body, &same_day) && row(&r.body, &three_days));
    let r = call(&t, "GET", "/inbox?procedure=1.004873", Some(&cookie), None).await;
    assert!(!row(&r.body, &same_day) && row(&r.body, &three_days));
    t.clock.set(datetime!(2025-03-04 09:00 +7));
    // A new day, a new session (yesterday's ended after 30 idle minutes).
    let cookie = t.cookie(&token).await;
    let r = call(&t, "GET", "/inbox?due=overdue", Some(&cookie), None).await;
    assert!(row(&r.body, &same_day) && !row(&r.body, &three_days));
    assert!(r.body.contains(r#"<tr class="overdue">"#));
}

#[tokio::test]
async fn the_inbox_opens_on_the_dossiers_not_closed() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let cookie = t.cookie(&token).await;
    let code = |v: serde_json::Value| v["code"].as_str().unwrap().to_owned();
    let open = code(t.intake(&token, "2.000884", "24958.TTPVHCC").await);
    let withdrawn = code(t.intake(&token, "1.004873", "24958.TTPVHCC").await);
    let (s, v) = t
        .act(
            &token,
            &withdrawn,
            serde_json::json!({"action": "withdraw", "version": 1, "reason": "the applicant asked"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let row = |html: &str, code: &str| html.contains(&format!(r#"<a href="/inbox/{code}">"#));
    // The default: the work still in hand.
    let r = call(&t, "GET", "/inbox", Some(&cookie), None).await;
    assert!(row(&r.body, &open) && !row(&r.body, &withdrawn));
    assert!(r.body.contains(r#"<option value="all">"#), "all not chosen");
    // Every status, chosen and kept on the page.
    let r = call(&t, "GET", "/inbox?status=all", Some(&cookie), None).await;
    assert!(row(&r.body, &open) && row(&r.body, &withdrawn));
    assert!(r.body.contains(r#"<option value="all" selected>"#));
    let r = call(&t, "GET", "/inbox?status=withdrawn", Some(&cookie), None).await;
    assert!(!row(&r.body, &open) && row(&r.body, &withdrawn));
    // The API: every status by default, `open` on request.
    let items = |v: serde_json::Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (s, v) = t.get("/api/v1/dossiers?status=open", Some(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(items(v), [open]);
    let (_, v) = t.get("/api/v1/dossiers", Some(&token)).await;
    assert_eq!(items(v).len(), 2);
}

/// Issue #29: an action name with a trailing newline is not the action — refused with a 4xx,
/// nothing applied (it used to be trimmed, applied, and then break the redirect with a 500).
#[tokio::test]
async fn a_forged_action_name_is_refused_and_changes_nothing() {
    let t = crate::common::TestApp::new(time::macros::datetime!(2025-03-03 08:00 +7)).await;
    let token = t
        .token("24958.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    let d = t.intake(&token, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap();
    let cookie = t.cookie(&token).await;
    let p = t
        .page("GET", &format!("/inbox/{code}"), Some(&cookie), None)
        .await;
    let csrf = crate::common::csrf(&p.body);
    for action in ["withdraw%0A", "withdraw%20", "%20withdraw", "WITHDRAW"] {
        let p = t
            .page(
                "POST",
                &format!("/inbox/{code}/act"),
                Some(&cookie),
                Some(&format!("csrf={csrf}&version=1&action={action}")),
            )
            .await;
        assert!(p.status.is_client_error(), "{action}: {}", p.status);
        assert_eq!(
            t.dossier(&token, code).await["status"],
            "received",
            "{action}"
        );
    }
}

/// The counter reports every problem of its form at once, each beside its field, with what was
/// typed kept (issue #32); the QR code of a chip card fills the applicant or names what it lacks;
/// the counter is not a page for roles that take nothing in.
#[tokio::test]
async fn the_counter_says_everything_wrong_at_once_and_reads_the_chip_card() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let cookie = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    let page = call(
        &t,
        "GET",
        "/counter?procedure=1.004873",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let c = csrf(&page.body);
    let bad = format!(
        "csrf={c}&procedure=1.004873&name=&id_number=123&phone=12&email=x&address={}&recv_TK=on&orig_TK=1&copy_TK=0",
        enc("Thôn Phú Thạnh, Phú Hội")
    );
    let r = call(&t, "POST", "/counter", Some(&cookie), Some(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "id_number", "phone", "email"] {
        assert!(
            r.body.contains(&format!(r##"<a href="#{field}">"##)),
            "{field} in the summary"
        );
        assert!(
            r.body
                .contains(&format!(r#"aria-describedby="{field}-error""#)),
            "{field} marked beside it"
        );
    }
    assert!(
        r.body.contains("Thôn Phú Thạnh, Phú Hội"),
        "what was typed is kept"
    );
    assert_eq!(t.count().await, 0, "nothing was filed");

    // The chip card's QR code: the scanner types the seven fields into their own form.
    let scan = "068095001234|250123456|Nguyễn Văn An|15081995|Nam|Thôn Phú Thạnh, Phú Hội, Đức Trọng, Lâm Đồng|20042021";
    let r = call(
        &t,
        "POST",
        "/counter/scan",
        Some(&cookie),
        Some(&format!("csrf={c}&procedure=1.004873&scan={}", enc(scan))),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains(r#"id="name" name="name" value="Nguyễn Văn An""#)
    );
    assert!(r.body.contains(r#"value="068095001234""#));
    assert!(
        r.body
            .contains("Thôn Phú Thạnh, Phú Hội, Đức Trọng, Lâm Đồng")
    );
    assert!(r.body.contains("15/08/1995") && r.body.contains("250123456"));
    let r = call(
        &t,
        "POST",
        "/counter/scan",
        Some(&cookie),
        Some(&format!(
            "csrf={c}&procedure=1.004873&scan={}",
            enc("068095001234|250123456|Nguyễn Văn An|1508")
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("ngày sinh")
            && r.body.contains("nơi thường trú")
            && r.body.contains("ngày cấp")
    );
    assert!(
        !r.body.contains(r#"value="Nguyễn Văn An""#),
        "half a person is not filled in"
    );
    // A specialist takes nothing in at the counter: no page, no link.
    let spec = t.session("24958.UBND", Role::Specialist).await;
    let r = call(&t, "GET", "/counter", Some(&spec), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = call(&t, "GET", "/inbox", Some(&spec), None).await;
    assert!(!r.body.contains(r#"href="/counter""#));
}
