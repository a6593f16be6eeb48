#!/usr/bin/env bash
# Installs the Debian packages motcua needs to build and test. Safe to run again.
# - a C compiler and pkg-config (sqlx builds SQLite from source);
# - Chromium, Node.js and npm for the browser journeys (e2e/ drives Debian's Chromium with
#   playwright-core; no browser is ever downloaded by a test tool);
# - OpenSSL's headers (libssl-dev) for the PDF signatures (CMS, PKCS#12, chain checks);
# - curl and Python's venv for the schemathesis run against the API;
# - PostgreSQL (server and pg_dump): the tests start a throw-away server of their own
#   (scripts/throwaway-postgres.sh) unless MOTCUA_TEST_DATABASE_URL names one;
# - poppler-utils (pdfsig, pdftoppm) and libnss3-tools (certutil): the tests check our signed PDFs
#   with an independent verifier, trusting the deployment's CA in a throw-away NSS database.
set -euo pipefail
need=()
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
[ -f /usr/include/openssl/cms.h ] || need+=(libssl-dev)
command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
command -v npm >/dev/null 2>&1 || need+=(npm)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
# schemathesis runs in a virtual environment (scripts/schemathesis.sh).
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
