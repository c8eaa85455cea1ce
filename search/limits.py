"""Bounds for the queries that can explode: wildcards (`*migra*`), fuzzy words (`migracion~`).

Both are matched against the index's own unstemmed words (the `words` field of doc records:
folded, lowercased, not stemmed), so `*migra*` finds `migración` although the body fields hold the
stem `migr`. Each matching word is then analysed like any typed word and searched in the text
fields. Two limits keep a pathological query (`*a*`, `a*b*c*d*`) from holding a server thread:

- at most `MAX_EXPANSION_WORDS` words per wildcard or fuzzy word: the most frequent ones;
- `EXPANSION_TIME_S` to find them and `SEARCH_TIME_S` for the search itself (Whoosh's
  TimeLimitCollector), after which the analyst gets `QueryTooExpensive` with a Spanish message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from functools import cache

from whoosh.analysis import Analyzer
from whoosh.collectors import TimeLimit, TimeLimitCollector, UnlimitedCollector
from whoosh.query import NullQuery, Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher

from acervo.search import schema
from acervo.search.errors import QueryTooExpensive

MAX_EXPANSION_WORDS = 64
EXPANSION_TIME_S = 2.0
SEARCH_TIME_S = 2.0
MAX_FUZZY_DISTANCE = 2
CHECK_EVERY = 512  # lexicon words read between two looks at the clock

TOO_SLOW = (
    "La búsqueda «{query}» es demasiado amplia: no terminó en {seconds:g} s. Precísela: escriba "
    "más letras junto a los comodines «*» y «?», quite el «~» o añada palabras (por ejemplo "
    "migra* en lugar de *a*)."
)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early at `limit` + 1 (enough to reject a word)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts))


def _literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


def _timed(words: Iterable[str], query: str) -> Iterator[str]:
    deadline = time.monotonic() + EXPANSION_TIME_S
    for n, word in enumerate(words):
        if n % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise QueryTooExpensive(TOO_SLOW.format(query=query, seconds=EXPANSION_TIME_S))
        yield word


def matching_words(reader: IndexReader, kind: str, text: str, maxdist: int = 0) -> list[str]:
    """Index words matching a wildcard pattern or within `maxdist` edits of a word: the
    `MAX_EXPANSION_WORDS` most frequent ones."""
    field = schema.WORDS_FIELD
    if field not in reader.schema:
        return []
    if kind == "wildcard":
        prefix, regex = _literal_prefix(text), _wildcard_regex(text)
        accept = regex.fullmatch
    else:  # fuzzy: same first letter, as Whoosh's FuzzyTerm does (prefixlength=1)
        prefix = text[:1]

        def accept(word: str) -> bool:
            return edit_distance(word, text, maxdist) <= maxdist

    lexicon = reader.expand_prefix(field, prefix) if prefix else reader.lexicon(field)
    shown = text + ("~" if kind == "fuzzy" else "")
    words = [w for w in _timed(_decoded(lexicon), shown) if accept(w)]
    words.sort(key=lambda w: (-reader.doc_frequency(field, w), w))
    return words[:MAX_EXPANSION_WORDS]


def _decoded(lexicon: Iterable[bytes | str]) -> Iterator[str]:
    for word in lexicon:
        yield word.decode("utf-8") if isinstance(word, bytes) else word


@cache
def _analyzer(field: str) -> Analyzer:
    return schema.build_schema()[field].analyzer


def word_query(field: str, word: str, boost: float) -> Query | None:
    terms = [t.text for t in _analyzer(field)(word, mode="query")]
    if not terms:
        return None
    if len(terms) == 1:
        return Term(field, terms[0], boost=boost)
    return Phrase(field, terms, boost=boost)


class SurfaceQuery(Query):
    """A wildcard or fuzzy word on one text field, expanded (bounded) when the search runs."""

    def __init__(self, kind: str, text: str, fieldname: str, maxdist: int = 0, boost=1.0):
        self.kind, self.text, self.fieldname = kind, text, fieldname
        self.maxdist, self.boost = maxdist, boost
        self._expansion: tuple[IndexReader, Query] | None = None

    def __repr__(self) -> str:
        return f"SurfaceQuery({self.kind!r}, {self.text!r}, {self.fieldname!r}, {self.maxdist})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SurfaceQuery) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.kind, self.text, self.fieldname, self.maxdist, self.boost)

    def field(self) -> str:
        return self.fieldname

    def is_leaf(self) -> bool:
        return True

    def expanded(self, reader: IndexReader) -> Query:
        # Whoosh asks a leaf for its size, then its matcher: expand once per reader.
        if self._expansion is not None and self._expansion[0] is reader:
            return self._expansion[1]
        words = matching_words(reader, self.kind, self.text, self.maxdist)
        parts = [q for w in words if (q := word_query(self.fieldname, w, self.boost))]
        query = Or(parts) if parts else NullQuery
        self._expansion = (reader, query)
        return query

    def matcher(self, searcher, context=None):
        return self.expanded(searcher.reader()).matcher(searcher, context)

    def estimate_size(self, ixreader) -> int:
        return self.expanded(ixreader).estimate_size(ixreader)

    def existing_terms(self, ixreader, phrases=True, expand=False):
        return self.expanded(ixreader).existing_terms(ixreader, phrases=phrases, expand=expand)

    def terms(self, phrases=False):
        return iter(())

    def simplify(self, ixreader) -> Query:
        return self.expanded(ixreader)


def search_all(searcher: WhooshSearcher, query: Query, shown: str) -> dict[int, float]:
    """docnum -> score of every match, within SEARCH_TIME_S (else QueryTooExpensive)."""
    # No SIGALRM: it only works in the main thread (waitress serves in others) and Whoosh would
    # leave its handler installed, replacing pytest-timeout's or a server's. The collector checks
    # the clock between hits instead; expansion has its own deadline (matching_words).
    collector = TimeLimitCollector(UnlimitedCollector(), SEARCH_TIME_S, use_alarm=False)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit as exc:
        raise QueryTooExpensive(TOO_SLOW.format(query=shown, seconds=SEARCH_TIME_S)) from exc
    return dict(collector.results().items())
