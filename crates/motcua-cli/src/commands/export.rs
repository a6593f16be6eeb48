//! `motcua export procedures`: the catalogue as JSON (to a file or standard output).

use super::{app_err, with_app};
use crate::args::ExportWhat;
use crate::settings::Settings;
use anyhow::{Context, Result};

/// `motcua export …`.
pub(crate) async fn run(s: Settings, what: ExportWhat) -> Result<()> {
    let ExportWhat::Procedures { out } = what;
    with_app(&s, async |app| {
        let all = app.procedures().await.map_err(app_err)?;
        let json = serde_json::to_string_pretty(all.as_ref())?;
        match out {
            Some(p) => {
                std::fs::write(&p, json).with_context(|| format!("writing {}", p.display()))?
            }
            None => println!("{json}"),
        }
        Ok(())
    })
    .await
}
