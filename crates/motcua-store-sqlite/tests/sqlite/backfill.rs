//! A database whose dossiers predate the monthly counters (or lost them) gets them computed from
//! the dossiers when it is opened (issue #7).

use motcua_app::ports::KpiQuery;
use motcua_app::ports::roles::*;
use motcua_domain::kpi::Measure;
use motcua_store_sqlite::SqliteStore;
use time::macros::datetime;

#[tokio::test]
async fn counters_are_backfilled_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    for (code, at) in [
        ("24958-250303-0001", datetime!(2025-03-03 09:00 +7)),
        ("24958-250304-0001", datetime!(2025-03-04 09:00 +7)),
    ] {
        let (d, ev) = motcua_store_tests::sample_dossier(code, "24958.TTPVHCC", at);
        store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    }
    let q = KpiQuery {
        province: "68".parse().unwrap(),
        agencies: None,
        from_month: "2025-01".into(),
        to_month: "2025-12".into(),
    };
    let before = store.kpi_rows(&q).await.unwrap();
    assert_eq!(before[0].counts.get(Measure::Filed), 2);
    store
        .execute_raw("DELETE FROM kpi_monthly; DELETE FROM kpi_officers;")
        .await
        .unwrap();
    assert!(store.kpi_rows(&q).await.unwrap().is_empty());
    store.close().await;
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert_eq!(reopened.kpi_rows(&q).await.unwrap(), before);
}
