//! The virtual assistant and procedure search through the router: answers grounded in the
//! catalogue, where to file for a commune (old addresses resolved), clarification, no match,
//! bad input, and the chat pages.

use crate::common::{TestApp, error_code, seed};
use axum::http::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

async fn app() -> TestApp {
    TestApp::new(datetime!(2025-03-03 08:00 +7)).await
}

async fn ask(t: &TestApp, body: Value) -> (StatusCode, Value) {
    t.post("/api/v1/assistant", None, &body).await
}

/// Every `[n]` of the text is a source, and every document and fee is the record's.
fn assert_grounded(v: &Value) {
    let sources: Vec<u64> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["n"].as_u64().unwrap())
        .collect();
    let text = v["text"].as_str().unwrap();
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find(']')
            && let Ok(n) = rest[..j].parse::<u64>()
        {
            assert!(sources.contains(&n), "[{n}] in {text}");
        }
    }
    let catalogue = seed();
    for p in v["procedures"].as_array().unwrap() {
        let record = catalogue
            .iter()
            .find(|r| r.code.as_str() == p["code"])
            .expect("a catalogue code");
        let names: Vec<&str> = record
            .cases
            .iter()
            .flat_map(|c| c.components.iter().map(|x| x.name.as_str()))
            .collect();
        for d in p["documents"].as_array().unwrap() {
            assert!(names.contains(&d["name"].as_str().unwrap()), "{d}");
        }
        assert_eq!(p["documents"].as_array().unwrap().len(), names.len());
    }
}

