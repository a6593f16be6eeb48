//! # motcua-store-sqlite
//!
//! The embedded store: SQLite through sqlx, in WAL mode with `synchronous=FULL` (an acknowledged
//! write survives a power cut), foreign keys on, a busy timeout, and migrations embedded in the
//! binary. Writes go through a pool of one connection (SQLite has one writer at a time; queuing
//! them in the pool avoids `SQLITE_BUSY` upgrades), reads through a separate pool. The hot writes
//! (intake, actions, numbers, finished forms) are committed in groups, one savepoint each, so that
//! concurrent requests share the disk flush (`group`).
//!
//! Every row carries its province code. Dossiers keep a few indexed columns (status, agencies,
//! due date) next to the full state as JSON; the event log is append-only (triggers) and
//! hash-chained (see `motcua_domain::dossier::chain`).

mod desk;
mod group;
mod kpi;
mod rows;
mod store;

pub use store::SqliteStore;
