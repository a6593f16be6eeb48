//! Conformance checks of the store's monitoring role: statistics, KPI counters, notices.

use super::*;

/// Dashboard counts: per status, per receiving agency, per day, on time/late, overdue now.
pub async fn stats_count_by_status_agency_and_day(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let (a2, e2) = sample_dossier(
        "24958-250304-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-04 09:00 +7),
    );
    let (b1, f1) = sample_dossier(
        "24781-250304-0001",
        "24781.TTPVHCC",
        datetime!(2025-03-04 10:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    act(
        &store,
        &a1,
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-04 10:00 +7),
    )
    .await;
    let now = datetime!(2025-03-20 09:00 +7);
    let since = datetime!(2025-03-01 00:00 +7);
    let all = store
        .dossier_stats(&p("68"), None, now, since)
        .await
        .unwrap();
    assert_eq!(
        all.by_status,
        vec![("finished".to_string(), 1), ("received".to_string(), 2)]
    );
    assert_eq!(
        all.per_day,
        vec![("2025-03-03".to_string(), 1), ("2025-03-04".to_string(), 2)]
    );
    assert_eq!((all.on_time, all.late, all.overdue), (1, 0, 2));
    assert_eq!(all.by_agency[0], ("24781.TTPVHCC".to_string(), 1, 0, 0, 1));
    assert_eq!(all.by_agency[1], ("24958.TTPVHCC".to_string(), 2, 1, 1, 1));
    let one = store
        .dossier_stats(&p("68"), Some(&a("24781.TTPVHCC")), now, since)
        .await
        .unwrap();
    assert_eq!(one.by_status, vec![("received".to_string(), 1)]);
    assert!(
        store
            .dossier_stats(&p("01"), None, now, since)
            .await
            .unwrap()
            .by_status
            .is_empty()
    );
}

/// The monthly counters follow every write (intake, transition, bulk load) in the same
/// transaction, read back by unit and period, and a rebuild from the dossiers gives the same rows
/// (issue #7, live KPIs).
pub async fn kpi_counters_follow_every_write(store: Arc<dyn Store>) {
    use motcua_app::ports::{BulkBatch, KpiQuery};
    use motcua_domain::kpi::Measure;
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let (a2, e2) = sample_dossier(
        "24958-250304-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-04 09:00 +7),
    );
    let (b1, f1) = sample_dossier(
        "24781-250401-0001",
        "24781.TTPVHCC",
        datetime!(2025-04-01 09:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    let (a1f, mut a1e) = apply(
        &a1,
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-04 10:00 +7),
    );
    a1e.actor = "token:0192e0a0-0000-7000-8000-000000000001".into();
    store.append_transition(&a1, &a1f, &a1e, &[]).await.unwrap();
    // A conflicting write changes no counter.
    assert!(store.append_transition(&a1, &a1f, &a1e, &[]).await.is_err());
    let q = |agencies: Option<Vec<AgencyCode>>, from: &str, to: &str| KpiQuery {
        province: p("68"),
        agencies,
        from_month: from.into(),
        to_month: to.into(),
    };
    let march = store
        .kpi_rows(&q(None, "2025-03", "2025-03"))
        .await
        .unwrap();
    assert_eq!(march.len(), 1, "{march:?}");
    let r = &march[0];
    assert_eq!(
        (r.agency.as_str(), r.month.as_str(), r.procedure.as_str()),
        ("24958.UBND", "2025-03", "2.000815")
    );
    let c = &r.counts;
    assert_eq!(
        [
            c.get(Measure::Filed),
            c.get(Measure::Received),
            c.get(Measure::Finished),
            c.get(Measure::Open),
            c.get(Measure::ChannelDirect),
            c.get(Measure::TimedCount),
        ],
        [2, 2, 1, 1, 2, 1]
    );
    assert_eq!(c.get(Measure::Early) + c.get(Measure::OnTime), 1);
    let only_b = store
        .kpi_rows(&q(Some(vec![a("24781.UBND")]), "2025-01", "2025-12"))
        .await
        .unwrap();
    assert_eq!(only_b.len(), 1);
    assert_eq!(only_b[0].month, "2025-04");
    assert!(
        store
            .kpi_rows(&q(Some(vec![]), "2025-01", "2025-12"))
            .await
            .unwrap()
            .is_empty(),
        "no agency, no rows"
    );
    // Sums by agency, procedure and month, in the database, equal the rows' sums.
    use motcua_app::ports::KpiGroup;
    let all = store
        .kpi_rows(&q(None, "2025-01", "2025-12"))
        .await
        .unwrap();
    for by in [KpiGroup::Agency, KpiGroup::Procedure, KpiGroup::Month] {
        let got = store
            .kpi_grouped(&q(None, "2025-01", "2025-12"), by)
            .await
            .unwrap();
        let mut want: std::collections::BTreeMap<String, motcua_domain::kpi::Counts> =
            Default::default();
        for r in &all {
            let k = match by {
                KpiGroup::Agency => r.agency.to_string(),
                KpiGroup::Procedure => r.procedure.to_string(),
                KpiGroup::Month => r.month.clone(),
            };
            want.entry(k).or_default().add(&r.counts);
        }
        assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{by:?}");
    }
    // Popularity: dossiers filed per procedure, every province, from a month on.
    assert_eq!(
        store.procedure_popularity("2025-01").await.unwrap(),
        vec![("2.000815".to_string(), 3)]
    );
    assert_eq!(
        store.procedure_popularity("2025-04").await.unwrap(),
        vec![("2.000815".to_string(), 1)]
    );
    assert!(
        store
            .procedure_popularity("2026-01")
            .await
            .unwrap()
            .is_empty()
    );
    let months = store
        .kpi_grouped(
            &q(Some(vec![a("24958.UBND")]), "2025-01", "2025-12"),
            KpiGroup::Month,
        )
        .await
        .unwrap();
    assert_eq!(months.len(), 1, "only March for 24958.UBND");
    // The three at once (grouping sets on PostgreSQL) are the same sums.
    let three = store
        .kpi_breakdown(&q(None, "2025-01", "2025-12"))
        .await
        .unwrap();
    for (got, by) in three
        .iter()
        .zip([KpiGroup::Agency, KpiGroup::Procedure, KpiGroup::Month])
    {
        let want = store
            .kpi_grouped(&q(None, "2025-01", "2025-12"), by)
            .await
            .unwrap();
        assert_eq!(got, &want, "{by:?}");
    }
    // An agency's open dossiers by handler (a2 open, not assigned; a1 finished).
    let load = store.handler_load(&a("24958.TTPVHCC")).await.unwrap();
    assert_eq!(
        load,
        vec![motcua_app::ports::HandlerLoad {
            id: None,
            name: None,
            open: 1
        }]
    );
    // One counter summed over every month: the backlog (a2 and b1 open).
    assert_eq!(
        store
            .kpi_sum(&q(None, "0000-00", "9999-99"), Measure::Open)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .kpi_sum(
                &q(Some(vec![a("24781.UBND")]), "2025-03", "2025-03"),
                Measure::Open
            )
            .await
            .unwrap(),
        0
    );
    // Only staff actions count for officers (the sample intakes are by "test").
    let officers = store
        .officer_rows(&p("68"), Some(&a("24958.TTPVHCC")), "2025-03", "2025-03")
        .await
        .unwrap();
    assert_eq!(officers.len(), 1, "{officers:?}");
    assert_eq!(officers[0].procedure.as_str(), "2.000815");
    assert_eq!(officers[0].counts.0, [1, 1, 0, 0, 0]);
    let whole = store
        .officer_rows(&p("68"), None, "2025-01", "2025-12")
        .await
        .unwrap();
    assert_eq!(whole, officers);
    // Overdue now: a2 is open past its due date on 20 March; a1 is finished.
    let overdue = store
        .overdue_counts(
            &p("68"),
            datetime!(2025-03-01 00:00 +7),
            datetime!(2025-04-01 00:00 +7),
            datetime!(2025-03-20 09:00 +7),
        )
        .await
        .unwrap();
    assert_eq!(overdue, vec![(a("24958.UBND"), pc("2.000815"), 1)]);
    // A rebuild from the dossiers gives the same counters.
    let before = store
        .kpi_rows(&q(None, "2000-01", "2100-12"))
        .await
        .unwrap();
    let n = store.rebuild_kpis(&p("68")).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        store
            .officer_rows(&p("68"), None, "2025-01", "2025-12")
            .await
            .unwrap(),
        officers,
        "the officers' counters are rebuilt from the events"
    );
    let mut after = store
        .kpi_rows(&q(None, "2000-01", "2100-12"))
        .await
        .unwrap();
    let mut sorted = before.clone();
    sorted.sort_by(|x, y| (&x.agency, &x.month).cmp(&(&y.agency, &y.month)));
    after.sort_by(|x, y| (&x.agency, &x.month).cmp(&(&y.agency, &y.month)));
    assert_eq!(after, sorted);
    // A bulk load adds its dossiers' counters.
    let (c1, g1) = sample_dossier(
        "24958-250305-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-05 09:00 +7),
    );
    store
        .bulk_load(&BulkBatch {
            dossiers: vec![(c1, vec![g1])],
            sequences: vec![],
        })
        .await
        .unwrap();
    let march = store
        .kpi_rows(&q(None, "2025-03", "2025-03"))
        .await
        .unwrap();
    assert_eq!(march[0].counts.get(Measure::Filed), 3);
}

/// Escalation notices are kept once per key and read by agency and role, newest first.
pub async fn notices_are_kept_once_by_key(store: Arc<dyn Store>) {
    use motcua_app::ports::Notice;
    use motcua_domain::escalation::RuleAction;
    seeded(&store).await;
    let n = |key: &str, role: Vec<Role>, action, at| Notice {
        key: key.into(),
        province_code: p("68"),
        dossier_code: DossierCode::parse("24958-250303-0001").unwrap(),
        rule_id: key.split(':').next().unwrap().into(),
        action,
        agency: a("24958.UBND"),
        roles: role,
        message: "Hồ sơ đã quá hạn".into(),
        created_at: at,
    };
    let batch = vec![
        n(
            "overdue:x:1",
            vec![Role::Specialist, Role::Leader],
            RuleAction::Notify,
            datetime!(2025-03-06 09:01 +7),
        ),
        n(
            "to-leader:x:1",
            vec![Role::Leader],
            RuleAction::EscalateToLeader,
            datetime!(2025-03-07 09:00 +7),
        ),
    ];
    assert_eq!(store.insert_notices(&batch).await.unwrap(), 2);
    // Again, concurrently: nothing new.
    let (x, y) = tokio::join!(store.insert_notices(&batch), store.insert_notices(&batch));
    assert_eq!(x.unwrap() + y.unwrap(), 0);
    let leader = store
        .notices_for(&a("24958.UBND"), Role::Leader, 10)
        .await
        .unwrap();
    assert_eq!(
        leader.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
        vec!["to-leader:x:1", "overdue:x:1"]
    );
    assert_eq!(leader[0], batch[1]);
    let specialist = store
        .notices_for(&a("24958.UBND"), Role::Specialist, 10)
        .await
        .unwrap();
    assert_eq!(specialist, vec![batch[0].clone()]);
    assert!(
        store
            .notices_for(&a("24958.UBND"), Role::CounterOfficer, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .notices_for(&a("24781.UBND"), Role::Leader, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .notices_for(&a("24958.UBND"), Role::Leader, 1)
            .await
            .unwrap()
            .len(),
        1
    );
}
