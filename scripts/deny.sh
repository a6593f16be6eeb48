#!/usr/bin/env bash
# `cargo deny check` (advisories, bans, licences, sources) against deny.toml, offline: the
# advisories come from the copy in deny/advisory-db (scripts/update-advisories.sh refreshes it from
# a checkout of the RustSec database), since CI cannot reach GitHub. cargo-deny is installed from
# crates.io once.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo deny --version >/dev/null 2>&1; then
  cargo install cargo-deny --locked --version 0.20.2
fi
# The database where cargo-deny looks for it (its default URL's directory under db-path), with
# the snapshot's date as its fetch time: cargo-deny refuses a copy older than deny.toml's
# maximum-db-staleness, so an old snapshot fails CI until scripts/update-advisories.sh is run.
export MOTCUA_ADVISORY_DBS="$(mktemp -d)"
trap 'rm -rf "$MOTCUA_ADVISORY_DBS"' EXIT
db="$MOTCUA_ADVISORY_DBS/$(scripts/advisory-db-dir.py https://github.com/rustsec/advisory-db)"
mkdir -p "$db/.git"
cp -r deny/advisory-db/. "$db/"
date="$(sed -n 's/^date: //p' deny/advisory-db/SNAPSHOT)"
touch -d "$date" "$db/.git/FETCH_HEAD"
echo "advisories: the snapshot of $date ($(find "$db/crates" -name '*.md' | wc -l) advisories of our crates)"
# cargo-deny reads every crate of the lock file, every platform's too (wasm, android…), which a
# build on this machine never downloads: fetch them first from crates.io (reachable; GitHub is
# not), or a fresh machine fails here.
cargo fetch --locked --quiet
cargo deny --offline --locked check advisories bans licenses sources
