//! Conformance checks of the store's dossiers role: numbers, intake and transitions, idempotency, lists, the sweep's pages, events and chains, the bulk load.

use super::*;

/// Sequence numbers per prefix are consecutive and never handed out twice, even concurrently.
pub async fn code_sequences_are_unique_under_concurrency(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.next_code_sequence(&p("68"), "24958-250124-")
                .await
                .unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort();
    assert_eq!(got, (1..=40).collect::<Vec<u64>>());
    assert_eq!(
        store
            .next_code_sequence(&p("68"), "24781-250124-")
            .await
            .unwrap(),
        1
    );
}

/// Several prefixes' numbers are taken in one write, in the order asked, concurrently with
/// writes asking in the other order (no deadlock); a prefix asked twice takes nothing.
pub async fn several_sequences_are_taken_in_one_write(store: Arc<dyn Store>) {
    let (code, receipt) = ("24958-250124-", "DOC-24958.UBND-2025-form01");
    for _ in 0..5 {
        store.next_code_sequence(&p("68"), code).await.unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let n = s
                    .next_code_sequences(&p("68"), &[code, receipt])
                    .await
                    .unwrap();
                (n[0], n[1])
            } else {
                let n = s
                    .next_code_sequences(&p("68"), &[receipt, code])
                    .await
                    .unwrap();
                (n[1], n[0])
            }
        }));
    }
    let (mut codes, mut receipts) = (Vec::new(), Vec::new());
    for t in tasks {
        let (c, r) = t.await.unwrap();
        codes.push(c);
        receipts.push(r);
    }
    codes.sort();
    receipts.sort();
    assert_eq!(codes, (6..=45).collect::<Vec<u64>>());
    assert_eq!(receipts, (1..=40).collect::<Vec<u64>>());

    assert!(
        store
            .next_code_sequences(&p("68"), &[receipt, code, receipt])
            .await
            .is_err()
    );
    assert_eq!(
        store
            .next_code_sequences(&p("68"), &[code, receipt])
            .await
            .unwrap(),
        vec![46, 41]
    );
}

/// A dossier reads back exactly as written; its idempotency key finds it.
pub async fn dossier_round_trip_and_idempotency(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 16:00 +7),
    );
    let idem = IdempotencyRecord {
        key: "k1".into(),
        request_hash: "h1".into(),
        dossier_code: d.code.clone(),
    };
    store
        .insert_dossier(&d, &ev, Some(&idem), &[])
        .await
        .unwrap();
    assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d.clone()));
    assert_eq!(store.idempotency("k1").await.unwrap(), Some(idem));
    assert!(store.idempotency("k2").await.unwrap().is_none());
    assert_eq!(store.count_dossiers().await.unwrap(), 1);
}

/// A reused idempotency key or code fails and leaves nothing half-written.
pub async fn duplicate_idempotency_key_writes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d1, e1) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    let (d2, e2) = sample_dossier(
        "24958-250124-0002",
        "24958.TTPVHCC",
        datetime!(2025-01-24 10:00 +7),
    );
    let k = |c: &DossierCode| IdempotencyRecord {
        key: "same".into(),
        request_hash: "h".into(),
        dossier_code: c.clone(),
    };
    store
        .insert_dossier(&d1, &e1, Some(&k(&d1.code)), &[])
        .await
        .unwrap();
    let r = store
        .insert_dossier(&d2, &e2, Some(&k(&d2.code)), &[])
        .await;
    assert!(matches!(r, Err(StoreError::Duplicate(_))), "{r:?}");
    assert!(store.dossier(&d2.code).await.unwrap().is_none());
    assert!(store.events(d2.id).await.unwrap().is_empty());
    // Same code again.
    let (d3, e3) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 11:00 +7),
    );
    assert!(matches!(
        store.insert_dossier(&d3, &e3, None, &[]).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.events(d3.id).await.unwrap().is_empty());
    assert_eq!(store.count_dossiers().await.unwrap(), 1);
}

