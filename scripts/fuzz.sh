#!/usr/bin/env bash
# Fuzzes every parser of outside input (fuzz/fuzz_targets: codes and values, pre-2025 addresses,
# the catalogue's CSV import, the JSON imports, uploaded files) with libFuzzer and AddressSanitizer:
# `scripts/fuzz.sh [seconds per target]` (default 30). Each target first replays its whole corpus
# (fuzz/corpus/<target>: the seeds and what earlier runs kept), then fuzzes for the bounded time;
# `0` seconds replays only. Whatever a run finds is written to fuzz/artifacts/<target>/ and fails
# the script. cargo-fuzz needs nightly's -Z flags: the stable toolchain accepts them with
# RUSTC_BOOTSTRAP=1 (no other toolchain is downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# A target directory of its own: the sanitiser's flags would otherwise rebuild the workspace's.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}/fuzz}"
targets=(ids address catalogue_csv json_imports upload)
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "fuzzing $t for ${seconds} s"
  # A scratch copy of the seed corpus: what a run adds is not committed.
  work="$(mktemp -d)"
  cp -r "fuzz/corpus/$t/." "$work/" 2>/dev/null || true
  if [ "$seconds" -eq 0 ]; then
    limit=(-runs=0)
  else
    limit=(-max_total_time="$seconds")
  fi
  cargo fuzz run --fuzz-dir fuzz "$t" "$work" -- \
    "${limit[@]}" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/"
  rm -rf "$work"
done
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, nothing found"
