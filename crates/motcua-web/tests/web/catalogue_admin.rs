//! Issue #32: the catalogue and the authority registry are administered through forms with
//! every problem beside its field, in the reader's language — never raw JSON in a text box.

use crate::common::{TestApp, csrf, form_body, form_fields};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use time::macros::datetime;

const EDIT: &str = "/admin/procedures/2.000884";

/// English texts of the domain's problems must never reach a Vietnamese page.
fn no_english(html: &str) {
    for s in [
        "is required",
        "is repeated",
        "is longer",
        "not a whole number",
        "control characters",
        "is not a commune",
        "new version",
    ] {
        assert!(!html.contains(s), "English {s:?} on a Vietnamese page");
    }
}

async fn version(t: &TestApp, code: &str) -> (u64, String) {
    let (_, v) = t.get(&format!("/api/v1/procedures/{code}"), None).await;
    (
        v["version"].as_u64().unwrap_or(0),
        v["name"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn an_administrator_saves_a_new_version_through_the_form() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.session("68.UBND", Role::Admin).await;
    let r = t.page("GET", EDIT, Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<textarea id=\"json\""), "no JSON box");
    let fields = form_fields(&r.body, EDIT);
    // What the page shows, posted back unchanged, makes no new version.
    let r2 = t
        .page("POST", EDIT, Some(&admin), Some(&form_body(&fields, &[])))
        .await;
    assert_eq!(r2.status, StatusCode::SEE_OTHER, "{}", r2.body);
    assert_eq!(
        r2.location.as_deref(),
        Some("/admin/procedures/2.000884?saved=unchanged")
    );
    assert_eq!(version(&t, "2.000884").await.0, 1);
    // A new name, a second fee on the direct channel and a component: version 2.
    let body = form_body(
        &fields,
        &[
            ("name", Some("Chứng thực chữ ký (đã sửa)")),
            ("channels-direct-fees-1-name", Some("Phí chứng thực thêm")),
            ("channels-direct-fees-1-amount", Some("10.000")),
            ("cases-0-components-2-code", Some("UQ")),
            ("cases-0-components-2-name", Some("Giấy ủy quyền")),
        ],
    );
    let r2 = t.page("POST", EDIT, Some(&admin), Some(&body)).await;
    assert_eq!(r2.status, StatusCode::SEE_OTHER, "{}", r2.body);
    let r3 = t
        .page("GET", r2.location.as_deref().unwrap(), Some(&admin), None)
        .await;
    assert!(r3.body.contains("Đã lưu phiên bản mới"), "{}", r3.body);
    assert!(r3.body.contains(">v2</a>"));
    let (_, p) = t.get("/api/v1/procedures/2.000884", None).await;
    assert_eq!(p["version"], 2);
    assert_eq!(p["name"], "Chứng thực chữ ký (đã sửa)");
    let direct = p["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "direct")
        .unwrap();
    assert_eq!(direct["fees"][1]["amount_vnd"], 10_000);
    assert_eq!(p["cases"][0]["components"][2]["code"], "UQ");
    // The change is in the security audit log with who made it.
    use motcua_app::ports::roles::*;
    let log = t.store.security_events(None, 100).await.unwrap();
    let saved: Vec<_> = log.iter().filter(|e| e.kind == "catalogue_saved").collect();
    assert_eq!(saved.len(), 2, "the unchanged save and the new version");
    assert!(
        saved
            .iter()
            .all(|e| e.subject == "2.000884" && !e.actor.is_empty())
    );
}

#[tokio::test]
async fn every_problem_is_shown_beside_its_field_and_nothing_is_saved() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.session("68.UBND", Role::Admin).await;
    let r = t.page("GET", EDIT, Some(&admin), None).await;
    let fields = form_fields(&r.body, EDIT);
    let body = form_body(
        &fields,
        &[
            ("name", Some("  ")),
            ("channels-direct-value", Some("ba ngày")),
            ("channels-direct-fees-0-amount", Some("2.000.000.000.000")),
            ("cases-0-components-1-code", Some("")),
            ("cases-0-components-1-form_url", Some("javascript:alert(1)")),
            ("levels-commune", None),
            ("levels-province", None),
            ("levels-central", None),
        ],
    );
    let r = t.page("POST", EDIT, Some(&admin), Some(&body)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (anchor, text) in [
        ("#name", "Tên thủ tục: Chưa nhập"),
        ("#channels-direct-value", "Phải là số nguyên"),
        ("#channels-direct-fees-0-amount", "Lớn hơn 100.000.000.000"),
        (
            "#cases-0-components-1-code",
            "Trường hợp 1 · Thành phần 2 · Mã: Chưa nhập",
        ),
        (
            "#cases-0-components-1-form_url",
            "Phải là địa chỉ http(s)://",
        ),
        ("#levels-commune", "Cấp thực hiện: Chưa nhập"),
    ] {
        assert!(r.body.contains(&format!("href=\"{anchor}\"")), "{anchor}");
        assert!(r.body.contains(text), "{text}");
    }
    no_english(&r.body);
    // A decimal is not a whole number (never 0.5 read as 5), nor is a number that would wrap.
    for (field, typed, message) in [
        ("channels-direct-value", "0.5", "Phải là số nguyên không âm"),
        (
            "cases-0-components-0-originals",
            "4294967297",
            "Lớn hơn 100",
        ),
        ("channels-direct-value", "4294967296", "Lớn hơn 1.000"),
    ] {
        let r = t
            .page(
                "POST",
                EDIT,
                Some(&admin),
                Some(&form_body(&fields, &[(field, Some(typed))])),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={typed}"
        );
        assert!(r.body.contains(message), "{field}={typed}: {message}");
    }
    // What was typed is kept in the fields.
    assert!(r.body.contains("value=\"ba ngày\""));
    assert!(r.body.contains("value=\"javascript:alert(1)\""));
    // An edit that does not say which version it was opened on is refused as stale.
    let stale = t
        .page(
            "POST",
            EDIT,
            Some(&admin),
            Some(&form_body(&fields, &[("base_version", None)])),
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("phiên bản mới hơn"));
    assert_eq!(version(&t, "2.000884").await.0, 1, "nothing saved");
    // Without the anti-forgery token, or as another role: refused.
    let forged = form_body(&fields, &[("csrf", Some("x"))]);
    let r = t.page("POST", EDIT, Some(&admin), Some(&forged)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let leader = t.session("68.UBND", Role::Leader).await;
    let token = csrf(&t.page("GET", "/inbox", Some(&leader), None).await.body);
    let as_leader = form_body(&fields, &[("csrf", Some(&token))]);
    let r = t.page("POST", EDIT, Some(&leader), Some(&as_leader)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(version(&t, "2.000884").await.0, 1);
}

#[tokio::test]
async fn add_a_row_saves_nothing_and_a_stale_form_is_refused() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.session("68.UBND", Role::Admin).await;
    let r = t.page("GET", EDIT, Some(&admin), None).await;
    let fields = form_fields(&r.body, EDIT);
    assert!(!r.body.contains("name=\"cases-0-components-3-code\""));
    let more = form_body(
        &fields,
        &[("more", Some("cases-0-components")), ("name", Some("X"))],
    );
    let r = t.page("POST", EDIT, Some(&admin), Some(&more)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("name=\"cases-0-components-3-code\""),
        "one more row"
    );
    assert!(r.body.contains("value=\"X\""), "the typed name is kept");
    assert_eq!(version(&t, "2.000884").await.0, 1, "nothing saved");
    // Someone else saves version 2; the form opened on version 1 is refused.
    let other = form_body(&fields, &[("name", Some("Bản của người khác"))]);
    assert_eq!(
        t.page("POST", EDIT, Some(&admin), Some(&other))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mine = form_body(&fields, &[("name", Some("Bản của tôi"))]);
    let r = t.page("POST", EDIT, Some(&admin), Some(&mine)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("phiên bản mới hơn"), "{}", r.body);
    assert_eq!(
        version(&t, "2.000884").await,
        (2, "Bản của người khác".into())
    );
}

#[tokio::test]
async fn an_administrator_adds_a_procedure_and_its_code_is_unique() {
    let t = TestApp::new(datetime!(2025-09-01 09:00 +7)).await;
    let admin = t.session("68.UBND", Role::Admin).await;
    let r = t.page("GET", "/admin", Some(&admin), None).await;
    assert!(r.body.contains("href=\"/admin/procedures/new\""));
    let r = t
        .page("GET", "/admin/procedures/new", Some(&admin), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let fields = form_fields(&r.body, "/admin/procedures/new");
    let body = form_body(
        &fields,
        &[
            ("code", Some("local.xac-nhan-thu-nghiem")),
            ("name", Some("Xác nhận thử nghiệm")),
            ("field", Some("Hộ tịch")),
            ("channels-direct-on", Some("on")),
            ("channels-direct-value", Some("3")),
            ("cases-0-name", Some("Trường hợp chung")),
            ("cases-0-components-0-code", Some("DON")),
            ("cases-0-components-0-name", Some("Đơn đề nghị")),
        ],
    );
    let r = t
        .page("POST", "/admin/procedures/new", Some(&admin), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some("/admin/procedures/local.xac-nhan-thu-nghiem?saved=created")
    );
    let (_, p) = t
        .get("/api/v1/procedures/local.xac-nhan-thu-nghiem", None)
        .await;
    assert_eq!(p["version"], 1);
    assert_eq!(p["channels"][0]["processing_time"]["value"], 3);
    assert_eq!(p["cases"][0]["components"][0]["name"], "Đơn đề nghị");
    // The same code again is refused beside the code field; a code of no known shape too.
    let r = t
        .page("POST", "/admin/procedures/new", Some(&admin), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Danh mục đã có thủ tục với mã này"));
    let upper = form_body(&fields, &[("code", Some("LOCAL.XAC-NHAN-THU-NGHIEM"))]);
    let r = t
        .page("POST", "/admin/procedures/new", Some(&admin), Some(&upper))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code differing in case only"
    );
    let bad = form_body(&fields, &[("code", Some("<script>"))]);
    let r = t
        .page("POST", "/admin/procedures/new", Some(&admin), Some(&bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#code\""));
    assert!(!r.body.contains("<script>"));
    no_english(&r.body);
}
