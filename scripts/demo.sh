#!/usr/bin/env bash
# Sets up Acervo in .venv, indexes the sample corpus (corpus/) into index/, and serves the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
# ingest exits 1 when some file failed; the failures are listed and the index is still usable.
.venv/bin/acervo ingest corpus || [ $? -eq 1 ]
exec .venv/bin/acervo serve --host "${ACERVO_HOST:-127.0.0.1}" --port "${ACERVO_PORT:-8000}"
