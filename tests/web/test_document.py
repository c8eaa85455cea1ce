"""The document page over a real index: metadata with provenance, sources, hit pages, the full
text with marks (escaped), next/previous hit anchors, and the original file by id."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from flask.testing import FlaskClient

if TYPE_CHECKING:  # the session fixtures' types; conftest is not an importable module
    from conftest import Corpus, DocCorpus


class _Anchors(HTMLParser):
    """Every <a> (attributes), and the id of the page section each one is in."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "section" and found.get("id", "").startswith("p-"):
            self.section = found["id"]
        if tag == "a":
            self.links.append(found | {"in": self.section})


def anchors(html: str) -> list[dict[str, str]]:
    parser = _Anchors()
    parser.feed(html)
    return parser.links


def page_html(
    client: FlaskClient, doc_id: str, query: str = "", status: int = 200, **args: str
) -> str:
    response = client.get(f"/documento/{doc_id}", query_string={"q": query, **args})
    assert response.status_code == status
    return response.get_data(as_text=True)


def metadata_sources(html: str) -> dict[str, str]:
    """Field row -> the provenance shown for it."""
    rows = re.findall(r'metadata__row--(\w+)".*?data-source="(\w+)">([^<]+)<', html, re.S)
    return {field: label for field, _source, label in rows}


def metadata_values(html: str) -> dict[str, str]:
    """Field row -> the value shown for it."""
    rows = re.findall(r'metadata__row--(\w+)">\s*<th[^>]*>[^<]*</th>\s*<td>([^<]*)</td>', html)
    return {field: value.strip() for field, value in rows}


def test_metadata_says_where_each_value_came_from(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id)
    assert metadata_sources(html) == {
        "title": "sidecar",
        "agencies": "carpeta",
        "topics": "inferido",
        "year": "carpeta",
        "language": "propiedades del archivo",
        "doc_type": "sin dato",
    }
    values = metadata_values(html)
    assert values["title"] == "Monitoreo de protección en la frontera"
    assert values["agencies"] == "ACNUR"  # from the ACNUR/ folder, shown by its acronym
    assert "PDF" in html and doc_corpus.report.sha256 in html


def test_sources_are_relative_to_the_corpus_and_duplicates_listed(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id)
    assert "<code>ACNUR/2019/monitoreo.pdf</code>" in html
    assert "<code>copias/monitoreo.pdf</code>" in html
    assert str(doc_corpus.root) not in html
    assert "2 archivos (duplicados exactos)" in html
    assert "Versiones similares" in html and "Borrador del monitoreo" in html


