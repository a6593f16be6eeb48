//! The exchange role: the outbox written with every dossier write, claimed in each dossier's
//! order under leases, settled by its owner, decided by operators; the exchange log chained.

use crate::*;
use motcua_app::ports::KpiQuery;
use motcua_app::ports::{
    DVCQG, NewExchangeRecord, OperatorDecision, OutboxState, Settlement, seal_exchange_record,
};
use motcua_domain::kpi::Measure;
use time::Duration;

/// Dossiers of province 68 the portal acknowledged, as the monthly counters say.
async fn synced(store: &Arc<dyn Store>) -> i64 {
    store
        .kpi_sum(
            &KpiQuery {
                province: "68".parse().unwrap(),
                agencies: None,
                from_month: "2025-01".into(),
                to_month: "2025-01".into(),
            },
            Measure::Synced,
        )
        .await
        .unwrap()
}

/// Three dossiers with 1, 2 and 3 events, at 09:00 on 24 January 2025.
async fn three_dossiers(store: &Arc<dyn Store>) -> Vec<Dossier> {
    seeded(store).await;
    let at = datetime!(2025-01-24 09:00 +7);
    let mut out = Vec::new();
    for i in 0..3 {
        let (mut d, ev) =
            sample_dossier(&format!("24958-250124-{:04}", i + 1), "24958.TTPVHCC", at);
        store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
        for k in 0..i {
            d = assign(
                store,
                &d,
                &format!("officer {k}"),
                at + Duration::minutes(k as i64 + 1),
            )
            .await;
        }
        out.push(d);
    }
    out
}

/// Every write queues its event, in its own transaction: a refused write queues nothing.
pub async fn every_write_queues_its_event_and_a_refused_write_none(store: Arc<dyn Store>) {
    seeded(&store).await;
    let at = datetime!(2025-01-24 09:00 +7);
    let (d, ev) = sample_dossier("24958-250124-0001", "24958.TTPVHCC", at);
    let key = IdempotencyRecord {
        key: "k1".into(),
        request_hash: "h".into(),
        dossier_code: d.code.clone(),
    };
    store
        .insert_dossier(&d, &ev, Some(&key), &[])
        .await
        .unwrap();
    let m = store.outbox_of_dossier(d.id).await.unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(
        (
            m[0].destination.as_str(),
            m[0].event_id,
            m[0].seq,
            m[0].state
        ),
        (DVCQG, ev.id, 1, OutboxState::Pending)
    );
    assert_eq!(
        (m[0].dossier_code.clone(), m[0].attempts),
        (d.code.clone(), 0)
    );
    assert_eq!((m[0].queued_at, m[0].next_at), (ev.at, ev.at));
    // The same dossier again (a retried intake): refused, nothing queued.
    let (d_again, ev_again) = sample_dossier("24958-250124-0001", "24958.TTPVHCC", at);
    assert!(matches!(
        store
            .insert_dossier(&d_again, &ev_again, Some(&key), &[])
            .await,
        Err(StoreError::Duplicate(_))
    ));
    // A stale action: refused, nothing queued.
    let d2 = assign(&store, &d, "A", at + Duration::minutes(5)).await;
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("B"),
        },
        at + Duration::minutes(6),
    );
    assert!(matches!(
        store.append_transition(&d, &d3, &ev3, &[]).await,
        Err(StoreError::Conflict)
    ));
    let m = store.outbox_of_dossier(d.id).await.unwrap();
    let events = store.events(d.id).await.unwrap();
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(
        m.iter().map(|x| (x.seq, x.event_id)).collect::<Vec<_>>(),
        events.iter().map(|e| (e.seq, e.id)).collect::<Vec<_>>(),
        "one message per stored event, in order"
    );
    assert_eq!(d2.version, 2);
    let st = store.outbox_status(DVCQG, at).await.unwrap();
    assert_eq!(
        (st.pending, st.delivered, st.dead, st.skipped),
        (2, 0, 0, 0)
    );
    assert_eq!(st.oldest_pending, Some(ev.at));
}

