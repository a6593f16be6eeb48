//! The SQLite store's tests as one binary: the conformance suite and the backfill of old rows.

mod backfill;
mod conformance;
