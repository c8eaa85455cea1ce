"""The search page over the ingested sample corpus switches between documents and the
lessons-learned records inside them, with plain links (no JavaScript)."""

from __future__ import annotations

import html
import re

from acervo.web import create_app


def _total(page: str) -> str:
    match = re.search(r'<h1 id="total"[^>]*>(.*?)</h1>', page, re.S)
    assert match, page[:500]
    return " ".join(match.group(1).split())


def test_result_type_switch_finds_the_lesson_record(corpus_index):
    index, _ = corpus_index
    client = create_app({"INDEX_DIR": index, "TESTING": True}).test_client()
    page = client.get("/?q=trata").get_data(as_text=True)
    assert _total(page).endswith("documentos")
    link = re.search(r'<nav class="result-type".*?<a href="([^"]+)"', page, re.S)
    assert link and "resultado=registros" in link.group(1)
    records = client.get(html.unescape(link.group(1)))
    assert records.status_code == 200
    text = records.get_data(as_text=True)
    assert "registro" in _total(text)
    assert "LN1_PR" in text  # the GTRM 2022 record about trafficking
    assert 'aria-current="page">Registros de lecciones' in text
