//! Procedure search for motcua: a tantivy index over the catalogue with Vietnamese folding
//! and an everyday-language lexicon kept as data (`data/search/lexicon.toml`).
//!
//! Search is a pure in-memory computation over the catalogue (no I/O), so the application
//! layer uses this crate directly rather than through a port; see `docs/ARCHITECTURE.md`.

pub mod assistant;
pub mod eval;
pub mod index;
pub mod lexicon;

pub use index::{Hit, IndexError, ProcedureIndex};
pub use lexicon::{Analysis, Lexicon};
