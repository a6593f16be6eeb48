//! Reports through the router (issue #7): the Decision 766 index of a province, a commune and an
//! agency computed from the counters the writes keep, every metric with its inputs; the live
//! indicators with their permissions; CSV and XLSX exports; bad input refused with stable codes.

use crate::common::{TestApp, error_code};
use axum::http::StatusCode;
use http_body_util::BodyExt as _;
use motcua_domain::access::Role;
use serde_json::{Value, json};
use time::macros::datetime;
use tower::ServiceExt as _;

const CENTER: &str = "24958.TTPVHCC";

fn metric<'a>(index: &'a Value, code: &str) -> &'a Value {
    index["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == code)
        .unwrap_or_else(|| panic!("no metric {code}"))
}

/// Three intakes in March 2025 at commune 24958, one finished early, one refused later; returns
/// the app and a leader's token of the commune's People's Committee.
async fn with_dossiers() -> (TestApp, String) {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let approver = t.token("24958.UBND", Role::Approver).await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        let d = t.intake(&counter, "1.004873", CENTER).await;
        codes.push(d["code"].as_str().unwrap().to_owned());
    }
    t.clock.set(datetime!(2025-03-03 10:00 +7));
    t.transfer_to_committee(&counter, &codes[0]).await;
    let (s, v) = t
        .act(
            &approver,
            &codes[0],
            json!({"action": "finish", "version": 2, "result": {"summary": "Bản sao"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Now 20 March: the other two are past their appointment (3 working days).
    t.clock.set(datetime!(2025-03-20 09:00 +7));
    let leader = t.token("24958.UBND", Role::Leader).await;
    (t, leader)
}

#[tokio::test]
async fn the_index_of_a_province_a_commune_and_an_agency_shows_every_metric_with_its_inputs() {
    let (t, _) = with_dossiers().await;
    let (s, v) = t
        .get("/api/v1/reports/index?unit=68&year=2025&quarter=1", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["unit"], "68");
    assert_eq!(v["period"], "2025-Q1");
    assert_eq!(v["level"], "province");
    assert_eq!(v["metrics"].as_array().unwrap().len(), 21);
    assert_eq!(v["groups"].as_array().unwrap().len(), 6);
    // On time: 1 finished early; 2 open past their appointment count against.
    let on_time = metric(&v, "ON_TIME");
    assert_eq!(
        (
            on_time["numerator"].as_u64(),
            on_time["denominator"].as_u64()
        ),
        (Some(1), Some(3))
    );
    assert_eq!(on_time["score"].as_f64(), Some(6.67));
    assert_eq!(on_time["maxScore"].as_f64(), Some(20.0));
    // Online channel: none of 3 filed online (target 50 %): 0 points, scored.
    let online = metric(&v, "ONLINE_CHANNEL");
    assert_eq!(
        (online["numerator"].as_u64(), online["denominator"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(
        (online["score"].as_f64(), online["target"].as_f64()),
        (Some(0.0), Some(0.5))
    );
    // Counted from the portal's acknowledgements (none delivered here: no portal runs).
    let sync = metric(&v, "DOSSIER_SYNC");
    assert_eq!(
        (sync["numerator"].as_u64(), sync["denominator"].as_u64()),
        (Some(0), Some(3))
    );
    // What the system does not record is said, not scored.
    let reuse = metric(&v, "DATA_REUSE");
    assert_eq!(reuse["basis"], "no_data");
    assert!(reuse["score"].is_null());
    assert!(reuse["note"].as_str().unwrap().contains("kho"));
    // Nothing fee-bearing was filed: nothing to count, not scored either.
    assert_eq!(metric(&v, "DOSSIERS_PAID_ONLINE")["basis"], "empty");
    // The total is the sum of the groups; unmeasured points are apart.
    let groups: f64 = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["score"].as_f64().unwrap())
        .sum();
    assert!((groups - v["total"].as_f64().unwrap()).abs() < 0.011);
    assert!(v["unmeasured"].as_f64().unwrap() > 0.0);

    // The commune: publication metrics do not apply and give full points.
    let (s, c) = t
        .get("/api/v1/reports/index?unit=24958&year=2025&month=3", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(
        (c["level"].as_str(), c["period"].as_str()),
        (Some("commune"), Some("2025-03"))
    );
    let publish = metric(&c, "PUBLISH_ON_TIME");
    assert_eq!(
        (publish["basis"].as_str(), publish["score"].as_f64()),
        (Some("not_applicable"), Some(6.0))
    );
    assert_eq!(metric(&c, "ON_TIME")["denominator"].as_u64(), Some(3));
    // Another commune had nothing.
    let (_, other) = t
        .get("/api/v1/reports/index?unit=24781&year=2025&quarter=1", None)
        .await;
    assert_eq!(metric(&other, "ON_TIME")["basis"], "empty");
    // An agency; and a month with nothing.
    let (s, a) = t
        .get(
            "/api/v1/reports/index?unit=24958.UBND&year=2025&month=3",
            None,
        )
        .await;
    assert_eq!((s, a["level"].as_str()), (StatusCode::OK, Some("agency")));
    assert_eq!(metric(&a, "ON_TIME")["numerator"].as_u64(), Some(1));
    let (_, april) = t
        .get("/api/v1/reports/index?unit=68&year=2025&month=4", None)
        .await;
    assert_eq!(metric(&april, "ON_TIME")["denominator"].as_u64(), Some(0));
}

#[tokio::test]
async fn bad_report_requests_get_stable_codes() {
    let (t, leader) = with_dossiers().await;
    let cases: &[(&str, StatusCode, &str)] = &[
        (
            "/api/v1/reports/index?unit=99&year=2025",
            StatusCode::NOT_FOUND,
            "report.unknown_unit",
        ),
        (
            "/api/v1/reports/index?unit=00000&year=2025",
            StatusCode::NOT_FOUND,
            "report.unknown_unit",
        ),
        (
            "/api/v1/reports/index?unit=%3Cscript%3E&year=2025",
            StatusCode::NOT_FOUND,
            "report.unknown_unit",
        ),
        (
            "/api/v1/reports/index?unit=68.NOPE&year=2025",
            StatusCode::NOT_FOUND,
            "report.unknown_unit",
        ),
        (
            "/api/v1/reports/index?unit=68&year=1999",
            StatusCode::BAD_REQUEST,
            "report.invalid_period",
        ),
        (
            "/api/v1/reports/index?unit=68&year=2025&quarter=5",
            StatusCode::BAD_REQUEST,
            "report.invalid_period",
        ),
        (
            "/api/v1/reports/index?unit=68&year=2025&month=13",
            StatusCode::BAD_REQUEST,
            "report.invalid_period",
        ),
        (
            "/api/v1/reports/index?unit=68&year=2025&month=1&quarter=1",
            StatusCode::BAD_REQUEST,
            "report.invalid_period",
        ),
        (
            "/api/v1/reports/index?unit=68&year=abc",
            StatusCode::BAD_REQUEST,
            "request.invalid_query",
        ),
        (
            "/api/v1/reports/index?unit=68",
            StatusCode::BAD_REQUEST,
            "request.invalid_query",
        ),
        (
            "/api/v1/reports/index/export?unit=68&year=2025&format=pdf",
            StatusCode::BAD_REQUEST,
            "report.unknown_table",
        ),
        (
            "/api/v1/reports/index/export?unit=68&year=2025&format=csv&table=secrets",
            StatusCode::BAD_REQUEST,
            "report.unknown_table",
        ),
    ];
    for (uri, status, code) in cases {
        let (s, v) = t.get(uri, Some(&leader)).await;
        assert_eq!((s, error_code(&v)), (*status, *code), "{uri}: {v}");
    }
}

#[tokio::test]
async fn the_indicators_are_for_the_units_leaders_and_the_provinces_administrators() {
    let (t, leader) = with_dossiers().await;
    let uri = "/api/v1/reports/kpis?unit=24958&year=2025&quarter=1";
    let (s, v) = t.get(uri, Some(&leader)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"]["filed"], 3);
    assert_eq!(v["total"]["finished"], 1);
    assert_eq!(v["total"]["early"], 1);
    assert_eq!(v["total"]["overdue_now"], 2);
    assert_eq!(v["backlog_now"], 2);
    assert_eq!(v["overdue_now"], 2);
    assert_eq!(v["by_agency"][0]["key"], "24958.UBND");
    assert_eq!(v["by_procedure"][0]["key"], "1.004873");
    assert_eq!(v["by_month"][0]["key"], "2025-03");
    // An agency's report lists its officers by name: the approver recorded one result.
    let (s, a) = t
        .get(
            "/api/v1/reports/kpis?unit=24958.UBND&year=2025",
            Some(&leader),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let officers = a["officers"].as_array().unwrap();
    assert_eq!(officers.len(), 1, "{a}");
    assert_eq!(
        (
            officers[0]["name"].as_str(),
            officers[0]["finishes"].as_i64()
        ),
        (Some("test"), Some(1))
    );
    // The load now: the two open dossiers are held at the counter, not the committee.
    assert_eq!(a["load_now"], json!([]));
    let center_leader = t.token(CENTER, Role::Leader).await;
    let (_, c) = t
        .get(
            "/api/v1/reports/kpis?unit=24958.TTPVHCC&year=2025",
            Some(&center_leader),
        )
        .await;
    assert_eq!(
        c["load_now"],
        json!([["", 2]]),
        "two open, not assigned: {c}"
    );
    // The province's administrator sees the province; another province's does not.
    let admin = t.token("68.UBND", Role::ProvinceAdmin).await;
    let (s, _) = t
        .get("/api/v1/reports/kpis?unit=68&year=2025", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::OK);
    let other_admin = t.token("79.UBND", Role::ProvinceAdmin).await;
    let (s, v) = t
        .get("/api/v1/reports/kpis?unit=68&year=2025", Some(&other_admin))
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::FORBIDDEN, "auth.forbidden")
    );
    // A leader of another commune, a counter officer, the public: refused.
    let stranger = t.token("24781.UBND", Role::Leader).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    for (tok, status) in [
        (Some(stranger.as_str()), StatusCode::FORBIDDEN),
        (Some(counter.as_str()), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let (s, _) = t.get(uri, tok).await;
        assert_eq!(s, status);
    }
}

#[tokio::test]
async fn every_table_exports_as_csv_and_xlsx() {
    let (t, leader) = with_dossiers().await;
    let (s, v) = t
        .get(
            "/api/v1/reports/index/export?unit=68&year=2025&format=csv&table=metrics",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let csv = v.as_str().unwrap();
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("code,group,name,numerator")
    );
    assert!(csv.contains("ON_TIME,progress,"), "{csv}");
    for table in ["agencies", "procedures", "months", "officers", "load"] {
        let (s, v) = t
            .get(
                &format!(
                    "/api/v1/reports/kpis/export?unit=24958&year=2025&format=csv&table={table}"
                ),
                Some(&leader),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{table}: {v}");
    }
    let req =
        axum::http::Request::get("/api/v1/reports/kpis/export?unit=24958&year=2025&format=xlsx")
            .header("authorization", format!("Bearer {leader}"))
            .body(axum::body::Body::empty())
            .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"chi-tieu-24958-2025.xlsx\""
    );
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], b"PK");
}

#[tokio::test]
async fn the_report_pages_show_the_index_and_the_indicators() {
    let (t, _) = with_dossiers().await;
    let r = t
        .page(
            "GET",
            "/reports/index?unit=24958&year=2025&quarter=1",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("ON_TIME") && r.body.contains("<svg"),
        "{}",
        r.body
    );
    let r = t
        .page("GET", "/reports/index?unit=%3Cb%3E&year=2025", None, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("<b>"), "the unit is escaped");
    let r = t
        .page("GET", "/reports/index?unit=68&year=20x5", None, None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The indicators page needs a signed-in leader.
    let r = t.page("GET", "/reports", None, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = t.session("24958.UBND", Role::Leader).await;
    // A leader's own agency by default; the commune; the review; the staffing table.
    let r = t.page("GET", "/reports", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("24958.UBND") && r.body.contains("<svg"),
        "{}",
        r.body
    );
    for (uri, needle) in [
        ("/reports?unit=24958&year=2025&quarter=1", "1.004873"),
        ("/reports/integrity?unit=24958&year=2025", "111/CĐ-TTg"),
        ("/reports/staffing?unit=24958&weeks=4", "Erlang C"),
    ] {
        let r = t.page("GET", uri, Some(&cookie), None).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.body.contains(needle), "{uri}: {}", r.body);
    }
    // Another commune is not theirs; bad input says so on the page.
    let r = t
        .page("GET", "/reports?unit=24781&year=2025", Some(&cookie), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .page(
            "GET",
            "/reports/staffing?unit=24958&weeks=x",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .page(
            "GET",
            "/reports/integrity?unit=24958&year=2025&threshold=1000",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The session exports.
    let r = t
        .page(
            "GET",
            "/reports/export?unit=24958&year=2025&what=kpis&format=csv&table=months",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2025-03"), "{}", r.body);
    let r = t
        .page(
            "GET",
            "/reports/export?unit=24958&what=nothing&format=csv",
            Some(&cookie),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_staffing_table_counts_arrivals_and_intake_times_and_compares_with_staff() {
    let t = TestApp::new(datetime!(2025-03-03 08:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    // One counter officer's account on record (service tokens are not people).
    t.account("hoa.tiepnhan", CENTER, Role::CounterOfficer)
        .await;
    // Monday 3 March: six in-person intakes by one officer, ten minutes apart, 8:00–8:50.
    for k in 0..6 {
        t.clock
            .set(datetime!(2025-03-03 08:00 +7) + time::Duration::minutes(10 * k));
        t.intake(&counter, "1.004873", CENTER).await;
    }
    t.clock.set(datetime!(2025-03-07 17:00 +7));
    let leader = t.token("24958.UBND", Role::Leader).await;
    let (s, r) = t
        .get("/api/v1/reports/staffing?unit=24958&weeks=1", Some(&leader))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["assumptions"].as_array().unwrap().len(), 5);
    let centers = r["centers"].as_array().unwrap();
    assert_eq!(centers.len(), 1, "{r}");
    let c = &centers[0];
    assert_eq!(c["agency"], CENTER);
    assert_eq!(
        (c["intakes"].as_u64(), c["per_week"].as_f64()),
        (Some(6), Some(6.0))
    );
    // Five gaps of 10 minutes: the median intake time.
    assert_eq!(c["service_times"][0]["minutes"].as_f64(), Some(10.0));
    assert_eq!(c["service_times"][0]["assumed"], false);
    // 6 an hour × 10 min (a = 1): one officer is not enough, two serve 92.6 % within 15 min.
    assert_eq!(
        (c["peak"]["weekday"].as_u64(), c["peak"]["hour"].as_u64()),
        (Some(0), Some(8))
    );
    assert_eq!(c["peak"]["officers"], 2);
    assert_eq!(
        (c["on_record"].as_u64(), c["verdict"].as_str()),
        (Some(1), Some("understaffed"))
    );
    // A looser target needs fewer; bad parameters are refused; a counter officer may not read it.
    let (_, r) = t
        .get(
            "/api/v1/reports/staffing?unit=24958&weeks=1&wait=60&level=0.5",
            Some(&leader),
        )
        .await;
    assert_eq!(
        r["centers"][0]["peak"]["officers"], 2,
        "a = 1 needs two to be stable"
    );
    for bad in ["weeks=0", "weeks=53", "wait=0", "level=1.5"] {
        let (s, v) = t
            .get(
                &format!("/api/v1/reports/staffing?unit=24958&{bad}"),
                Some(&leader),
            )
            .await;
        assert_eq!(
            (s, error_code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_field"),
            "{bad}"
        );
    }
    let (s, _) = t
        .get("/api/v1/reports/staffing?unit=24958", Some(&counter))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .get(
            "/api/v1/reports/staffing?unit=24958&weeks=1&format=csv&table=hours",
            Some(&leader),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.as_str().unwrap().contains("24958.TTPVHCC,0,8,6,2"), "{v}");
}

/// Rule ids of the notices an agency's role sees.
async fn notice_rules(t: &TestApp, agency: &str, role: Role) -> Vec<String> {
    let token = t.token(agency, role).await;
    let (_, v) = t.get("/api/v1/notices", Some(&token)).await;
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_sweep_looks_only_at_dossiers_whose_rules_may_fire() {
    let t = TestApp::new(datetime!(2025-03-03 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await; // due Thursday 09:00
    let code = d["code"].as_str().unwrap().to_owned();
    let run = |t: &TestApp| {
        let app = t.app.clone();
        async move {
            let r = app.apply_escalations().await.unwrap();
            (r.reloaded, r.watched, r.checked, r.created)
        }
    };
    // The first run reads the watch list; a minute later nothing is due, nothing is looked at.
    assert_eq!(run(&t).await, (true, 1, 1, 0));
    t.clock.set(datetime!(2025-03-03 09:01 +7));
    assert_eq!(run(&t).await, (false, 1, 0, 0));
    // 14:30: the intake budget has run out — one notice (the list is read again hourly).
    t.clock.set(datetime!(2025-03-03 14:30 +7));
    assert_eq!(run(&t).await, (true, 1, 1, 1));
    t.clock.set(datetime!(2025-03-03 14:31 +7));
    assert_eq!(
        run(&t).await,
        (false, 1, 0, 0),
        "fired once, not asked again"
    );
    // An action reaches the sweep at once, without reading the list again.
    t.clock.set(datetime!(2025-03-03 14:40 +7));
    t.transfer_to_committee(&counter, &code).await;
    t.clock.set(datetime!(2025-03-03 14:41 +7));
    assert_eq!(run(&t).await, (false, 1, 1, 0));
    // Wednesday: the hourly reload keeps what fired; due soon from 14:30 (4 working hours).
    t.clock.set(datetime!(2025-03-05 14:29 +7));
    assert_eq!(run(&t).await, (true, 1, 1, 0));
    t.clock.set(datetime!(2025-03-05 14:30 +7));
    assert_eq!(run(&t).await, (false, 1, 1, 1));
    assert_eq!(
        notice_rules(&t, CENTER, Role::Leader).await,
        ["intake-not-forwarded"]
    );
    assert_eq!(
        notice_rules(&t, "24958.UBND", Role::Approver).await,
        ["due-soon"]
    );
    // Thursday 08:30 (reloaded), then another server finishes the dossier. At 09:01 this
    // server's copy says "overdue"; the stored dossier has the say: no notice.
    t.clock.set(datetime!(2025-03-06 08:30 +7));
    assert_eq!(run(&t).await, (true, 1, 1, 0));
    let other = t.another_server().await;
    let approver = other.token("24958.UBND", Role::Approver).await;
    let (s, v) = other
        .act(
            &approver,
            &code,
            json!({"action": "finish", "version": 2, "result": {"summary": "Bản sao"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.clock.set(datetime!(2025-03-06 09:01 +7));
    assert_eq!(run(&t).await, (false, 0, 1, 0));
    assert_eq!(
        notice_rules(&t, "24958.UBND", Role::Approver).await,
        ["due-soon"]
    );
    assert_eq!(run(&other).await, (true, 0, 0, 0));
}

#[tokio::test]
async fn a_dossier_entering_the_due_window_is_read_without_a_reload() {
    // A building permit, received Monday and forwarded at once (no step budget watches it).
    let t = TestApp::new(datetime!(2025-03-03 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t
        .intake(&counter, "local.giay-phep-xay-dung-nha-o", CENTER)
        .await;
    let code = d["code"].as_str().unwrap();
    let due = time::OffsetDateTime::parse(
        d["due_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    t.transfer_to_committee(&counter, code).await;
    // The shipped rules look 4 working hours ahead: the window reaches 12 hours + 3 days past
    // now, so the due date enters it 3 days 12 hours before.
    let enters = due - time::Duration::hours(12) - time::Duration::days(3);
    assert!(enters - time::Duration::minutes(30) > datetime!(2025-03-03 09:00 +7));
    t.clock.set(enters - time::Duration::minutes(30));
    let r = t.app.apply_escalations().await.unwrap();
    assert_eq!((r.reloaded, r.watched), (true, 0));
    t.clock.set(enters + time::Duration::minutes(29));
    let r = t.app.apply_escalations().await.unwrap();
    assert_eq!((r.reloaded, r.watched, r.created), (false, 1, 0));
    // A day past the due date (reloaded): overdue, and a working day overdue — told to the
    // agency holding it.
    t.clock
        .set(due + time::Duration::days(1) + time::Duration::minutes(1));
    let r = t.app.apply_escalations().await.unwrap();
    assert!(r.reloaded);
    assert_eq!(
        notice_rules(&t, "24958.UBND", Role::Leader).await,
        ["overdue", "overdue-1-day-to-leader"],
        "{due}: the leader is told"
    );
}

#[tokio::test]
async fn escalation_rules_make_each_notice_once_for_the_right_roles() {
    let t = TestApp::new(datetime!(2025-03-03 09:00 +7)).await;
    let counter = t.token(CENTER, Role::CounterOfficer).await;
    let d = t.intake(&counter, "1.004873", CENTER).await;
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(d["due_at"], "2025-03-06T09:00:00+07:00");
    // Monday 14:30: received 5.5 h ago, 4 working hours of it — past the intake budget.
    t.clock.set(datetime!(2025-03-03 14:30 +7));
    let run = t.app.apply_escalations().await.unwrap();
    assert_eq!((run.checked, run.created), (1, 1));
    let (s, v) = t.get("/api/v1/notices", Some(&counter)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(
        (v[0]["rule_id"].as_str(), v[0]["dossier_code"].as_str()),
        (Some("intake-not-forwarded"), Some(code.as_str()))
    );
    // Friday 09:00, still held at the counter: due soon passed, overdue, and a day overdue to the leader.
    t.clock.set(datetime!(2025-03-07 09:00 +7));
    assert_eq!(t.app.apply_escalations().await.unwrap().created, 2);
    // Again, and concurrently: nothing new.
    let (a, b) = tokio::join!(t.app.apply_escalations(), t.app.apply_escalations());
    assert_eq!(a.unwrap().created + b.unwrap().created, 0);
    let leader = t.token(CENTER, Role::Leader).await;
    let (_, v) = t.get("/api/v1/notices", Some(&leader)).await;
    let rules: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 3, "{v}");
    assert!(
        rules.contains(&"overdue-1-day-to-leader")
            && rules.contains(&"overdue")
            && rules.contains(&"intake-not-forwarded")
    );
    let escalated = v
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule_id"] == "overdue-1-day-to-leader")
        .unwrap();
    assert_eq!(escalated["action"], "escalate_to_leader");
    // The counter officer is not told what is for the leader; another agency sees nothing.
    let (_, v) = t.get("/api/v1/notices", Some(&counter)).await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    let other = t.token("24781.TTPVHCC", Role::Leader).await;
    let (_, v) = t.get("/api/v1/notices", Some(&other)).await;
    assert_eq!(v, json!([]));
    let (s, _) = t.get("/api/v1/notices", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The leader's inbox shows them.
    let cookie = t.cookie(&leader).await;
    let r = t.page("GET", "/inbox", Some(&cookie), None).await;
    assert!(
        r.body.contains("notices-title") || r.body.contains("Thông báo"),
        "{}",
        r.body
    );
    assert!(r.body.contains("class=\"escalated\""), "{}", r.body);
}

#[tokio::test]
async fn each_dossier_counted_metric_links_to_the_dossiers_behind_it() {
    let (t, leader) = with_dossiers().await;
    let (_, index) = t
        .get("/api/v1/reports/index?unit=24958&year=2025&quarter=1", None)
        .await;
    let on_time = metric(&index, "ON_TIME");
    let link = on_time["dossiers"].as_str().unwrap();
    assert_eq!(
        link,
        "/reports/metric?unit=24958&year=2025&quarter=1&metric=ON_TIME"
    );
    assert!(
        metric(&index, "PUBLIC_CONTENT_FULL")["dossiers"].is_null(),
        "catalogue metrics have none"
    );
    for code in [
        "ON_TIME",
        "ONLINE_CHANNEL",
        "FULL_ONLINE_DOSSIERS",
        "DOSSIERS_PAID_ONLINE",
        "ELECTRONIC_RESULT",
    ] {
        let (s, v) = t
            .get(
                &format!(
                    "/api/v1/reports/index/dossiers?unit=24958&year=2025&quarter=1&metric={code}"
                ),
                Some(&leader),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{code}: {v}");
        let m = metric(&index, code);
        assert_eq!(v["numerator"].as_u64(), m["numerator"].as_u64(), "{code}");
        assert_eq!(
            v["denominator"].as_u64(),
            m["denominator"].as_u64(),
            "{code}"
        );
        let listed = v["dossiers"].as_array().unwrap();
        assert_eq!(listed.len() as u64, v["denominator"].as_u64().unwrap());
        assert_eq!(
            listed.iter().filter(|d| d["counts"] == true).count() as u64,
            v["numerator"].as_u64().unwrap()
        );
    }
    // A leader of another body of the commune (its police) reads the commune's counts, but its
    // list names none of the dossiers it cannot open (issue #29).
    let police = t.token("24958.CA", Role::Leader).await;
    let (s, v) = t
        .get(
            "/api/v1/reports/index/dossiers?unit=24958&year=2025&quarter=1&metric=ON_TIME",
            Some(&police),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["denominator"].as_u64().unwrap() > 0);
    assert_eq!(v["dossiers"], serde_json::json!([]), "{v}");
    let (s, v) = t
        .get(
            "/api/v1/reports/index/dossiers?unit=24958&year=2025&metric=PUBLISH_ON_TIME",
            Some(&leader),
        )
        .await;
    assert_eq!(
        (s, error_code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "report.unknown_metric")
    );
    let (s, _) = t
        .get(
            "/api/v1/reports/index/dossiers?unit=24958&year=2025&metric=ON_TIME",
            None,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the list names dossiers: staff only"
    );
    let other = t.token("24781.UBND", Role::Leader).await;
    let (s, _) = t
        .get(
            "/api/v1/reports/index/dossiers?unit=24958&year=2025&metric=ON_TIME",
            Some(&other),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The page.
    let cookie = t.cookie(&leader).await;
    let r = t.page("GET", link, Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/inbox/24958-250303-"), "{}", r.body);
    let r = t
        .page(
            "GET",
            "/reports/metric?unit=24958&year=2025&metric=NOPE",
            Some(&cookie),
            None,
        )
        .await;
    // Its code's status in the table (report.unknown_metric, 422), as the API answers (issue #30:
    // the page said 400).
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}
