#!/usr/bin/env bash
# One benchmark run against a freshly started server (docs/BENCHMARKS.md):
#   DB=postgres://… DATA=dir [PORT=18080 WAIT=15 BIN=target/release/motcua EXTRA_ENV=…] scripts/bench-run.sh NAME [bench run args]
# Starts `motcua serve` with the per-address rate limits off and the sweep logged, waits WAIT s
# idle, runs `motcua bench run --server-pid … --json` (JSON in /tmp/bench-NAME.json), stops the
# server, and prints the machine's CPU use, each operation's percentiles, the slowest seconds of
# the run's timeline and the sweeps (`vmstat -t 1` meanwhile in /tmp/vmstat-NAME.log).
set -u
name=$1; shift
BIN=${BIN:-target/release/motcua}
DATA=${DATA:-/tmp/mc-bench}
PORT=${PORT:-18080}
DBARG=()
[ -n "${DB:-}" ] && DBARG=(--database "$DB")
# The server settings the figures depend on (docs/OPERATIONS.md); autovacuum off makes runs drift.
case "${DB:-}" in postgres*)
  psql "$DB" -Atc "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('autovacuum','shared_buffers','max_wal_size','checkpoint_timeout','wal_compression','synchronous_commit')" \
    | sed 's/^/postgres: /'
  [ "$(psql "$DB" -Atc 'SHOW autovacuum')" = on ] || echo "WARNING: autovacuum is off: dead rows pile up and each run is slower than the last"
;; esac
env MOTCUA_RATE_LIMIT_TRACKING_PER_MINUTE=0 MOTCUA_RATE_LIMIT_SEARCH_PER_MINUTE=0 MOTCUA_RATE_LIMIT_VERIFY_PER_MINUTE=0 MOTCUA_RATE_LIMIT_FILING_PER_MINUTE=0 MOTCUA_LOG=info,motcua=debug ${EXTRA_ENV:-} \
  $BIN --data-dir "$DATA" "${DBARG[@]}" serve --port $PORT > /tmp/serve-$name.log 2>&1 &
spid=$!
for i in $(seq 1 120); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 1; done
sleep ${WAIT:-5}
read -r _ u n s i rest < /proc/stat; busy0=$((u+n+s)); tot0=$((u+n+s+i))
# The machine second by second (run queue, I/O wait, blocks written), beside the run's timeline.
vmstat -t 1 > /tmp/vmstat-$name.log 2>&1 &
vpid=$!
$BIN --data-dir "$DATA" "${DBARG[@]}" bench run --url http://127.0.0.1:$PORT --server-pid $spid --json "$@" > /tmp/bench-$name.json 2>/tmp/bench-$name.err
read -r _ u n s i rest < /proc/stat; busy1=$((u+n+s)); tot1=$((u+n+s+i))
kill $vpid 2>/dev/null
echo "cpu busy: $(( 100*(busy1-busy0)/(tot1-tot0) ))%"
kill $spid; wait $spid 2>/dev/null
python3 - /tmp/bench-$name.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
print({k:r.get(k) for k in ["throughput","write_throughput","baseline_throughput","baseline_write_throughput","ratio","write_ratio","errors","server_rss_mib","server_peak_rss_mib"]})
api=r.get("api") or {}
if api.get("cpu"): print("cpu", api["cpu"])
for k,o in (r.get("operations") or {}).items():
    print(f"{k:10} {o['throughput']:8.1f}/s p50 {o['p50_ms']:7.2f} p95 {o['p95_ms']:7.2f} p99 {o['p99_ms']:7.2f} max {o['max_ms']:8.1f} err {o['errors']}")
for k in ["writes","reads"]:
    o=api.get(k)
    if o: print(f"{k:10} {o['throughput']:8.1f}/s p50 {o['p50_ms']:7.2f} p95 {o['p95_ms']:7.2f} p99 {o['p99_ms']:7.2f} max {o['max_ms']:8.1f}")
slow=sorted(api.get("timeline") or [], key=lambda s: -s["p99_ms"])[:8]
print("slowest seconds:", ", ".join(f"{s['second']}s p99 {s['p99_ms']:.0f} max {s['max_ms']:.0f} ({s['ops']} ops)" for s in sorted(slow, key=lambda s: s["second"])))
PY
grep -h "minute sweep done\|escalation notices" /tmp/serve-$name.log | tail -5 | cut -c1-300