#[tokio::test]
async fn a_question_is_answered_with_the_records_facts_and_where_to_file() {
    let t = app().await;
    let before = t.count().await;
    for q in [
        "Tôi muốn đăng ký kết hôn thì cần giấy tờ gì?",
        "dang ky ket hon can giay to gi",
        "ĐĂNG KÝ KẾT HÔN",
    ] {
        let (s, v) = ask(&t, json!({"question": q, "commune": "24958"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["kind"], "answer", "{q}: {v}");
        assert_eq!(v["lang"], "vi");
        let p = &v["procedures"][0];
        assert_eq!(p["code"], "1.000894");
        assert_eq!(p["version"], 1);
        assert_eq!(p["filing"]["points"][0]["agency"], "24958.TTPVHCC", "{p}");
        assert_eq!(v["place"]["commune"], "24958");
        assert!(
            v["text"]
                .as_str()
                .unwrap()
                .contains("Tờ khai đăng ký kết hôn")
        );
        assert_grounded(&v);
    }
    let (_, v) = ask(&t, json!({"question": "How do we register our marriage?"})).await;
    assert_eq!(
        (v["kind"].as_str(), v["lang"].as_str()),
        (Some("answer"), Some("en"))
    );
    assert_eq!(v["procedures"][0]["code"], "1.000894");
    assert!(
        v["procedures"][0]["filing"].is_null(),
        "no commune, no place"
    );
    assert!(v["text"].as_str().unwrap().contains("Tell us your commune"));
    // Online procedures link to the application.
    let (_, v) = ask(&t, json!({"question": "làm giấy khai sinh"})).await;
    assert_eq!(v["procedures"][0]["apply_online"], "/apply/1.001193");
    assert_grounded(&v);
    // The assistant writes nothing.
    assert_eq!(t.count().await, before);
}

#[tokio::test]
async fn an_old_address_is_resolved_to_the_new_commune() {
    let t = app().await;
    let (s, v) = ask(
        &t,
        json!({"question": "khai sinh cho con", "address": "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["place"]["commune"], "24958");
    assert!(
        v["place"]["note"].as_str().unwrap().contains("Phú Hội"),
        "{v}"
    );
    assert_eq!(
        v["procedures"][0]["filing"]["points"][0]["agency"],
        "24958.TTPVHCC"
    );
    // An address nothing matches still gets an answer, with the place not known.
    let (s, v) = ask(&t, json!({"question": "khai sinh", "address": "Atlantis"})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["place"]["commune"].is_null());
    assert!(v["procedures"][0]["filing"].is_null());
}

#[tokio::test]
async fn an_ambiguous_question_asks_which_case_and_a_choice_answers() {
    let t = app().await;
    let (_, v) = ask(&t, json!({"question": "lien thong khai sinh"})).await;
    assert_eq!(v["kind"], "clarify", "{v}");
    let candidates = v["candidates"].as_array().unwrap();
    assert!(candidates.len() >= 2, "{v}");
    assert!(v["procedures"].as_array().unwrap().is_empty());
    let pick = candidates[1]["code"].as_str().unwrap().to_owned();
    let (_, v) = ask(
        &t,
        json!({"question": "lien thong khai sinh", "choice": pick}),
    )
    .await;
    assert_eq!(v["kind"], "answer");
    assert_eq!(v["procedures"][0]["code"], pick.as_str());
    assert_grounded(&v);
}

#[tokio::test]
async fn a_question_nothing_matches_is_sent_to_the_counter() {
    let t = app().await;
    let (_, v) = ask(
        &t,
        json!({"question": "Đổi giấy phép lái xe ở đâu?", "commune": "24958"}),
    )
    .await;
    assert_eq!(v["kind"], "no_match", "{v}");
    assert!(v["procedures"].as_array().unwrap().is_empty());
    assert!(v["text"].as_str().unwrap().contains("24958.TTPVHCC"), "{v}");
}

#[tokio::test]
async fn bad_questions_get_a_clear_4xx() {
    let t = app().await;
    let long = "a".repeat(501);
    let cases = [
        (
            json!({"question": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": "   "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": long}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": "khai sinh\u{202e}"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": "khai sinh", "commune": "abc"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": "khai sinh", "commune": "99999"}),
            StatusCode::NOT_FOUND,
            "unit.not_found",
        ),
        (
            json!({"question": "khai sinh", "address": "x".repeat(301)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_field",
        ),
        (
            json!({"question": "khai sinh", "choice": "9.999999"}),
            StatusCode::NOT_FOUND,
            "catalogue.unknown_procedure",
        ),
        (
            json!({"question": "khai sinh", "lang": "fr"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            json!({"question": "khai sinh", "extra": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            json!({"q": "khai sinh"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
    ];
    for (body, status, code) in cases {
        let (s, v) = ask(&t, body.clone()).await;
        assert!(s.is_client_error(), "{body}: {s} {v}");
        if !code.is_empty() {
            assert_eq!((s, error_code(&v)), (status, code), "{body}");
        } else {
            assert!(!error_code(&v).is_empty(), "{body}: {v}");
        }
    }
    let (s, v) = t
        .send(
            axum::http::Request::post("/api/v1/assistant")
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{\"question\": "))
                .unwrap(),
        )
        .await;
    assert!(s.is_client_error() && !error_code(&v).is_empty(), "{s} {v}");
}

#[tokio::test]
async fn procedure_search_uses_everyday_words_and_ranks() {
    let t = app().await;
    for (q, first) in [
        ("so%20do", "2.001035"),
        ("dang%20ky%20ket%20hon", "1.000894"),
        (
            "%C4%91%C4%83ng%20k%C3%BD%20h%E1%BB%99%20kh%E1%BA%A9u",
            "1.004222",
        ),
        ("birth%20certificate", "1.001193"),
        ("1.004873", "1.004873"),
    ] {
        let (s, v) = t.get(&format!("/api/v1/procedures?q={q}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v[0]["code"], first, "{q}: {v}");
    }
    let (_, v) = t.get("/api/v1/procedures", None).await;
    assert_eq!(
        v.as_array().unwrap().len(),
        seed().len(),
        "no query lists all"
    );
    let (_, v) = t.get("/api/v1/procedures?q=xyzzy%20qwerty", None).await;
    assert!(v.as_array().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn the_chat_pages_answer_and_show_their_sources() {
    let t = app().await;
    let r = t.page("GET", "/assistant", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"q\""));
    let r = t
        .page(
            "GET",
            "/assistant?q=lam+giay+khai+sinh+cho+con&place=24958",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for want in [
        "Giấy chứng sinh do cơ sở y tế cấp",
        "24958.TTPVHCC",
        "/apply/1.001193",
        "1.001193 v1",
    ] {
        assert!(r.body.contains(want), "{want}");
    }
    let r = t
        .page("GET", "/kiosk/assistant?q=lien+thong+khai+sinh", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("choice="), "a clarification offers choices");
    let r = t
        .page("GET", "/assistant?q=khai+sinh&place=99999", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("99999"));
    let r = t
        .page("GET", "/assistant?q=register+a+birth&lang=en", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Birth registration (Đăng ký khai sinh)"),
        "English answer"
    );
}

/// A stand-in for the deployment's OpenAI-compatible model server: its reply depends on the
/// mode the test sets.
async fn fake_generator(mode: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> String {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<Value>| {
            let mode = mode.load(std::sync::atomic::Ordering::SeqCst);
            async move {
                // The facts are in the prompt.
                let user = body["messages"][1]["content"].as_str().unwrap_or("").to_owned();
                assert!(user.contains("[1]") && user.contains("Facts:"), "{user}");
                let text = match mode {
                    0 => "Để đăng ký kết hôn (mã 1.000894) [1], hai bạn mang tờ khai và giấy tờ tùy thân [2]. Không mất phí [3].",
                    1 => "Mang tờ khai [2] và nộp 50.000 đồng lệ phí [3].",
                    2 => "Mang tờ khai [2] và giấy khám sức khỏe [9].",
                    3 => "Mang tờ khai và giấy tờ tùy thân.",
                    _ => return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({}))),
                };
                (
                    axum::http::StatusCode::OK,
                    axum::Json(json!({"choices": [{"message": {"role": "assistant", "content": text}}]})),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn a_generator_may_rephrase_only_with_the_answers_facts() {
    use motcua_search::generator::{Generator, GeneratorConfig};
    use tower::ServiceExt;
    let t = app().await;
    let mode = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let url = fake_generator(mode.clone()).await;
    let g = Generator::new(GeneratorConfig {
        url,
        model: "test".into(),
        api_key: None,
        timeout: std::time::Duration::from_secs(5),
    })
    .unwrap();
    let router = motcua_web::router(t.app.clone().with_generator(g));
    let ask = |router: axum::Router| async move {
        let resp = router
            .oneshot(
                axum::http::Request::post("/api/v1/assistant")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(
                        json!({"question": "đăng ký kết hôn"}).to_string(),
                    ))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    // A faithful rephrasing is used.
    let v = ask(router.clone()).await;
    assert_eq!(v["rephrased"], true, "{v}");
    assert!(
        v["text"]
            .as_str()
            .unwrap()
            .starts_with("Để đăng ký kết hôn")
    );
    assert_eq!(v["procedures"][0]["code"], "1.000894");
    // An invented fee, a citation of nothing, no citation at all, or a failing server: the
    // template answer stays.
    for m in [1, 2, 3, 4] {
        mode.store(m, std::sync::atomic::Ordering::SeqCst);
        let v = ask(router.clone()).await;
        assert_eq!(v["rephrased"], false, "mode {m}: {v}");
        assert!(
            v["text"].as_str().unwrap().starts_with("Thủ tục phù hợp"),
            "mode {m}"
        );
    }
}

#[tokio::test]
async fn the_index_follows_a_catalogue_import() {
    use motcua_domain::access::Role;
    let t = app().await;
    let (_, v) = t
        .get("/api/v1/procedures?q=giay%20phep%20karaoke", None)
        .await;
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|p| p["code"] != "1.004873"),
        "{v}"
    );
    // The administrator renames a procedure: the next search finds the new name.
    let admin = t.token("68.UBND", Role::Admin).await;
    let mut p = seed()
        .into_iter()
        .find(|p| p.code.as_str() == "1.004873")
        .unwrap();
    p.name = "Cấp giấy phép karaoke thử nghiệm".into();
    let (s, v) = t
        .post("/api/v1/procedures", Some(&admin), &json!([p]))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = t
        .get("/api/v1/procedures?q=giay%20phep%20karaoke", None)
        .await;
    assert_eq!(v[0]["code"], "1.004873", "{v}");
    assert_eq!(v[0]["version"], 2);
}

/// Issue #31: a divorce is not the marriage registration; the assistant says where to turn and
/// points to the counter. Fields marked as example values are named in words, never by the
/// record's field names.
#[tokio::test]
async fn a_matter_outside_the_catalogue_is_said_so_and_example_values_are_named_in_words() {
    let t = app().await;
    let (s, v) = ask(
        &t,
        json!({"question": "tôi muốn ly hôn", "commune": "24958"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["kind"], "no_match", "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("Tòa án") && text.contains("Vui lòng hỏi trực tiếp"),
        "{text}"
    );
    assert!(v["procedures"].as_array().unwrap().is_empty());
    assert!(v["candidates"].as_array().unwrap().is_empty(), "{v}");
    // A procedure whose fees are example values: said as "phí, lệ phí", not `channels.fees`.
    let p = seed()
        .into_iter()
        .find(|p| p.unconfirmed.iter().any(|f| f == "channels.fees"))
        .expect("a record with example fees");
    let page = t
        .page("GET", &format!("/procedures/{}", p.code), None, None)
        .await;
    assert!(!page.body.contains("channels.fees"), "{}", page.body);
    assert!(!page.body.contains("channels.processing_time"));
}

/// Issue #31: the home page browses the catalogue by life event and by field, not only as one
/// flat list; every life event names procedures of the catalogue.
#[tokio::test]
async fn the_home_page_browses_by_life_event_and_by_field() {
    let t = app().await;
    let codes: Vec<String> = seed().iter().map(|p| p.code.to_string()).collect();
    let events: Vec<Value> =
        serde_json::from_str(include_str!("../../../../data/procedures/life_events.json")).unwrap();
    assert!(events.len() >= 4);
    for e in &events {
        for c in e["procedures"].as_array().unwrap() {
            assert!(codes.contains(&c.as_str().unwrap().to_owned()), "{e}");
        }
    }
    let home = t.page("GET", "/", None, None).await;
    assert!(home.body.contains(r#"href="/?event=birth""#) && home.body.contains("Sinh con"));
    let birth = t.page("GET", "/?event=birth", None, None).await;
    assert!(birth.body.contains(r#"href="/procedures/1.001193""#));
    assert!(!birth.body.contains(r#"href="/procedures/1.000894""#));
    let field = t
        .page("GET", "/?field=Ch%E1%BB%A9ng+th%E1%BB%B1c", None, None)
        .await;
    assert!(field.body.contains(r#"href="/procedures/2.000815""#));
    assert!(!field.body.contains(r#"href="/procedures/1.001193""#));
    // An unknown event or field is the whole catalogue, not an error.
    let unknown = t.page("GET", "/?event=nope&field=nope", None, None).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.body.contains(r#"href="/procedures/1.001193""#));
}

/// Issue #31: where to file names the centre with its office hours (its calendar's) and, once
/// its administrator recorded them, its address and phone — never invented.
#[tokio::test]
async fn where_to_file_gives_the_centres_hours_and_recorded_contact() {
    let t = app().await;
    let uri = "/procedures/1.004873?address=Xa+Phu+Hoi%2C+Huyen+Duc+Trong%2C+Lam+Dong";
    let page = t.page("GET", uri, None, None).await;
    assert!(
        page.body.contains("07:30–11:30, 13:00–17:00"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("tel:"),
        "no phone until one is recorded"
    );
    let bad = t
        .app
        .set_agency_contact(
            "test",
            &"24958.TTPVHCC".parse().unwrap(),
            motcua_domain::agency::AgencyContact {
                phone: Some("gọi tôi".into()),
                ..Default::default()
            },
            false,
        )
        .await;
    assert!(bad.is_err());
    t.app
        .set_agency_contact(
            "test",
            &"24958.TTPVHCC".parse().unwrap(),
            motcua_domain::agency::AgencyContact {
                address: Some("Số 1 Quốc lộ 20, Xã Đức Trọng".into()),
                phone: Some("0263 3843 000".into()),
                hours: Some("Thứ Hai – Thứ Sáu 7:30–11:30, 13:00–17:00".into()),
            },
            false,
        )
        .await
        .unwrap();
    let page = t.page("GET", uri, None, None).await;
    assert!(page.body.contains("Số 1 Quốc lộ 20, Xã Đức Trọng"));
    assert!(page.body.contains(r#"href="tel:0263 3843 000""#));
    assert!(page.body.contains("Thứ Hai – Thứ Sáu"));
}
