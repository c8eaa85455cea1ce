"""An export's passages on real documents (../shared/realdocs/es, indexed as ingest does): each
row's page and passage are the ones a slower, independent path finds, and the ones the exports
gave before they were made cheaper (search/snippets.py reads a hit's page records from its
docnum, and remembers per query which words and chunks of text hold a query word)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from corpusindex import realdocs_index
from whoosh.analysis import Token
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, top_fragments

from acervo.search import document, export, schema, snippets
from acervo.search.analysis import TOKEN_PATTERN
from acervo.search.models import Passage, SearchHit, SearchRequest
from acervo.search.searcher import EXPORT_BATCH, Searcher

DOCS = (
    "sena-politica-nacional-salud-mental.pdf",
    "sena-acompanamiento-psicosocial-migrantes.pdf",
    "sena-herramientas-psicosociales-migrantes.docx",
    "sena-mi-familia-discapacidad.docx",
    "sena-sintesis-psicosocial-migratoria.pdf",
    "sena-cuidado-salud-mental-determinantes.pdf",
)
QUERIES = (
    "salud mental",
    "niñas niños",
    "migrantes venezolanos",
    '"atención psicosocial"',
    "familia OR discapacidad",
    "familia -discapacidad",
    "psico*",
)

pytestmark = pytest.mark.realdocs


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's index; conftest.py's `searcher` fixture opens it."""
    return realdocs_index(tmp_path_factory, DOCS)


def _independent_passage(searcher: Searcher, hit: SearchHit, query: str) -> Passage:
    """The hit's best passage found another way: its records looked up by `doc_id` (no docnum),
    its pages read by a query on its page records, every word of the best page through Whoosh's
    own fragmenter and scorer, with fresh matchers (nothing remembered from other hits)."""
    ws = searcher.whoosh_searcher
    passage_query = searcher._parse(SearchRequest(query=query)).passage_query
    stored = searcher.table.by_doc_id[hit.id]
    doc = snippets.hit_doc(ws.stored_fields(stored.docnum))  # no docnum: found by doc_id
    scores = snippets.page_scores(ws, passage_query, [doc]).get(hit.id, {})
    if not scores:
        return snippets.excerpt_passage(doc.excerpt)
    best = min(scores, key=lambda page: (-scores[page], page))
    text = dict(document.pages(searcher, hit.id))[best]
    words = snippets._matchers(ws, passage_query)[schema.text_fields(hit.language)[1]]
    tokens = (
        Token(text=m[0], startchar=m.start(), endchar=m.end(), matched=words._matches(m[0]))
        for m in re.finditer(TOKEN_PATTERN, text)
    )
    fragmenter = ContextFragmenter(
        snippets.FRAGMENT_CHARS, snippets.CONTEXT_CHARS, charlimit=snippets.CHAR_LIMIT
    )
    found = top_fragments(fragmenter.fragment_tokens(text, tokens), 1, BasicFragmentScorer(), None)
    return snippets._passage(best, found[0]) if found else snippets.excerpt_passage(doc.excerpt)


@pytest.mark.parametrize("query", QUERIES)
def test_each_exported_passage_is_the_one_an_independent_path_finds(
    searcher: Searcher, query: str
) -> None:
    hits = list(searcher.iter_hits(SearchRequest(query=query)))
    assert hits, query
    assert len(hits) < EXPORT_BATCH  # one batch: its matchers remember words across its hits
    for hit in hits:
        [passage] = hit.passages
        assert passage == _independent_passage(searcher, hit, query), (query, hit.path)


# The CSV export's (file, page, first words of the passage) on these documents, as exported
# before the change (commit 8f2f1b0); the order is the export's (relevance).
EXPECTED_CSV = {
    "salud mental": [
        (DOCS[0], "7", "… anterior, se han realizado los siguientes desarrollos en m"),
        (DOCS[5], "56", "… intersectorial-comunitario-estrategia-salud-mental.pdf Sal"),
        (DOCS[2], "36", "… int/sites/g/files/tmzbdl2616/files/mhpss/segunda-edicion-m"),
        (DOCS[1], "25", "… Fortalece la gobernanza migratoria y garantiza acceso a se"),
        (DOCS[4], "1", "… ACNUR) Código de Infancia y Adolescencia (Ley 1098 de 2006"),
        (DOCS[3], "1", "… CRPD_TrainingGuide_PTS19_sp.pdf Resolución 583 de 2018. [M"),
    ],
    "migrantes venezolanos": [
        (DOCS[1], "26", "… enfoque comunitario. Decreto 216 – Estatuto Temporal de Pr"),
        (DOCS[2], "35", "… www.minsalud.gov.co/Anexos_Normatividad_Nuevo/Estrategia_p"),
    ],
}


@pytest.mark.parametrize("query", sorted(EXPECTED_CSV))
def test_the_csv_export_is_what_it_was(searcher: Searcher, query: str) -> None:
    hits = searcher.iter_hits(SearchRequest(query=query))
    text = "".join(export.csv_chunks(export.ExportInfo(query), hits, export.Links()))
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    got = [(Path(row["ruta"]).name, row["pagina"], row["pasaje"][:60]) for row in rows]
    assert got == EXPECTED_CSV[query]
