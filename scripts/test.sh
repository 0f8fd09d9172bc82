#!/usr/bin/env bash
# Install everything (with test tools and Chromium) and run the whole test suite.
# Database: SQLite by default; set TEST_DATABASE_URL=postgresql://USER@HOST/DB for PostgreSQL.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

install_all() {
    bash scripts/install.sh --dev
    # (grep reads all of fc-list: with pipefail, "grep -q" stopping early would fail the pipe)
    if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null; then
        if [ "$(id -u)" = "0" ]; then
            echo "Installing Chromium and CJK fonts for the browser tests..."
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null
            apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
        else
            echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-cjk'" >&2
            exit 1
        fi
    fi
}

# Two runs may start at once (CI runs SQLite and PostgreSQL side by side): they install in turn.
if command -v flock >/dev/null; then
    exec 9>"${TMPDIR:-/tmp}/mall-test-install.lock"
    flock 9
    install_all
    flock -u 9
else
    install_all
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "FAILED: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
