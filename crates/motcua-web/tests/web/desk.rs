//! The officer's desk through the router (issue #32): the search stays inside the caller's
//! jurisdiction, assignment takes only real accounts that may process, and every transition of
//! the approval step — through the pages, as the people who do it sign in.

use crate::common::{TEST_PASSWORD, TestApp, csrf, error_code};
use axum::http::StatusCode;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;

const A: &str = "24958.TTPVHCC";
const B: &str = "24781.TTPVHCC";

async fn file(t: &TestApp, token: &str, center: &str, name: &str, phone: &str, id: &str) -> String {
    let (s, v) = t
        .post(
            "/api/v1/dossiers",
            Some(token),
            &json!({
                "procedure": "1.004873",
                "receiving_agency": center,
                "applicant": {"name": name, "id_number": id, "phone": phone},
                "components": [],
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["code"].as_str().unwrap().to_owned()
}

/// The codes a search (and other filters) finds, as `token` sees them.
async fn found(t: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (s, v) = t
        .get(&format!("/api/v1/dossiers?{query}"), Some(token))
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    let mut codes: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

fn q(s: &str) -> String {
    format!(
        "q={}",
        form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
    )
}

#[tokio::test]
async fn the_search_finds_by_every_key_and_never_outside_the_jurisdiction() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let a = t.token(A, Role::CounterOfficer).await;
    let b = t.token(B, Role::CounterOfficer).await;
    let an = file(&t, &a, A, "Nguyễn Văn An", "0912000001", "068095000001").await;
    let be = file(&t, &a, A, "Trần Thị Bé", "0912000002", "068195000002").await;
    let other = file(&t, &b, B, "Nguyễn Văn An", "0912000003", "068095000003").await;

    // The name with or without diacritics, in any case, by its words' beginnings.
    for name in [
        "Nguyễn Văn An",
        "nguyen van an",
        "NGUYEN VAN AN",
        "ng v a",
        "an",
        "Văn",
    ] {
        assert_eq!(found(&t, &a, &q(name)).await, [an.as_str()], "{name}");
    }
    assert_eq!(found(&t, &a, &q("tran thi be")).await, [be.as_str()]);
    assert!(found(&t, &a, &q("nguyen thi")).await.is_empty());
    // The code (any case), the phone, the identity number, the receipt's number.
    assert_eq!(found(&t, &a, &q(&an.to_lowercase())).await, [an.as_str()]);
    assert_eq!(found(&t, &a, &q("0912 000 002")).await, [be.as_str()]);
    assert_eq!(found(&t, &a, &q("+84912000001")).await, [an.as_str()]);
    assert_eq!(found(&t, &a, &q("068195000002")).await, [be.as_str()]);
    let receipt = |code: String| {
        let t = &t;
        let a = &a;
        async move {
            let (_, docs) = t
                .get(&format!("/api/v1/dossiers/{code}/documents"), Some(a))
                .await;
            docs.as_array()
                .unwrap()
                .iter()
                .find(|d| d["kind"] == "form01")
                .and_then(|d| d["number"].as_str())
                .unwrap()
                .to_owned()
        }
    };
    let no = receipt(be.clone()).await;
    assert_eq!(no, "02/GTN", "the centre's second receipt of the year");
    for typed in ["02/GTN", "2/gtn", "2"] {
        assert_eq!(found(&t, &a, &q(typed)).await, [be.as_str()], "{typed}");
    }

    // Another commune's dossier is never found: not by its name, code, phone, number or receipt
    // (its receipt is 01/GTN too, at its own centre).
    for typed in [
        "nguyen van an".to_owned(),
        other.clone(),
        "0912000003".into(),
        "068095000003".into(),
    ] {
        assert!(!found(&t, &a, &q(&typed)).await.contains(&other), "{typed}");
    }
    assert_eq!(found(&t, &a, &q("01/GTN")).await, [an.as_str()]);
    assert_eq!(found(&t, &b, &q("nguyen van an")).await, [other.as_str()]);
    assert!(found(&t, &b, &q(&an)).await.is_empty());
    // The province sees both communes; another province neither.
    let province = t.token("68.UBND", Role::ProvinceAdmin).await;
    let mut both = vec![an.clone(), other.clone()];
    both.sort();
    assert_eq!(found(&t, &province, &q("nguyen van an")).await, both);
    let elsewhere = t.token("79.UBND", Role::ProvinceAdmin).await;
    assert!(found(&t, &elsewhere, &q("nguyen van an")).await.is_empty());

    // Combinable with the other filters, and refused when it is nothing searchable.
    assert!(
        found(&t, &a, &format!("{}&status=refused", q("nguyen")))
            .await
            .is_empty()
    );
    assert_eq!(
        found(
            &t,
            &a,
            &format!("{}&status=received&sort=newest", q("0912000001"))
        )
        .await,
        [an.as_str()]
    );
    for bad in ["an'; drop table dossiers", "5/PTC", "<script>"] {
        let (s, v) = t
            .get(&format!("/api/v1/dossiers?{}", q(bad)), Some(&a))
            .await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "search.invalid_query"),
            "{bad}"
        );
    }
    let (s, v) = t.get("/api/v1/dossiers?sort=sideways", Some(&a)).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::BAD_REQUEST, "request.invalid_query")
    );
}

