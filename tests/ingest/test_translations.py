"""Translations: a Spanish study and its English edition are linked (their figures agree, in the
same order), in both directions, on the hit, in the JSON and in the run report; an unrelated
English study with other figures, and a same-language version, are not editions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from docbuilders import write_pdf

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest import neardup
from acervo.ingest.models import Page
from acervo.report import format_report, load_report
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest, hit_to_json

PROVINCES = ["Carchi", "Imbabura", "Pichincha", "Guayas", "El Oro", "Loja", "Sucumbíos", "Azuay"]


def _rows(seed: int, count: int = 24) -> list[tuple[str, int, int, float, int]]:
    rng = random.Random(seed)
    return [
        (rng.choice(PROVINCES), rng.randint(1000, 90000), rng.randint(2017, 2024),
         rng.randint(100, 990) / 10, rng.randint(10, 900))
        for _ in range(count)
    ]  # fmt: skip


def _spanish(rows) -> list[str]:
    # Spanish separators: 12.345 personas, el 45,5%
    lines = [
        f"En {p} se registraron {f'{n:,}'.replace(',', '.')} personas venezolanas en {y}; el "
        f"{f'{pc:.1f}'.replace('.', ',')}% eran mujeres y {h} hogares recibieron asistencia "
        "humanitaria durante el año."
        for p, n, y, pc, h in rows
    ]
    return ["\n".join(lines[:12]), "\n".join(lines[12:])]


def _english(rows) -> list[str]:
    lines = [
        f"In {p}, {n:,} Venezuelan people were registered in {y}; {pc:.1f}% were women and "
        f"{h} households received humanitarian assistance during the year."
        for p, n, y, pc, h in rows
    ]
    return ["\n".join(lines[:12]), "\n".join(lines[12:])]


# Which editions a run names must not depend on which worker finishes first: run with one
# worker (files in name order, the Spanish summary "a-resumen" before the English edition, the
# order that once lost a link) and with several.
SCHEDULES = [(1, "a-resumen.pdf"), (1, "resumen.pdf"), (2, "resumen.pdf"), (3, "a-resumen.pdf")]


@pytest.fixture(scope="module", params=SCHEDULES, ids=lambda p: f"{p[0]}-workers-{p[1]}")
def editions(tmp_path_factory, request) -> tuple[IndexStore, dict[str, str], str]:
    workers, summary_name = request.param
    root = tmp_path_factory.mktemp("editions") / "corpus"
    (root / "ACNUR" / "2022").mkdir(parents=True)
    figures = _rows(seed=7)
    write_pdf(root / "ACNUR" / "2022" / "monitoreo.pdf", _spanish(figures), "Monitoreo 2022")
    store = IndexStore(root.parent / "index")
    build_index([root], store, Config(workers=workers))
    # The English edition arrives in a later run, with an unrelated English study.
    write_pdf(root / "ACNUR" / "2022" / "monitoring.pdf", _english(figures), "Monitoring 2022")
    write_pdf(root / "ACNUR" / "2022" / "other.pdf", _english(_rows(seed=8)), "Other study")
    # A Spanish summary with the same figures in other sentences: same language, not an edition.
    summary = [page.replace("se registraron", "vivían").replace("hogares", "familias")
               for page in _spanish(figures)]  # fmt: skip
    write_pdf(root / "ACNUR" / "2022" / summary_name, summary, "Resumen del monitoreo")
    second = build_index([root], store, Config(workers=workers))
    ids = {Path(p).name: doc_id for doc_id, paths in store.known().items() for p in paths}
    ids["resumen.pdf"] = ids[summary_name]
    return store, ids, second.report


def test_numbers_are_compared_without_their_separators() -> None:
    spanish = neardup.number_shingles([Page(1, "1.500,5 personas en 2019 y 45,5%")])
    english = neardup.number_shingles([Page(1, "1,500.5 people in 2019 and 45.5%")])
    assert spanish == english == {"15005 2019 455"}


def test_an_edition_in_another_language_is_linked_both_ways(editions) -> None:
    store, ids, _ = editions
    with store.open_searcher() as searcher:
        spanish = searcher.document(ids["monitoreo.pdf"])
        english = searcher.document(ids["monitoring.pdf"])
        other = searcher.document(ids["other.pdf"])
        summary = searcher.document(ids["resumen.pdf"])
    assert (spanish.language, english.language) == ("es", "en")
    assert [(t.id, t.language) for t in spanish.translations] == [(english.id, "en")]
    # The Spanish summary has the same figures: an edition of the English text too, but never
    # of the Spanish study (same language).
    assert [(t.id, t.language) for t in summary.translations] == [(english.id, "en")]
    assert {(t.id, t.language) for t in english.translations} == {
        (spanish.id, "es"),
        (summary.id, "es"),
    }
    assert other.translations == () and other.similar == ()
    assert english.similar == ()  # an edition is not a version (their words differ)


def test_the_hit_json_and_the_run_report_name_the_edition(editions) -> None:
    store, ids, report_path = editions
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query="Venezuelan households"))
    hits = {hit.id: hit_to_json(hit) for hit in result.hits}
    english = hits[ids["monitoring.pdf"]]
    assert {"id": ids["monitoreo.pdf"], "title": "Monitoreo 2022", "language": "es",
            "path": store.known()[ids["monitoreo.pdf"]][0]} in english["translations"]  # fmt: skip
    assert "translations" not in hits[ids["other.pdf"]]
    summary = format_report(load_report(Path(report_path)))
    # this run added the English edition and the Spanish summary: both name earlier editions
    assert "Ediciones en otro idioma de documentos ya indexados (2):" in summary
    listed = next(line for line in summary.splitlines() if "monitoring.pdf ~ " in line)
    assert ids["monitoreo.pdf"] in listed
