//! # motcua-app
//!
//! The use cases of the one-stop system — open a dossier, act on it, track it, search the
//! catalogue, compute a due date, verify the audit chain — and the ports they need: the
//! [`ports::Store`] trait (shaped by use case, not generic CRUD, so each backend's SQL stays
//! small) and the [`ports::Clock`].
//!
//! Transaction boundaries live here: each writing store call is atomic (for example
//! `append_transition`: the new dossier state and its event, or nothing). An action makes one; an
//! intake makes two — its numbers (`next_code_sequences`), then the dossier (`insert_dossier`) —
//! so a failure between them leaves two numbers unused, never a half-written dossier.

pub mod accounts;
pub mod assistant;
pub mod audit;
pub mod authority;
pub mod catalogue;
pub mod citizens;
pub mod declarations;
pub mod desk;
pub mod documents;
pub mod dossiers;
pub mod drafts;
pub mod error;
pub mod escalation;
pub mod exchange;
pub mod integrity;
pub mod lanes;
pub mod linked;
pub mod monitoring;
pub mod ports;
pub mod service;
pub mod staffing;
pub mod store_rows;
pub mod store_support;
pub mod supplements;
pub mod tokens;

pub use error::AppError;
pub use ports::{Clock, FixedClock, Store, StoreError, SystemClock};
pub use service::{Actor, App, AppSettings, Principal, StaffActor};
