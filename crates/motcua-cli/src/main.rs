//! # motcua
//!
//! The one binary: `serve`, `demo`, `init`, `migrate`, `import`, `export`, `token`, `audit`,
//! `calendar`, `pki`, `sign`, `verify`. Everything is in the library (`src/lib.rs`), so that the
//! tests link the application once rather than once more as this binary's own test harness.

/// mimalloc instead of the system allocator: a request allocates and frees many small
/// buffers on two or more threads, where glibc's malloc spent about a tenth of the server's CPU
/// at the benchmark's peak (`perf`, docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    motcua_cli::main()
}
