"""Typed search errors. Messages are Spanish: they reach the analyst as they are (web: 400)."""

from __future__ import annotations


class SearchError(Exception):
    """Base: the message says what is wrong and what to do."""


class QuerySyntaxError(SearchError):
    pass


class UnknownField(SearchError):
    pass


class BadParameter(SearchError):
    pass


class IndexMissing(SearchError):
    pass


class QueryTooExpensive(SearchError):
    """A wildcard or fuzzy query that would take too long (search/limits.py)."""


class ExportFailed(SearchError):
    """An export could not be written (the server's disk): the web answers 503."""
