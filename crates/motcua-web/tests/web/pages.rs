//! The citizen pages through the router: language, search, procedure, tracking, assets.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_domain::access::Role;
use time::macros::datetime;
use tower::ServiceExt;

async fn page(
    t: &TestApp,
    uri: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, Option<String>) {
    let mut b = Request::get(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    let resp = t
        .router
        .clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let set_cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    (status, body, set_cookie)
}

#[tokio::test]
async fn the_home_page_is_vietnamese_by_default_and_switches_language() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, html, cookie) = page(&t, "/", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"<html lang="vi" dir="ltr">"#));
    assert!(html.contains("Bạn cần làm thủ tục gì?"));
    assert!(cookie.is_none());
    let (_, html, cookie) = page(&t, "/?lang=ar", None).await;
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(html.contains("ما الإجراء الذي تحتاج إليه؟"));
    assert!(cookie.unwrap().starts_with("motcua_lang=ar;"));
    // The cookie keeps the choice on the next page.
    let (_, html, _) = page(&t, "/track", Some("motcua_lang=en")).await;
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(html.contains("Track a dossier"));
}

#[tokio::test]
async fn search_without_diacritics_finds_the_procedure() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, html, _) = page(&t, "/?q=dang+ky+ket+hon", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(r#"href="/procedures/1.000894">Đăng ký kết hôn</a>"#),
        "{html}"
    );
    let (_, html, _) = page(&t, "/?q=xyzzy", None).await;
    assert!(html.contains("Không tìm thấy thủ tục nào"));
    // Hostile input is escaped, never executed.
    let (_, html, _) = page(&t, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", None).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;"));
}

#[tokio::test]
async fn a_procedure_page_lists_documents_fees_time_and_where_to_file() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, html, _) = page(&t, "/procedures/2.000815", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Bản chính giấy tờ, văn bản"));
    assert!(html.contains("2.000 đ"), "fee shown");
    assert!(html.contains("Trong ngày"));
    let (_, html, _) = page(
        &t,
        "/procedures/1.004873?lang=en&address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong",
        None,
    )
    .await;
    assert!(html.contains("3 working days"));
    assert!(
        html.contains("This address is now in Xã Đức Trọng, Tỉnh Lâm Đồng."),
        "{html}"
    );
    assert!(html.contains("Trung tâm Phục vụ hành chính công xã Đức Trọng"));
    // Boundary-free: every receiving point of the province is listed.
    let (_, html, _) = page(
        &t,
        "/procedures/local.xac-nhan-thong-tin-cu-tru?address=Xa+Phu+Hoi%2C+Duc+Trong%2C+Lam+Dong",
        None,
    )
    .await;
    assert!(
        html.contains("Tất cả 124 nơi tiếp nhận trong tỉnh"),
        "{html}"
    );
    assert!(html.contains("Trung tâm Phục vụ hành chính công phường Xuân Hương - Đà Lạt"));
    let (_, html, _) = page(&t, "/procedures/1.004194", None).await;
    assert!(html.contains("Giá trị ví dụ"), "example values are marked");
    let (s, html, _) = page(&t, "/procedures/9.999999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Không có thủ tục với mã này."));
}

#[tokio::test]
async fn tracking_shows_the_timeline_only_with_the_right_phone() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap();
    let (s, html, _) = page(&t, &format!("/track?code={code}&phone=0912345678"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Đã tiếp nhận"));
    assert!(
        html.contains("06/03/2025 08:00"),
        "appointment shown dd/mm/yyyy"
    );
    assert!(!html.contains("068195001234"));
    let (s, html, _) = page(&t, &format!("/track?code={code}&phone=0999999999"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy hồ sơ"));
    let (s, html, _) = page(&t, "/track?code=&phone=12", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(r##"<a href="#code">Nhập mã hồ sơ</a>"##),
        "error summary links to the field"
    );
    assert!(
        html.contains(r#"value="12""#),
        "what the user typed is kept"
    );
}

#[tokio::test]
async fn assets_are_embedded_and_unknown_pages_are_html_404s() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, css, _) = page(&t, "/assets/css/motcua.css", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(css.contains("inset-inline-start"));
    let resp = t
        .router
        .clone()
        .oneshot(
            Request::get("/assets/fonts/be-vietnam-pro-vietnamese-400-normal.woff2")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "font/woff2");
    let (s, _, _) = page(&t, "/assets/nope.js", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, html, _) = page(&t, "/no-such-page?lang=en", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    let (s, json, _) = page(&t, "/api/v1/no-such", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(json.contains("route.not_found"));
}
