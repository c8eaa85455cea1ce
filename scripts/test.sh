#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine, then runs lint and the whole suite:
# Debian's chromium (browser tests) and poppler-utils, a virtualenv in .venv, the package with its
# test extra. Extra arguments go to pytest (e.g. `bash scripts/test.sh -m "not browser"`).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# OCR tests (tests/ingest/test_ocr.py): tesseract with Spanish and English data.
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -qx spa || need_apt+=(tesseract-ocr-spa)
tesseract --list-langs 2>/dev/null | grep -qx eng || need_apt+=(tesseract-ocr-eng)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# pytest exits 5 when it collected no test: set -e turns that into a failure too.
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
