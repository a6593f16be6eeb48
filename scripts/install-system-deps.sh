#!/usr/bin/env bash
# Installs the Debian packages motcua needs to build and test. Safe to run again.
# Today: a C compiler for the bundled SQLite (sqlx builds it from source) and pkg-config.
set -euo pipefail
need=()
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${need[@]}"