def test_near_duplicates_are_listed_both_ways_and_only_when_known(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    draft = page_html(doc_client, doc_corpus.draft.doc_id, "frontera")
    assert "Versiones similares" in draft
    assert f'href="/documento/{doc_corpus.report.doc_id}?q=frontera"' in draft
    assert "Versiones similares" not in page_html(doc_client, doc_corpus.formula.doc_id)


def test_a_hit_names_its_copies_and_its_similar_versions(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    """On the results page: "También en" the other folders holding the same file, and
    "Versión similar de" the other version, linked to its document page; both ways, and on a
    hit that has neither, nothing."""
    html = doc_client.get("/", query_string={"q": "frontera"}).get_data(as_text=True)
    report_hit = _hit_article(html, doc_corpus.report.doc_id)
    assert "También en: <code>copias/monitoreo.pdf</code>" in report_hit
    assert "Versión similar de" in report_hit and "Borrador del monitoreo" in report_hit
    draft_hit = _hit_article(html, doc_corpus.draft.doc_id)
    assert f'href="/documento/{doc_corpus.report.doc_id}?q=frontera"' in draft_hit
    assert "También en" not in draft_hit
    assert str(doc_corpus.root) not in html
    english = doc_client.get("/", query_string={"q": "frontera", "lang": "en"})
    assert "Also in" in english.get_data(as_text=True)


def _hit_article(html: str, doc_id: str) -> str:
    start = html.index(f'aria-labelledby="hit-{doc_id}"')
    return html[start : html.index("</article>", start)]


def test_pages_with_hits_for_the_query(doc_client: FlaskClient, doc_corpus: DocCorpus) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, "frontera")
    assert "«frontera» aparece en 3 páginas" in html
    listed = [a["href"] for a in anchors(html) if a["href"].startswith("#p-") and not a["in"]]
    assert listed == ["#p-2", "#p-4", "#p-5"]
    hit_sections = re.findall(r'<section class="page page--hit" id="(p-\d+)"', html)
    assert hit_sections == ["p-2", "p-4", "p-5"]
    assert html.count('<mark class="match') == 3  # one word on each matching page


def test_next_and_previous_hit_links_jump_between_matching_pages(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, "frontera")
    nav = {
        (a["in"], a["class"]): a["href"]
        for a in anchors(html)
        if a.get("class", "").startswith("hit-nav__")
    }
    assert nav == {
        ("p-2", "hit-nav__next"): "#p-4",
        ("p-4", "hit-nav__prev"): "#p-2",
        ("p-4", "hit-nav__next"): "#p-5",
        ("p-5", "hit-nav__prev"): "#p-4",
    }
    assert "siguiente coincidencia" in html and "anterior coincidencia" in html
    for n in (1, 2, 3, 4, 5):  # every page has its anchor and a link to the original there
        assert f'id="p-{n}"' in html
        assert f'href="/documento/{doc_corpus.report.doc_id}/archivo#page={n}"' in html


def test_page_text_is_escaped_and_only_marks_are_html(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, "frontera")
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or (
        '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    )
    assert '&amp; la <mark class="match term0">frontera</mark>' in html


def test_query_with_script_is_escaped_in_the_page(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/filters.js" defer>']


def test_without_a_query_nothing_is_marked(doc_client: FlaskClient, doc_corpus: DocCorpus) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id)
    assert "<mark" not in html and "page--hit" not in html
    assert "Escriba palabras para marcarlas" in html


def test_a_query_that_matches_no_page_says_so(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, "vacunacion")
    assert "Ninguna página de este documento coincide con «vacunacion»" in html


def test_a_bad_query_is_400_with_the_message_and_the_text(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, '"frontera', status=400)
    assert 'role="alert"' in html and "comillas" in html
    assert "Conclusiones" in html  # the text is still there to read


@pytest.mark.parametrize("doc_id", ["0000000000000000", "abc", "ABCDEF0123456789", "x" * 16])
def test_unknown_or_malformed_id_is_a_404_page(doc_client: FlaskClient, doc_id: str) -> None:
    response = doc_client.get(f"/documento/{doc_id}")
    assert response.status_code == 404
    assert "Documento no encontrado" in response.get_data(as_text=True)


def test_search_hits_link_to_the_document_page_with_the_search(
    client: FlaskClient, corpus: Corpus
) -> None:
    doc = corpus.by_title("Carchi")
    html = client.get("/?q=Carchi&language=es").get_data(as_text=True)
    assert f'href="/documento/{doc.doc_id}?q=Carchi&amp;language=es"' in html
    page = client.get(f"/documento/{doc.doc_id}?q=Carchi&language=es").get_data(as_text=True)
    assert 'href="/?q=Carchi&amp;language=es"' in page  # back to the same results


def test_original_file_type_comes_from_the_content(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    response = doc_client.get(f"/documento/{doc_corpus.bare.doc_id}/archivo")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline; filename=sin-extension"
    assert response.data.startswith(b"%PDF")
    response.close()
    html = page_html(doc_client, doc_corpus.bare.doc_id)
    assert f"/documento/{doc_corpus.bare.doc_id}/archivo#page=1" in html


def test_the_page_is_in_english_with_lang_en(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    html = page_html(doc_client, doc_corpus.report.doc_id, lang="en")
    assert 'lang="en"' in html
    assert metadata_sources(html)["agencies"] == "folder"
    assert "Full text" in html


def test_the_api_names_files_inside_the_corpus_never_by_server_path(
    doc_client: FlaskClient, doc_corpus: DocCorpus
) -> None:
    """/api/search and /api/similar give each file relative to its corpus folder (as exports
    do) and the document page's URL: a visitor learns nothing of the server's folders."""
    report = doc_corpus.report
    data = doc_client.get("/api/search?q=frontera+monitoreo").get_json()
    [hit] = [h for h in data["hits"] if h["id"] == report.doc_id]
    assert hit["path"] == "ACNUR/2019/monitoreo.pdf"
    assert hit["also_in"] == ["copias/monitoreo.pdf"]
    assert hit["url"] == f"http://localhost/documento/{report.doc_id}"
    similar = doc_client.get(f"/api/similar/{doc_corpus.draft.doc_id}").get_json()["hits"]
    root = str(doc_corpus.root)
    assert similar and all(root not in str(h) for h in similar)
    assert root not in doc_client.get("/api/search?q=frontera").get_data(as_text=True)
