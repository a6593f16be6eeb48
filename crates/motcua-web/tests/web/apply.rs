//! The online application wizard through the router: one question per page, uploads checked
//! by content, check answers, confirmation; the dossier arrives at the counter with its files.

use crate::common::{TestApp, csrf};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::macros::datetime;
use tower::ServiceExt;

/// A browser's cookie jar for the wizard (the draft cookie), also used by other modules.
pub struct Browser<'a> {
    pub t: &'a TestApp,
    pub cookie: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Browser<'_> {
    async fn send(&mut self, req: Request<Body>) -> Resp {
        let resp = self.t.router.clone().oneshot(req).await.unwrap();
        if let Some(c) = resp.headers().get(header::SET_COOKIE) {
            let c = c.to_str().unwrap().split(';').next().unwrap().to_owned();
            if c.starts_with("motcua_draft=") {
                self.cookie = c;
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Resp {
            status,
            location,
            body,
        }
    }

    pub async fn get(&mut self, uri: &str) -> Resp {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie.clone())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&mut self, uri: &str, form: &str) -> Resp {
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(req).await
    }

    pub async fn upload(
        &mut self,
        uri: &str,
        csrf: &str,
        files: &[(&str, &str, &str, &[u8])],
    ) -> Resp {
        let (content_type, body) = crate::common::multipart(&[("csrf", csrf)], files);
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie.clone())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}

