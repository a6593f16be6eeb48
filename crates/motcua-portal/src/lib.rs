//! # motcua-portal
//!
//! The national public service portal (DVCQG) as a peer (issue #33): [`protocol`] — what both
//! sides send; [`client`] — the HTTP adapter of `motcua_app::exchange::NationalPortal`;
//! [`sim`] — a simulator of the portal with faults on request, which `motcua demo` starts and
//! the tests use (the `motcua-portal-sim` binary serves it on its own).

pub mod client;
pub mod protocol;
pub mod sim;
