//! A supplement request answered online by the signed-in applicant, through the router: the
//! reason and items shown, only the items asked accepted, once; another citizen, a forged form,
//! an item not asked and a second answer change nothing.

use crate::common::{TestApp, csrf};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_domain::access::Role;
use serde_json::json;
use time::macros::datetime;
use tower::ServiceExt;

const ME: &str = "068195001234";

async fn citizen(t: &TestApp, id: &str) -> String {
    t.citizen_cookie(id, "Nguyễn Thị Lan").await
}

/// A multipart form: text fields, then files (field, name, type, bytes).
async fn send(
    t: &TestApp,
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> (StatusCode, Option<String>, String) {
    let (content_type, body) = crate::common::multipart(fields, files);
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body =
        String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, location, body)
}

#[tokio::test]
async fn the_applicant_answers_a_supplement_request_online_once_with_only_the_items_asked() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", "24958.TTPVHCC").await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (s, v) = t
        .act(
            &counter,
            &code,
            json!({"action": "request_supplement", "version": 1,
                   "items": [{"component": "TK", "note": "Tờ khai chưa ký"}],
                   "reason": "Thiếu chữ ký trên tờ khai"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let due_before = v["due_at"].clone();
    let page_uri = format!("/citizen/dossiers/{code}");
    let post_uri = format!("{page_uri}/supplement");

    // The applicant's page says what and why, with form 02 and the pause explained.
    let me = citizen(&t, ME).await;
    let page = t.page("GET", &page_uri, Some(&me), None).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Thiếu chữ ký trên tờ khai",
        "Tờ khai chưa ký",
        "name=\"file_TK\"",
        "mẫu 02",
        "không tính vào thời hạn giải quyết",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("name=\"file_CCCD\""));
    let token = csrf(&page.body);
    let pdf: &[u8] = b"%PDF-1.4 ky roi";
    let ok_fields = [("csrf", token.as_str()), ("version", "2"), ("confirm", "1")];

    // Tracking by code and phone reads what is asked and gets the slip, not more.
    let track = t
        .page(
            "GET",
            &format!("/track?code={code}&phone=0912345678"),
            None,
            None,
        )
        .await;
    assert!(
        track.body.contains("Thiếu chữ ký trên tờ khai") && track.body.contains("Tờ khai chưa ký")
    );
    assert!(
        !track.body.contains("name=\"file_TK\""),
        "answering needs a sign-in"
    );
    let slip = t
        .page(
            "GET",
            &format!("/track/supplement-slip?code={code}&phone=0912345678"),
            None,
            None,
        )
        .await;
    assert_eq!(slip.status, StatusCode::OK);
    assert_eq!(slip.header("content-type"), Some("application/pdf"));
    let wrong = t
        .page(
            "GET",
            &format!("/track/supplement-slip?code={code}&phone=0999999999"),
            None,
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Another citizen: as if the dossier did not exist; nothing changes.
    let other = citizen(&t, "079200001234").await;
    let other_page = t.page("GET", &page_uri, Some(&other), None).await;
    assert_eq!(other_page.status, StatusCode::NOT_FOUND);
    let (s, _, _) = send(
        &t,
        &post_uri,
        &other,
        &[
            (
                "csrf",
                &csrf(&t.page("GET", "/citizen", Some(&other), None).await.body),
            ),
            ("version", "2"),
            ("confirm", "1"),
        ],
        &[("file_TK", "tk.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Not signed in: to the sign-in page.
    let (s, loc, _) = send(&t, &post_uri, "", &ok_fields, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/citizen"));
    // A forged form (no token of this session).
    let (s, _, _) = send(
        &t,
        &post_uri,
        &me,
        &[("csrf", "x"), ("version", "2"), ("confirm", "1")],
        &[("file_TK", "tk.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // An item not asked for; no file for the item asked; not confirmed; a mislabelled file.
    for (fields, files, message) in [
        (
            &ok_fields[..],
            vec![
                ("file_TK", "tk.pdf", "application/pdf", pdf),
                ("file_CCCD", "cccd.pdf", "application/pdf", pdf),
            ],
            "Chỉ được gửi các giấy tờ được yêu cầu",
        ),
        (
            &ok_fields[..],
            vec![],
            "Thêm tệp cho mỗi giấy tờ được yêu cầu",
        ),
        (
            &ok_fields[..2],
            vec![("file_TK", "tk.pdf", "application/pdf", pdf)],
            "Đánh dấu ô xác nhận",
        ),
        (
            &ok_fields[..],
            vec![("file_TK", "tk.png", "image/png", pdf)],
            "",
        ),
    ] {
        let (s, _, body) = send(&t, &post_uri, &me, fields, &files).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(body.contains(message), "{message}: {body}");
    }
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["status"], "supplement_requested");
    assert_eq!(t.events(&counter, &code).await.len(), 2);

    // The answer, a working day later: the dossier resumes as the applicant's action, the due
    // date moves on by the pause, the file is on it.
    t.clock.set(datetime!(2025-03-04 08:00 +7));
    let me = citizen(&t, ME).await;
    let token = csrf(&t.page("GET", &page_uri, Some(&me), None).await.body);
    let ok_fields = [("csrf", token.as_str()), ("version", "2"), ("confirm", "1")];
    let (s, loc, body) = send(
        &t,
        &post_uri,
        &me,
        &ok_fields,
        &[("file_TK", "to-khai-da-ky.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(
        loc.as_deref(),
        Some(format!("{page_uri}?answered=1").as_str())
    );
    let d = t.dossier(&counter, &code).await;
    assert_eq!(d["status"], "received");
    assert_eq!(due_before, "2025-03-06T08:00:00+07:00");
    assert_eq!(
        d["due_at"], "2025-03-07T08:00:00+07:00",
        "moved on by the pause"
    );
    let events = t.events(&counter, &code).await;
    let last = events.last().unwrap();
    assert_eq!(last["action"], "supplement");
    assert_eq!(last["actor"], "applicant:********1234");
    let files = t
        .app
        .dossier_files(
            &motcua_app::Actor::Staff(t.app.authenticate(&counter).await.unwrap()),
            &code.parse().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].component_code, "TK");
    assert_eq!(files[0].file_name, "to-khai-da-ky.pdf");

    // Once per request: a second answer changes nothing.
    let (s, _, body) = send(
        &t,
        &post_uri,
        &me,
        &[("csrf", token.as_str()), ("version", "3"), ("confirm", "1")],
        &[("file_TK", "again.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("không chờ bổ sung"), "{body}");
    assert_eq!(t.events(&counter, &code).await.len(), 3);
}

#[tokio::test]
async fn an_electronic_result_is_its_applicants_after_return_and_nobody_elses() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token("24958.TTPVHCC", Role::CounterOfficer).await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    let mut body = crate::common::intake_body("1.004873", "24958.TTPVHCC");
    body["result_delivery"] = json!({"method": "electronic"});
    let (s, d) = t.post("/api/v1/dossiers", Some(&counter), &body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(d["result_delivery"]["method"], "electronic");
    t.transfer_to_committee(&counter, &code).await;
    // The result document, signed by the competent agency, then the decision recorded.
    let form01 = t
        .app
        .dossier_documents(
            &motcua_app::Actor::Staff(t.app.authenticate(&counter).await.unwrap()),
            &code.parse().unwrap(),
        )
        .await
        .unwrap();
    // (Any real PDF will do as the result file: the receipt.)
    let staff = motcua_app::Actor::Staff(t.app.authenticate(&counter).await.unwrap());
    let (_, pdf) = t
        .app
        .document_file(&staff, &code.parse().unwrap(), form01[0].id)
        .await
        .unwrap();
    let req = Request::post(format!("/api/v1/dossiers/{code}/result"))
        .header("authorization", format!("Bearer {approver}"))
        .header("content-type", "application/pdf")
        .body(Body::from(pdf))
        .unwrap();
    let (s, v) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = t
        .act(
            &approver,
            &code,
            json!({"action": "finish", "version": 2, "result": {"summary": "Đã chứng thực"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Finished but not handed over: not the applicant's yet.
    let me = citizen(&t, ME).await;
    let session = t
        .app
        .citizen_session(me.trim_start_matches("motcua_citizen="))
        .await
        .unwrap();
    let listed = t
        .app
        .my_dossier(&session, &code.parse().unwrap())
        .await
        .unwrap()
        .documents;
    assert!(listed.iter().all(|x| x.kind != "result"));
    // Returned without a method: the applicant's choice (online).
    let (s, v) = t
        .act(
            &counter,
            &code,
            json!({"action": "return_result", "version": 3}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let events = t.events(&counter, &code).await;
    assert!(
        events.last().unwrap()["payload"]
            .to_string()
            .contains("online")
    );
    let page = t
        .page("GET", &format!("/citizen/dossiers/{code}"), Some(&me), None)
        .await;
    let docs = t
        .app
        .my_dossier(&session, &code.parse().unwrap())
        .await
        .unwrap()
        .documents;
    let result = docs
        .iter()
        .find(|x| x.kind == "result")
        .expect("the result is listed");
    let url = format!("/citizen/dossiers/{code}/documents/{}", result.id);
    assert!(page.body.contains(&url), "{}", page.body);
    let mine = t.page("GET", &url, Some(&me), None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.header("content-type"), Some("application/pdf"));
    // Another citizen, and nobody signed in: never the file.
    let other = citizen(&t, "079200001234").await;
    assert_eq!(
        t.page("GET", &url, Some(&other), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.page("GET", &url, None, None).await.status,
        StatusCode::SEE_OTHER
    );
    // Tracking by code and phone says where it is, without a link to it.
    let track = t
        .page(
            "GET",
            &format!("/track?code={code}&phone=0912345678"),
            None,
            None,
        )
        .await;
    assert!(track.body.contains("VNeID"), "{}", track.body);
    assert!(!track.body.contains(&result.id.to_string()));
}
