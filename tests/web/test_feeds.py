"""Atom feeds of searches and "Novedades", read with feedparser as a feed reader would: real
ingests of real files (the pipeline, the catalog's history), then the same ids on an unchanged
re-ingest, the same id with a later `updated` when a file changes, a new id for a new file."""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import pytest
from flask.testing import FlaskClient

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search.indexer import IndexStore
from acervo.web import create_app

DAY = 86400
TEXTS = {
    "ACNUR/2019/albergues.txt": "Albergues en la frontera norte.\n\nLas familias venezolanas "
    "duermen en albergues de Tulcán; la educación de los niños se interrumpe.",
    "UNICEF/2021/escuelas.txt": "Escuelas y migración.\n\nLa matrícula de niñas venezolanas en "
    "escuelas de Quito creció; la educación a distancia dejó brechas.",
    "OIM/2020/flujos.txt": "Flujos migratorios.\n\nEl monitoreo de flujos en Rumichaca registró "
    "miles de personas caminantes.",
}


def _ingest(folder: Path, store: IndexStore) -> None:
    summary = build_index([folder], store, Config(index_dir=store.root, workers=1))
    assert not summary.failed, summary.failed


def _feed(client: FlaskClient, query: str = "") -> feedparser.FeedParserDict:
    response = client.get(f"/feed.atom?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_feed_reads_like_a_feed_reader_expects_across_reingests(
    folder: Path, tmp_path: Path
) -> None:
    store = IndexStore(tmp_path / "index")
    _ingest(folder, store)
    client = create_app({"INDEX_DIR": store.root, "TESTING": True}).test_client()
    first = _feed(client, "q=educacion")
    assert {e.title for e in first.entries} == {"Albergues en la frontera norte.",
                                                "Escuelas y migración."}  # fmt: skip
    entry = next(e for e in first.entries if e.title == "Escuelas y migración.")
    assert entry.link.startswith("http://localhost/documento/")
    assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200
    assert [a.name for a in entry.authors] == ["UNICEF"]
    assert "2021" in entry.summary and "educación" in entry.summary.lower()
    assert "pág. " in entry.summary  # the best passage, with its page
    assert entry.published == entry.updated  # new: published and updated together
    assert first.feed.title == "Acervo: educacion"
    assert any(link.rel == "self" for link in first.feed.links)

    # an unchanged re-ingest: the very same feed (no duplicates, nothing looks new)
    _ingest(folder, store)
    again = _feed(client, "q=educacion")
    assert [(e.id, e.updated) for e in again.entries] == [(e.id, e.updated) for e in first.entries]

    # the file changes: the same entry, updated, first; not a second entry
    time.sleep(0.01)
    (folder / "ACNUR/2019/albergues.txt").write_text(
        TEXTS["ACNUR/2019/albergues.txt"] + "\n\nAnexo: educación en albergues.", encoding="utf-8"
    )
    _ingest(folder, store)
    changed = _feed(client, "q=educacion")
    assert len(changed.entries) == 2
    assert {e.id for e in changed.entries} == {e.id for e in first.entries}
    top = changed.entries[0]
    assert top.title == "Albergues en la frontera norte."
    old = next(e for e in first.entries if e.id == top.id)
    assert top.published == old.published and top.updated > old.updated

    # a new file: a new id
    (folder / "UNICEF/2021/nueva.txt").write_text("Nueva guía.\n\nEducación inclusiva.", "utf-8")
    _ingest(folder, store)
    grown = _feed(client, "q=educacion")
    assert len(grown.entries) == 3
    assert "inclusiva" in grown.entries[0].summary
    assert grown.entries[0].id not in {e.id for e in first.entries}


def _doc(n: int, title: str, agency: str) -> ExtractedDocument:
    text = f"{title}. Estudio sobre salud de personas migrantes número {n}."
    return ExtractedDocument(
        doc_id=f"{n:016x}", sha256=f"{n:064x}", paths=(f"/nada/{n}.txt",), format="txt",
        size=len(text), pages=[Page(1, text)],
        metadata=Metadata(title=title, agencies=(agency,), topics=("salud",), year=2020,
                          language="es"),
    )  # fmt: skip


