"""Lessons-learned records in the index: one *record* unit per record, and hits for them.

Writing (the indexer): `record_units(doc, doc_fields)` gives one unit per `LessonRecord` of a
document (kind "record", linked by `doc_id` and `page`): the record's text in the document's
language field, its own facets (code, area, lesson type, SDG, GCM, places) and its document's
agency, topic, year, language and type, so the same filters and facets work on records.
`doc_facet_fields(doc)` gives the doc record its places and the union of its records' facet
values: a document counts under every SDG its records cite.

Reading (the searcher): `for_records(parsed)` turns a parsed query for doc records into the
same query on record units; `record_hits(...)` makes their hits: title = code and statement,
passage = the best fragment of the record's text (else its start), with the record's parts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence

from whoosh.query import Query
from whoosh.searching import Searcher as WhooshSearcher

from acervo.ingest.models import ExtractedDocument, LessonRecord
from acervo.search import schema, snippets
from acervo.search.coordination import plain_score
from acervo.search.facets import DocRow, split_codes
from acervo.search.models import RecordInfo, SearchHit
from acervo.search.query import ParsedQuery

EXCERPT_CHARS = 300
# Document fields a record unit carries over, so filters by agency or year apply to records.
INHERITED = ("agency", "topic", "year", "language", "doc_type")


def doc_facet_fields(doc: ExtractedDocument) -> dict[str, str]:
    """The doc record's place and record-facet fields (empty ones left out, as Whoosh needs)."""
    records = doc.records
    return _keywords(
        place=doc.metadata.places,
        record_code=[r.code for r in records],
        area=[r.area for r in records],
        lesson_type=[r.lesson_type for r in records],
        sdg=[str(n) for r in records for n in r.sdg],
        gcm=[str(n) for r in records for n in r.gcm],
    )


def record_units(doc: ExtractedDocument, doc_fields: Mapping[str, object]) -> Iterator[dict]:
    """One index unit per record of `doc`; `doc_fields` is the document's own doc record."""
    title_field, body_field = schema.text_fields(doc.metadata.language)
    inherited = {name: doc_fields[name] for name in INHERITED if name in doc_fields}
    for record in doc.records:
        heading = record_heading(record)
        yield {
            "kind": schema.RECORD,
            "doc_id": doc.doc_id,
            "page": record.page,
            title_field: heading,
            body_field: record.text,
            "title": heading,
            "text": record.text,
            "excerpt": (record.page, _cut(record.text)),
            "paths": list(doc.paths),
            "record": _parts(record, doc.metadata.title),
            **inherited,
            **_keywords(
                place=record.places,
                record_code=[record.code],
                area=[record.area],
                lesson_type=[record.lesson_type],
                sdg=[str(n) for n in record.sdg],
                gcm=[str(n) for n in record.gcm],
            ),
        }


def record_heading(record: LessonRecord) -> str:
    """What a record hit is called: `LN1_ED: cupos escolares sin planificación territorial`."""
    return f"{record.code}: {record.title}" if record.title != record.code else record.code


def for_records(parsed: ParsedQuery) -> ParsedQuery:
    """The same query on record units instead of doc records (the parser targets kind:doc)."""
    return dataclasses.replace(
        parsed, doc_query=parsed.doc_query.replace("kind", schema.DOC, schema.RECORD)
    )


def record_hits(
    searcher: WhooshSearcher,
    rows: Sequence[DocRow],
    scores: Mapping[int, float],
    passage_query: Query | None,
) -> list[SearchHit]:
    """Hits for record units, best fragment of each record's text as its passage."""
    stored = [searcher.stored_fields(row.docnum) for row in rows]
    texts = ((f["page"], f.get("text", ""), f.get("language", "")) for f in stored)
    found = snippets.text_passages(searcher, passage_query, texts)
    return [
        _hit(fields, scores.get(row.docnum, 0.0), passage)
        for row, fields, passage in zip(rows, stored, found, strict=True)
    ]


def _hit(stored: Mapping, score: float, passage: snippets.Passage | None) -> SearchHit:
    paths = tuple(stored.get("paths", ()))
    parts = stored.get("record", {})
    return SearchHit(
        id=stored["doc_id"],
        title=stored.get("title", ""),
        agencies=split_codes(stored.get("agency", "")),
        topics=split_codes(stored.get("topic", "")),
        year=stored.get("year"),
        language=stored.get("language", ""),
        doc_type=stored.get("doc_type", ""),
        path=paths[0] if paths else "",
        score=plain_score(score),
        passages=(passage or snippets.excerpt_passage(stored.get("excerpt", (1, ""))),),
        paths=paths,
        record=RecordInfo(
            code=stored.get("record_code", ""),
            area=stored.get("area", ""),
            lesson_type=stored.get("lesson_type", ""),
            sdg=split_codes(stored.get("sdg", "")),
            gcm=split_codes(stored.get("gcm", "")),
            page=stored.get("page", 1),
            places=split_codes(stored.get("place", "")),
            **parts,
        ),
    )


def _parts(record: LessonRecord, document_title: str) -> dict[str, str]:
    return {
        "document_title": document_title,
        "finding": record.finding,
        "description": record.description,
        "context": record.context,
        "goals": record.goals,
        "beneficiaries": record.beneficiaries,
        "success": record.success,
        "challenges": record.challenges,
        "text": record.text,
    }


def _keywords(**values: Iterable[str]) -> dict[str, str]:
    """Comma-joined KEYWORD values without repeats; empty fields left out."""
    joined = {name: ",".join(dict.fromkeys(v for v in vals if v)) for name, vals in values.items()}
    return {name: value for name, value in joined.items() if value}


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