/// A claim takes each dossier's oldest open message with the pending ones after it, leased;
/// settlements move them; a lost lease settles nothing; a dead letter holds its dossier back
/// until an operator retries or skips it.
pub async fn the_outbox_is_claimed_in_each_dossiers_order(store: Arc<dyn Store>) {
    let ds = three_dossiers(&store).await;
    let now = datetime!(2025-01-24 10:00 +7);
    let lease = now + Duration::minutes(1);
    let claims = store
        .claim_outbox(DVCQG, "w1", now, lease, 10, 2)
        .await
        .unwrap();
    assert_eq!(claims.len(), 3);
    let of = |d: &Dossier| {
        claims
            .iter()
            .find(|c| c.messages[0].dossier_id == d.id)
            .unwrap()
            .clone()
    };
    let c2 = of(&ds[2]);
    assert_eq!(
        c2.messages
            .iter()
            .map(|m| (m.seq, m.attempts))
            .collect::<Vec<_>>(),
        [(1, 1), (2, 0)],
        "the head counted, the next one only leased; the third left for later"
    );
    assert_eq!(c2.delivered_before, 0);
    // Nothing is left for a second worker while the leases last.
    assert!(
        store
            .claim_outbox(DVCQG, "w2", now, lease, 10, 5)
            .await
            .unwrap()
            .is_empty()
    );
    // Settled by someone else: nothing changes.
    assert_eq!(
        store
            .settle_outbox(
                DVCQG,
                "w2",
                &[(c2.messages[0].event_id, Settlement::Delivered { at: now })]
            )
            .await
            .unwrap(),
        0
    );
    let retry_at = now + Duration::seconds(30);
    let c1 = of(&ds[1]);
    let c0 = of(&ds[0]);
    let n = store
        .settle_outbox(
            DVCQG,
            "w1",
            &[
                (c2.messages[0].event_id, Settlement::Delivered { at: now }),
                (
                    c2.messages[1].event_id,
                    Settlement::Failed {
                        next_at: retry_at,
                        reason: "timeout".into(),
                        error: "no answer in time".into(),
                        counted: false,
                    },
                ),
                (c1.messages[0].event_id, Settlement::Release),
                (c1.messages[1].event_id, Settlement::Release),
                (
                    c0.messages[0].event_id,
                    Settlement::Dead {
                        reason: "refused".into(),
                        error: "refused with code 7".into(),
                        counted: true,
                    },
                ),
            ],
        )
        .await
        .unwrap();
    assert_eq!(n, 5);
    // The dossier whose first message was acknowledged counts as received by the portal.
    assert_eq!(synced(&store).await, 1);
    let st = store.outbox_status(DVCQG, now).await.unwrap();
    assert_eq!(
        (st.pending, st.leased, st.delivered, st.dead),
        (4, 0, 1, 1),
        "{st:?}"
    );
    assert_eq!(
        st.failing,
        vec![("refused".to_owned(), 1), ("timeout".to_owned(), 1)]
    );
    assert_eq!(
        store.outbox_backlog(DVCQG).await.unwrap(),
        (4, 1, st.oldest_pending)
    );
    let dead = store
        .outbox_messages(DVCQG, OutboxState::Dead, 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].attempts, dead[0].last_error.as_deref()),
        (1, Some("refused with code 7"))
    );
    // Released: claimed again at once (its attempts counted again); the failed one waits.
    let again = store
        .claim_outbox(DVCQG, "w2", now, lease, 10, 5)
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0].messages[0].dossier_id, ds[1].id);
    assert_eq!(again[0].messages.len(), 2);
    assert_eq!(again[0].messages[0].attempts, 2);
    store
        .settle_outbox(
            DVCQG,
            "w2",
            &again[0]
                .messages
                .iter()
                .map(|m| (m.event_id, Settlement::Delivered { at: now }))
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    // Another dossier's first message counts; a later message does not count again.
    assert_eq!(synced(&store).await, 2);
    // A rebuild of the counters recounts it from the outbox.
    store.rebuild_kpis(&"68".parse().unwrap()).await.unwrap();
    assert_eq!(synced(&store).await, 2);
    // Due again: the failed message with the one after it; one was delivered before.
    let later = store
        .claim_outbox(
            DVCQG,
            "w1",
            retry_at,
            retry_at + Duration::minutes(1),
            10,
            5,
        )
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(
        later[0].messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(later[0].messages[0].attempts, 2, "one failure, one claim");
    assert_eq!(later[0].delivered_before, 1);
    // The lease runs out: another worker takes the run over and the first one's word is void.
    let taken = store
        .claim_outbox(
            DVCQG,
            "w3",
            retry_at + Duration::minutes(2),
            retry_at + Duration::minutes(3),
            10,
            5,
        )
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].messages[0].attempts, 3);
    assert_eq!(
        store
            .settle_outbox(
                DVCQG,
                "w1",
                &[(
                    later[0].messages[0].event_id,
                    Settlement::Delivered { at: now }
                )]
            )
            .await
            .unwrap(),
        0
    );
    // The dead letter: retry applies to it, skip to it too; neither to a delivered message.
    let by = "user:admin";
    assert!(
        !store
            .decide_outbox(
                DVCQG,
                c2.messages[0].event_id,
                &OperatorDecision::Retry,
                by,
                "",
                now
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .decide_outbox(
                DVCQG,
                c2.messages[0].event_id,
                &OperatorDecision::Skip,
                by,
                "x",
                now
            )
            .await
            .unwrap()
    );
    // Skipping a message leased now is refused.
    assert!(
        !store
            .decide_outbox(
                DVCQG,
                taken[0].messages[0].event_id,
                &OperatorDecision::Skip,
                by,
                "x",
                retry_at + Duration::minutes(2)
            )
            .await
            .unwrap()
    );
    let t = now + Duration::hours(1);
    assert!(
        store
            .decide_outbox(
                DVCQG,
                c0.messages[0].event_id,
                &OperatorDecision::Retry,
                by,
                "fixed",
                t
            )
            .await
            .unwrap()
    );
    let m = store
        .outbox_message(DVCQG, c0.messages[0].event_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (m.state, m.attempts, m.since, m.next_at),
        (OutboxState::Pending, 1, t, t)
    );
    assert_eq!(
        (m.settled_by.as_deref(), m.note.as_deref()),
        (Some(by), Some("fixed"))
    );
    assert!(
        store
            .decide_outbox(
                DVCQG,
                c0.messages[0].event_id,
                &OperatorDecision::Skip,
                by,
                "sent by hand",
                t
            )
            .await
            .unwrap()
    );
    let m = store
        .outbox_message(DVCQG, c0.messages[0].event_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.state, OutboxState::Skipped);
    assert_eq!(
        store
            .outbox_message(DVCQG, uuid::Uuid::now_v7())
            .await
            .unwrap(),
        None
    );
}