/// Received at A, sent to the commune's People's Committee: a specialist's token there.
async fn at_committee(t: &TestApp) -> (String, String) {
    let counter = t.token(A, Role::CounterOfficer).await;
    let code = file(t, &counter, A, "Lê Văn Cường", "0912000009", "068095000009").await;
    t.transfer_to_committee(&counter, &code).await;
    (code, t.token("24958.UBND", Role::Specialist).await)
}

#[tokio::test]
async fn only_an_enabled_account_of_the_holding_agency_that_processes_is_assigned() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (code, specialist) = at_committee(&t).await;
    let binh = t.officer("24958.UBND", Role::Specialist).await;
    let hoa = t.account("hoa", "24958.UBND", Role::Approver).await;
    let elsewhere = t.officer("24781.UBND", Role::Specialist).await;
    let counter = t.officer("24958.UBND", Role::CounterOfficer).await;
    let gone = t.account("gone", "24958.UBND", Role::Specialist).await;
    t.app.set_user_disabled("test", &gone, true).await.unwrap();
    let assign =
        |who: &str, version: i64| json!({"action": "assign", "handler": who, "version": version});
    for (who, want) in [
        ("nobody.here", "assign.unknown_account"),
        ("Trần Văn Bình", "assign.unknown_account"),
        (gone.as_str(), "assign.account_disabled"),
        (elsewhere.as_str(), "assign.account_elsewhere"),
        (counter.as_str(), "assign.account_role"),
        ("", "assign.unknown_account"),
    ] {
        let (s, v) = t.act(&specialist, &code, assign(who, 2)).await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, want),
            "{who}: {v}"
        );
        assert!(v["error"]["fields"]["handler"].is_string(), "{v}");
    }
    assert_eq!(
        t.dossier(&specialist, &code).await["version"],
        2,
        "nothing changed"
    );
    // A counter officer may not assign at all: refused before any account is looked up.
    let counter_token = t.token(A, Role::CounterOfficer).await;
    let (s, v) = t.act(&counter_token, &code, assign(&binh, 2)).await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );

    t.clock.set(datetime!(2025-03-03 09:30 +7));
    let (s, v) = t.act(&specialist, &code, assign(&binh, 2)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["handler"], "Cán bộ Chuyên viên xử lý");
    assert_eq!(v["handler_since"], "2025-03-03T09:30:00+07:00");
    // Moved to a colleague: the event says who had it, and who moved it.
    t.clock.set(datetime!(2025-03-03 10:00 +7));
    let (s, v) = t.act(&specialist, &code, assign(&hoa, 3)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["handler"], "Nguyễn Văn Thử");
    let events = t.events(&specialist, &code).await;
    let last = events.last().unwrap();
    let p: Value = serde_json::from_str(last["payload"].as_str().unwrap()).unwrap();
    assert_eq!(p["previous_handler"], "Cán bộ Chuyên viên xử lý");
    assert!(last["actor"].as_str().unwrap().starts_with("token:"));
    // The list shows the handler and since when; "unassigned" no longer lists it.
    let (_, list) = t
        .get(&format!("/api/v1/dossiers?{}", q(&code)), Some(&specialist))
        .await;
    assert_eq!(list["items"][0]["handler"], "Nguyễn Văn Thử");
    assert_eq!(
        list["items"][0]["handler_since"],
        "2025-03-03T10:00:00+07:00"
    );
    assert!(found(&t, &specialist, "tab=unassigned").await.is_empty());
}

