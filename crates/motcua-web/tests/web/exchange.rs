//! The exchange with the national portal (issue #33), against the portal simulator started
//! here: every dossier and every step arrives once and in order, whatever the portal does
//! (answers dropped after storing, 5xx, garbage, expired sessions, refusals); dead letters are
//! retried or skipped by an administrator, audited; a log that cannot be written stops sending.

use crate::common::TestApp;
use axum::http::StatusCode;
use motcua_app::exchange::{ExchangeSettings, ExchangeWorker, Operator};
use motcua_app::ports::roles::*;
use motcua_app::ports::{DVCQG, OperatorDecision, OutboxState};
use motcua_domain::access::Role;
use motcua_domain::exchange::{BreakerPolicy, RetryPolicy};
use motcua_portal::client::{PortalClient, PortalSettings};
use motcua_portal::sim::{Faults, Sim, SimSettings};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use time::Duration;
use time::macros::datetime;

const A: &str = "24958.TTPVHCC";
const PASSWORD: &str = "mật khẩu cổng quốc gia";

/// A simulator on a free port of this host.
async fn portal() -> (Sim, String) {
    let sim = Sim::new(SimSettings {
        username: "lamdong".into(),
        password: PASSWORD.into(),
        dstcode: Some("DVCQG".into()),
        ..SimSettings::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(motcua_portal::sim::serve_on(sim.clone(), listener));
    (sim, url)
}

fn client(url: &str, password: &str) -> Arc<PortalClient> {
    Arc::new(
        PortalClient::new(PortalSettings {
            base_url: url.into(),
            username: "lamdong".into(),
            password: password.into(),
            dstcode: "DVCQG".into(),
            timeout: StdDuration::from_millis(1_500),
            session_ttl: StdDuration::from_secs(600),
            session_error_codes: vec![-1],
            requester: "motcua@test".into(),
        })
        .unwrap(),
    )
}

fn worker(t: &TestApp, portal: Arc<PortalClient>, retry: RetryPolicy) -> ExchangeWorker {
    ExchangeWorker::new(
        &t.app,
        portal,
        ExchangeSettings {
            retry,
            breaker: BreakerPolicy {
                threshold: 5,
                cooldown: Duration::seconds(30),
            },
            call_timeout: Duration::seconds(2),
            node: "test-worker".into(),
            ..ExchangeSettings::default()
        },
    )
}

/// Files `n` dossiers at the counter and takes every other one to its end: intake, transfer,
/// result, return. Returns the codes.
async fn lifecycles(t: &TestApp, n: usize) -> Vec<String> {
    let counter = t.token(A, Role::CounterOfficer).await;
    let specialist = t.token("24958.UBND", Role::Approver).await;
    let mut codes = Vec::new();
    for i in 0..n {
        let v = t.intake(&counter, "1.004873", A).await;
        let code = v["code"].as_str().unwrap().to_owned();
        if i % 2 == 0 {
            t.transfer_to_committee(&counter, &code).await;
            let (s, v) = t
                .act(
                    &specialist,
                    &code,
                    json!({"action": "finish", "result": {"summary": "Đã cấp"}, "version": 2}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let (s, v) = t
                .act(
                    &counter,
                    &code,
                    json!({"action": "return_result", "method": "counter", "version": 3}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        codes.push(code);
    }
    codes
}

/// What the portal must hold of each dossier: one record, in its current status, and one step
/// per event, in order.
async fn assert_portal_holds_exactly(t: &TestApp, sim: &Sim, codes: &[String]) {
    let counts = sim.counts();
    assert_eq!(counts.duplicate_inserts, 0, "{counts:?}");
    assert_eq!(counts.orphan_steps, 0, "{counts:?}");
    assert_eq!(counts.invalid, 0, "{counts:?}");
    assert_eq!(counts.dossiers as usize, codes.len(), "{counts:?}");
    let admin = t.token("68.UBND", Role::Admin).await;
    let mut steps = 0;
    for code in codes {
        let (records, held_steps) = sim
            .held(code)
            .unwrap_or_else(|| panic!("{code} not at the portal"));
        assert_eq!(records.len(), 1, "{code}: {records:?}");
        let d = t.dossier(&admin, code).await;
        let events = t.events(&admin, code).await;
        let national: Vec<u64> = events
            .iter()
            .map(|e| status_code(e["status"].as_str().unwrap()))
            .collect();
        let sent: Vec<u64> = held_steps
            .iter()
            .map(|s| s["TrangThai"].as_u64().unwrap())
            .collect();
        assert_eq!(sent, national, "{code}: every step once, in order");
        assert_eq!(
            records[0]["TrangThaiHoSo"].as_u64(),
            Some(status_code(d["status"].as_str().unwrap())),
            "{code}"
        );
        steps += events.len();
    }
    assert_eq!(counts.steps as usize, steps, "{counts:?}");
}

fn status_code(s: &str) -> u64 {
    u64::from(
        motcua_domain::dossier::Status::parse(s)
            .unwrap()
            .national_code(),
    )
}

#[tokio::test]
async fn every_dossier_and_every_step_reaches_the_portal_once_and_in_order() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    let codes = lifecycles(&t, 4).await;
    let st = t.store.outbox_status(DVCQG, t.app.now()).await.unwrap();
    assert_eq!(
        (st.pending, st.delivered),
        (10, 0),
        "4 intakes, 2 × 3 more actions"
    );
    let w = worker(&t, client(&url, PASSWORD), RetryPolicy::default());
    let r = w.drain(20).await.unwrap();
    assert_eq!((r.delivered, r.failed, r.dead), (10, 0, 0), "{r:?}");
    assert_portal_holds_exactly(&t, &sim, &codes).await;
    let counts = sim.counts();
    assert_eq!(counts.logins, 1, "one session for everything");
    assert_eq!(
        counts.lookups, 4,
        "one lookup before each dossier's first sync"
    );
    let st = t.store.outbox_status(DVCQG, t.app.now()).await.unwrap();
    assert_eq!(
        (st.pending, st.delivered, st.oldest_pending),
        (10 - 10, 10, None)
    );

    // A later action goes as an update and one more step, without a lookup.
    let counter = t.token(A, Role::CounterOfficer).await;
    let (s, v) = t
        .act(
            &counter,
            &codes[1],
            json!({"action": "transfer", "to_agency": "24958.UBND", "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    w.drain(5).await.unwrap();
    assert_portal_holds_exactly(&t, &sim, &codes).await;
    assert_eq!(sim.counts().lookups, 4);
    assert_eq!(sim.counts().updates, 1, "{:?}", sim.counts());

    // The record: what the portal reads, mapped from the dossier.
    let (records, _) = sim.held(&codes[0]).unwrap();
    let r = &records[0];
    assert_eq!(r["MaHoSo"], json!(codes[0]));
    assert_eq!(r["MaTTHC"], "1.004873");
    assert_eq!(r["ChuHoSo"], "Nguyễn Thị Lan");
    assert_eq!(r["TrangThaiHoSo"], 10);
    assert!(
        r["NgayTra"].as_str().unwrap().starts_with("20250701"),
        "{r}"
    );
    assert_eq!(r["KenhThucHien"], 1);

    // The exchange log: every call, the password and the session never in it, one chain.
    let log = t.store.exchange_records(0, 1_000).await.unwrap();
    assert_eq!(log.len() as u64, sim.counts().calls + sim.counts().logins);
    assert_eq!(log[0].record.service, "DangNhap");
    for rec in &log {
        let all = format!("{}{}", rec.record.request_body, rec.record.answer_body);
        assert!(!all.contains(PASSWORD), "{all}");
        assert!(
            !all.contains("\"session\":\"") || all.contains("\"session\":\"***\""),
            "{all}"
        );
        assert_eq!(rec.record.requester, "motcua@test");
        assert_eq!(rec.record.status, "ok");
    }
    let v = t.app.verify_exchange().await.unwrap();
    assert_eq!(
        (v.records, v.broken.clone()),
        (log.len() as i64, None),
        "{v:?}"
    );

    // The dossier's deliveries, for staff who see it.
    let (messages, exchanges) = t
        .app
        .dossier_deliveries(
            &motcua_app::service::Actor::Staff(t.app.authenticate(&counter).await.unwrap()),
            &codes[0].parse().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(messages.len(), 4);
    assert!(
        messages
            .iter()
            .all(|m| m.state == OutboxState::Delivered && m.delivered_at.is_some())
    );
    assert!(exchanges.iter().any(|e| e.record.service == "TraCuuHoSo"));
}

#[tokio::test]
async fn nothing_is_lost_or_duplicated_whatever_the_portal_does() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    let codes = lifecycles(&t, 12).await;
    sim.set_faults(Faults {
        p_drop_after_store: 0.3,
        p_5xx: 0.1,
        p_garbage: 0.05,
        p_refuse: 0.05,
        expire_every: 7,
        ..Faults::default()
    });
    // Nothing gives up here: every message must get through in the end.
    let w = worker(
        &t,
        client(&url, PASSWORD),
        RetryPolicy {
            max_attempts: 10_000,
            max_age: Duration::days(3650),
            ..RetryPolicy::default()
        },
    );
    let mut rounds = 0;
    loop {
        let r = w.round().await.unwrap();
        rounds += 1;
        let st = t.store.outbox_status(DVCQG, t.app.now()).await.unwrap();
        if st.pending == 0 {
            assert_eq!(st.dead, 0);
            eprintln!("all delivered after {rounds} rounds");
            break;
        }
        assert!(rounds < 2_000, "still {st:?} after {rounds} rounds ({r:?})");
        // Time passes: retries and the open circuit come due.
        t.clock.set(t.app.now() + Duration::minutes(11));
    }
    let counts = sim.counts();
    assert!(counts.faults > 5, "faults were injected: {counts:?}");
    assert!(counts.session_refusals > 0, "sessions expired: {counts:?}");
    assert_portal_holds_exactly(&t, &sim, &codes).await;
    let st = t.store.outbox_status(DVCQG, t.app.now()).await.unwrap();
    assert_eq!(st.delivered, 12 + 6 * 3);
    let v = t.app.verify_exchange().await.unwrap();
    assert_eq!(v.broken, None);
    // Failures were recorded with their reasons in the log.
    let log = t.store.exchange_records(0, 10_000).await.unwrap();
    for reason in [
        "connection closed before the answer",
        "HTTP 503",
        "malformed answer",
    ] {
        assert!(
            log.iter().any(|r| r.record.status.contains(reason)),
            "{reason} not in the log"
        );
    }
}

#[tokio::test]
async fn dead_letters_are_retried_or_skipped_by_an_administrator() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    let codes = lifecycles(&t, 2).await;
    sim.set_faults(Faults {
        p_refuse: 1.0,
        ..Faults::default()
    });
    let w = worker(
        &t,
        client(&url, PASSWORD),
        RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        },
    );
    for _ in 0..4 {
        w.round().await.unwrap();
        t.clock.set(t.app.now() + Duration::minutes(11));
    }
    let admin = t.token("68.UBND", Role::Admin).await;
    let admin_actor = t.app.authenticate(&admin).await.unwrap();
    let o = t
        .app
        .exchange_overview(Operator::Staff(&admin_actor))
        .await
        .unwrap();
    assert_eq!(o.status.dead, 2, "{o:?}");
    assert_eq!(o.status.pending, 3, "held back behind their dead letters");
    assert_eq!(o.dead[0].last_reason.as_deref(), Some("refused"));
    assert!(o.dead[0].last_error.as_deref().unwrap().contains("code 9"));
    // Not for a province administrator or an officer.
    for role in [Role::ProvinceAdmin, Role::Leader] {
        let s = t
            .app
            .authenticate(&t.token("68.UBND", role).await)
            .await
            .unwrap();
        assert!(matches!(
            t.app.exchange_overview(Operator::Staff(&s)).await,
            Err(motcua_app::AppError::Forbidden(_))
        ));
    }
    let first = o
        .dead
        .iter()
        .find(|m| m.dossier_code.as_str() == codes[0])
        .unwrap()
        .clone();
    let second = o
        .dead
        .iter()
        .find(|m| m.dossier_code.as_str() == codes[1])
        .unwrap()
        .clone();
    // A skip needs a reason; a pending message is not retried; an unknown one is not found.
    let e = t
        .app
        .decide_exchange(
            Operator::Staff(&admin_actor),
            second.event_id,
            OperatorDecision::Skip,
            "  ",
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("note"));
    let pending = t
        .store
        .outbox_messages(DVCQG, OutboxState::Pending, 10)
        .await
        .unwrap();
    let e = t
        .app
        .decide_exchange(
            Operator::Staff(&admin_actor),
            pending[0].event_id,
            OperatorDecision::Retry,
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "exchange.wrong_state");
    let e = t
        .app
        .decide_exchange(
            Operator::Console,
            uuid::Uuid::now_v7(),
            OperatorDecision::Retry,
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "exchange.not_found");
    // The portal is fixed: one retried, the other skipped (sent by hand, say).
    sim.set_faults(Faults::default());
    let m = t
        .app
        .decide_exchange(
            Operator::Staff(&admin_actor),
            first.event_id,
            OperatorDecision::Retry,
            "cổng đã sửa lỗi",
        )
        .await
        .unwrap();
    assert_eq!((m.state, m.attempts), (OutboxState::Pending, 1));
    let m = t
        .app
        .decide_exchange(
            Operator::Staff(&admin_actor),
            second.event_id,
            OperatorDecision::Skip,
            "đã nhập tay trên Cổng",
        )
        .await
        .unwrap();
    assert_eq!(m.state, OutboxState::Skipped);
    w.drain(10).await.unwrap();
    let st = t.store.outbox_status(DVCQG, t.app.now()).await.unwrap();
    assert_eq!((st.pending, st.dead, st.skipped), (0, 0, 1), "{st:?}");
    assert!(sim.held(&codes[0]).is_some());
    // Both decisions are in the security log, with who and why.
    let log = t.app.store().security_events(None, 100).await.unwrap();
    let kinds: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.kind.as_str(), e.detail.as_str()))
        .collect();
    assert!(
        kinds.contains(&("exchange_retried", "cổng đã sửa lỗi")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("exchange_skipped", "đã nhập tay trên Cổng")),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_log_that_cannot_be_written_stops_sending() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    let codes = lifecycles(&t, 3).await;
    // The log refuses records (a full disk, a broken table), by a trigger from outside.
    let db =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", t.dir.path().join("t.db").display()))
            .await
            .unwrap();
    sqlx::query("CREATE TRIGGER log_broken BEFORE INSERT ON exchange_log BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        .execute(&db)
        .await
        .unwrap();
    let w = worker(&t, client(&url, PASSWORD), RetryPolicy::default());
    let r = w.round().await.unwrap();
    assert_eq!(r.delivered, 0, "{r:?}");
    let c = sim.counts();
    assert_eq!(
        (c.inserts, c.updates, c.steps),
        (0, 0, 0),
        "nothing that changes the portal went unlogged: {c:?}"
    );
    assert!(w.circuit_open(), "sending stopped");
    let r = w.round().await.unwrap();
    assert!(r.circuit_open, "{r:?}");
    // The log takes records again: sending resumes once the pause is over.
    sqlx::query("DROP TRIGGER log_broken")
        .execute(&db)
        .await
        .unwrap();
    t.clock.set(t.app.now() + Duration::minutes(11));
    w.drain(20).await.unwrap();
    assert_portal_holds_exactly(&t, &sim, &codes).await;
    assert_eq!(t.app.verify_exchange().await.unwrap().broken, None);
}

#[tokio::test]
async fn a_wrong_password_is_a_refusal_recorded_without_the_password() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    lifecycles(&t, 1).await;
    let w = worker(&t, client(&url, "sai mật khẩu"), RetryPolicy::default());
    let r = w.round().await.unwrap();
    assert_eq!((r.delivered, r.failed), (0, 1));
    assert_eq!(sim.counts().dossiers, 0);
    let m = t
        .store
        .outbox_messages(DVCQG, OutboxState::Pending, 10)
        .await
        .unwrap();
    assert_eq!(m[0].last_reason.as_deref(), Some("refused"));
    assert!(
        m[0].last_error
            .as_deref()
            .unwrap()
            .contains("login refused")
    );
    let log = t.store.exchange_records(0, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert!(!log[0].record.request_body.contains("sai mật khẩu"));
    assert!(log[0].record.request_body.contains("\"password\":\"***\""));
    assert!(log[0].record.status.starts_with("error_code 1"));
}

/// A decision posted from the exchange page.
async fn decide(
    t: &TestApp,
    cookie: &str,
    id: &str,
    what: &str,
    form: &str,
) -> crate::common::PageResp {
    t.page(
        "POST",
        &format!("/admin/exchange/{id}/{what}"),
        Some(cookie),
        Some(form),
    )
    .await
}

#[tokio::test]
async fn an_administrator_sees_the_exchange_and_decides_dead_letters_on_its_page() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    let (sim, url) = portal().await;
    let codes = lifecycles(&t, 2).await;
    sim.set_faults(Faults {
        p_refuse: 1.0,
        ..Faults::default()
    });
    let w = worker(
        &t,
        client(&url, PASSWORD),
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
    );
    w.round().await.unwrap();
    let admin = t.session("68.UBND", Role::Admin).await;
    let p = t.page("GET", "/admin/exchange", Some(&admin), None).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.body.contains("Đồng bộ Cổng Dịch vụ công quốc gia"),
        "{}",
        p.body
    );
    assert!(p.body.contains("Cổng từ chối"), "the reason in words");
    for code in &codes {
        assert!(
            p.body.contains(code.as_str()),
            "{code} listed as a dead letter"
        );
    }
    // The dossier page says where its messages are.
    let counter = t.cookie(&t.token(A, Role::CounterOfficer).await).await;
    let d = t
        .page("GET", &format!("/inbox/{}", codes[0]), Some(&counter), None)
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.body.contains("Đồng bộ lên Cổng Dịch vụ công quốc gia"),
        "{}",
        d.body
    );
    assert!(d.body.contains("Gửi lỗi"), "{}", d.body);
    assert!(d.body.contains("Chờ gửi"), "the steps behind it wait");
    let dead = t
        .store
        .outbox_messages(DVCQG, OutboxState::Dead, 10)
        .await
        .unwrap();
    let (first, second) = (&dead[0], &dead[1]);
    let csrf = crate::common::csrf(&p.body);
    // Skipping without a reason: refused on the page, nothing changed.
    let r = decide(
        &t,
        &admin,
        &first.event_id.to_string(),
        "skip",
        &format!("csrf={csrf}&note="),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Cần ghi lý do bỏ qua"), "{}", r.body);
    assert_eq!(
        t.store
            .outbox_message(DVCQG, first.event_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Dead
    );
    // Without the form's token: refused.
    let r = decide(&t, &admin, &first.event_id.to_string(), "retry", "note=x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A province administrator may not.
    let province = t.session("68.UBND", Role::ProvinceAdmin).await;
    let r = decide(
        &t,
        &province,
        &first.event_id.to_string(),
        "retry",
        &format!("csrf={csrf}&note=x"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Retry one, skip the other with a reason.
    sim.set_faults(Faults::default());
    let r = decide(
        &t,
        &admin,
        &first.event_id.to_string(),
        "retry",
        &format!("csrf={csrf}&note="),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/admin/exchange?done=retried"));
    let r = decide(
        &t,
        &admin,
        &second.event_id.to_string(),
        "skip",
        &format!("csrf={csrf}&note=%C4%91%C3%A3+nh%E1%BA%ADp+tay"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Twice: the message is skipped already.
    let r = decide(
        &t,
        &admin,
        &second.event_id.to_string(),
        "skip",
        &format!("csrf={csrf}&note=again"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Unknown and malformed ids.
    for id in [uuid::Uuid::now_v7().to_string(), "not-an-id".to_owned()] {
        let r = decide(&t, &admin, &id, "retry", &format!("csrf={csrf}&note=")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}: {}", r.body);
    }
    w.drain(10).await.unwrap();
    let p = t
        .page("GET", "/admin/exchange?done=retried", Some(&admin), None)
        .await;
    assert!(p.body.contains("Đã đưa tin trở lại hàng đợi"), "{}", p.body);
    assert!(p.body.contains("Không có tin nào gửi lỗi"), "{}", p.body);
}

#[tokio::test]
async fn metrics_count_http_requests_and_the_outbox() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    lifecycles(&t, 1).await;
    let p = t.page("GET", "/metrics", None, None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.header("content-type").unwrap().starts_with("text/plain"));
    for line in [
        "motcua_exchange_pending ",
        "motcua_exchange_dead ",
        "motcua_exchange_oldest_pending_seconds ",
        "motcua_http_request_duration_seconds_bucket{",
        "route=\"/api/v1/dossiers/{code}/actions\"",
    ] {
        assert!(p.body.contains(line), "{line} not in {}", p.body);
    }
    // Never a raw path with a dossier code as a label.
    assert!(
        !p.body.contains("route=\"/api/v1/dossiers/24958-"),
        "{}",
        p.body
    );
    // Not for a client on the internet.
    use tower::ServiceExt as _;
    let req = axum::http::Request::builder()
        .uri("/metrics")
        .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [203, 0, 113, 9],
            40000,
        ))))
        .body(axum::body::Body::empty())
        .unwrap();
    let r = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_oversized_answer_is_malformed_logged_and_retried_never_a_panic() {
    let t = TestApp::new(datetime!(2025-07-01 09:00 +7)).await;
    lifecycles(&t, 1).await;
    // A "portal" whose every answer is 5 MB (the adapter reads at most 4 MB).
    let big = axum::Router::new().fallback(|| async { "x".repeat(5 * 1024 * 1024) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, big).await });
    let w = worker(&t, client(&url, PASSWORD), RetryPolicy::default());
    let r = w.round().await.unwrap();
    assert_eq!((r.delivered, r.failed), (0, 1));
    let m = t
        .store
        .outbox_messages(DVCQG, OutboxState::Pending, 10)
        .await
        .unwrap();
    assert_eq!(m[0].last_reason.as_deref(), Some("malformed"));
    assert!(m[0].last_error.as_deref().unwrap().contains("larger than"));
    let log = t.store.exchange_records(0, 10).await.unwrap();
    assert_eq!(log.len(), 1, "the login that met it is in the log");
    assert!(log[0].record.status.contains("larger than"));
    assert!(
        log[0].record.answer_body.len() <= 64 * 1024 + 8,
        "not kept whole"
    );
}
