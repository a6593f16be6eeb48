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
    let url = admin_url();
    let mut admin = match PgConnection::connect(&url).await {
        Ok(c) => c,
        Err(e) => {
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
    let store = PgStore::connect(
        &with_database(&url, &name),
        &PgOptions {
            max_connections: 8,
            ..PgOptions::default()
        },
    )
    .await
    .expect("connect to the test database");
    Some((Arc::new(store), DropDb { name }))
}

motcua_store_tests::conformance_tests!(fresh());

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
