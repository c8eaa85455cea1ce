"""Bounds for the queries that can explode: wildcards (`*migra*`), fuzzy words (`migracion~`).

Both are matched against the index's own unstemmed words (the `words` field of doc records:
folded, lowercased, not stemmed), so `*migra*` finds `migración` although the body fields hold the
stem `migr`. Each matching word is then analysed like any typed word and searched in the text
fields. Two limits keep a pathological query (`*a*`, `a*b*c*d*`) from holding a server thread:

- at most `MAX_EXPANSION_WORDS` words per wildcard or fuzzy word: the most frequent ones;
- one deadline per request (`budget()`, REQUEST_TIME_S) covering parsing, expansion, the search
  and the passages: every stage checks the same clock, after which the analyst gets
  `QueryTooExpensive` with a Spanish message. Without a budget (library callers) each stage gets
  its own EXPANSION_TIME_S / SEARCH_TIME_S.

Before any of that, `check_query_size` refuses a query over the size budget (words, patterns,
nesting), so a kilobyte of `*ti*` never starts expanding.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from whoosh.analysis import Analyzer
from whoosh.collectors import (
    Collector,
    TimeLimit,
    TopCollector,
    WrappingCollector,
)
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
REQUEST_TIME_S = 10.0  # one search request: parsing, expansion, search and passages (a loaded
# machine can be 10x slower than an idle one: a bound against runaway queries, not a target)
EXPORT_TIME_S = 120.0  # one export: every hit and its passage
# The size budget of a query, checked before any work (a user's query is rarely over 12 words).
MAX_QUERY_WORDS = 40
MAX_PATTERN_WORDS = 6  # wildcard (`migra*`, `*ti*`) and fuzzy (`migracion~`) words
MAX_NESTING = 8  # parentheses inside parentheses

TOO_SLOW = (
    "La búsqueda «{query}» es demasiado amplia: no terminó en {seconds:g} s. Precísela: escriba "
    "más letras junto a los comodines «*» y «?», quite el «~» o añada palabras (por ejemplo "
    "migra* en lugar de *a*)."
)


TOO_BIG = (
    "La búsqueda es demasiado grande: {what}. Acórtela (por ejemplo, busque primero las "
    "palabras principales y use los filtros para precisar)."
)


@dataclass(frozen=True)
class _Budget:
    deadline: float  # time.monotonic() value
    seconds: float


_budget: ContextVar[_Budget | None] = ContextVar("acervo_search_budget", default=None)


@contextmanager
def budget(seconds: float | None = None, started: float | None = None) -> Iterator[None]:
    """One deadline for everything done inside: `seconds` (default REQUEST_TIME_S) from
    `started` (a time.monotonic() value; default now). Nested budgets keep the outer one."""
    if _budget.get() is not None:
        yield
        return
    seconds = REQUEST_TIME_S if seconds is None else seconds
    begin = time.monotonic() if started is None else started
    token = _budget.set(_Budget(begin + seconds, seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def seconds_left(default_s: float = REQUEST_TIME_S) -> float:
    """Seconds left of the current budget (`default_s` outside any): for a stage that stops
    early rather than fail (the other-language "más como este")."""
    return _remaining(default_s)[0]


def _remaining(default_s: float) -> tuple[float, float]:
    """(seconds left, seconds of the whole budget) for the current stage."""
    current = _budget.get()
    if current is None:
        return default_s, default_s
    return max(0.0, current.deadline - time.monotonic()), current.seconds


def _too_slow(shown: str, seconds: float) -> QueryTooExpensive:
    return QueryTooExpensive(TOO_SLOW.format(query=shown, seconds=seconds))


def check_time(shown: str) -> None:
    """Raise QueryTooExpensive if the request's budget is spent (no budget: never)."""
    left, seconds = _remaining(float("inf"))
    if left <= 0:
        raise _too_slow(shown, seconds)