/// Appending with a stale version is a conflict; the state and the log are unchanged.
pub async fn stale_version_is_a_conflict_and_writes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    let d2 = assign(&store, &d, "A", datetime!(2025-01-24 10:00 +7)).await;
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("B"),
        },
        datetime!(2025-01-24 10:05 +7),
    );
    assert!(matches!(
        store.append_transition(&d, &d3, &ev3, &[]).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d2));
    assert_eq!(store.events(d.id).await.unwrap().len(), 2);
}

/// Many writes at once (which a store may commit together): each taken code, reused key and
/// stale version fails on its own with its own error and writes nothing; every other write is
/// there in full.
pub async fn concurrent_writes_fail_alone(store: Arc<dyn Store>) {
    seeded(&store).await;
    let at = datetime!(2025-01-24 09:00 +7);
    // Ten dossiers already stored; each gets a stale and a fresh action below.
    let mut stored = Vec::new();
    for i in 0..10 {
        let (d, ev) = sample_dossier(&format!("24958-250124-{:04}", i + 1), "24958.TTPVHCC", at);
        let key = IdempotencyRecord {
            key: format!("old-{i}"),
            request_hash: "h".into(),
            dossier_code: d.code.clone(),
        };
        store
            .insert_dossier(&d, &ev, Some(&key), &[])
            .await
            .unwrap();
        stored.push(d);
    }
    let mut tasks = Vec::new();
    for i in 0..30u32 {
        let s = store.clone();
        // Every third new dossier reuses a stored code, every fifth a stored key.
        let code = if i.is_multiple_of(3) {
            format!("24958-250124-{:04}", i % 10 + 1)
        } else {
            format!("24958-250124-{:04}", 100 + i)
        };
        let key = if i.is_multiple_of(5) {
            format!("old-{}", i % 10)
        } else {
            format!("new-{i}")
        };
        tasks.push(tokio::spawn(async move {
            let (d, ev) = sample_dossier(&code, "24958.TTPVHCC", at);
            let idem = IdempotencyRecord {
                key,
                request_hash: "h".into(),
                dossier_code: d.code.clone(),
            };
            let r = s.insert_dossier(&d, &ev, Some(&idem), &[]).await;
            (d, r)
        }));
    }
    let mut actions = Vec::new();
    for (i, d) in stored.iter().enumerate() {
        let (next, ev) = apply(
            d,
            Command::Assign {
                handler: crate::officer(&format!("H{i}")),
            },
            datetime!(2025-01-24 10:00 +7),
        );
        // The stale one claims a version the dossier never has, before or after the other.
        let s = store.clone();
        let (stale, stale_ev) = (next.clone(), ev.clone());
        let mut never = d.clone();
        never.version += 7;
        actions.push(tokio::spawn(async move {
            s.append_transition(&never, &stale, &stale_ev, &[]).await
        }));
        let s = store.clone();
        let before = d.clone();
        actions.push(tokio::spawn(async move {
            s.append_transition(&before, &next, &ev, &[]).await
        }));
    }
    let mut written = 0;
    for t in tasks {
        let (d, r) = t.await.unwrap();
        let i: u32 = d.code.as_str()[13..].parse().unwrap();
        let clash = i <= 10;
        let dup_key = !clash && (i - 100).is_multiple_of(5);
        if clash || dup_key {
            assert!(
                matches!(r, Err(StoreError::Duplicate(_))),
                "{}: {r:?}",
                d.code.as_str()
            );
            assert!(
                store.events(d.id).await.unwrap().is_empty(),
                "{}",
                d.code.as_str()
            );
        } else {
            r.unwrap();
            assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d.clone()));
            assert_eq!(store.events(d.id).await.unwrap().len(), 1);
            written += 1;
        }
    }
    assert_eq!(written, 16);
    let outcomes: Vec<_> = futures_join(actions).await;
    for pair in outcomes.chunks(2) {
        assert!(
            matches!(pair[0], Err(StoreError::Conflict)),
            "{:?}",
            pair[0]
        );
        assert!(pair[1].is_ok(), "{:?}", pair[1]);
    }
    for d in &stored {
        let now = store.dossier(&d.code).await.unwrap().unwrap();
        assert_eq!(now.version, d.version + 1);
        assert_eq!(store.events(d.id).await.unwrap().len(), 2);
    }
    assert_eq!(store.count_dossiers().await.unwrap(), 26);
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Lists filter by agency (receiving, competent or current), status, overdue and procedure, and
/// order by due date.
pub async fn list_filters_and_orders_by_due_date(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    ); // due Thu 6th 09:00
    let (a2, e2) = sample_dossier(
        "24958-250303-0002",
        "24958.TTPVHCC",
        datetime!(2025-03-03 08:00 +7),
    ); // due Thu 6th 08:00
    let (b1, f1) = sample_dossier(
        "24781-250310-0001",
        "24781.TTPVHCC",
        datetime!(2025-03-10 09:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    let a1t = act(
        &store,
        &a1,
        Command::Transfer {
            to_agency: a("68.STP"),
            note: None,
            consultation: true,
        },
        datetime!(2025-03-04 09:00 +7),
    )
    .await;
    let codes = |v: Vec<DossierListing>| {
        v.into_iter()
            .map(|d| d.code.to_string())
            .collect::<Vec<_>>()
    };
    let base = DossierFilter {
        limit: 50,
        ..Default::default()
    };
    let f = DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0002", "24958-250303-0001"]
    );
    let f = DossierFilter {
        agency: Some(a("68.STP")),
        ..base.clone()
    };
    // A listing is the stored dossier's own fields, as it is now.
    assert_eq!(
        store.list_dossiers(&f).await.unwrap(),
        [DossierListing::from(&a1t)]
    );
    let f = DossierFilter {
        status: StatusFilter::Is(Status::Processing),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
    let f = DossierFilter {
        due_before: Some(datetime!(2025-03-07 00:00 +7)),
        ..base.clone()
    };
    assert_eq!(store.list_dossiers(&f).await.unwrap().len(), 2);
    // A window of due dates (the escalation job's): none before, all after.
    let all_due: Vec<_> = store
        .list_dossiers(&base)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|d| d.due_at)
        .collect();
    let earliest = *all_due.iter().min().unwrap();
    let f = DossierFilter {
        due_after: Some(earliest + time::Duration::seconds(1)),
        ..base.clone()
    };
    let later = store.list_dossiers(&f).await.unwrap();
    assert_eq!(
        later.len(),
        all_due.len() - all_due.iter().filter(|t| **t == earliest).count()
    );
    assert!(later.iter().all(|d| d.due_at.unwrap() > earliest));
    let f = DossierFilter {
        procedure: Some(ProcedureCode::parse("1.001193").unwrap()),
        ..base.clone()
    };
    assert!(store.list_dossiers(&f).await.unwrap().is_empty());
    let f = DossierFilter {
        province: Some(p("01")),
        ..base.clone()
    };
    assert!(store.list_dossiers(&f).await.unwrap().is_empty());
    let f = DossierFilter {
        province: Some(p("68")),
        ..base.clone()
    };
    assert_eq!(store.list_dossiers(&f).await.unwrap().len(), 3);
    let f = DossierFilter {
        limit: 1,
        offset: 1,
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
    // An agency's pages: a dossier it both receives and holds comes once, pages do not overlap,
    // and the other filters apply to every role.
    for (offset, want) in [
        (0, vec!["24958-250303-0002"]),
        (1, vec!["24958-250303-0001"]),
        (2, vec![]),
    ] {
        let f = DossierFilter {
            agency: Some(a("24958.TTPVHCC")),
            limit: 1,
            offset,
            ..base.clone()
        };
        assert_eq!(
            codes(store.list_dossiers(&f).await.unwrap()),
            want,
            "offset {offset}"
        );
    }
    let f = DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        status: StatusFilter::Is(Status::Processing),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
}

/// The open list (the staff inbox's default) keeps every status but the closed ones, merged in
/// due-date order across statuses and roles; every status, or one closed status, finds the
/// closed; a status whose clock is stopped is never overdue.
pub async fn open_lists_leave_closed_dossiers_out(store: Arc<dyn Store>) {
    seeded(&store).await;
    let agency = "24958.TTPVHCC";
    // Received on the 3rd at 09:00 and 08:00 and on the 4th: due the 6th 09:00, the 6th 08:00,
    // the 7th.
    let (r1, e1) = sample_dossier("24958-250303-0001", agency, datetime!(2025-03-03 09:00 +7));
    let (r2, e2) = sample_dossier("24958-250303-0002", agency, datetime!(2025-03-03 08:00 +7));
    let (r3, e3) = sample_dossier("24958-250304-0001", agency, datetime!(2025-03-04 09:00 +7));
    for (d, e) in [(&r1, &e1), (&r2, &e2), (&r3, &e3)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    // The first moves on to processing (another status, still open); the second is withdrawn.
    let p1 = act(
        &store,
        &r1,
        Command::Transfer {
            to_agency: a("68.STP"),
            note: None,
            consultation: true,
        },
        datetime!(2025-03-04 09:00 +7),
    )
    .await;
    let w2 = act(
        &store,
        &r2,
        Command::Withdraw { reason: None },
        datetime!(2025-03-04 10:00 +7),
    )
    .await;
    assert!(w2.status.is_closed() && !p1.status.is_closed());
    let list = |status: StatusFilter, due_before: Option<time::OffsetDateTime>| {
        let store = store.clone();
        async move {
            let f = DossierFilter {
                agency: Some(a(agency)),
                status,
                due_before,
                limit: 50,
                ..Default::default()
            };
            let by_agency = store.list_dossiers(&f).await.unwrap();
            // The same without the agency (the province's or the country's list) agrees.
            let everywhere = store
                .list_dossiers(&DossierFilter { agency: None, ..f })
                .await
                .unwrap();
            assert_eq!(by_agency, everywhere, "{status:?}");
            by_agency
                .into_iter()
                .map(|d| d.code.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(StatusFilter::Open, None).await,
        ["24958-250303-0001", "24958-250304-0001"]
    );
    assert_eq!(
        list(StatusFilter::Any, None).await,
        [
            "24958-250303-0002",
            "24958-250303-0001",
            "24958-250304-0001"
        ]
    );
    assert_eq!(
        list(StatusFilter::Is(Status::Withdrawn), None).await,
        ["24958-250303-0002"]
    );
    let later = Some(datetime!(2025-03-20 00:00 +7));
    assert_eq!(
        list(StatusFilter::Open, later).await,
        ["24958-250303-0001", "24958-250304-0001"]
    );
    assert!(
        list(StatusFilter::Is(Status::Withdrawn), later)
            .await
            .is_empty()
    );
}

/// The escalation sweep's pages: one province's open dossiers, due in a range (by due date, then
/// code, ties across a page boundary neither lost nor repeated) or in one status (by code);
/// closed dossiers and other provinces never appear.
pub async fn watch_pages_walk_a_province_by_keyset(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut open = Vec::new();
    // Five due Thursday 09:00 (a tie of five), two due Thursday 08:00, one due the next week.
    for (n, at) in [
        (1, datetime!(2025-03-03 09:00 +7)),
        (2, datetime!(2025-03-03 09:00 +7)),
        (3, datetime!(2025-03-03 09:00 +7)),
        (4, datetime!(2025-03-03 09:00 +7)),
        (5, datetime!(2025-03-03 09:00 +7)),
        (6, datetime!(2025-03-03 08:00 +7)),
        (7, datetime!(2025-03-03 08:00 +7)),
        (8, datetime!(2025-03-10 09:00 +7)),
    ] {
        let (d, e) = sample_dossier(&format!("24958-250303-000{n}"), "24958.TTPVHCC", at);
        store.insert_dossier(&d, &e, None, &[]).await.unwrap();
        open.push(d);
    }
    // In processing (still open); finished (closed); another province's.
    act(
        &store,
        &open[5],
        Command::Transfer {
            to_agency: a("24958.UBND"),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-03 10:00 +7),
    )
    .await;
    act(
        &store,
        &open[6],
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-03 10:00 +7),
    )
    .await;
    let (other, e) = sample_dossier(
        "00004-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let other = Dossier {
        province_code: p("01"),
        ..other
    };
    store.insert_dossier(&other, &e, None, &[]).await.unwrap();

    // Every page of `scope` in the province, `limit` at a time.
    let walk = |province: &'static str, scope: WatchScope, limit: u32| {
        let store = store.clone();
        async move {
            let mut after: Option<WatchCursor> = None;
            let mut seen = Vec::new();
            loop {
                let page = store
                    .watch_page(&WatchPage {
                        province: p(province),
                        scope,
                        after: after.take(),
                        limit,
                    })
                    .await
                    .unwrap();
                assert!(page.len() <= limit as usize);
                after = page.last().map(WatchCursor::after);
                let more = page.len() == limit as usize;
                seen.extend(page.into_iter().map(|d| d.code.to_string()));
                if !more {
                    return seen;
                }
            }
        }
    };
    let week = WatchScope::DueBetween {
        from: datetime!(2025-03-06 00:00 +7),
        to: datetime!(2025-03-07 00:00 +7),
    };
    let want = [
        "24958-250303-0006",
        "24958-250303-0001",
        "24958-250303-0002",
        "24958-250303-0003",
        "24958-250303-0004",
        "24958-250303-0005",
    ];
    for limit in [1, 2, 3, 4, 50] {
        assert_eq!(walk("68", week, limit).await, want, "pages of {limit}");
    }
    // The range's end is excluded, its start included.
    let thursday_8 = WatchScope::DueBetween {
        from: datetime!(2025-03-06 08:00 +7),
        to: datetime!(2025-03-06 09:00 +7),
    };
    assert_eq!(walk("68", thursday_8, 2).await, ["24958-250303-0006"]);
    assert_eq!(
        walk("01", week, 2).await,
        ["00004-250303-0001"],
        "only its own province"
    );
    assert_eq!(
        walk("68", WatchScope::InStatus(Status::Received), 3).await,
        [
            "24958-250303-0001",
            "24958-250303-0002",
            "24958-250303-0003",
            "24958-250303-0004",
            "24958-250303-0005",
            "24958-250303-0008",
        ]
    );
    assert_eq!(
        walk("68", WatchScope::InStatus(Status::Processing), 3).await,
        ["24958-250303-0006"]
    );
    assert!(
        walk("68", WatchScope::InStatus(Status::Finished), 3)
            .await
            .contains(&"24958-250303-0007".to_owned()),
        "a status page reads the status it is given"
    );
}

/// Many dossiers by code in one call: each one found once, unknown codes left out.
pub async fn dossiers_are_read_by_codes(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut written = Vec::new();
    for n in 1..=5 {
        let (d, e) = sample_dossier(
            &format!("24958-250303-000{n}"),
            "24958.TTPVHCC",
            datetime!(2025-03-03 09:00 +7),
        );
        store.insert_dossier(&d, &e, None, &[]).await.unwrap();
        written.push(d);
    }
    assert!(store.dossiers(&[]).await.unwrap().is_empty());
    let ask = [
        written[3].code.clone(),
        DossierCode::parse("24958-250303-0999").unwrap(),
        written[0].code.clone(),
        written[0].code.clone(),
        written[4].code.clone(),
    ];
    let mut got = store.dossiers(&ask).await.unwrap();
    got.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    assert_eq!(
        got,
        vec![written[0].clone(), written[3].clone(), written[4].clone()]
    );
    // After a transition the read gives the new version.
    let moved = assign(&store, &written[0], "A", datetime!(2025-03-03 10:00 +7)).await;
    let got = store.dossiers(&[written[0].code.clone()]).await.unwrap();
    assert_eq!(got, vec![moved]);
}

/// Events come back in order, alone or with their dossier in one read; chain heads match the
/// dossier rows.
pub async fn events_and_chain_heads(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    let (d2, ev2) = apply(
        &d,
        Command::Assign {
            handler: crate::officer("A"),
        },
        datetime!(2025-01-24 10:00 +7),
    );
    store.append_transition(&d, &d2, &ev2, &[]).await.unwrap();
    let evs = store.events(d.id).await.unwrap();
    assert_eq!(evs, vec![ev.clone(), ev2.clone()]);
    let heads = store.chain_heads().await.unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].version, 2);
    assert_eq!(heads[0].last_event_hash, ev2.hash);

    // The dossier with its events in one read: this dossier's only, in order, the new version.
    let (other, other_ev) = sample_dossier(
        "24958-250124-0002",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:30 +7),
    );
    store
        .insert_dossier(&other, &other_ev, None, &[])
        .await
        .unwrap();
    assert_eq!(
        store.dossier_with_events(&d.code).await.unwrap(),
        Some((d2, vec![ev, ev2]))
    );
    assert_eq!(
        store.dossier_with_events(&other.code).await.unwrap(),
        Some((other, vec![other_ev]))
    );
    let unknown = DossierCode::parse("24958-250124-0999").unwrap();
    assert_eq!(store.dossier_with_events(&unknown).await.unwrap(), None);
}

