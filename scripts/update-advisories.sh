#!/usr/bin/env bash
# Refreshes deny/advisory-db from a checkout of the RustSec advisory database
# (https://github.com/rustsec/advisory-db): `scripts/update-advisories.sh PATH-TO-CHECKOUT`.
# Only the advisories of crates in Cargo.lock (and fuzz/Cargo.lock) are kept, so the copy stays
# small; run it again after adding a dependency. CI cannot reach GitHub, so `cargo deny` reads this
# copy (scripts/deny.sh); its date is in deny/advisory-db/SNAPSHOT.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:?usage: update-advisories.sh PATH-TO-ADVISORY-DB-CHECKOUT}"
out=deny/advisory-db
rm -rf "$out"
mkdir -p "$out/crates"
names="$(cat Cargo.lock fuzz/Cargo.lock | sed -n 's/^name = "\(.*\)"$/\1/p' | sort -u)"
n=0
for name in $names; do
  if [ -d "$src/crates/$name" ]; then
    cp -r "$src/crates/$name" "$out/crates/"
    n=$((n + 1))
  fi
done
{
  echo "source: https://github.com/rustsec/advisory-db"
  echo "commit: $(git -C "$src" log -1 --format=%H)"
  echo "date: $(git -C "$src" log -1 --format=%cI)"
  echo "crates: $n of $(echo "$names" | wc -l) in the lock files have advisories"
} >"$out/SNAPSHOT"
cat "$out/SNAPSHOT"
