//! One error path for every page (issue #30): a page's failure is the localised error page with
//! its code's status from the API's table, its code and the request's id on it; an internal error
//! or a lost database is logged once, with the request's id; a 503 says when to retry.

use crate::common::{TestApp, csrf};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use std::io::Write;
use std::sync::{Arc, Mutex};
use time::macros::datetime;

/// Everything logged while the guard lives (this thread's subscriber; the tests' runtime runs
/// every task of a request on this thread).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let log = self.clone();
        let sub = tracing_subscriber::fmt()
            .with_writer(move || log.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_default(sub)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The request id a page answered with: in its header and printed on the page.
fn request_id(r: &crate::common::PageResp) -> String {
    let id = r.header("x-request-id").expect("X-Request-Id").to_owned();
    assert_eq!(id.len(), 36, "{id}");
    id
}

#[tokio::test]
async fn a_lost_database_is_a_503_page_that_says_when_to_retry_logged_once_with_the_request_id() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let staff = t.session("24958.TTPVHCC", Role::CounterOfficer).await;
    let log = Log::default();
    let _g = log.capture();
    t.store.close().await;
    // A staff page (the session lookup itself fails), a public page and the citizen's tracking.
    for (uri, cookie) in [
        ("/inbox", Some(staff.as_str())),
        ("/track?code=24958-250303-0001&phone=0912345678", None),
        ("/", None),
    ] {
        let before = log.text().len();
        let r = t.page("GET", uri, cookie, None).await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{uri}: {}",
            r.body
        );
        assert_eq!(r.header("retry-after"), Some("2"), "{uri}");
        assert!(
            r.header("content-type")
                .unwrap_or("")
                .starts_with("text/html"),
            "{uri}: an HTML page, not the API's JSON"
        );
        assert!(r.body.contains("service.unavailable"), "{uri}");
        assert!(
            r.body.contains("Không kết nối được") || r.body.contains("cơ sở dữ liệu"),
            "{uri}: the message in the page's language: {}",
            r.body
        );
        let id = request_id(&r);
        assert!(r.body.contains(&id), "{uri}: the page shows the request id");
        // The log is the process's (other tests run beside this one and may log a lost
        // database of their own): this request's lines are those with its id.
        let lines = log.text()[before..].to_owned();
        let logged: Vec<&str> = lines
            .lines()
            .filter(|l| l.contains("database unavailable") && l.contains(&id))
            .collect();
        assert_eq!(
            logged.len(),
            1,
            "{uri}: logged once, with the request id {id}: {lines}"
        );
    }
}

#[tokio::test]
async fn an_internal_error_is_a_500_page_logged_once_without_its_detail_on_the_page() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let staff = t.cookie(&token).await;
    let d = t.intake(&token, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap();
    // The stored dossier can no longer be read.
    t.store
        .execute_raw(&format!(
            "UPDATE dossiers SET data = '{{\"damaged\": ' WHERE code = '{code}'"
        ))
        .await
        .unwrap();
    let log = Log::default();
    let _g = log.capture();
    let r = t
        .page("GET", &format!("/inbox/{code}"), Some(&staff), None)
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    assert!(r.body.contains("internal"));
    assert!(
        !r.body.contains("stored JSON"),
        "the detail is for the log only"
    );
    let id = request_id(&r);
    assert!(r.body.contains(&id));
    let text = log.text();
    let logged: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("internal error"))
        .collect();
    assert_eq!(logged.len(), 1, "logged once: {text}");
    assert!(
        logged[0].contains(&id) && logged[0].contains("stored JSON"),
        "{}",
        logged[0]
    );
}

/// What is asked, the method, the path, the cookie, the form, the status and the code shown.
type Case<'a> = (
    &'a str,
    &'a str,
    String,
    &'a str,
    Option<String>,
    StatusCode,
    &'a str,
);

