"""Acervo: full-text search over inter-agency studies on human mobility."""

__version__ = "0.1.0"
