//! # motcua-store-postgres
//!
//! The production store: PostgreSQL through sqlx, a connection pool sized from settings, a
//! statement timeout on every connection, its own migrations. The schema mirrors the SQLite
//! store's (every row keyed by province; dossiers as indexed columns plus JSONB; an append-only,
//! hash-chained event log whose payloads are TEXT, exactly as hashed). Both stores pass the same
//! conformance suite (`motcua-store-tests`).

mod bulk;
mod cols;
mod desk;
mod json_text;
mod kpi;
mod store;
mod writes;

pub use store::{PgOptions, PgStore};
