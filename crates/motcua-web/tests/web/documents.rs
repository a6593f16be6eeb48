//! Documents through the router: forms issued at the right actions, stored, listed, downloaded
//! and signed; public verification of genuine, tampered and foreign files; scans, results and
//! the register; bad input refused with its code.

use crate::common::{TestApp, error_code};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use motcua_app::ports::roles::*;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;
use tower::ServiceExt;

const CENTER: &str = "24958.TTPVHCC";

async fn raw(t: &TestApp, req: Request<Body>) -> (StatusCode, Vec<u8>, String) {
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
        ct,
    )
}

async fn post_bytes(
    t: &TestApp,
    uri: &str,
    token: Option<&str>,
    bytes: Vec<u8>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut b = Request::post(uri);
    if !headers.iter().any(|(k, _)| *k == "content-type") {
        b = b.header("content-type", "application/pdf");
    }
    if let Some(tok) = token {
        b = b.header("authorization", format!("Bearer {tok}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    t.send(b.body(Body::from(bytes)).unwrap()).await
}

async fn documents(t: &TestApp, token: &str, code: &str) -> Vec<Value> {
    let (s, v) = t
        .get(&format!("/api/v1/dossiers/{code}/documents"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

async fn download(t: &TestApp, token: &str, url: &str) -> Vec<u8> {
    let (s, body, ct) = raw(
        t,
        Request::get(url)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/pdf");
    body
}

#[tokio::test]
async fn forms_are_issued_at_their_actions_signed_and_verifiable() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let specialist = t.token("24958.UBND", Role::Specialist).await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();

    // Intake issues the receipt (form 01), numbered and signed by the receiving center.
    let docs = documents(&t, &counter, &code).await;
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0]["kind"], "form01");
    assert_eq!(docs[0]["number"], "01/GTN");
    assert_eq!(docs[0]["signed_by"], CENTER);
    assert!(
        docs[0]["actor"].as_str().unwrap().starts_with("token:"),
        "who issued it is recorded"
    );
    let receipt = download(&t, &counter, docs[0]["download_url"].as_str().unwrap()).await;
    assert!(receipt.starts_with(b"%PDF-"));

    // The receipt verifies publicly: valid, trusted, the document on record.
    let (s, v) = post_bytes(&t, "/api/v1/verify", None, receipt.clone(), &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(v["matches_record"], true);
    assert_eq!(v["document"]["dossier_code"], code.as_str());
    assert_eq!(v["document"]["kind"], "form01");
    assert!(
        !v.to_string().contains("068195001234"),
        "verification must not reveal the CCCD"
    );
    assert_eq!(
        v["signatures"][0]["signer"],
        "Trung tâm Phục vụ hành chính công xã Đức Trọng"
    );

    // One byte changed: invalid, and no longer the document on record.
    let mut tampered = receipt.clone();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x20;
    let (s, v) = post_bytes(&t, "/api/v1/verify", None, tampered, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "invalid", "{v}");
    assert_eq!(v["matches_record"], false);

    // Transfer → control slip; supplement request → form 02.
    let mut version = 1;
    for (tok, body) in [
        (
            &counter,
            json!({"action": "transfer", "to_agency": "24958.UBND", "note": "Chuyển xử lý"}),
        ),
        (
            &specialist,
            json!({"action": "request_supplement", "items": [{"component": "TK", "note": "Thiếu chữ ký"}], "reason": "Tờ khai chưa ký"}),
        ),
    ] {
        t.clock.set(t.app.now() + time::Duration::hours(1));
        let mut body = body;
        body["version"] = json!(version);
        let (s, v) = t.act(tok, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        version = v["version"].as_i64().unwrap();
    }
    let kinds: Vec<String> = documents(&t, &counter, &code)
        .await
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["form01", "form06", "form02"]);

    // The result: recorded by the competent agency, signed by it.
    let (s, v) = post_bytes(
        &t,
        &format!("/api/v1/dossiers/{code}/result"),
        Some(&approver),
        receipt.clone(),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["kind"], "result");
    assert_eq!(v["signed_by"], "24958.UBND");
    let result = download(&t, &approver, v["download_url"].as_str().unwrap()).await;
    let (_, v) = post_bytes(&t, "/api/v1/verify", None, result, &[]).await;
    assert_eq!(v["status"], "valid", "{v}");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 2);
    // A counter officer of the receiving point may not record the result.
    let (s, v) = post_bytes(
        &t,
        &format!("/api/v1/dossiers/{code}/result"),
        Some(&counter),
        receipt.clone(),
        &[],
    )
    .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );

    // The QR link's public record.
    let id = docs[0]["id"].as_str().unwrap();
    let (s, v) = t.get(&format!("/api/v1/documents/{id}"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["number"], "01/GTN");
    assert!(!v.to_string().contains("Nguyễn Thị Lan"));
    let (s, v) = t.get("/api/v1/documents/not-a-uuid", None).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "document.not_found")
    );
}

#[tokio::test]
async fn deferred_forms_are_issued_after_commit_by_the_worker_or_the_first_reader() {
    let t = TestApp::deferred(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let id = uuid::Uuid::parse_str(d["id"].as_str().unwrap()).unwrap();
    // The intake committed a job, not a rendered PDF.
    assert!(t.store.dossier_documents(id).await.unwrap().is_empty());
    let jobs = t.store.document_jobs(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].kind.as_str(), jobs[0].number.as_deref()),
        ("form01", Some("01/GTN"))
    );

    // The counter asks for the receipt at once: it is rendered for the reader, dated at intake.
    t.clock.set(t.app.now() + time::Duration::minutes(5));
    let docs = documents(&t, &counter, &code).await;
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0]["id"], jobs[0].id.to_string());
    assert_eq!(docs[0]["number"], "01/GTN");
    assert_eq!(docs[0]["created_at"], "2025-03-03T01:00:00Z");
    assert!(t.store.document_jobs(10).await.unwrap().is_empty());
    let receipt = download(&t, &counter, docs[0]["download_url"].as_str().unwrap()).await;
    let (_, v) = post_bytes(&t, "/api/v1/verify", None, receipt, &[]).await;
    assert_eq!(
        (v["status"].as_str(), v["matches_record"].as_bool()),
        (Some("valid"), Some(true)),
        "{v}"
    );

    // A transfer's control slip waits for the worker, which issues it as of the transfer.
    t.transfer_to_committee(&counter, &code).await;
    assert_eq!(t.store.document_jobs(10).await.unwrap().len(), 1);
    t.clock.set(t.app.now() + time::Duration::hours(2));
    assert_eq!(t.app.issue_waiting_documents(8).await.unwrap(), 1);
    assert_eq!(t.app.issue_waiting_documents(8).await.unwrap(), 0);
    let stored = t.store.dossier_documents(id).await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|d| (d.kind.as_str(), d.event_seq))
            .collect::<Vec<_>>(),
        [("form01", Some(1)), ("form06", Some(2))]
    );
    assert_eq!(stored[1].created_at, datetime!(2025-03-03 08:05 +7));
}

