//! # motcua-domain
//!
//! The pure rules of the one-stop system: administrative units and the 2025 old→new mapping,
//! the procedure catalogue, the working-day calendar (with our own Vietnamese lunar calendar),
//! the dossier lifecycle as a pure state machine, and the hash chain of dossier events.
//!
//! Nothing here does I/O or reads the clock: time comes in as an argument, data comes in as
//! values or strings. Everything above this crate (use cases, stores, web) relies on these rules
//! being the one place where each legal fact lives.

pub mod access;
pub mod accounts;
pub mod agency;
pub mod authority;
pub mod calendar;
pub mod catalogue;
pub mod cccd_qr;
pub mod declaration;
pub mod dossier;
pub mod escalation;
pub mod exchange;
pub mod ids;
pub mod index766;
pub mod integrity;
pub mod kpi;
pub mod linked;
pub mod portal;
pub mod problem;
pub mod staffing;
pub mod text;
pub mod units;
pub mod upload;

/// Vietnam's time zone offset (UTC+7; no daylight-saving time since 1975).
pub const VN_OFFSET: time::UtcOffset = time::macros::offset!(+7);
