//! Documents through the router: forms issued at the right actions, stored, listed, downloaded
//! and signed; public verification of genuine, tampered and foreign files; scans, results and
//! the register; bad input refused with its code.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, error_code};
use http_body_util::BodyExt;
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
    let png = include_bytes!("../../motcua-documents/tests/data/scan.png").to_vec();
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