#[tokio::test]
async fn documents_are_only_for_the_jurisdiction() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let docs = documents(&t, &counter, code).await;
    let (s, v) = t
        .get(&format!("/api/v1/dossiers/{code}/documents"), Some(&other))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "dossier.not_found")
    );
    let (s, _) = t
        .get(docs[0]["download_url"].as_str().unwrap(), Some(&other))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t.get(docs[0]["download_url"].as_str().unwrap(), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A document id under another dossier's code is not found.
    let d2 = t.intake(&counter, "1.004873", CENTER).await;
    let (s, v) = t
        .get(
            &format!(
                "/api/v1/dossiers/{}/documents/{}",
                d2["code"].as_str().unwrap(),
                docs[0]["id"].as_str().unwrap()
            ),
            Some(&counter),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::NOT_FOUND, "document.not_found")
    );
}

#[tokio::test]
async fn scans_are_recorded_and_signed_and_bad_files_refused() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let png = include_bytes!("../../../motcua-documents/tests/documents/data/scan.png").to_vec();
    let uri = format!("/api/v1/dossiers/{code}/components/TK/scan");
    let (s, v) = post_bytes(
        &t,
        &uri,
        Some(&counter),
        png.clone(),
        &[
            ("content-type", "image/png"),
            ("x-file-name", "to khai.png"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["kind"], "scan");
    assert_eq!(v["signed_by"], CENTER);
    let pdf = download(&t, &counter, v["download_url"].as_str().unwrap()).await;
    let (_, r) = post_bytes(&t, "/api/v1/verify", None, pdf, &[]).await;
    assert_eq!(r["status"], "valid", "{r}");

    let before = documents(&t, &counter, code).await.len();
    for (bytes, ct, want) in [
        (b"".to_vec(), "image/png", "upload.empty"),
        (
            b"GIF89a....".to_vec(),
            "image/gif",
            "upload.unsupported_type",
        ),
        (png.clone(), "application/pdf", "upload.mislabelled"),
        (
            b"%PDF-1.7\nnot really a pdf\n%%EOF\n".to_vec(),
            "application/pdf",
            "upload.unreadable_pdf",
        ),
    ] {
        let (s, v) = post_bytes(&t, &uri, Some(&counter), bytes, &[("content-type", ct)]).await;
        assert_eq!(error_code(&v), want, "{v}");
        assert!(s.is_client_error());
    }
    let (s, v) = post_bytes(
        &t,
        &format!("/api/v1/dossiers/{code}/components/NOPE/scan"),
        Some(&counter),
        png.clone(),
        &[("content-type", "image/png")],
    )
    .await;
    assert_eq!(
        (s, error_code(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier.unknown_component"
        )
    );
    let big = vec![b'%'; motcua_domain::upload::MAX_FILE_BYTES + 10];
    let (_, v) = post_bytes(&t, &uri, Some(&counter), big, &[]).await;
    assert_eq!(error_code(&v), "upload.too_large");
    let huge = vec![b'%'; motcua_domain::upload::MAX_FILE_BYTES * 2];
    let (s, v) = post_bytes(&t, &uri, Some(&counter), huge, &[]).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large")
    );
    assert_eq!(documents(&t, &counter, code).await.len(), before);
}

#[tokio::test]
async fn verification_refuses_non_pdfs_and_reports_unsigned_ones() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (s, v) = post_bytes(&t, "/api/v1/verify", None, b"hello".to_vec(), &[]).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "upload.unsupported_type")
    );
    let (s, v) = post_bytes(&t, "/api/v1/verify", None, vec![], &[]).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "upload.empty")
    );
    let (s, v) = post_bytes(
        &t,
        "/api/v1/verify",
        None,
        b"%PDF-1.4\n1 0 obj <<>> endobj\n".to_vec(),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "unsigned");
    assert_eq!(v["reason"], "file.truncated");
}

