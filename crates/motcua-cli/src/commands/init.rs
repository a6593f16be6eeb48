//! `motcua init`: creates the database and loads units, agencies, the seed catalogue and the
//! holiday tables (idempotent).

use super::with_db;
use crate::settings::Settings;
use crate::setup;
use anyhow::Result;

/// `motcua init`.
pub(crate) async fn run(s: Settings) -> Result<()> {
    with_db(&s, false, async |db| {
        let (_, r) = setup::init(&s, db.store()).await?;
        print_init(&s, &r);
        Ok(())
    })
    .await
}

/// What `init` (and the demo) loaded, in one line.
pub(crate) fn print_init(s: &Settings, r: &setup::InitReport) {
    println!(
        "database {}: {} provinces, {} communes, {} mapping rows, {} agencies; procedures: {} new, {} new versions, {} unchanged",
        s.database_target().describe(),
        r.units.0,
        r.units.1,
        r.units.2,
        r.agencies,
        r.procedures.0,
        r.procedures.1,
        r.procedures.2
    );
}