/// A dead letter holds back the messages after it; skipping it lets them go.
pub async fn a_dead_letter_holds_its_dossier_back(store: Arc<dyn Store>) {
    let ds = three_dossiers(&store).await;
    let now = datetime!(2025-01-24 10:00 +7);
    let claims = store
        .claim_outbox(DVCQG, "w1", now, now + Duration::minutes(1), 10, 1)
        .await
        .unwrap();
    let head = claims
        .iter()
        .find(|c| c.messages[0].dossier_id == ds[2].id)
        .unwrap()
        .messages[0]
        .clone();
    let rest: Vec<_> = claims
        .iter()
        .filter(|c| c.messages[0].dossier_id != ds[2].id)
        .map(|c| (c.messages[0].event_id, Settlement::Release))
        .collect();
    store.settle_outbox(DVCQG, "w1", &rest).await.unwrap();
    store
        .settle_outbox(
            DVCQG,
            "w1",
            &[(
                head.event_id,
                Settlement::Dead {
                    reason: "refused".into(),
                    error: "x".into(),
                    counted: true,
                },
            )],
        )
        .await
        .unwrap();
    let claims = store
        .claim_outbox(DVCQG, "w1", now, now + Duration::minutes(1), 10, 5)
        .await
        .unwrap();
    assert!(
        claims.iter().all(|c| c.messages[0].dossier_id != ds[2].id),
        "{claims:?}"
    );
    let release: Vec<_> = claims
        .iter()
        .flat_map(|c| c.messages.iter().map(|m| (m.event_id, Settlement::Release)))
        .collect();
    store.settle_outbox(DVCQG, "w1", &release).await.unwrap();
    assert!(
        store
            .decide_outbox(
                DVCQG,
                head.event_id,
                &OperatorDecision::Skip,
                "user:x",
                "sent by hand",
                now
            )
            .await
            .unwrap()
    );
    let claims = store
        .claim_outbox(DVCQG, "w1", now, now + Duration::minutes(1), 10, 5)
        .await
        .unwrap();
    let c = claims
        .iter()
        .find(|c| c.messages[0].dossier_id == ds[2].id)
        .expect("the next message goes once the dead letter is skipped");
    assert_eq!(c.messages.iter().map(|m| m.seq).collect::<Vec<_>>(), [2, 3]);
}