#[tokio::test]
async fn the_register_lists_the_period_as_a_pdf() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    t.intake(&counter, "1.004873", CENTER).await;
    let (s, body, ct) = raw(
        &t,
        Request::get(format!(
            "/api/v1/agencies/{CENTER}/register?from=2025-03-01&to=2025-03-31"
        ))
        .header("authorization", format!("Bearer {counter}"))
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/pdf");
    assert!(body.starts_with(b"%PDF-"));
    let other = t.token("24781.TTPVHCC", Role::CounterOfficer).await;
    let (s, v) = t
        .get(
            &format!("/api/v1/agencies/{CENTER}/register?from=2025-03-01&to=2025-03-31"),
            Some(&other),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    for q in [
        "from=2025-03-31&to=2025-03-01",
        "from=2024-01-01&to=2025-12-31",
    ] {
        let (s, v) = t
            .get(
                &format!("/api/v1/agencies/{CENTER}/register?{q}"),
                Some(&counter),
            )
            .await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field"),
            "{q}"
        );
    }
    let (s, v) = t
        .get(
            &format!("/api/v1/agencies/{CENTER}/register?from=soon&to=later"),
            Some(&counter),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "motcua-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, ct, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(
    t: &TestApp,
    uri: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> (StatusCode, String, Option<String>) {
    let (ct, body) = multipart(fields, file);
    let mut b = Request::post(uri).header("content-type", ct);
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    let resp = t
        .router
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let loc = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body =
        String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, body, loc)
}

#[tokio::test]
async fn the_public_verification_page_reports_each_verdict() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let docs = documents(&t, &counter, code).await;
    let receipt = download(&t, &counter, docs[0]["download_url"].as_str().unwrap()).await;

    let p = t.page("GET", "/verify", None, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(r#"enctype="multipart/form-data""#));

    let (s, html, _) = post_form(
        &t,
        "/verify",
        None,
        &[],
        Some(("r.pdf", "application/pdf", &receipt)),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Hợp lệ"), "{html}");
    assert!(html.contains("Tệp trùng khớp từng byte với văn bản đã lưu."));
    assert!(html.contains("Trung tâm Phục vụ hành chính công xã Đức Trọng"));

    let mut tampered = receipt.clone();
    let n = tampered.len();
    tampered[n / 2] ^= 0x01;
    let (_, html, _) = post_form(
        &t,
        "/verify?lang=en",
        None,
        &[],
        Some(("r.pdf", "application/pdf", &tampered)),
    )
    .await;
    assert!(html.contains("Not valid"), "{html}");
    assert!(html.contains("The file was changed after it was signed."));

    let (s, html, _) = post_form(
        &t,
        "/verify",
        None,
        &[],
        Some(("x.png", "image/png", b"\x89PNG\r\n\x1a\nxx")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Chỉ kiểm tra được tệp PDF."));
    let (s, _, _) = post_form(&t, "/verify", None, &[], None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The QR link: the record without personal data, and a comparison.
    let id = docs[0]["id"].as_str().unwrap();
    let p = t.page("GET", &format!("/verify/{id}"), None, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(code) && p.body.contains("01/GTN"));
    assert!(!p.body.contains("Nguyễn Thị Lan") && !p.body.contains("068195001234"));
    let (_, html, _) = post_form(
        &t,
        &format!("/verify/{id}"),
        None,
        &[],
        Some(("r.pdf", "application/pdf", &receipt)),
    )
    .await;
    assert!(html.contains("Tệp trùng khớp từng byte"), "{html}");
    let p = t
        .page(
            "GET",
            "/verify/00000000-0000-0000-0000-000000000000",
            None,
            None,
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dossier_page_lists_documents_and_digitises_scans() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap();
    let cookie = t.cookie(&counter).await;
    let p = t
        .page("GET", &format!("/inbox/{code}"), Some(&cookie), None)
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
    assert!(p.body.contains("01/GTN"));
    assert!(p.body.contains(&format!("/inbox/{code}/documents/")));
    let csrf = crate::common::csrf(&p.body);
    let png = include_bytes!("../../../motcua-documents/tests/documents/data/scan.png");

    // Without the anti-forgery token: refused, nothing stored.
    let (s, _, _) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("component", "TK")],
        Some(("a.png", "image/png", png)),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A bad file: the page again with the error.
    let (s, html, _) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("csrf", &csrf), ("component", "TK")],
        Some(("a.gif", "image/gif", b"GIF89a")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG."), "{html}");
    assert_eq!(documents(&t, &counter, code).await.len(), 1);
    // A decompression bomb (issue #29): a PNG whose header declares 12,000 × 12,000 pixels is
    // refused from its header, before any decoder allocates the 576 MB it would take.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&12_000u32.to_be_bytes());
    bomb.extend_from_slice(&12_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bomb.extend_from_slice(&[0u8; 4096]);
    let (s, html, _) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("csrf", &csrf), ("component", "TK")],
        Some(("bom.png", "image/png", &bomb)),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("25 megapixel"), "{html}");
    assert_eq!(documents(&t, &counter, code).await.len(), 1);
    // A PDF with no pages cannot carry a signature: the file's fault, a 422, not a 500.
    let (s, html, _) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("csrf", &csrf), ("component", "TK")],
        Some((
            "trang.pdf",
            "application/pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
        )),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(documents(&t, &counter, code).await.len(), 1);
    // A sound header over a damaged image: refused as the file's fault, not a 500.
    let (s, html, _) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("csrf", &csrf), ("component", "TK")],
        Some(("cut.png", "image/png", &png[..png.len().min(200)])),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert_eq!(documents(&t, &counter, code).await.len(), 1);
    // A good scan: stored, signed, listed.
    let (s, _, loc) = post_form(
        &t,
        &format!("/inbox/{code}/scan"),
        Some(&cookie),
        &[("csrf", &csrf), ("component", "TK")],
        Some(("to-khai.png", "image/png", png)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        loc.as_deref(),
        Some(format!("/inbox/{code}?doc=1#documents").as_str())
    );
    let p = t
        .page("GET", &format!("/inbox/{code}?doc=1"), Some(&cookie), None)
        .await;
    assert!(p.body.contains("Đã lưu và ký văn bản."));
    assert!(p.body.contains("Bản số hóa:"));
    // The register from the inbox.
    let p = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert!(p.body.contains("/inbox/register"));
    let r = t
        .page(
            "GET",
            "/inbox/register?from=2025-03-01&to=2025-03-31",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("%PDF-"));
}
