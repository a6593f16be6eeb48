//! `motcua migrate`: applies the store's migrations.

use super::with_db;
use crate::settings::Settings;
use anyhow::Result;

/// `motcua migrate`.
pub(crate) async fn run(s: Settings) -> Result<()> {
    with_db(&s, false, async |db| {
        let n = db.migrate().await?;
        println!(
            "database {} is at migration {n}",
            s.database_target().describe()
        );
        Ok(())
    })
    .await
}