#[tokio::test]
async fn each_class_of_failure_answers_with_the_status_of_its_code_in_the_table() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let staff = t.cookie(&token).await;
    let leader = t.session("24958.TTPVHCC", Role::UnitLeader).await;
    let d = t.intake(&token, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let page = t
        .page("GET", &format!("/inbox/{code}"), Some(&staff), None)
        .await;
    let token_field = csrf(&page.body);
    let version = d["version"].as_i64().unwrap();
    let act = |action: &str, with_csrf: bool| {
        let mut f = format!("action={action}&version={version}");
        if with_csrf {
            f.push_str(&format!("&csrf={token_field}"));
        }
        f
    };
    let cases: Vec<Case> = vec![
        (
            "a malformed dossier code",
            "GET",
            "/inbox/not-a-code".into(),
            &staff,
            None,
            StatusCode::NOT_FOUND,
            "route.not_found",
        ),
        (
            "a dossier nobody has",
            "GET",
            "/inbox/24958-250303-9999".into(),
            &staff,
            None,
            StatusCode::NOT_FOUND,
            "dossier.not_found",
        ),
        (
            "an unknown procedure",
            "GET",
            "/procedures/9.999999".into(),
            "",
            None,
            StatusCode::NOT_FOUND,
            "catalogue.unknown_procedure",
        ),
        (
            "an unknown page",
            "GET",
            "/no/such/page".into(),
            "",
            None,
            StatusCode::NOT_FOUND,
            "route.not_found",
        ),
        (
            "a form without its anti-forgery token",
            "POST",
            format!("/inbox/{code}/act"),
            &staff,
            Some(act("withdraw", false)),
            StatusCode::FORBIDDEN,
            "auth.forbidden",
        ),
        (
            "an action the status does not allow",
            "POST",
            format!("/inbox/{code}/act"),
            &staff,
            Some(act("return_result", true)),
            StatusCode::CONFLICT,
            "",
        ),
        (
            "a report's unreadable period",
            "GET",
            "/reports?year=abc".into(),
            &leader,
            None,
            StatusCode::BAD_REQUEST,
            "",
        ),
        (
            "an export of no such table",
            "GET",
            "/reports/export?what=kpis&format=pdf".into(),
            &leader,
            None,
            StatusCode::BAD_REQUEST,
            "report.unknown_table",
        ),
        (
            "the register of an unreadable date",
            "GET",
            "/inbox/register?from=31/03/2025&to=2025-04-01".into(),
            &staff,
            None,
            StatusCode::BAD_REQUEST,
            "request.invalid_query",
        ),
        (
            "the register of a reversed period",
            "GET",
            "/inbox/register?from=2025-03-31&to=2025-03-01".into(),
            &staff,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
    ];
    for (what, method, path, cookie, form, status, shown) in cases {
        let cookie = (!cookie.is_empty()).then_some(cookie);
        let r = t.page(method, &path, cookie, form.as_deref()).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        assert!(
            r.header("content-type")
                .unwrap_or("")
                .starts_with("text/html"),
            "{what}: an HTML page"
        );
        assert!(r.header("x-request-id").is_some(), "{what}");
        if !shown.is_empty() {
            assert!(r.body.contains(shown), "{what}: shows {shown}: {}", r.body);
        }
    }
    // Nothing was changed by any of them.
    let after = t.dossier(&token, &code).await;
    assert_eq!(after["version"], d["version"]);
    assert_eq!(after["status"], d["status"]);
}

/// A body over the limit or a malformed query, refused before any page handler runs, is the
/// localised error page with its stable code — not the framework's English text (issue #32).
#[tokio::test]
async fn a_refusal_before_the_handler_is_the_localised_error_page() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let admin = t.session("68.UBND", Role::Admin).await;
    let token = csrf(&t.page("GET", "/admin", Some(&admin), None).await.body);
    let huge = format!("csrf={token}&description={}", "a".repeat(300 * 1024));
    let r = t
        .page(
            "POST",
            "/admin/procedures/2.000884",
            Some(&admin),
            Some(&huge),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("Dữ liệu gửi lên quá lớn") && r.body.contains("request.too_large"));
    assert!(!r.body.contains("Failed to buffer"));
    let r = t.page("GET", "/inbox?offset=abc", Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("request.invalid_query") && r.body.contains("<html"));
    let (_, p) = t.get("/api/v1/procedures/2.000884", None).await;
    assert_eq!(p["version"], 1, "nothing saved");
}
