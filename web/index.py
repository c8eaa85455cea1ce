"""What every blueprint needs from the running app: its index store, and what a document id
looks like (ids come from URLs and the session cookie: checked before any lookup)."""

from __future__ import annotations

import re

from flask import Flask, current_app

from acervo.search.indexer import IndexStore

DOC_ID = re.compile(r"[0-9a-f]{16}")  # the first 16 hex digits of the file's SHA-256
_KEY = "acervo.index"


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = IndexStore(app.config["INDEX_DIR"])


def store() -> IndexStore:
    """The index store of the app serving this request."""
    return current_app.extensions[_KEY]
