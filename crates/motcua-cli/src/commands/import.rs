//! `motcua import units|procedures`: reference data from files (the shipped units by default).

use super::{app_err, with_db};
use crate::args::ImportWhat;
use crate::settings::Settings;
use crate::setup;
use anyhow::{Context, Result};

/// `motcua import …`.
pub(crate) async fn run(s: Settings, what: ImportWhat) -> Result<()> {
    with_db(&s, false, async |db| match what {
        ImportWhat::Units { dir } => {
            let data = match dir {
                None => setup::shipped_units()?,
                Some(d) => {
                    let read = |f: &str| {
                        std::fs::read_to_string(d.join(f)).with_context(|| format!("reading {f}"))
                    };
                    motcua_domain::units::UnitsData::from_csv(
                        &read("provinces_2025.csv")?,
                        &read("communes_2025.csv")?,
                        &read("mapping_2025.csv")?,
                    )?
                }
            };
            db.store()
                .replace_units(&data)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "units: {} provinces, {} communes, {} mapping rows",
                data.provinces.len(),
                data.communes.len(),
                data.mapping.len()
            );
            Ok(())
        }
        ImportWhat::Procedures { file } => {
            let app = setup::open_app(&s, db.store()).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let list = if file.extension().is_some_and(|e| e == "csv") {
                motcua_domain::catalogue::csv_import::parse(&text)?
            } else {
                serde_json::from_str(&text)
                    .context("the file must be a JSON array of procedures")?
            };
            let r = app.import_procedures(list).await.map_err(app_err)?;
            println!(
                "created {}, new versions {}, unchanged {}",
                r.created.len(),
                r.updated.len(),
                r.unchanged.len()
            );
            Ok(())
        }
    })
    .await
}
