#!/usr/bin/env bash
# What a user gets from `pip install .` alone (no test extra, whose packages once hid a missing
# dependency: OCR needs Pillow) must run what a user runs: every module imports, `acervo ingest
# --ocr` reads a scanned PDF, and the demo's ingest step indexes the sample corpus. Run by
# .ci/run; a missing dependency fails CI instead of a user.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
plain="$root/.venv-plain"
# CI starts from a fresh clone; locally a left-over venv is rebuilt when CI=true is set, so a
# package installed by an older version cannot hide a missing declaration.
[ -z "${CI:-}" ] || rm -rf "$plain"
[ -x "$plain/bin/python" ] || python3 -m venv "$plain"
"$plain/bin/python" -m pip install -q --disable-pip-version-check "$root"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"  # away from the source tree, so the installed package is the one imported

"$plain/bin/python" - <<'PY'
import importlib
import pkgutil

import acervo

for module in pkgutil.walk_packages(acervo.__path__, "acervo."):
    if not module.name.endswith("__main__"):  # that one runs the command
        importlib.import_module(module.name)
PY

# A scan without a text layer (realdocs MANIFEST: needs_ocr), read by tesseract with --ocr.
scan="$root/../shared/realdocs/hostile/scan-pdfminer-175.pdf"
if [ -f "$scan" ]; then
  mkdir scans && cp "$scan" scans/
  "$plain/bin/acervo" --index ocr-index ingest --ocr --quiet scans > ocr.out \
    || { cat ocr.out; echo "plain install: the OCR ingest of a scan failed" >&2; exit 1; }
  grep -q "^Indexados: *1$" ocr.out \
    || { cat ocr.out; echo "plain install: the scan was not indexed" >&2; exit 1; }
fi

# The demo's ingest step (scripts/demo.sh): exit 1 would mean a file failed.
"$plain/bin/acervo" --index demo-index ingest --quiet "$root/corpus" > demo.out \
  || { cat demo.out; echo "plain install: the demo's ingest failed" >&2; exit 1; }
echo "plain install: modules import, OCR ingest and demo ingest run"
