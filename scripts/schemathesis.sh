#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) against the OpenAPI document of a running demo server: every
# operation with generated valid and invalid inputs, as a counter officer's service token. Fails
# on any server error and on any response that contradicts the document (status, body, content
# type). Needs a built binary ($MOTCUA_BIN, default the debug build) and Python 3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="${MOTCUA_BIN:-$(cd "$target" && pwd)/debug/motcua}"
venv="${SCHEMATHESIS_VENV:-${TMPDIR:-/tmp}/motcua-schemathesis-venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi
data="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
"$bin" --data-dir "$data" demo --no-serve --dossiers 30 >/dev/null
token="$("$bin" --data-dir "$data" token create --agency 24958.TTPVHCC --role counter_officer 2>/dev/null)"
# The load comes from one address: no rate limits for this run.
MOTCUA_LOG=warn MOTCUA_RATE_LIMIT_LOGIN_PER_MINUTE=0 MOTCUA_RATE_LIMIT_TRACKING_PER_MINUTE=0 \
  MOTCUA_RATE_LIMIT_SEARCH_PER_MINUTE=0 MOTCUA_RATE_LIMIT_VERIFY_PER_MINUTE=0 MOTCUA_RATE_LIMIT_FILING_PER_MINUTE=0 \
  "$bin" --data-dir "$data" serve --listen 127.0.0.1 --port "$port" &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
# Excluded: the three operations whose body is a PDF file, which schemathesis cannot generate; the
# file checks are fuzzed (fuzz/fuzz_targets/upload.rs) and tested through the router. The
# "examples" phase is left out: the document has almost no examples, and 4.32.5 fails inside its
# own schema cache on one of them (a KeyError in its generator, not a finding about the API).
# schemathesis 4.32.5 on CPython 3.11 sometimes fails inside its own generator (a KeyError in its
# schema cache, "AST constructor recursion depth mismatch"): reported as an *error*, with every
# generated case passing. Such a run is repeated (at most three in all); any *failure* — a server
# error or a response the document does not describe — fails at once.
for attempt in 1 2 3; do
  log="$data/schemathesis-$attempt.log"
  set +e
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --workers 2 --request-timeout 30 \
    --phases coverage,fuzzing,stateful \
    --suppress-health-check all --warnings off \
    --exclude-path-regex '^/api/v1/(verify|dossiers/\{code\}/(result|draft-result))$' 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -eq 0 ]; then exit 0; fi
  summary="$(grep -E '^=+ .* in [0-9.]+s =+$' "$log" | tail -1)"
  if echo "$summary" | grep -Eq '[0-9]+ failures?'; then
    echo "schemathesis found failures: $summary" >&2
    exit 1
  fi
  echo "schemathesis run $attempt ended with its own error only ($summary); running again" >&2
done
echo "schemathesis could not complete a run" >&2
exit 1
