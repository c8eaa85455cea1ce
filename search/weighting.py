"""BM25F with each text field's average length taken over the records that hold the field.

Whoosh divides a field's total length by every record of the index (doc records, page records,
lesson record units, deleted ones): with pages in their own fields, that made the average body
of a doc record look eight times shorter than it is, and an English body (few English documents)
shorter still, so BM25's length normalisation punished exactly the documents it should not.
Here the average of `title_*`/`body_*` is over the doc records in that language.
"""

from __future__ import annotations

from collections.abc import Mapping

from whoosh.scoring import BM25F, BM25FScorer


class FieldAverageBM25F(BM25F):
    """BM25F whose average field length divides by `records[field]` when known."""

    def __init__(self, records: Mapping[str, int], **kwargs) -> None:
        super().__init__(**kwargs)
        self.records = records  # field -> records holding it; filled once the table is read

    def scorer(self, searcher, fieldname, text, qf=1):
        holding = self.records.get(fieldname)
        if not holding or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        B = self._field_B.get(fieldname, self.B)
        return _Scorer(searcher, fieldname, text, B, self.K1, qf, holding)


class _Scorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, holding: int) -> None:
        parent = searcher.get_parent()  # global statistics come from the top-level searcher
        self.idf = parent.idf(fieldname, text)
        self.avgfl = parent.field_length(fieldname) / holding or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)  # after avgfl: it computes the maximum quality
