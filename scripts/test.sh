#!/usr/bin/env bash
# Runs every test of motcua: the Rust workspace (domain tables and properties, the store
# conformance suite, HTTP through the router, the binary end to end), then the browser journeys
# in Debian's Chromium (e2e/). Needs the packages of scripts/install-system-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() { echo "=== scripts/test.sh: $1 at $((SECONDS / 60)) min $((SECONDS % 60)) s"; }

# PostgreSQL: the store conformance suite and the durability tests run on both stores. With
# MOTCUA_TEST_DATABASE_URL they use that server (one fresh database per test); without it, a
# throw-away server of their own, removed at the end (scripts/throwaway-postgres.sh).
if [ -z "${MOTCUA_TEST_DATABASE_URL:-}" ]; then
  eval "$(scripts/throwaway-postgres.sh start)"
  trap 'scripts/throwaway-postgres.sh stop "$MOTCUA_THROWAWAY_PG"' EXIT
fi

# With CI set, the workspace's own crates are compiled by clippy-driver with every warning an
# error: the lints come with the test build instead of a second full build by `cargo clippy`
# (docs/BENCHMARKS.md, "Build"). Dependencies are compiled by rustc as always.
if [ -n "${CI:-}" ]; then
  export RUSTC_WORKSPACE_WRAPPER="${RUSTC_WORKSPACE_WRAPPER:-$(command -v clippy-driver)}"
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
  export CARGO_INCREMENTAL=0
fi

# Also builds target/debug/motcua (the binary's own tests run it), which the journeys use.
phase "cargo test"
cargo test --workspace --locked ${CI:+--timings}
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

target="${CARGO_TARGET_DIR:-target}"
bin="$(cd "$target" && pwd)/debug/motcua"
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null 2>&1; then
  echo "The browser journeys need Chromium and Node.js: run scripts/install-system-deps.sh" >&2
  exit 1
fi
phase "browser journeys"
npm ci --prefix e2e --no-audit --no-fund --loglevel=error
MOTCUA_BIN="$bin" node e2e/run.mjs

# Attacks on every entry point: schemathesis against the OpenAPI document of a running server
# (no server error, no response the document does not describe), then every parser of outside
# input fuzzed for a bounded time (FUZZ_SECONDS per target).
phase "schemathesis"
MOTCUA_BIN="$bin" scripts/schemathesis.sh
phase "fuzzing"
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
phase "done"
