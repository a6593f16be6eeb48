#!/usr/bin/env bash
# Runs every test of motcua: the Rust workspace (domain tables and properties, the store
# conformance suite, HTTP through the router, the binary end to end), then the browser journeys
# in Debian's Chromium (e2e/). Needs the packages of scripts/install-system-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# The store conformance suite also runs on PostgreSQL (MOTCUA_TEST_DATABASE_URL, by default the
# local server at 127.0.0.1:5432, one fresh database per test); without a server it is skipped.
pg_url="${MOTCUA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -d "$pg_url"; then
  echo "NOTE: PostgreSQL is not reachable at $pg_url: the PostgreSQL conformance tests are SKIPPED" >&2
fi

# Also builds target/debug/motcua (the binary's own tests run it), which the journeys use.
cargo test --workspace --locked

target="${CARGO_TARGET_DIR:-target}"
bin="$(cd "$target" && pwd)/debug/motcua"
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null 2>&1; then
  echo "The browser journeys need Chromium and Node.js: run scripts/install-system-deps.sh" >&2
  exit 1
fi
npm ci --prefix e2e --no-audit --no-fund --loglevel=error
MOTCUA_BIN="$bin" node e2e/run.mjs

# Attacks on every entry point: schemathesis against the OpenAPI document of a running server
# (no server error, no response the document does not describe), then every parser of outside
# input fuzzed for a bounded time (FUZZ_SECONDS per target).
MOTCUA_BIN="$bin" scripts/schemathesis.sh
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
