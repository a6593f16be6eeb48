//! Opening the store and loading the shipped reference data.

use crate::settings::Settings;
use anyhow::{Context, Result};
use motcua_app::{App, AppSettings, SystemClock};
use motcua_domain::calendar::{OfficeHours, official_2025};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::units::UnitsData;
use motcua_store_sqlite::SqliteStore;
use std::sync::Arc;

/// The NSO unit files, embedded (see `data/units/README.md`).
pub const PROVINCES_CSV: &str = include_str!("../../../data/units/provinces_2025.csv");
/// Communes.
pub const COMMUNES_CSV: &str = include_str!("../../../data/units/communes_2025.csv");
/// Old → new mapping.
pub const MAPPING_CSV: &str = include_str!("../../../data/units/mapping_2025.csv");
/// The seed catalogue (see `data/procedures/README.md`).
pub const SEED_PROCEDURES: &str = include_str!("../../../data/procedures/seed.json");

/// The shipped units.
pub fn shipped_units() -> Result<UnitsData> {
    UnitsData::from_csv(PROVINCES_CSV, COMMUNES_CSV, MAPPING_CSV).context("shipped unit data")
}

/// The shipped seed catalogue.
pub fn seed_procedures() -> Result<Vec<Procedure>> {
    serde_json::from_str(SEED_PROCEDURES).context("shipped seed catalogue")
}

/// App settings from settings.
pub fn app_settings(s: &Settings) -> Result<AppSettings> {
    Ok(AppSettings {
        code_pattern: CodePattern::parse(&s.code_pattern)
            .map_err(anyhow::Error::msg)
            .context("code_pattern")?,
        default_office_hours: OfficeHours::parse(&s.office_hours)
            .map_err(anyhow::Error::msg)
            .context("office_hours")?,
    })
}

/// Opens (creating and migrating) the database.
pub async fn open_store(s: &Settings) -> Result<Arc<SqliteStore>> {
    let path = s.database_path();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let store = SqliteStore::open(&path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    Ok(Arc::new(store))
}

/// Opens the app on the store with the system clock.
pub async fn open_app(s: &Settings, store: Arc<SqliteStore>) -> Result<App> {
    let app = App::new(store, Arc::new(SystemClock), app_settings(s)?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(with_documents(s, app))
}

/// Attaches the document engine: forms are issued at their actions, signed when the agency has
/// a signing identity, with QR links to `public_url`.
pub fn with_documents(s: &Settings, app: App) -> App {
    let public = s
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{}", s.listen, s.port));
    app.with_documents(Arc::new(s.document_engine()), &public)
}

/// What `init` loaded.
#[derive(Debug)]
pub struct InitReport {
    /// Provinces, communes, mapping rows.
    pub units: (usize, usize, usize),
    /// Agencies registered.
    pub agencies: usize,
    /// Procedures created / updated / unchanged.
    pub procedures: (usize, usize, usize),
}

/// Loads units (if the database has none), registers standard agencies, imports the seed
/// catalogue (new versions only where changed), and enters the official 2025 holiday table for
/// every province that has none. Idempotent.
pub async fn init(s: &Settings, store: Arc<SqliteStore>) -> Result<(App, InitReport)> {
    use motcua_app::Store;
    let existing = store
        .load_units()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if existing.communes.is_empty() {
        let units = shipped_units()?;
        store
            .replace_units(&units)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let app = open_app(s, store.clone()).await?;
    let units = app.units();
    let agencies = app
        .register_standard_agencies()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = app
        .import_procedures(seed_procedures()?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for p in units.provinces() {
        let years = store
            .holiday_years(&p.code)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !years.iter().any(|y| y.year == 2025) {
            app.save_holiday_year(&p.code, official_2025())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let d = units.data();
    Ok((
        app,
        InitReport {
            units: (d.provinces.len(), d.communes.len(), d.mapping.len()),
            agencies,
            procedures: (
                report.created.len(),
                report.updated.len(),
                report.unchanged.len(),
            ),
        },
    ))
}
