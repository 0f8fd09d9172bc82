#!/usr/bin/env bash
# Fuzz the API from its OpenAPI document against a local server on a fresh database, for a bounded
# time; fail on server errors and on responses that break the documented schema. Both valid and
# schema-violating requests are generated (--mode all: positive and negative data); bad input must
# get a documented 4xx, never a 5xx.
# Usage: bash scripts/schemathesis.sh [SECONDS]   (DATABASE_URL may point at PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate

BUDGET="${1:-240}"
WORK="$(mktemp -d)"
PORT="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export MALL_INSTANCE_PATH="$WORK" FLASK_APP=wsgi MALL_BIND="127.0.0.1:$PORT"
export SECRET_KEY="${SECRET_KEY:-schemathesis-secret-key-0123456789}"
export MALL_DEMO_LISTINGS="${MALL_DEMO_LISTINGS:-200}"
# The fuzzer sends hundreds of writes a minute with one token: with the rate limits on, most would
# be answered 429 before reaching the endpoint (the limits have tests of their own).
export RATE_LIMITS_ENABLED=0

flask db upgrade >"$WORK/setup.log" 2>&1
flask demo load >>"$WORK/setup.log" 2>&1
TOKEN="$(flask users token operator --name schemathesis --days 1 2>>"$WORK/setup.log")"

gunicorn -c gunicorn.conf.py wsgi:app >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$PORT/api/openapi.json" >/dev/null 2>&1 && break
    sleep 0.5
done

set +e
schemathesis run "http://127.0.0.1:$PORT/api/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --mode all \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --exclude-path /api/auth/signout --exclude-path "/api/auth/tokens/{token_id}" \
    --max-time "$BUDGET" --max-examples 60 --seed 20261123 \
    --request-timeout 20 --no-color
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "--- server log (tail) ---"
    tail -n 60 "$WORK/server.log"
fi
exit "$status"
