#!/usr/bin/env bash
# Refresh the UI catalogs after changing strings in web/ (README "Translations"):
# extract the Spanish msgids, merge them into the English .po, then (after translating the new
# entries, which tests/web/test_i18n.py lists) compile the .mo that is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-pybabel}"
"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k _plural:1,2 --no-location --sort-output --omit-header \
    -o web/translations/messages.pot .
"$PYBABEL" update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching \
    --ignore-obsolete
"$PYBABEL" compile -d web/translations --statistics
