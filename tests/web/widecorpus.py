"""An index with long facets (one document per agency, one year each), for "ver más" and the
facet search box."""

from __future__ import annotations

from pathlib import Path

from acervo import vocab
from acervo.ingest.models import ExtractedDocument, Metadata, Page
from acervo.search.indexer import IndexStore

AGENCIES = tuple(term.code for term in vocab.agencies())[:14]


def build_wide_index(index_dir: Path) -> Path:
    docs = [
        ExtractedDocument(
            doc_id=f"{n:016x}",
            sha256=f"{n:064x}",
            paths=(f"/nowhere/{code}.pdf",),
            format="pdf",
            size=1,
            pages=[Page(number=1, text=f"Informe sobre movilidad humana número {n}.")],
            metadata=Metadata(
                title=f"Informe {code}", agencies=(code,), year=2010 + n, language="es"
            ),
        )
        for n, code in enumerate(AGENCIES)
    ]
    IndexStore(index_dir).update(add=docs, remove=())
    return index_dir
