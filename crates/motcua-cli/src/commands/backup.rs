//! `motcua backup` and `motcua restore` for the SQLite store. PostgreSQL deployments use
//! `pg_dump` / `pg_restore` (docs/OPERATIONS.md), which the tests exercise too.

use crate::settings::{DatabaseTarget, Settings};
use anyhow::{Context, Result, anyhow, bail};
use motcua_store_sqlite::SqliteStore;
use std::path::{Path, PathBuf};

const PG_HINT: &str = "for PostgreSQL use pg_dump -Fc / pg_restore as docs/OPERATIONS.md describes";

/// `motcua backup --to FILE`: the copy, then the audit anchor beside it (a restore alone cannot
/// prove its history). The database is not opened first.
pub(crate) async fn run_backup(s: Settings, to: PathBuf) -> Result<()> {
    println!("{}", backup(&s, &to).await?);
    if let Some(copy) = s.anchor().export_beside(&to)? {
        println!("audit checkpoints copied to {}", copy.display());
    }
    Ok(())
}

/// `motcua restore FILE [--force]`.
pub(crate) async fn run_restore(s: Settings, file: PathBuf, force: bool) -> Result<()> {
    println!("{}", restore(&s, &file, force).await?);
    Ok(())
}

/// Writes a consistent copy of the running database to `to`.
pub async fn backup(s: &Settings, to: &Path) -> Result<String> {
    let DatabaseTarget::Sqlite(path) = s.database_target() else {
        bail!("{PG_HINT}");
    };
    if to.exists() {
        bail!("{} exists; choose a new file", to.display());
    }
    if !path.exists() {
        bail!("no database at {}", path.display());
    }
    let store = SqliteStore::open(&path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let r = store.backup_to(to).await.map_err(|e| anyhow!("{e}"));
    store.close().await;
    r?;
    let (dossiers, events) = check(s, to).await?;
    Ok(format!(
        "backed up {} to {} ({dossiers} dossiers, {events} events, integrity ok)",
        path.display(),
        to.display()
    ))
}

/// Checks a database file: SQLite's integrity check and every dossier's hash chain. Returns the
/// number of dossiers and events.
pub async fn check(s: &Settings, file: &Path) -> Result<(usize, usize)> {
    let store = std::sync::Arc::new(
        SqliteStore::open(file)
            .await
            .with_context(|| format!("{} is not a motcua database", file.display()))?,
    );
    let result = async {
        let integrity = store.integrity_check().await.map_err(|e| anyhow!("{e}"))?;
        if integrity != "ok" {
            bail!("{} is damaged: {integrity}", file.display());
        }
        let app = motcua_app::App::new(
            store.clone(),
            std::sync::Arc::new(motcua_app::SystemClock),
            crate::setup::app_settings(s)?,
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
        let r = app.verify_audit().await.map_err(|e| anyhow!("{e}"))?;
        if let Some(b) = r.breaks.first() {
            bail!(
                "{}: {} of {} dossiers have a broken chain (first: {} at event {}: {})",
                file.display(),
                r.breaks.len(),
                r.dossiers,
                b.dossier,
                b.seq,
                b.problem
            );
        }
        Ok((r.dossiers, r.events))
    }
    .await;
    store.close().await;
    result
}

/// Replaces the database with a checked backup. Refuses to overwrite an existing database
/// unless `force` (the old file is then kept beside it as `<name>.before-restore`).
pub async fn restore(s: &Settings, from: &Path, force: bool) -> Result<String> {
    let DatabaseTarget::Sqlite(path) = s.database_target() else {
        bail!("{PG_HINT}");
    };
    let (dossiers, events) = check(s, from).await?;
    if path.exists() {
        if !force {
            bail!(
                "{} exists; stop the server and pass --force to replace it (it is kept as {}.before-restore)",
                path.display(),
                path.display()
            );
        }
        let keep = path.with_extension("db.before-restore");
        std::fs::rename(&path, &keep)
            .with_context(|| format!("moving {} aside", path.display()))?;
        for ext in ["db-wal", "db-shm"] {
            let side = path.with_extension(ext);
            if side.exists() {
                std::fs::rename(&side, keep.with_extension(format!("before-restore-{ext}")))
                    .with_context(|| format!("moving {} aside", side.display()))?;
            }
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Copy to a temporary name in the same directory, sync, then rename: a crash leaves either
    // no database or the whole restored one.
    let tmp = path.with_extension("db.restoring");
    std::fs::copy(from, &tmp).with_context(|| format!("copying {}", from.display()))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(format!(
        "restored {} from {} ({dossiers} dossiers, {events} events, every chain verified)",
        path.display(),
        from.display()
    ))
}