/// A signed-in account's cookie.
async fn login(t: &TestApp, username: &str) -> String {
    let done = t
        .app
        .login(username, TEST_PASSWORD, &Default::default())
        .await
        .unwrap();
    format!("motcua_staff={}", done.secret)
}

/// Posts an action from the dossier page as `username`'s account, signed in afresh (the test's
/// clock moves by hours: a session would be idle too long); the answer.
async fn page_act(
    t: &TestApp,
    username: &str,
    code: &str,
    fields: &[(&str, &str)],
) -> crate::common::PageResp {
    let cookie = &login(t, username).await;
    let page = t
        .page("GET", &format!("/inbox/{code}"), Some(cookie), None)
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "{:?} {}",
        page.location,
        page.body
    );
    let version = t
        .dossier(&t.token("68.UBND", Role::Admin).await, code)
        .await["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf", &csrf(&page.body));
    body.append_pair("version", &version);
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    t.page(
        "POST",
        &format!("/inbox/{code}/act"),
        Some(cookie),
        Some(&body.finish()),
    )
    .await
}

#[tokio::test]
async fn a_draft_goes_to_its_approver_comes_back_once_and_is_approved() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let (code, _) = at_committee(&t).await;
    let spec = t.officer("24958.UBND", Role::Specialist).await;
    let approver = t.officer("24958.UBND", Role::Approver).await;
    let other = t.account("khac", "24958.UBND", Role::Approver).await;
    let spec_c = login(&t, &spec).await;
    let draft = |to: &'static str| {
        [
            ("action", "submit_draft"),
            ("result", "Bản sao được chứng thực từ bản chính"),
            ("document_number", "15/CT"),
            ("approver", to),
        ]
    };
    // The dossier page offers the approvers of the competent agency by name and load.
    let page = t
        .page("GET", &format!("/inbox/{code}"), Some(&spec_c), None)
        .await;
    assert!(
        page.body
            .contains(&format!(r#"<option value="{approver}""#)),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(r#"id="act-finish""#),
        "a specialist does not decide"
    );

    // Refusals first: nobody, a specialist, an approver elsewhere.
    let elsewhere = t.officer("24781.UBND", Role::Approver).await;
    for (to, says) in [
        ("nobody", "Không có tài khoản cán bộ nào"),
        (spec.as_str(), "Vai trò của tài khoản này"),
        (elsewhere.as_str(), "thuộc cơ quan khác"),
    ] {
        let mut f = draft("x").to_vec();
        f[3] = ("approver", to);
        let r = page_act(&t, &spec, &code, &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        assert!(r.body.contains(says), "{to}: the reason in Vietnamese");
    }
    // Submitted: still "processing", national code 4, waiting for the approver.
    t.clock.set(datetime!(2025-03-03 10:00 +7));
    let mut f = draft("x").to_vec();
    f[3] = ("approver", approver.as_str());
    let r = page_act(&t, &spec, &code, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let admin = t.token("68.UBND", Role::Admin).await;
    let d = t.dossier(&admin, &code).await;
    assert_eq!(
        (d["status"].as_str(), d["status_code"].as_i64()),
        (Some("processing"), Some(4))
    );
    assert_eq!(
        d["approval"]["approver"]["name"],
        "Cán bộ Lãnh đạo phê duyệt"
    );
    assert_eq!(
        d["legal_actions"],
        json!([
            "approve_draft",
            "return_draft",
            "reschedule",
            "withdraw",
            "stop"
        ])
    );
    // The approver's desk lists it under "awaiting my approval"; another approver's does not.
    let desk = t
        .page(
            "GET",
            "/inbox?tab=approval",
            Some(&login(&t, &approver).await),
            None,
        )
        .await;
    assert!(desk.body.contains(&code), "{}", desk.body);
    let desk = t
        .page(
            "GET",
            "/inbox?tab=approval",
            Some(&login(&t, &other).await),
            None,
        )
        .await;
    assert!(
        !desk.body.contains(&format!(">{code}<")),
        "not another approver's"
    );
    // The specialist may not approve their own draft; another approver may not take it.
    let r = page_act(&t, &spec, &code, &[("action", "approve_draft")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = page_act(&t, &other, &code, &[("action", "approve_draft")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("chờ người phê duyệt khác"),
        "says whose it is not"
    );
    // A second draft or a transfer around it: refused while it waits.
    let r = page_act(&t, &spec, &code, &f).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Returned with a reason: back to the specialist, who sees why.
    t.clock.set(datetime!(2025-03-03 11:00 +7));
    let r = page_act(
        &t,
        &approver,
        &code,
        &[("action", "return_draft"), ("reason", "")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs its reason"
    );
    let r = page_act(
        &t,
        &approver,
        &code,
        &[("action", "return_draft"), ("reason", "Sai số chứng thực")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t
        .page(
            "GET",
            &format!("/inbox/{code}"),
            Some(&login(&t, &spec).await),
            None,
        )
        .await;
    assert!(page.body.contains("Sai số chứng thực"));
    // The second time it is approved: the result is recorded, as `finish` records it.
    t.clock.set(datetime!(2025-03-03 13:00 +7));
    assert_eq!(
        page_act(&t, &spec, &code, &f).await.status,
        StatusCode::SEE_OTHER
    );
    t.clock.set(datetime!(2025-03-03 15:00 +7));
    let r = page_act(&t, &approver, &code, &[("action", "approve_draft")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = t.dossier(&admin, &code).await;
    assert_eq!(d["status"], "finished");
    assert_eq!(
        d["result"]["summary"],
        "Bản sao được chứng thực từ bản chính"
    );
    assert_eq!(d["timeliness"], "early");
    // The chain has every step, each by its own account; form 06 was issued at each.
    let events = t.events(&admin, &code).await;
    let steps: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps[steps.len() - 4..],
        [
            "submit_draft",
            "return_draft",
            "submit_draft",
            "approve_draft"
        ]
    );
    let approve: Value =
        serde_json::from_str(events.last().unwrap()["payload"].as_str().unwrap()).unwrap();
    assert_eq!(approve["waited_seconds"], 2 * 3600);
    let (_, docs) = t
        .get(&format!("/api/v1/dossiers/{code}/documents"), Some(&admin))
        .await;
    let slips = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "form06")
        .count();
    assert!(
        slips >= 5,
        "a slip at the transfer and at each of the four steps: {slips}"
    );
    // Approval time counts in the indicators: returned after 1 h, approved after 2 h.
    let (s, kpi) = t
        .get(
            "/api/v1/reports/kpis?unit=24958&year=2025&month=3",
            Some(&admin),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{kpi}");
    assert_eq!(kpi["total"]["approvals"], 2, "{kpi}");
    assert_eq!(kpi["total"]["avg_approval_hours"], 1.5);
    let leader = login(&t, &t.officer("24958.UBND", Role::Leader).await).await;
    let page = t
        .page(
            "GET",
            "/reports?unit=24958&year=2025&month=3",
            Some(&leader),
            None,
        )
        .await;
    assert!(page.body.contains("Chờ ký duyệt"));
    assert!(page.body.contains("1.5 h · 2"), "{}", page.body);
}

#[tokio::test]
async fn the_desk_tabs_count_and_a_bulk_assignment_assigns_each_or_says_why_not() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(A, Role::CounterOfficer).await;
    let mut codes = Vec::new();
    for i in 0..3 {
        let code = file(
            &t,
            &counter,
            A,
            "Phạm Thị Dung",
            &format!("091200010{i}"),
            &format!("06819500010{i}"),
        )
        .await;
        t.transfer_to_committee(&counter, &code).await;
        codes.push(code);
    }
    let spec = t.officer("24958.UBND", Role::Specialist).await;
    let cookie = login(&t, &spec).await;
    let desk = t
        .page("GET", "/inbox?tab=unassigned", Some(&cookie), None)
        .await;
    assert_eq!(desk.status, StatusCode::OK);
    for c in &codes {
        assert!(desk.body.contains(c.as_str()));
    }
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf", &csrf(&desk.body));
    body.append_pair("handler", &spec);
    body.append_pair("pick", &format!("{}@2", codes[0]));
    body.append_pair("pick", &format!("{}@2", codes[1]));
    body.append_pair("pick", &format!("{}@1", codes[2])); // a stale version: refused alone
    let r = t
        .page("POST", "/inbox/bulk", Some(&cookie), Some(&body.finish()))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one of three failed"
    );
    assert!(r.body.contains(&codes[2]), "the failure is named");
    let mine = t.page("GET", "/inbox?tab=mine", Some(&cookie), None).await;
    assert!(mine.body.contains(&codes[0]) && mine.body.contains(&codes[1]));
    assert!(!mine.body.contains(&format!(">{}<", codes[2])));
    // The tabs' counts: 2 mine, 1 unassigned, 3 in progress.
    for (tab, n) in [("mine", 2), ("unassigned", 1), ("open", 3)] {
        let label = match tab {
            "mine" => "Giao cho tôi",
            "unassigned" => "Chưa phân công",
            _ => "Đang giải quyết",
        };
        assert!(
            mine.body
                .contains(&format!("{label} <span class=\"count\">{n}</span>")),
            "{tab} {n}"
        );
    }
    // The filters survive the pagination and the tabs.
    let page = t
        .page(
            "GET",
            "/inbox?tab=mine&q=pham&sort=newest",
            Some(&cookie),
            None,
        )
        .await;
    assert!(
        page.body
            .contains("/inbox?tab=unassigned&#38;q=pham&#38;sort=newest"),
        "{}",
        page.body
    );
    // A search that is nothing searchable: the page says so, with the list unfiltered.
    let bad = t
        .page("GET", "/inbox?q=%3Cscript%3E", Some(&cookie), None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("error-summary"));
    assert!(!bad.body.contains("<script>"));
}

/// Issue #32: the counter ticks several dossiers and prints their receipts in one go — each
/// dossier's own form 01, one after the other; a dossier outside the officer's reach is named
/// and nothing is printed.
#[tokio::test]
async fn the_counter_prints_the_receipts_of_the_ticked_dossiers_in_one_file() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let token = t.token(A, Role::CounterOfficer).await;
    let mine = [
        file(&t, &token, A, "Lê Văn Một", "0912000201", "068195000201").await,
        file(&t, &token, A, "Lê Văn Hai", "0912000202", "068195000202").await,
    ];
    let elsewhere = file(
        &t,
        &t.token(B, Role::CounterOfficer).await,
        B,
        "Lê Văn Ba",
        "0912000203",
        "068195000203",
    )
    .await;
    let officer = t.officer(A, Role::CounterOfficer).await;
    let cookie = login(&t, &officer).await;
    let desk = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert!(desk.body.contains("formaction=\"/inbox/receipts\""));
    let post = |codes: &[&str], token: &str| {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf", token);
        for c in codes {
            body.append_pair("pick", &format!("{c}@1"));
        }
        body.finish()
    };
    let token = csrf(&desk.body);
    let r = t
        .page(
            "POST",
            "/inbox/receipts",
            Some(&cookie),
            Some(&post(&[&mine[0], &mine[1]], &token)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    let pages = motcua_documents::pdf::page_count(&r.bytes).unwrap();
    let one = t
        .page(
            "POST",
            "/inbox/receipts",
            Some(&cookie),
            Some(&post(&[&mine[0]], &token)),
        )
        .await;
    let single = motcua_documents::pdf::page_count(&one.bytes).unwrap();
    assert!(single >= 1);
    assert_eq!(pages, 2 * single, "both receipts, whole");
    assert!(
        !r.bytes.windows(10).any(|w| w == b"/ByteRange"),
        "no signature field claims to cover the merged copy"
    );
    // Another center's dossier is named and nothing is printed; so is an empty choice and a
    // forged form.
    let r = t
        .page(
            "POST",
            "/inbox/receipts",
            Some(&cookie),
            Some(&post(&[&mine[0], &elsewhere], &token)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("{elsewhere}: ")), "{}", r.body);
    assert_ne!(r.header("content-type"), Some("application/pdf"));
    let r = t
        .page(
            "POST",
            "/inbox/receipts",
            Some(&cookie),
            Some(&post(&[], &token)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Chưa chọn hồ sơ nào"));
    let r = t
        .page(
            "POST",
            "/inbox/receipts",
            Some(&cookie),
            Some(&post(&[&mine[0]], "x")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