/// A bulk load stores every dossier with its events exactly as given, raises code sequences
/// (never lowers them), and on a duplicate key writes nothing at all.
pub async fn bulk_load_writes_whole_histories_or_nothing(store: Arc<dyn Store>) {
    use motcua_app::ports::BulkBatch;
    seeded(&store).await;
    let mut dossiers = Vec::new();
    for i in 1..=3 {
        let (d, ev) = sample_dossier(
            &format!("24958-250124-{i:04}"),
            "24958.TTPVHCC",
            datetime!(2025-01-24 09:00 +7),
        );
        let (d2, ev2) = apply(
            &d,
            Command::Assign {
                // Text that needs quoting in any bulk format.
                handler: crate::officer(r#"Lê "Văn", A,B \N"#),
            },
            datetime!(2025-01-24 10:00 +7),
        );
        dossiers.push((d2, vec![ev, ev2]));
    }
    let prefix = "24958-250124".to_string();
    store.next_code_sequence(&p("68"), &prefix).await.unwrap();
    let batch = BulkBatch {
        dossiers: dossiers.clone(),
        sequences: vec![(p("68"), prefix.clone(), 3)],
    };
    store.bulk_load(&batch).await.unwrap();
    for (d, evs) in &dossiers {
        assert_eq!(store.dossier(&d.code).await.unwrap().as_ref(), Some(d));
        assert_eq!(&store.events(d.id).await.unwrap(), evs);
    }
    assert_eq!(store.count_dossiers().await.unwrap(), 3);
    // The sequence was raised to 3: the next intake gets 4.
    assert_eq!(
        store.next_code_sequence(&p("68"), &prefix).await.unwrap(),
        4
    );
    // A lower number never lowers it.
    let lower = BulkBatch {
        dossiers: vec![],
        sequences: vec![(p("68"), prefix.clone(), 1)],
    };
    store.bulk_load(&lower).await.unwrap();
    assert_eq!(
        store.next_code_sequence(&p("68"), &prefix).await.unwrap(),
        5
    );
    // One duplicate in a batch: nothing of the batch is written.
    let (fresh, fresh_ev) = sample_dossier(
        "24958-250124-0009",
        "24958.TTPVHCC",
        datetime!(2025-01-24 11:00 +7),
    );
    let bad = BulkBatch {
        dossiers: vec![(fresh.clone(), vec![fresh_ev]), dossiers[0].clone()],
        sequences: vec![],
    };
    assert!(store.bulk_load(&bad).await.is_err());
    assert_eq!(store.dossier(&fresh.code).await.unwrap(), None);
    assert_eq!(store.count_dossiers().await.unwrap(), 3);
}

/// The officer's desk (issue #32): a search finds by code, identity number, phone and the name's
/// words (folded, by their beginnings) only inside the list's scope — an agency's (any of its
/// three roles, following a transfer), a province's, everything; the handler and approver
/// filters; the other orders; the tab counts. Both stores answer alike.
pub async fn the_desk_searches_filters_and_counts_in_its_scope(store: Arc<dyn Store>) {
    use motcua_app::ports::{HandlerFilter, InboxCountQuery, ListOrder};
    use motcua_domain::dossier::search::SearchQuery;
    seeded(&store).await;
    let named = |code: &str, center: &str, at, name: &str, phone: &str, id: &str| {
        let (mut d, e) = sample_dossier(code, center, at);
        d.applicant.name = name.into();
        d.applicant.phone = phone.parse().unwrap();
        d.applicant.id_number = id.parse().unwrap();
        (d, e)
    };
    let (an, e1) = named(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
        "Nguyễn Văn An",
        "0912000001",
        "068095000001",
    );
    let (be, e2) = named(
        "24958-250303-0002",
        "24958.TTPVHCC",
        datetime!(2025-03-03 10:00 +7),
        "Trần Thị Bé",
        "0912000002",
        "068195000002",
    );
    let (other, e3) = named(
        "24781-250303-0001",
        "24781.TTPVHCC",
        datetime!(2025-03-03 08:00 +7),
        "Nguyễn Văn An",
        "0912000003",
        "068095000003",
    );
    for (d, e) in [(&an, &e1), (&be, &e2), (&other, &e3)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    let codes = |v: Vec<DossierListing>| {
        v.into_iter()
            .map(|d| d.code.to_string())
            .collect::<Vec<_>>()
    };
    let search = |agency: Option<&str>, province: Option<&str>, q: &str| DossierFilter {
        agency: agency.map(a),
        province: province.map(p),
        search: SearchQuery::parse(q).unwrap(),
        limit: 50,
        ..Default::default()
    };
    // (agency, province, query, codes found).
    type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a str, Vec<&'a str>);
    let cases: Vec<Case<'_>> = vec![
        (
            Some("24958.TTPVHCC"),
            None,
            "nguyen van an",
            vec!["24958-250303-0001"],
        ),
        (
            Some("24958.TTPVHCC"),
            None,
            "Nguyễn VĂN a",
            vec!["24958-250303-0001"],
        ),
        (
            Some("24958.TTPVHCC"),
            None,
            "ng v",
            vec!["24958-250303-0001"],
        ),
        (
            Some("24958.TTPVHCC"),
            None,
            "th be",
            vec!["24958-250303-0002"],
        ),
        (Some("24958.TTPVHCC"), None, "an thi", vec![]),
        (Some("24958.TTPVHCC"), None, "24781-250303-0001", vec![]),
        (
            Some("24958.TTPVHCC"),
            None,
            "24958-250303-0002",
            vec!["24958-250303-0002"],
        ),
        (Some("24958.TTPVHCC"), None, "0912000003", vec![]),
        (
            Some("24958.TTPVHCC"),
            None,
            "0912000001",
            vec!["24958-250303-0001"],
        ),
        (
            Some("24958.TTPVHCC"),
            None,
            "068195000002",
            vec!["24958-250303-0002"],
        ),
        (
            Some("24958.UBND"),
            None,
            "nguyen",
            vec!["24958-250303-0001"],
        ),
        (
            Some("24781.TTPVHCC"),
            None,
            "nguyen van an",
            vec!["24781-250303-0001"],
        ),
        (
            None,
            Some("68"),
            "nguyen van an",
            vec!["24781-250303-0001", "24958-250303-0001"],
        ),
        (None, Some("01"), "nguyen van an", vec![]),
        (
            None,
            None,
            "an",
            vec!["24781-250303-0001", "24958-250303-0001"],
        ),
        (Some("24958.TTPVHCC"), None, "5/GTN", vec![]),
    ];
    for (agency, province, q, want) in cases {
        let mut got = codes(
            store
                .list_dossiers(&search(agency, province, q))
                .await
                .unwrap(),
        );
        got.sort();
        assert_eq!(got, want, "{agency:?} {province:?} {q:?}");
    }
    // A transfer moves the name into the new holder's scope (and keeps it in the old roles').
    let moved = act(
        &store,
        &an,
        Command::Transfer {
            to_agency: a("68.STP"),
            note: None,
            consultation: true,
        },
        datetime!(2025-03-04 09:00 +7),
    )
    .await;
    assert_eq!(
        codes(
            store
                .list_dossiers(&search(Some("68.STP"), None, "an"))
                .await
                .unwrap()
        ),
        ["24958-250303-0001"]
    );
    // Handler, approver and unassigned filters.
    let back = act(
        &store,
        &moved,
        Command::Transfer {
            to_agency: a("24958.TTPVHCC"),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-04 10:00 +7),
    )
    .await;
    let held = assign(
        &store,
        &back,
        "Trần Văn Bình",
        datetime!(2025-03-04 11:00 +7),
    )
    .await;
    let binh = officer("Trần Văn Bình");
    let f = |handler, approver| DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        handler,
        approver,
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        codes(
            store
                .list_dossiers(&f(HandlerFilter::Is(binh.user), None))
                .await
                .unwrap()
        ),
        ["24958-250303-0001"]
    );
    assert_eq!(
        codes(
            store
                .list_dossiers(&f(HandlerFilter::Unassigned, None))
                .await
                .unwrap()
        ),
        ["24958-250303-0002"]
    );
    let listed = store
        .list_dossiers(&f(HandlerFilter::Is(binh.user), None))
        .await
        .unwrap();
    assert_eq!(listed[0].handler.as_deref(), Some("Trần Văn Bình"));
    assert_eq!(listed[0].handler_since, held.handler_since);
    let hoa = officer("Lê Thị Hoa");
    let waiting = act(
        &store,
        &held,
        Command::SubmitDraft {
            result: motcua_domain::dossier::DossierResult {
                summary: "Đã chứng thực".into(),
                document_number: None,
            },
            draft_document: None,
            by: binh.clone(),
            approver: hoa.clone(),
        },
        datetime!(2025-03-04 13:00 +7),
    )
    .await;
    assert_eq!(
        codes(
            store
                .list_dossiers(&f(HandlerFilter::Any, Some(hoa.user)))
                .await
                .unwrap()
        ),
        ["24958-250303-0001"]
    );
    assert!(
        store
            .list_dossiers(&f(HandlerFilter::Any, Some(binh.user)))
            .await
            .unwrap()
            .is_empty()
    );
    // Orders: newest filed first; by status (received before processing).
    let ordered = |order| DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        order,
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        codes(
            store
                .list_dossiers(&ordered(ListOrder::Newest))
                .await
                .unwrap()
        ),
        ["24958-250303-0002", "24958-250303-0001"]
    );
    assert_eq!(
        codes(
            store
                .list_dossiers(&ordered(ListOrder::Status))
                .await
                .unwrap()
        ),
        ["24958-250303-0002", "24958-250303-0001"]
    );
    // The tabs' counts, for Hoa and for Bình.
    let counts = |me: uuid::Uuid, now| InboxCountQuery {
        agency: Some(a("24958.TTPVHCC")),
        province: None,
        me,
        now,
        day_end: datetime!(2025-03-07 00:00 +7),
    };
    let c = store
        .inbox_counts(&counts(hoa.user, datetime!(2025-03-06 08:30 +7)))
        .await
        .unwrap();
    assert_eq!((c.open, c.mine, c.unassigned, c.approval), (2, 0, 1, 1));
    let c = store
        .inbox_counts(&counts(binh.user, datetime!(2025-03-06 08:30 +7)))
        .await
        .unwrap();
    assert_eq!((c.open, c.mine, c.approval), (2, 1, 0));
    // Due Thu 6th 09:00 and 10:00: both due today at 08:30, both overdue at 11:00.
    assert_eq!((c.due_today, c.overdue), (2, 0));
    let c = store
        .inbox_counts(&counts(binh.user, datetime!(2025-03-06 11:00 +7)))
        .await
        .unwrap();
    assert_eq!((c.due_today, c.overdue), (0, 2));
    let _ = waiting;
}
