//! The store conformance suite on PostgreSQL: each test gets its own database, dropped afterwards.
//! The server is `MOTCUA_TEST_DATABASE_URL` (a URL of a database to connect to for creating and
//! dropping test databases), by default the local server at 127.0.0.1:5432. Without a reachable
//! server the tests say so on stderr and return (`scripts/test.sh` prints it visibly too).

use motcua_app::Store;
use motcua_store_postgres::{PgOptions, PgStore};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::sync::Arc;

fn admin_url() -> String {
    std::env::var("MOTCUA_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("://") && url[i..].len() > 1 || url.ends_with('/') => {
            format!("{}/{db}", &url[..i])
        }
        _ => format!("{url}/{db}"),
    }
}

/// Drops the test database when the test ends (its connections are ended by `WITH (FORCE)`; the
/// pool belongs to the test's runtime, which is blocked here, so it is not closed from this side).
struct DropDb {
    name: String,
}

impl Drop for DropDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // A fresh runtime on its own thread: Drop cannot await on the test's runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

async fn fresh() -> Option<(Arc<dyn Store>, DropDb)> {
    fresh_with(PgOptions {
        max_connections: 8,
        ..PgOptions::default()
    })
    .await
}

async fn fresh_with(opts: PgOptions) -> Option<(Arc<dyn Store>, DropDb)> {
    let url = admin_url();
    let mut admin = match PgConnection::connect(&url).await {
        Ok(c) => c,
        Err(e) => {
            // Under CI a skipped test is a failed one.
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL not reachable at {url} ({e}): the conformance suite cannot run under CI"
            );
            eprintln!(
                "PostgreSQL not reachable at {url} ({e}): PostgreSQL conformance test SKIPPED"
            );
            return None;
        }
    };
    let name = format!("motcua_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let store = PgStore::connect(&with_database(&url, &name), &opts)
        .await
        .expect("connect to the test database");
    Some((Arc::new(store), DropDb { name }))
}

motcua_store_tests::conformance_tests!(fresh());

/// The statement timeout guards requests; a bulk load (a seed, a migration from another system)
/// is a batch job and must not be cancelled by it half-way on a busy machine.
#[tokio::test]
async fn a_bulk_load_is_not_cut_by_the_requests_statement_timeout() {
    use motcua_app::ports::BulkBatch;
    let Some((store, _guard)) = fresh_with(PgOptions {
        max_connections: 2,
        // Far shorter than a COPY of thousands of dossiers takes; longer than a `BEGIN`.
        statement_timeout: std::time::Duration::from_millis(50),
        ..PgOptions::default()
    })
    .await
    else {
        return;
    };
    let at = time::macros::datetime!(2025-01-24 09:00 +7);
    let dossiers: Vec<_> = (1..=5000)
        .map(|i| {
            let (d, e) = motcua_store_tests::sample_dossier(
                &format!("24958-250124-{i:04}"),
                "24958.TTPVHCC",
                at,
            );
            (d, vec![e])
        })
        .collect();
    store
        .bulk_load(&BulkBatch {
            dossiers,
            sequences: vec![],
        })
        .await
        .expect("the whole batch is loaded");
    assert_eq!(store.count_dossiers().await.unwrap(), 5000);
}

#[test]
fn database_urls_are_rewritten() {
    assert_eq!(
        with_database("postgres://u@h:5432/postgres", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h:5432", "x"),
        "postgres://u@h:5432/x"
    );
}
