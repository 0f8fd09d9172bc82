#!/usr/bin/env bash
# Install, migrate, load demo data and serve the mall on http://127.0.0.1:5000 (embedded defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# shellcheck disable=SC1091
. .venv/bin/activate
export FLASK_APP=wsgi
flask db upgrade
flask demo load
flask search reindex
echo "Serving on http://${MALL_BIND:-127.0.0.1:5000}"
exec gunicorn -c gunicorn.conf.py wsgi:app
