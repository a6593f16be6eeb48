#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the hot queries of the PostgreSQL store, with parameters picked
# from the data (a busy commune's People's Committee, a dossier code, a province). Used for the
# notes in docs/ARCHITECTURE.md. Usage: scripts/explain-hot-queries.sh postgres://…/db
set -euo pipefail
url="${1:?usage: $0 postgres://user@host/db}"
q() { psql "$url" -X -q -At -c "$1"; }
agency="$(q "SELECT competent_agency FROM dossiers WHERE status = 'processing' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")"
province="$(q "SELECT province_code FROM dossiers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")"
code="$(q "SELECT code FROM dossiers ORDER BY id DESC LIMIT 1 OFFSET 1000")"
id="$(q "SELECT id FROM dossiers WHERE code = '$code'")"
echo "agency=$agency province=$province code=$code"
explain() {
  echo
  echo "== $1"
  psql "$url" -X -q -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2"
}
# The agency's list as the store issues it: each role's index walked in due-date order, heads merged.
by_agency() {
  local b=""
  for col in current_agency receiving_agency competent_agency; do
    [ -n "$b" ] && b="$b UNION ALL "
    b="$b(SELECT id, due_at, code, data FROM dossiers WHERE $col = '$agency' $1 ORDER BY due_at, code LIMIT 50)"
  done
  echo "SELECT data FROM (SELECT DISTINCT ON (id) id, due_at, code, data FROM ($b) AS heads ORDER BY id) AS c ORDER BY due_at, code LIMIT 50 OFFSET 0"
}
explain "inbox: an agency's dossiers in processing, by due date" \
  "$(by_agency "AND status = 'processing'")"
explain "overdue scan: an agency's open dossiers past due" \
  "$(by_agency "AND status IN ('received', 'processing', 'awaiting_payment') AND due_at < now()")"
explain "overdue scan: a province's open dossiers past due" \
  "SELECT data FROM dossiers WHERE province_code = '$province' AND status IN ('received', 'processing', 'awaiting_payment') AND due_at < now() ORDER BY due_at, code LIMIT 50 OFFSET 0"
explain "tracking and actions: a dossier by code" \
  "SELECT data FROM dossiers WHERE code = '$code'"
explain "tracking: its events" \
  "SELECT id, seq, action, status, at, payload, prev_hash, hash FROM dossier_events WHERE dossier_id = '$id' ORDER BY seq"
explain "per-unit period aggregate: a province's submissions per day over 30 days" \
  "SELECT to_char(submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS d, COUNT(*) FROM dossiers WHERE province_code = '$province' AND submitted_at >= now() - interval '30 days' GROUP BY d ORDER BY d"
explain "dashboard: a province's dossiers by status (whole province)" \
  "SELECT status, COUNT(*) FROM dossiers WHERE province_code = '$province' GROUP BY status ORDER BY status"
# The escalation sweep's pages (motcua_app::escalation): read when its watch list is loaded (at
# start, then hourly) and, each minute, for the slice of due dates that entered its window.
explain "escalation sweep: a province's open dossiers due in its window, one page" \
  "SELECT data FROM dossiers WHERE province_code = '$province' AND status IN ('received', 'processing', 'awaiting_payment') AND due_at >= now() - interval '8 days' AND due_at < now() + interval '4 days' AND (NULL::text IS NULL OR (due_at, code) > (now() - interval '8 days', NULL::text)) ORDER BY due_at, code LIMIT 1000"
explain "escalation sweep: the next page (after a due date and code)" \
  "SELECT data FROM dossiers WHERE province_code = '$province' AND status IN ('received', 'processing', 'awaiting_payment') AND due_at >= now() AND due_at < now() + interval '4 days' AND ('$code'::text IS NULL OR (due_at, code) > (now(), '$code')) ORDER BY due_at, code LIMIT 1000"
explain "escalation sweep: the minute's slice of the window" \
  "SELECT data FROM dossiers WHERE province_code = '$province' AND status IN ('received', 'processing', 'awaiting_payment') AND due_at >= now() + interval '4 days' - interval '1 minute' AND due_at < now() + interval '4 days' AND (NULL::text IS NULL OR (due_at, code) > (now(), NULL::text)) ORDER BY due_at, code LIMIT 1000"
explain "escalation sweep: a province's dossiers in a step-budget status, one page" \
  "SELECT data FROM dossiers WHERE province_code = '$province' AND status = 'received' AND code > '' ORDER BY code LIMIT 1000"
