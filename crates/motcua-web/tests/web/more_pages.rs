//! Dashboard, kiosk and administration pages through the router.

use crate::common::{TestApp, csrf};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use time::macros::datetime;

async fn call(
    t: &TestApp,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> (StatusCode, String) {
    let r = t.page(method, uri, cookie, form).await;
    (r.status, r.body)
}

#[tokio::test]
async fn the_dashboard_counts_and_charts_for_leaders_only() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    t.intake(&counter, "2.000884", "24958.TTPVHCC").await;
    t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    t.clock.set(datetime!(2025-03-04 09:00 +7));
    let (s, _) = call(
        &t,
        "GET",
        "/dashboard",
        Some(&t.cookie(&counter).await),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let leader = t.token("24958.TTPVHCC", Role::Leader).await;
    let (s, html) = call(
        &t,
        "GET",
        "/dashboard",
        Some(&t.cookie(&leader).await),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<svg class=\"chart\""),
        "server-side SVG charts"
    );
    assert!(
        html.contains(r#"<span class="big">2</span>"#),
        "two dossiers"
    );
    assert!(
        html.contains(r#"<span class="big">1</span>Đang quá hạn"#),
        "the same-day one is overdue: {html}"
    );
    let admin = t.token("68.UBND", Role::Admin).await;
    let (_, html) = call(&t, "GET", "/dashboard", Some(&t.cookie(&admin).await), None).await;
    assert!(html.contains("Toàn tỉnh"));
}

#[tokio::test]
async fn the_kiosk_tracks_with_the_keypad_and_resets_itself() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let code = t.intake(&counter, "2.000884", "24958.TTPVHCC").await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, html) = call(&t, "GET", "/kiosk", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"data-kiosk-reset="120""#) && html.contains("/assets/js/kiosk.js"));
    assert!(html.contains("Chứng thực"), "fields are offered as choices");
    // Type the code key by key, then the phone.
    let mut state = ("code".to_string(), String::new(), String::new());
    let keys: Vec<String> = code
        .chars()
        .map(|c| c.to_string())
        .chain(["ok".into()])
        .chain("0912345678".chars().map(|c| c.to_string()))
        .chain(["ok".into()])
        .collect();
    let mut html = String::new();
    for k in keys {
        let form = format!(
            "stage={}&code={}&phone={}&key={}",
            state.0, state.1, state.2, k
        );
        let (s, h) = call(&t, "POST", "/kiosk/track", None, Some(&form)).await;
        assert_eq!(s, StatusCode::OK);
        let field = |name: &str| {
            let pat = format!(r#"name="{name}" value=""#);
            h.find(&pat)
                .map(|i| h[i + pat.len()..].split('"').next().unwrap().to_owned())
                .unwrap_or_default()
        };
        state = (field("stage"), field("code"), field("phone"));
        html = h;
    }
    assert!(html.contains("Đã tiếp nhận"), "{html}");
    assert!(html.contains("data-print"));
    // Those ~30 key presses were one lookup (issue #29): the address still has 29 of its 30
    // tracking lookups a minute, and the 30th is refused.
    for i in 0..30 {
        let (s, _) = call(
            &t,
            "GET",
            &format!("/api/v1/track/{code}?phone=0912345678"),
            None,
            None,
        )
        .await;
        let want = if i < 29 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(s, want, "lookup {} after the kiosk's", i + 2);
    }
}

#[tokio::test]
async fn an_administrator_opens_the_catalogue_and_edits_a_holiday_table() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let admin = t.token("68.UBND", Role::Admin).await;
    let cookie = t.cookie(&admin).await;
    let (s, html) = call(&t, "GET", "/admin", Some(&cookie), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"href="/admin/procedures/2.000884""#));
    let (_, html) = call(&t, "GET", "/admin/procedures/2.000884", Some(&cookie), None).await;
    let token = csrf(&html);
    let lines = form_urlencoded::byte_serialize(
        "2026-01-01, off, Tết Dương lịch\n2026-03-04, off, Nghỉ theo thông báo".as_bytes(),
    )
    .collect::<String>();
    let (s, html) = call(
        &t,
        "POST",
        "/admin/holidays",
        Some(&cookie),
        Some(&format!("csrf={token}&province=68&year=2026&lines={lines}")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Theo thông báo chính thức"));
    let (_, v) = t.get("/api/v1/calendar/holidays/68/2026", None).await;
    assert_eq!(v["days"].as_array().unwrap().len(), 2);
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let (s, _) = call(&t, "GET", "/admin", Some(&t.cookie(&counter).await), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