/// Workers claiming at once never get the same message.
pub async fn concurrent_claims_never_share_a_message(store: Arc<dyn Store>) {
    seeded(&store).await;
    let at = datetime!(2025-01-24 09:00 +7);
    for i in 0..24 {
        let (d, ev) = sample_dossier(&format!("24958-250124-{:04}", i + 1), "24958.TTPVHCC", at);
        store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    }
    let now = at + Duration::hours(1);
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let claims = store
                    .claim_outbox(
                        DVCQG,
                        &format!("w{w}"),
                        now,
                        now + Duration::minutes(5),
                        3,
                        5,
                    )
                    .await
                    .unwrap();
                if claims.is_empty() {
                    break;
                }
                got.extend(
                    claims
                        .into_iter()
                        .flat_map(|c| c.messages)
                        .map(|m| m.event_id),
                );
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(
        (n, all.len()),
        (24, 24),
        "every message claimed exactly once"
    );
}

/// The exchange log: numbered without gaps in the order written, each record chained to the
/// one before, also when written at once; read back as written.
pub async fn the_exchange_log_is_one_chain(store: Arc<dyn Store>) {
    assert_eq!(
        store.exchange_head().await.unwrap(),
        (0, GENESIS.to_owned())
    );
    let at = datetime!(2025-01-24 09:00:00.250 +7);
    let record = |i: usize| NewExchangeRecord {
        requested_at: at,
        answered_at: at + Duration::milliseconds(400),
        destination: DVCQG.into(),
        service: "DongBoHoSoMC".into(),
        requester: "motcua@test".into(),
        subject: format!("24958-250124-{:04}", i % 3 + 1),
        status: "ok".into(),
        request_body: format!("{{\"n\":{i},\"ChuHoSo\":\"Nguyễn Văn An\"}}"),
        answer_body: "{\"error_code\":0}".into(),
    };
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = store.clone();
        let r = record(i);
        tasks.push(tokio::spawn(async move {
            store.append_exchange(&r).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = store.exchange_records(0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<i64>>()
    );
    let mut prev = (0, GENESIS.to_owned());
    for r in &all {
        let again = seal_exchange_record(prev.0, &prev.1, &r.appended());
        assert_eq!(&again, r, "record {} as stored is the one sealed", r.seq);
        prev = (r.seq, r.hash.clone());
    }
    assert_eq!(store.exchange_head().await.unwrap(), prev);
    assert_eq!(
        all[0].record.requested_at,
        datetime!(2025-01-24 09:00:00 +7),
        "whole seconds"
    );
    assert!(
        all.iter()
            .any(|r| r.record.request_body.contains("Nguyễn Văn An"))
    );
    let about = store
        .exchange_records_about("24958-250124-0001", 100)
        .await
        .unwrap();
    assert_eq!(about.len(), 4);
    assert!(
        about.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    assert_eq!(store.exchange_records(10, 100).await.unwrap().len(), 2);
}
