#!/usr/bin/env bash
# The pages' translations (Flask-Babel gettext catalogs under frontend/translations):
#   scripts/translations.sh extract   collect the messages of frontend/ into messages.pot
#   scripts/translations.sh update    extract, then merge new and changed messages into each messages.po
#   scripts/translations.sh compile   compile each messages.po into messages.mo (done by scripts/install.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
DIR=frontend/translations
POT=$DIR/messages.pot

extract() {
  "$PYBABEL" -q extract -F frontend/babel.cfg -k _l -k lazy_pgettext:1c,2 -k both --no-wrap \
    --sort-by-file -o "$POT" .
}

case "${1:-}" in
  extract) extract ;;
  update)
    extract
    "$PYBABEL" -q update -i "$POT" -d "$DIR" --no-wrap --ignore-obsolete
    ;;
  compile) "$PYBABEL" -q compile -d "$DIR" ;;
  *) echo "usage: $0 extract|update|compile" >&2; exit 2 ;;
esac
