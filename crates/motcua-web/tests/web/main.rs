//! The web crate's tests through the router, as one test binary: each module was a binary of its
//! own, and each of those linked the whole application (typst, tantivy, both stores) again — on
//! two cores that was minutes of linking and gigabytes of disk per cold build. Run one module
//! with `cargo test -p motcua-web --test web -- identity::`.

mod common;

mod apply;
mod assistant;
mod authority;
mod catalogue_admin;
mod citizens;
mod consultation;
mod declarations;
mod desk;
mod documents;
mod dossiers;
mod exchange;
mod identity;
mod integrity;
mod linked;
mod matrix;
mod more_pages;
mod page_errors;
mod page_matrix;
mod pages;
mod reference;
mod registry_pages;
mod reports;
mod snapshots;
mod staff_pages;
mod supplements;
