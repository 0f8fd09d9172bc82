#!/usr/bin/env bash
# The gettext catalogs, in two domains:
#   pages     frontend/translations/<locale>/LC_MESSAGES/messages.po (Flask-Babel; templates, views, scripts)
#   services  core/translations/<locale>/LC_MESSAGES/services.po (core.messages; the services' refusals
#             and notifications in core, supervision, catalog, mall and auction)
#   scripts/translations.sh extract   collect the messages of both into messages.pot and services.pot
#   scripts/translations.sh update    extract, then merge new and changed messages into each .po
#   scripts/translations.sh compile   compile each .po into its .mo (done by scripts/install.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
DIR=frontend/translations
POT=$DIR/messages.pot
SERVICES_DIR=core/translations
SERVICES_POT=$SERVICES_DIR/services.pot

extract() {
  "$PYBABEL" -q extract -F frontend/babel.cfg -k _l -k lazy_pgettext:1c,2 -k both --no-wrap \
    --sort-by-file -o "$POT" .
  # the services' extraction method (core.message_extract) is imported from the repository
  PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$PYBABEL" -q extract -F core/babel.cfg \
    --no-wrap --sort-by-file -o "$SERVICES_POT" .
}

case "${1:-}" in
  extract) extract ;;
  update)
    extract
    "$PYBABEL" -q update -i "$POT" -d "$DIR" --no-wrap --ignore-obsolete
    "$PYBABEL" -q update -i "$SERVICES_POT" -d "$SERVICES_DIR" -D services --no-wrap \
      --ignore-obsolete --no-fuzzy-matching
    ;;
  compile)
    "$PYBABEL" -q compile -d "$DIR"
    "$PYBABEL" -q compile -d "$SERVICES_DIR" -D services
    ;;
  *) echo "usage: $0 extract|update|compile" >&2; exit 2 ;;
esac
