#!/usr/bin/env bash
# Install everything the mall needs into .venv (Python) and frontend/node_modules (browser libraries).
# Usage: bash scripts/install.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--dev" ]; then
    .venv/bin/python -m pip install --quiet -r requirements-dev.txt
else
    .venv/bin/python -m pip install --quiet -r requirements.txt
fi

if [ ! -d frontend/node_modules/socket.io-client ] || [ frontend/package-lock.json -nt frontend/node_modules ]; then
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

# The translations: the gettext catalogs of the pages (frontend/translations/*/messages.po) and of the
# services (core/translations/*/services.po), compiled into .mo files.
bash scripts/translations.sh compile
