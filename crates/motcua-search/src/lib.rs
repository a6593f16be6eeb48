//! Procedure search for motcua: a tantivy index over the catalogue with Vietnamese folding
//! and an everyday-language lexicon kept as data (`data/search/lexicon.toml`).
//!
//! Search and the assistant's answers are pure in-memory computations over the catalogue (no
//! I/O), so the application layer uses this crate directly rather than through a port; see
//! `docs/ARCHITECTURE.md`. The one piece of I/O, the optional [`generator`] that rephrases an
//! answer, is off unless the deployment configures it.

pub mod assistant;
pub mod eval;
pub mod generator;
pub mod index;
pub mod lexicon;

pub use index::{Hit, IndexError, ProcedureIndex};
pub use lexicon::{Analysis, Lexicon};
