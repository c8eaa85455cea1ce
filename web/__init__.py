"""HTTP <-> SearchRequest / SearchResult: search page, JSON API, exports, original files."""

from acervo.web.app import create_app

__all__ = ["create_app"]
