#!/usr/bin/env bash
# Times the README's first command as a newcomer meets it: a fresh clone of HEAD, an empty target
# directory, `cargo run --release --bin motcua -- demo`, until the first page is served.
# `scripts/measure-cold-demo.sh [port]`; prints the build's and the first page's seconds and
# leaves cargo's --timings report in the clone (docs/BENCHMARKS.md, "Build"). Uses both cores for
# about ten minutes: run nothing else beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-18080}"
work="$(mktemp -d)"
git clone -q . "$work/clone"
cd "$work/clone"
unset CARGO_TARGET_DIR
log="$work/demo.log"
start=$(date +%s.%N)
cargo run --release --locked --timings --bin motcua -- --data-dir "$work/data" demo --port "$port" >"$log" 2>&1 &
pid=$!
built=""
while true; do
  if [ -z "$built" ] && grep -q "Running" "$log"; then built=$(date +%s.%N); fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "the demo exited: $log" >&2; exit 1; fi
  sleep 1
done
end=$(date +%s.%N)
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
python3 -c "print(f'built after {$built-$start:.0f} s; first page after {$end-$start:.0f} s')"
echo "timings: $(ls "$work"/clone/target/cargo-timings/cargo-timing-2*.html)"
