//! The search crate's tests as one binary: search over the seed catalogue and its evaluation.

mod eval;
mod search;