#[tokio::test]
async fn a_citizen_applies_online_with_uploads_and_the_counter_sees_the_files() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut b = Browser {
        t: &t,
        cookie: String::new(),
    };
    let r = b.get("/apply/1.004873").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = b.post("/apply/1.004873", "").await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/where"));
    assert!(b.cookie.starts_with("motcua_draft="));
    let page = b.get("/apply/1.004873/where").await.body;
    let token = csrf(&page);

    // An unknown address: the question again, with the error and what was typed.
    let r = b
        .post(
            "/apply/1.004873/where",
            &format!("csrf={token}&address=Xa+Khong+Co"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("error-summary") && r.body.contains(r#"value="Xa Khong Co""#));
    let r = b
        .post(
            "/apply/1.004873/where",
            &format!("csrf={token}&address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/name"));
    let r = b
        .post(
            "/apply/1.004873/name",
            &format!("csrf={token}&name=Tr%E1%BA%A7n+Th%E1%BB%8B+Mai"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/id"));
    let r = b
        .post(
            "/apply/1.004873/id",
            &format!("csrf={token}&id_number=12345"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/apply/1.004873/id",
            &format!("csrf={token}&id_number=068195009999"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/contact"));
    let r = b
        .post(
            "/apply/1.004873/contact",
            &format!("csrf={token}&phone=0987654321&email="),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/delivery"));
    // How to receive the result: post needs an address; nothing chosen is an error.
    let r = b
        .post("/apply/1.004873/delivery", &format!("csrf={token}"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/apply/1.004873/delivery",
            &format!("csrf={token}&delivery=postal&postal_address="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/apply/1.004873/delivery",
            &format!("csrf={token}&delivery=postal&postal_address=Th%C3%B4n+2%2C+X%C3%A3+%C4%90%E1%BB%A9c+Tr%E1%BB%8Dng"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/documents"));

    // A renamed executable and a mislabelled file are refused; nothing is stored for them.
    let r = b
        .upload(
            "/apply/1.004873/documents",
            &token,
            &[(
                "file_TK",
                "to-khai.pdf",
                "application/pdf",
                b"MZ\x90\x00evil",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"),
        "{}",
        r.body
    );
    let r = b
        .upload(
            "/apply/1.004873/documents",
            &token,
            &[("file_TK", "to-khai.png", "image/png", b"%PDF-1.4 x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only one of two required documents: asked for the other.
    let r = b
        .upload(
            "/apply/1.004873/documents",
            &token,
            &[(
                "file_TK",
                "to-khai.pdf",
                "application/pdf",
                b"%PDF-1.4 to khai",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Cần tải lên: Giấy tờ tùy thân"),
        "{}",
        r.body
    );
    let r = b
        .upload(
            "/apply/1.004873/documents",
            &token,
            &[(
                "file_CCCD",
                "../../cccd.jpg",
                "image/jpeg",
                crate::common::TINY_JPEG,
            )],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/check"));
    let r = b.get("/apply/1.004873/check").await;
    assert!(
        r.body.contains("Trần Thị Mai") && r.body.contains("to-khai.pdf, cccd.jpg"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Trung tâm Phục vụ hành chính công xã Đức Trọng")
    );
    assert!(r.body.contains(r#"href="/apply/1.004873/name?change=1""#));
    // Change the name from the check page: back to the check page.
    let r = b
        .post(
            "/apply/1.004873/name?change=1",
            &format!("csrf={token}&name=Tr%E1%BA%A7n+Th%E1%BB%8B+Mai+Anh"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/check"));
    // A forged submission (no token) is refused.
    let r = b.post("/apply/1.004873/check", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.count().await, 0);
    let r = b
        .post("/apply/1.004873/check", &format!("csrf={token}"))
        .await;
    // Post/Redirect/Get: the confirmation has its own address.
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = r.location.unwrap();
    assert!(done.starts_with("/apply/1.004873/done/"), "{done}");
    let r = b.get(&done).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("24958-250303-0001"), "{}", r.body);
    assert_eq!(t.count().await, 1);
    // Reload, Back to the check page, a second submission: the same confirmation, one dossier.
    assert!(b.get(&done).await.body.contains("24958-250303-0001"));
    assert_eq!(
        b.get("/apply/1.004873/check").await.location.as_deref(),
        Some(done.as_str())
    );
    let r = b
        .post("/apply/1.004873/check", &format!("csrf={token}"))
        .await;
    assert_eq!(r.location.as_deref(), Some(done.as_str()));
    assert_eq!(t.count().await, 1);
    // The confirmation's address is the draft's secret: another id shows nothing.
    let other = format!("/apply/1.004873/done/{}", uuid::Uuid::new_v4());
    assert_eq!(b.get(&other).await.status, StatusCode::NOT_FOUND);

    // The counter sees a submitted online dossier with both files.
    let counter = t
        .token("24958.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    let d = t.dossier(&counter, "24958-250303-0001").await;
    assert_eq!(d["status"], "submitted");
    assert_eq!(d["channel"], "online");
    assert_eq!(d["applicant"]["name"], "Trần Thị Mai Anh");
    assert_eq!(d["result_delivery"]["method"], "postal");
    assert_eq!(d["result_delivery"]["address"], "Thôn 2, Xã Đức Trọng");
    // Routed for the commune the address resolved to.
    assert_eq!(d["routing"]["applicant_unit"], "24958");
    assert_eq!(d["competent_agency"], "24958.UBND");
    let files = t
        .app
        .dossier_files(
            &motcua_app::Actor::Staff(t.app.authenticate(&counter).await.unwrap()),
            &"24958-250303-0001".parse().unwrap(),
        )
        .await
        .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(names, ["to-khai.pdf", "cccd.jpg"]);
    assert_eq!(files[1].content_type, "image/jpeg");
}

#[tokio::test]
async fn wizard_pages_without_a_draft_send_the_citizen_to_the_start() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut b = Browser {
        t: &t,
        cookie: "motcua_draft=5f0c1e2a-0000-4000-8000-000000000000".into(),
    };
    let r = b.get("/apply/1.004873/name").await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873?expired=1"));
    let r = b.get("/apply/9.999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_download_the_uploaded_file_as_an_attachment() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let code = "1.004873".parse().unwrap();
    let id = t.app.start_draft(&code, false, None).await.unwrap();
    let mut d = t.app.draft(id, &code).await.unwrap();
    d.answers.address = Some("Xa Phu Hoi, Duc Trong, Lam Dong".into());
    d.answers.receiving_agency = Some("24958.TTPVHCC".parse().unwrap());
    d.answers.name = Some("Lò Văn Páo".into());
    d.answers.id_number = Some("068095001111".into());
    d.answers.phone = Some("0912000111".into());
    t.app.save_answers(&d).await.unwrap();
    t.app
        .add_draft_file(
            &d,
            "TK",
            "tờ khai.html",
            Some("application/pdf"),
            b"%PDF-1.4 hello",
        )
        .await
        .unwrap();
    let err = t.app.submit_draft(&d).await.unwrap_err();
    assert_eq!(err.code(), "apply.missing_documents");
    t.app
        .add_draft_file(&d, "CCCD", "cccd.png", None, crate::common::SCAN_PNG)
        .await
        .unwrap();
    let dossier = t.app.submit_draft(&d).await.unwrap();
    let counter = t
        .token("24958.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    let staff = motcua_app::Actor::Staff(t.app.authenticate(&counter).await.unwrap());
    let files = t.app.dossier_files(&staff, &dossier.code).await.unwrap();
    let req = Request::get(format!("/inbox/{}/files/{}", dossier.code, files[0].id))
        .header(header::COOKIE, t.cookie(&counter).await)
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(
        resp.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename*=UTF-8''t%E1%BB%9D")
    );
    // Uploaded as "….html", handed out under what it is (issue #29), never cached.
    assert!(
        resp.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .ends_with("khai.pdf"),
        "{:?}",
        resp.headers()[header::CONTENT_DISPOSITION]
    );
    assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(resp.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"%PDF-1.4 hello");
    // Another agency cannot fetch it.
    let other = t
        .token("24781.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    let req = Request::get(format!("/inbox/{}/files/{}", dossier.code, files[0].id))
        .header(header::COOKIE, t.cookie(&other).await)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        t.router.clone().oneshot(req).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_provincial_procedure_online_is_routed_for_the_applicants_commune() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut b = Browser {
        t: &t,
        cookie: String::new(),
    };
    let p = "/apply/local.ly-lich-tu-phap";
    assert_eq!(
        b.post(p, "").await.location.as_deref(),
        Some(&*format!("{p}/where"))
    );
    let token = csrf(&b.get(&format!("{p}/where")).await.body);
    let steps = [
        ("where", "address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong"),
        ("name", "name=Tr%E1%BA%A7n+Th%E1%BB%8B+Mai"),
        ("id", "id_number=068195009999"),
        ("contact", "phone=0987654321&email="),
        ("delivery", "delivery=counter"),
    ];
    for (step, form) in steps {
        let r = b
            .post(&format!("{p}/{step}"), &format!("csrf={token}&{form}"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    let r = b
        .upload(
            &format!("{p}/documents"),
            &token,
            &[
                (
                    "file_TK",
                    "to-khai.pdf",
                    "application/pdf",
                    b"%PDF-1.4 to khai",
                ),
                (
                    "file_CCCD",
                    "cccd.jpg",
                    "image/jpeg",
                    crate::common::TINY_JPEG,
                ),
            ],
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some(&*format!("{p}/check")),
        "{}",
        r.body
    );
    let r = b
        .post(&format!("{p}/check"), &format!("csrf={token}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = b.get(&r.location.unwrap()).await;
    let counter = t
        .token("68.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    assert!(r.body.contains("68-250303-0001"), "{}", r.body);
    let d = t.dossier(&counter, "68-250303-0001").await;
    assert_eq!(d["receiving_agency"], "68.TTPVHCC");
    assert_eq!(d["competent_agency"], "68.CA");
    assert_eq!(d["routing"]["applicant_unit"], "24958");
}

/// Issue #29: a draft holds at most three files a component (and 20 files, 20 MB in all); past
/// that the upload is refused and nothing is stored.
#[tokio::test]
async fn a_draft_is_not_free_storage() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let code = "1.004873".parse().unwrap();
    let id = t.app.start_draft(&code, false, None).await.unwrap();
    let d = t.app.draft(id, &code).await.unwrap();
    for i in 0..3 {
        t.app
            .add_draft_file(&d, "TK", &format!("{i}.pdf"), None, b"%PDF-1.4 x")
            .await
            .unwrap();
    }
    let e = t
        .app
        .add_draft_file(&d, "TK", "3.pdf", None, b"%PDF-1.4 x")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "upload.draft_full");
    assert_eq!(t.app.draft_files(&d).await.unwrap().len(), 3);
    // Bytes: four files of 5 MB fill the 20 MB.
    let big = {
        let mut v = b"%PDF-1.4 ".to_vec();
        v.resize(motcua_domain::upload::MAX_FILE_BYTES, b' ');
        v
    };
    let id = t.app.start_draft(&code, false, None).await.unwrap();
    let d = t.app.draft(id, &code).await.unwrap();
    for comp in ["TK", "TK", "TK", "CCCD"] {
        t.app
            .add_draft_file(&d, comp, "lon.pdf", None, &big)
            .await
            .unwrap();
    }
    let e = t
        .app
        .add_draft_file(&d, "CCCD", "them.pdf", None, b"%PDF-1.4 x")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "upload.draft_full");
}

/// Issue #29 (found by an outside probe): new drafts are cheap, so each address also has an
/// hourly budget of bytes uploaded to drafts; past it the upload is refused and nothing stored.
#[tokio::test]
async fn an_address_has_an_hourly_upload_budget() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let web = motcua_web::WebSettings {
        rate_limits: motcua_web::security::RateLimits {
            upload_mb_per_hour: 6,
            ..Default::default()
        },
        limit_clock: motcua_web::security::LimitClock::fake(),
        ..Default::default()
    };
    let router = motcua_web::router_with(t.app.clone(), web);
    let file = {
        let mut v = b"%PDF-1.4 ".to_vec();
        v.resize(4 * 1024 * 1024, b'x');
        v
    };
    let send = |i: usize| {
        let router = router.clone();
        let file = file.clone();
        let app = t.app.clone();
        async move {
            let code = "1.004873".parse().unwrap();
            let id = app.start_draft(&code, false, None).await.unwrap();
            let boundary = "XyZ";
            let mut body = Vec::new();
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
                    motcua_app::tokens::csrf_for(&id.to_string())
                )
                .as_bytes(),
            );
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file_TK\"; filename=\"{i}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(&file);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let req = Request::post("/apply/1.004873/documents")
                .header(header::COOKIE, format!("motcua_draft={id}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .extension(axum::extract::ConnectInfo(
                    "203.0.113.80:4000".parse::<std::net::SocketAddr>().unwrap(),
                ))
                .body(Body::from(body))
                .unwrap();
            let r = router.oneshot(req).await.unwrap();
            (
                r.status(),
                app.draft_files(&app.draft(id, &code).await.unwrap())
                    .await
                    .unwrap()
                    .len(),
            )
        }
    };
    // The first 4 MB are within the budget (the page may still ask for the other components).
    let (s, stored) = send(1).await;
    assert_ne!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored, 1);
    let (s, stored) = send(2).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored, 0, "nothing of the refused upload is stored");
}

/// Issue #31: a kiosk application stays in kiosk mode, asks for no uploads, ends with a slip, and
/// leaves nothing of the person once the kiosk resets.
#[tokio::test]
async fn a_kiosk_application_stays_in_kiosk_mode_and_leaves_nothing_after_a_reset() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let mut b = Browser {
        t: &t,
        cookie: String::new(),
    };
    let start = b.get("/apply/1.004873?kiosk=1").await;
    assert!(start.body.contains("data-kiosk-reset"), "{}", start.body);
    let r = b.post("/apply/1.004873", "kiosk=1").await;
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/where"));
    let page = b.get("/apply/1.004873/where").await.body;
    assert!(page.contains("data-kiosk-reset") && page.contains(r#"autocomplete="off""#));
    let token = csrf(&page);
    for (step, form, next) in [
        (
            "where",
            "address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong",
            "name",
        ),
        ("name", "name=Le+Van+Kiosk", "id"),
        ("id", "id_number=068195007777", "contact"),
        ("contact", "phone=0911777777", "delivery"),
        // No documents step at a kiosk: straight to the check.
        ("delivery", "delivery=counter", "check"),
    ] {
        let r = b
            .post(
                &format!("/apply/1.004873/{step}"),
                &format!("csrf={token}&{form}"),
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/apply/1.004873/{next}").as_str()),
            "{step}: {}",
            r.body
        );
    }
    let check = b.get("/apply/1.004873/check").await;
    assert!(check.body.contains("data-kiosk-reset"));
    let r = b
        .post("/apply/1.004873/check", &format!("csrf={token}"))
        .await;
    let done = r.location.expect("the slip's address");
    let slip = b.get(&done).await;
    assert_eq!(slip.status, StatusCode::OK);
    assert!(slip.body.contains("kslip") && slip.body.contains("24958-250303-0001"));
    let counter = t
        .token("24958.TTPVHCC", motcua_domain::access::Role::CounterOfficer)
        .await;
    let d = t.dossier(&counter, "24958-250303-0001").await;
    assert_eq!(d["channel"], "kiosk");
    assert_eq!(d["status"], "submitted");

    // The reset lands on /kiosk, which clears the application, a citizen session and the
    // language; every kiosk and wizard page is kept out of caches.
    let home = t.page("GET", "/kiosk", Some(&b.cookie), None).await;
    let cleared: Vec<String> = home
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    for name in ["motcua_draft=;", "motcua_citizen=;", "motcua_lang=;"] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "{name} {cleared:?}"
        );
    }
    assert_eq!(home.header("cache-control"), Some("no-store"));
    // Walking back after the reset: the slip and the wizard show nothing of the person.
    b.cookie.clear();
    let back = b.get(&done).await;
    assert_eq!(back.location.as_deref(), Some("/kiosk"));
    assert!(!back.body.contains("24958-250303-0001"));
    let back = b.get("/apply/1.004873/check").await;
    assert!(!back.body.contains("Le Van Kiosk") && !back.body.contains("068195007777"));
}

/// Issue #31: a citizen signed in through the identity provider gets the applicant's name and
/// number from it, marked verified, not asked and not editable; a kiosk never does this.
#[tokio::test]
async fn a_signed_in_citizens_verified_name_and_number_fill_the_applicant() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let citizen = t.citizen_cookie("068195004444", "Đỗ Thị Xác Thực").await;
    let mut b = Browser {
        t: &t,
        cookie: citizen.clone(),
    };
    let r = b.post("/apply/1.004873", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    b.cookie = format!("{citizen}; {}", b.cookie);
    let token = csrf(&b.get("/apply/1.004873/where").await.body);
    let r = b
        .post(
            "/apply/1.004873/where",
            &format!("csrf={token}&address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong"),
        )
        .await;
    // The name and the number are not asked: straight to the contact.
    assert_eq!(r.location.as_deref(), Some("/apply/1.004873/contact"));
    // Nor can they be changed by their own addresses.
    assert_eq!(
        b.get("/apply/1.004873/id").await.location.as_deref(),
        Some("/apply/1.004873/contact")
    );
    let r = b
        .post(
            "/apply/1.004873/name?change=1",
            &format!("csrf={token}&name=Someone+Else"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let check = b.get("/apply/1.004873/check").await.body;
    assert!(
        check.contains("Đỗ Thị Xác Thực (đã xác thực qua VNeID)")
            && check.contains("068195004444")
            && !check.contains("Someone Else")
            && !check.contains(r#"href="/apply/1.004873/name?change=1""#),
        "{check}"
    );
}
