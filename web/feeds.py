"""Atom feeds: every search can be followed (`/feed.atom?<the search>`), and "Novedades"
(`/novedades?dias=7|30|90`, the search page over what was added lately).

A feed holds the newest matching documents by the time they came into the index (not their
publication year). Entry ids name the study's *series* (search/catalog.py DocHistory): stable
across re-ingests, so an unchanged re-ingest adds nothing and a new version of a file is the same
entry with a later `updated`, never a second entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from acervo import vocab
from acervo.search.access import Access
from acervo.search.catalog import DocHistory
from acervo.search.errors import BadParameter
from acervo.search.models import SearchHit, SearchRequest
from acervo.web import auth, exports, params

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_MIMETYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 30  # entries: the newest matching documents
ID_PREFIX = "tag:acervo.local,2026:"  # host-independent, so a moved server keeps the ids
NEW_DAYS = (7, 30, 90)  # what "Novedades" offers


def feed_request(req: SearchRequest) -> SearchRequest:
    """What a feed of `req` lists: its documents, most recently added or updated first."""
    return replace(req, sort="added", page=1, per_page=FEED_SIZE, result_type="documents")


def feed_url(req: SearchRequest, **extra: str) -> str:
    args = params.request_args(replace(params.export_request(req), sort="relevance"))
    return url_for("feeds.search_feed", **args, **extra)


@bp.get("/feed.atom")
def search_feed() -> Response:
    req = feed_request(params.parse_request(request.args))
    # A feed URL is shared and read by feed readers without a session: public documents only,
    # whoever asks (a saved search's private feed applies its owner's access: web/saved.py).
    return atom_response(req, auth.anonymous_access())


def atom_response(req: SearchRequest, access: Access, title: str = "") -> Response:
    """The feed of `req` as `access` sees it."""
    with auth.open_searcher(access) as searcher:
        result = searcher.search(req)
        history = searcher.history
    xml = atom_xml(req, result.hits, history, title or _title(req))
    return Response(xml, content_type=ATOM_MIMETYPE)


def _title(req: SearchRequest) -> str:
    shown = req.query or gettext("todos los documentos")
    filters = ", ".join(v for values in req.filters.values() for v in values)
    return f"Acervo: {shown}" + (f" ({filters})" if filters else "")


def atom_xml(
    req: SearchRequest, hits: Iterable[SearchHit], history: dict[str, DocHistory], title: str
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    search_page = exports.public_url("acervo.search_page", **params.request_args(
        replace(req, sort="relevance", per_page=params.DEFAULT_PER_PAGE)))  # fmt: skip
    _text(feed, "id", ID_PREFIX + "feed?" + search_page.partition("?")[2])
    _text(feed, "title", title)
    query = request.query_string.decode("ascii")
    own = exports.public_url(request.endpoint, **(request.view_args or {}))
    _link(feed, own + (f"?{query}" if query else ""), "self", "application/atom+xml")
    _link(feed, search_page, "alternate", "text/html")
    _text(feed, "generator", "Acervo")
    entries = [_entry(hit, history.get(hit.id)) for hit in hits]
    newest = max((e[0] for e in entries), default=0.0)
    _text(feed, "updated", _time(newest))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Acervo")
    for _, entry in entries:
        feed.append(entry)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(hit: SearchHit, history: DocHistory | None) -> tuple[float, ET.Element]:
    updated = history.updated if history else 0.0
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", f"{ID_PREFIX}documento/{history.series if history else hit.id}")
    _text(entry, "title", hit.title or hit.path.rsplit("/", 1)[-1])
    _link(entry, exports.public_url("document.document_page", doc_id=hit.id), "alternate")
    _text(entry, "published", _time(history.added if history else 0.0))
    _text(entry, "updated", _time(updated))
    for agency in hit.agencies:
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", vocab.label("agency", agency))
    for topic in hit.topics:
        ET.SubElement(entry, f"{{{ATOM}}}category", term=topic, label=vocab.label("topic", topic))
    _text(entry, "summary", summary(hit))
    return updated, entry


def summary(hit: SearchHit) -> str:
    """Agencies · year · topics, then the best passage with its page: what a reader shows."""
    facts = [
        ", ".join(vocab.label("agency", a) for a in hit.agencies),
        str(hit.year) if hit.year is not None else gettext("sin año"),
        ", ".join(vocab.label("topic", t) for t in hit.topics),
    ]
    head = " · ".join(f for f in facts if f)
    if not hit.passages:
        return head
    best = hit.passages[0]
    return f"{head}\n{gettext('pág. %(page)s', page=best.page)}: {best.text}"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _link(parent: ET.Element, href: str, rel: str, kind: str = "text/html") -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", href=href, rel=rel, type=kind)


def _time(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, tz=UTC).isoformat(timespec="microseconds")


@bp.get("/novedades")
def news() -> BaseResponse:
    """The search page over the documents added or updated in the last 7, 30 or 90 days."""
    raw = request.args.get("dias", "30")
    if raw not in {str(n) for n in NEW_DAYS}:
        raise BadParameter(f"Días no válidos «{raw[:10]}»: use dias=7, dias=30 o dias=90.")
    req = params.parse_request(request.args)
    req = replace(req, added_within=int(raw), sort="added")
    return redirect(url_for("acervo.search_page", **params.request_args(req)))


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {"feed_url": feed_url, "NEW_DAYS": NEW_DAYS}
