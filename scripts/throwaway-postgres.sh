#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests, from Debian's postgresql package
# (scripts/install-system-deps.sh installs it).
#
#   eval "$(scripts/throwaway-postgres.sh start)"   # prints the exports: MOTCUA_TEST_DATABASE_URL, MOTCUA_THROWAWAY_PG
#   scripts/throwaway-postgres.sh stop "$MOTCUA_THROWAWAY_PG"
#
# `start` runs initdb into a new temporary directory and starts the server on a free loopback
# port, with durability settings off (a test database is thrown away; the tests' own kill -9 cases
# kill motcua, not the database). `stop` stops it and removes the directory. As root, the server
# runs as the package's `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
cmd="${1:-}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "throwaway-postgres: Debian's postgresql package is missing: run scripts/install-system-deps.sh" >&2
  exit 1
fi
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

case "$cmd" in
  start)
    dir="$(mktemp -d "${TMPDIR:-/tmp}/motcua-pg.XXXXXX")"
    [ ${#as_owner[@]} -gt 0 ] && chown postgres: "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB" \
      start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "export MOTCUA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export MOTCUA_THROWAWAY_PG=$dir"
    echo "throwaway-postgres: $("$bindir/postgres" --version) on 127.0.0.1:$port, data in $dir" >&2
    ;;
  stop)
    dir="${2:?usage: throwaway-postgres.sh stop DIR}"
    case "$dir" in */motcua-pg.*) ;; *) echo "throwaway-postgres: not a throw-away directory: $dir" >&2; exit 1 ;; esac
    if [ -d "$dir/data" ]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: throwaway-postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
