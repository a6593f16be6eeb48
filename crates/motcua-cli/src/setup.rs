//! Opening the store and loading the shipped reference data.

use crate::settings::{DatabaseTarget, Settings};
use anyhow::{Context, Result, anyhow};
use motcua_app::{App, AppSettings, Store, SystemClock};
use motcua_domain::calendar::{OfficeHours, official_2025};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::units::UnitsData;
use motcua_store_postgres::{PgOptions, PgStore};
use motcua_store_sqlite::SqliteStore;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

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
        defer_documents: s.defer_documents,
        sessions: motcua_domain::accounts::SessionPolicy {
            idle: time::Duration::minutes(i64::from(s.session_idle_minutes.clamp(1, 24 * 60))),
            absolute: time::Duration::hours(i64::from(s.session_hours.clamp(1, 72))),
        },
        lockout: Default::default(),
        escalation_rules: match &s.escalation_rules_file {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let rules: Vec<motcua_domain::escalation::EscalationRule> =
                    serde_json::from_str(&text)
                        .with_context(|| format!("escalation rules in {}", path.display()))?;
                motcua_domain::escalation::validate(&rules)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("escalation rules in {}", path.display()))?;
                Some(rules)
            }
        },
    })
}

/// An open database: the embedded SQLite store or a PostgreSQL pool.
#[derive(Clone)]
pub enum Db {
    /// SQLite.
    Sqlite(Arc<SqliteStore>),
    /// PostgreSQL.
    Postgres(Arc<PgStore>),
}

impl Db {
    /// The store behind the use cases.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(s) => s.clone(),
            Db::Postgres(s) => s.clone(),
        }
    }

    /// Applies pending migrations; returns how many the schema now has.
    pub async fn migrate(&self) -> Result<usize> {
        match self {
            Db::Sqlite(s) => s.migrate().await,
            Db::Postgres(s) => s.migrate().await,
        }
        .map_err(|e| anyhow!("{e}"))
    }

    /// Refreshes the planner's statistics and, on PostgreSQL, the visibility map (after a bulk
    /// load).
    pub async fn analyze(&self) -> Result<()> {
        match self {
            Db::Sqlite(s) => s.execute_raw("ANALYZE").await.map(|_| ()),
            Db::Postgres(s) => s.vacuum_analyze().await,
        }
        .map_err(|e| anyhow!("{e}"))
    }

    /// Closes the connections (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => s.close().await,
            Db::Postgres(s) => s.close().await,
        }
    }
}

/// PostgreSQL pool settings from the settings; a serving process keeps its whole pool open.
pub fn pg_options(s: &Settings, serving: bool) -> PgOptions {
    PgOptions {
        max_connections: s.db_max_connections,
        min_connections: if serving { s.db_max_connections } else { 0 },
        statement_timeout: Duration::from_millis(s.db_statement_timeout_ms),
        acquire_timeout: Duration::from_millis(s.db_acquire_timeout_ms),
    }
}

/// New files of this process are readable and writable by its owner only (umask 077): the
/// SQLite database, its WAL and shared-memory files (created by SQLite itself), backups, keys.
pub fn private_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates the data directory owner-only (0700), or — when it exists with looser permissions,
/// or its database files do — says so and tightens them: applicants' identity numbers, phones
/// and addresses must not be readable by every local user.
pub fn secure_data_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .with_context(|| format!("creating {}", dir.display()))?;
            return Ok(());
        }
        let tighten = |p: &Path, mode: u32| -> Result<()> {
            let Ok(meta) = std::fs::metadata(p) else {
                return Ok(());
            };
            let now = meta.permissions().mode() & 0o777;
            if now & 0o077 != 0 {
                eprintln!(
                    "WARNING: {} was readable by other users (mode {now:o}); set to {mode:o}",
                    p.display()
                );
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
                    .with_context(|| format!("restricting {}", p.display()))?;
            }
            Ok(())
        };
        tighten(dir, 0o700)?;
        for name in ["motcua.db", "motcua.db-wal", "motcua.db-shm"] {
            tighten(&dir.join(name), 0o600)?;
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(())
}

/// Opens (creating and migrating) the database the settings name; `serving` for `serve` and
/// `demo`, which keep their connections open.
pub async fn open_store(s: &Settings, serving: bool) -> Result<Db> {
    let target = s.database_target();
    match &target {
        DatabaseTarget::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                secure_data_dir(dir)?;
            }
            let store = SqliteStore::open(path)
                .await
                .with_context(|| format!("opening {}", path.display()))?;
            Ok(Db::Sqlite(Arc::new(store)))
        }
        DatabaseTarget::Postgres(url) => {
            let store = PgStore::connect(url, &pg_options(s, serving))
                .await
                .with_context(|| format!("connecting to {}", target.describe()))?;
            Ok(Db::Postgres(Arc::new(store)))
        }
    }
}

/// Opens the app on the store with the system clock.
pub async fn open_app(s: &Settings, store: Arc<dyn Store>) -> Result<App> {
    let app = App::new(store, Arc::new(SystemClock), app_settings(s)?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = with_documents(s, app);
    Ok(match &s.assistant_generator_url {
        Some(url) => {
            let g = motcua_search::generator::Generator::new(
                motcua_search::generator::GeneratorConfig {
                    url: url.clone(),
                    model: s.assistant_generator_model.clone(),
                    api_key: s.assistant_generator_key.clone(),
                    timeout: std::time::Duration::from_millis(s.assistant_generator_timeout_ms),
                },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(url = %url, "the assistant's answers are rephrased by a generator (checked)");
            app.with_generator(g)
        }
        None => app,
    })
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
pub async fn init(s: &Settings, store: Arc<dyn Store>) -> Result<(App, InitReport)> {
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
