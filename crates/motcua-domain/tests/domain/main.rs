//! The domain's tests as one binary (one link instead of ten): the rules as tables and properties.
//! Run one module with `cargo test -p motcua-domain --test domain -- calendar::`.

mod common;

mod access;
mod approval;
mod calendar;
mod declaration;
mod escalation;
mod integrity;
mod kpi;
mod listing;
mod portal;
mod staffing;
mod state_machine;
mod transfer;
mod units;