def check_query_size(text: str) -> None:
    """Refuse, before parsing, a query over the size budget (QueryTooExpensive, in Spanish)."""
    words = text.split()
    if len(words) > MAX_QUERY_WORDS:
        what = f"tiene {len(words)} palabras y el máximo es {MAX_QUERY_WORDS}"
        raise QueryTooExpensive(TOO_BIG.format(what=what))
    patterns = [w for w in words if _is_pattern(w)]
    if len(patterns) > MAX_PATTERN_WORDS:
        what = (
            f"tiene {len(patterns)} palabras con comodines o «~» ({', '.join(patterns[:3])}…) "
            f"y el máximo es {MAX_PATTERN_WORDS}"
        )
        raise QueryTooExpensive(TOO_BIG.format(what=what))
    if (depth := _nesting(text)) > MAX_NESTING:
        what = f"tiene {depth} paréntesis anidados y el máximo es {MAX_NESTING}"
        raise QueryTooExpensive(TOO_BIG.format(what=what))


def has_patterns(text: str) -> bool:
    """The query has wildcard or fuzzy words: the searches whose cost can explode."""
    return any(_is_pattern(word) for word in text.split())


def _is_pattern(word: str) -> bool:
    bare = word.strip('()"-')
    return bare not in ("", "*") and ("*" in bare or "?" in bare or "~" in bare)


def _nesting(text: str) -> int:
    """Deepest parenthesis nesting outside quotes."""
    depth = deepest = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and char == ")":
            depth = max(0, depth - 1)
    return deepest


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
    left, seconds = _remaining(EXPANSION_TIME_S)
    deadline = time.monotonic() + left
    for n, word in enumerate(words):
        if n % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise _too_slow(query, seconds)
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


def top_scores(
    searcher: WhooshSearcher, query: Query, limit: int, allow: set[int] | None, shown: str
) -> list[tuple[int, float]]:
    """(docnum, score) of the `limit` best matches (among `allow`, when given), best first.

    Whoosh's top-k collector skips posting blocks that cannot reach the current top `limit`
    (block quality), so the cost follows the page shown rather than the number of matches.
    """
    if allow is not None and not allow:
        return []  # Whoosh reads an empty filter set as "no filter"
    try:
        return _collect(searcher, query, TopCollector(limit=limit), shown, allow)
    except AssertionError:
        # Block-quality skipping asserts on some matcher trees (PITFALLS.md): the same top
        # `limit`, without the skipping.
        collector = TopCollector(limit=limit, usequality=False)
        return _collect(searcher, query, collector, shown, allow)


class _BoundedCollector(WrappingCollector):
    """Collects into `child` only the documents in `allow` (all when None), raising TimeLimit at
    `deadline`. Whoosh's FilterCollector and TimeLimitCollector cannot be combined: the outer one
    hands every match to the inner collector's `collect`, skipping the other's check."""

    def __init__(self, child: Collector, allow: set[int] | None, deadline: float) -> None:
        super().__init__(child)
        self.allow, self.deadline = allow, deadline

    def collect_matches(self) -> None:
        child, allow, offset = self.child, self.allow, self.child.offset
        for n, sub_docnum in enumerate(child.matches()):
            if n % CHECK_EVERY == 0 and time.monotonic() > self.deadline:
                raise TimeLimit
            if allow is None or offset + sub_docnum in allow:
                child.collect(sub_docnum)


def _collect(
    searcher: WhooshSearcher,
    query: Query,
    collector: Collector,
    shown: str,
    allow: set[int] | None = None,
) -> list[tuple[int, float]]:
    # No SIGALRM: it only works in the main thread (waitress serves in others) and Whoosh would
    # leave its handler installed, replacing pytest-timeout's or a server's. The collector checks
    # the clock between hits instead; expansion checks it between lexicon words.
    left, seconds = _remaining(SEARCH_TIME_S)
    bounded = _BoundedCollector(collector, allow, time.monotonic() + left)
    try:
        searcher.search_with_collector(query, bounded)
    except TimeLimit as exc:
        raise _too_slow(shown, seconds) from exc
    return list(bounded.results().items())