@pytest.fixture()
def news_client(tmp_path: Path) -> FlaskClient:
    store = IndexStore(tmp_path / "index")
    now = time.time()
    store.update(add=[_doc(1, "Hace cien días", "ACNUR")], remove=(), now=now - 100 * DAY)
    store.update(add=[_doc(2, "Hace cuarenta días", "OIM")], remove=(), now=now - 40 * DAY)
    store.update(add=[_doc(3, "Hace diez días", "OIM")], remove=(), now=now - 10 * DAY)
    store.update(add=[_doc(4, "Hoy", "UNICEF")], remove=(), now=now)
    return create_app({"INDEX_DIR": store.root, "TESTING": True}).test_client()


def _total(client: FlaskClient, query: str) -> int:
    page = client.get(f"/?{query}").get_data(as_text=True)
    return int(page.split('data-total="', 1)[1].split('"', 1)[0])


def test_novedades_lists_what_came_lately_with_facets_and_a_feed(news_client) -> None:
    assert [_total(news_client, f"nuevos={d}") for d in (7, 30, 90, 365)] == [1, 2, 3, 4]
    redirect = news_client.get("/novedades?dias=90")
    assert redirect.status_code == 302
    assert "nuevos=90" in redirect.location and "orden=novedades" in redirect.location
    page = news_client.get(redirect.location).get_data(as_text=True)
    # newest first, and the facets count only the recent documents
    assert page.index("Hace diez días") < page.index("Hace cuarenta días")
    assert "Hace cien días" not in page
    facet = page.split('id="facet-agency"', 1)[1].split("</section>", 1)[0]
    assert "ACNUR" not in facet and "OIM" in facet and "UNICEF" in facet
    assert "Añadidos en los últimos 90 días" in page  # a chip that removes it
    feed = _feed(news_client, "nuevos=30")
    assert [e.title for e in feed.entries] == ["Hoy", "Hace diez días"]
    english = news_client.get(redirect.location + "&lang=en").get_data(as_text=True)
    assert "Added in the last 90 days" in english


@pytest.mark.parametrize(
    "path",
    ["/feed.atom?q=%22salud", "/feed.atom?q=salud&year_from=abc", "/feed.atom?nuevos=0",
     "/novedades?dias=12", "/?nuevos=-3"],
)  # fmt: skip
def test_bad_feed_or_news_parameters_are_a_spanish_400(news_client, path: str) -> None:
    response = news_client.get(path)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert any(word in text for word in ("comillas", "no es válido", "no válidos")), text[-500:]


def test_search_page_links_to_its_feed(news_client) -> None:
    page = news_client.get("/?q=salud&agency=OIM").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert '<p class="feed-link"><a href="/feed.atom?q=salud&amp;agency=OIM"' in page
    empty = news_client.get("/?q=zzqxwv").get_data(as_text=True)
    assert 'class="feed-link"' in empty  # a search with nothing yet can be followed


def test_feed_links_use_the_configured_public_address(folder: Path, tmp_path: Path) -> None:
    """Behind a reverse proxy without forwarded headers the request's host is the backend's;
    with `base_url` set, every link of the feed is on the public address."""
    store = IndexStore(tmp_path / "index")
    _ingest(folder, store)
    config = {"INDEX_DIR": store.root, "TESTING": True, "BASE_URL": "https://acervo.example.org/"}
    client = create_app(config).test_client()
    feed = _feed(client, "q=educacion")
    links = [link.href for link in feed.feed.links]
    links += [link.href for entry in feed.entries for link in entry.links]
    assert len(feed.entries) == 2 and len(links) == 4
    assert all(href.startswith("https://acervo.example.org/") for href in links), links
    assert "https://acervo.example.org/feed.atom?q=educacion" in links
