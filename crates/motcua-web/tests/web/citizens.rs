//! Citizens through the router: only their own dossiers and documents, the login's refusals
//! before the provider is ever asked (no pending login, a state that does not match, a cancelled
//! login), logout with the page's token. The whole flow against a real OpenID provider is the
//! browser journey (e2e/, npm oidc-provider).

use crate::common::{TestApp, csrf};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use time::macros::datetime;

const ME: &str = "068195001234";

async fn citizen_cookie(t: &TestApp, id: &str) -> String {
    t.citizen_cookie(id, "Nguyễn Thị Lan").await
}

#[tokio::test]
async fn a_citizen_sees_their_own_dossiers_and_documents_and_nobody_elses() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    // intake_body's applicant is 068195001234; another person's dossier beside it.
    let mine = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let mine = mine["code"].as_str().unwrap().to_owned();
    let mut body = crate::common::intake_body("1.004873", "24958.TTPVHCC");
    body["applicant"]["id_number"] = "079200001234".into();
    let (s, theirs) = t.post("/api/v1/dossiers", Some(&counter), &body).await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");
    let theirs = theirs["code"].as_str().unwrap().to_owned();

    // Not signed in: the page explains, and says the login is not configured here.
    let r = t.page("GET", "/citizen", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(&mine));
    let r = t.page("GET", "/citizen/login", None, None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);

    let me = citizen_cookie(&t, ME).await;
    let r = t.page("GET", "/citizen", Some(&me), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("/citizen/dossiers/{mine}")),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains(&theirs),
        "someone else's dossier is listed"
    );
    assert!(
        r.body.contains("********1234") && !r.body.contains(ME),
        "the number is masked"
    );
    // The dossier and its receipt.
    let r = t
        .page("GET", &format!("/citizen/dossiers/{mine}"), Some(&me), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let i = r
        .body
        .find(&format!("/citizen/dossiers/{mine}/documents/"))
        .expect("the receipt is listed");
    let link = r.body[i..].split('"').next().unwrap().to_owned();
    let doc = t.page("GET", &link, Some(&me), None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body.starts_with("%PDF"));
    // Someone else's: not found, as if it did not exist — the page, and the document by its id.
    let r = t
        .page(
            "GET",
            &format!("/citizen/dossiers/{theirs}"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other = citizen_cookie(&t, "079200001234").await;
    let r = t.page("GET", &link, Some(&other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Without a session: back to the start page.
    let r = t.page("GET", &link, None, None).await;
    assert_eq!(r.location.as_deref(), Some("/citizen"));
    // A staff session is not a citizen's, nor the other way round.
    let r = t.page("GET", "/inbox", Some(&me), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Logout needs the page's token.
    let page = t.page("GET", "/citizen", Some(&me), None).await;
    let r = t
        .page("POST", "/citizen/logout", Some(&me), Some("csrf=nope"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .page(
            "POST",
            "/citizen/logout",
            Some(&me),
            Some(&format!("csrf={}", csrf(&page.body))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t.page("GET", "/citizen", Some(&me), None).await;
    assert!(!r.body.contains(&mine), "signed out");
}

#[tokio::test]
async fn the_callback_refuses_what_this_browser_did_not_start() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    // A provider is configured (it is never reached: every case stops before).
    let web = motcua_web::WebSettings {
        oidc: Some(motcua_web::oidc::OidcSettings {
            issuer: "http://127.0.0.1:9".into(),
            client_id: "motcua".into(),
            client_secret: "secret".into(),
        }),
        ..Default::default()
    };
    let router = motcua_web::router_with(t.app.clone(), web);
    let get = |uri: &str, cookie: Option<&str>| {
        let router = router.clone();
        let mut b = axum::http::Request::get(uri);
        if let Some(c) = cookie {
            b = b.header(axum::http::header::COOKIE, c);
        }
        let req = b.body(axum::body::Body::empty()).unwrap();
        async move {
            use tower::ServiceExt;
            router.oneshot(req).await.unwrap().status()
        }
    };
    let pending = "motcua_oidc=c3RhdGU.dmVyaWZpZXI.bm9uY2U";
    let cases = [
        (
            "/citizen/callback?code=x&state=c3RhdGU",
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/citizen/callback?code=x&state=other",
            Some(pending),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/citizen/callback?state=c3RhdGU",
            Some(pending),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/citizen/callback?error=access_denied&state=c3RhdGU",
            Some(pending),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "/citizen/callback?code=x&state=c3RhdGU",
            Some("motcua_oidc=<script>"),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (uri, cookie, want) in cases {
        assert_eq!(get(uri, cookie).await, want, "{uri} {cookie:?}");
    }
    // The provider being unreachable is said plainly.
    assert_eq!(get("/citizen/login", None).await, StatusCode::BAD_GATEWAY);
    use motcua_app::ports::roles::*;
    assert!(
        t.store
            .security_events(None, 10)
            .await
            .unwrap()
            .iter()
            .all(|e| e.kind != "citizen_login")
    );
}
