//! The store conformance suite on SQLite (a fresh database file per test).

use motcua_app::Store;
use motcua_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn fresh() -> Option<(Arc<dyn Store>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("t.db"))
        .await
        .expect("open");
    Some((Arc::new(store), dir))
}

motcua_store_tests::conformance_tests!(fresh());
