"""What an analyst types -> Whoosh queries: one for doc records, one for picking page passages.

Syntax (the README's "Query syntax" says the same to users):

- `migración venezolanos`: every word is required (AND); with three or more plain words the
  documents with most of them follow (`search/coordination.py`) unless `AND` is written. Each
  unqualified word searches
  `title_es`, `title_en` (boosted x2), `body_es` and `body_en`, analysed with that field's own
  analyzer, so a word meets both Spanish and English documents.
- `"violencia de género"`: the words next to each other, in order. Words are still stemmed and
  folded (the index holds nothing else); quotes mean adjacency, not an unstemmed spelling.
- `niños OR niñas` (also `O`): either. OR binds tighter than the implicit AND, as in web
  search: `venezolanos educación OR salud` = venezolanos AND (educación OR salud).
  `AND`/`Y` may be written; they make every word required (no "most of the words").
- `-venezuela`, `NOT venezuela`: without. A query of negations only means every document except.
- `( )`: grouping, also after a field: `titulo:(migración OR refugio)`.
- `migra*`: words starting with `migra`, folded like indexed words but not stemmed. Because the
  index holds stems (`migración` -> `migr`), a prefix also matches the stems it starts with (up
  to 4 letters shorter) and its own stem: `migració*`, `Educa*` find `migración`, `educación`.
- `*migra*`, `ni?os`: wildcards anywhere; `migracion~`, `migracion~2`: words one or two edits
  away. Both are matched against the index's unstemmed words (`words` field) and bounded by
  `search/limits.py` (at most 64 words, a time limit, a Spanish message past it).
- Thesaurus (`search/thesaurus.py`): a typed word, phrase or unquoted run of words that is a form
  of a concept (`ACNUR`, `violencia basada en genero`, `1,5 millones`) is searched OR-ed with the
  concept's other forms, each on its own language's fields as a phrase (`NNA` finds "niños,
  niñas y adolescentes", not a page with `niño` and `adolescencia` apart), boosted by
  ALTERNATIVE_BOOST; `ParsedQuery.expansions` says what was added.
  `parse_query(text, expand=False)` leaves it out. A run never swallows the word before an OR:
  `violencia basada en género OR trata` keeps `género OR trata`.
- Fields (Spanish and English names, accents optional): `titulo:`/`title:`, `agencia:`/`agency:`,
  `tema:`/`topic:`, `tipo:`/`type:` (values resolved with the vocabularies: `agencia:UNHCR` =
  `agencia:acnur`, `agencia:"ONU Mujeres"`), `anio:`/`año:`/`year:` (`2019`, `2019..2021`,
  `2019-2021`, `>2019`, `>=2019`, `<2021`, `<=2021`), `idioma:`/`language:` (es/en, español,
  inglés, spanish, english).
- `word:` where `word` is a single word of letters and not a field raises `UnknownField`, rather
  than being searched as text without telling: `autor:García`. A `:` after anything else (digits,
  `http://...`) is plain text, and so is anything inside quotes (`"ODS:16"`).
- Empty, blank or `*`: every document (`match_all`).

Words dropped by the analyzers (stop words such as `de`, `la`, `the`) are listed in
`ParsedQuery.ignored_words`. A word that is a stop word in either language is dropped from every
field: otherwise a required `de` would demand the word `de` in English documents.

Errors are raised as `QuerySyntaxError` or `UnknownField` with a Spanish message that says what
is wrong and how to write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import islice, takewhile

from whoosh.analysis import Analyzer
from whoosh.query import And, Not, NumericRange, Or, Phrase, Prefix, Query, Term

from acervo import vocab
from acervo.search import schema, translate
from acervo.search.analysis import TOKEN_PATTERN, prefix_form
from acervo.search.coordination import (
    MIN_WORDS,
    BestOf,
    Concepts,
    MostWords,
)
from acervo.search.errors import QuerySyntaxError, UnknownField
from acervo.search.limits import MAX_FUZZY_DISTANCE, SurfaceQuery
from acervo.search.models import FACETS, Expansion
from acervo.search.thesaurus import MAX_FORM_WORDS, Concept, Thesaurus
from acervo.search.thesaurus import default as default_thesaurus

TITLE_FIELDS = ("title_es", "title_en")
BODY_FIELDS = ("body_es", "body_en")
TEXT_FIELDS = TITLE_FIELDS + BODY_FIELDS
TITLE_BOOST = 2.0

MIN_PREFIX_CHARS = 2
# A stem is at most this many letters shorter than a prefix it should still match
# ("migracio" -> "migr"), and at least MIN_STEM_CHARS long, so `salud*` does not reach `sal`.
MAX_STEM_TRIM_CHARS = 4
MIN_STEM_CHARS = 4

ANALYZED_CACHE = 10_000
MAX_SUGGESTIONS = 4  # close vocabulary values offered for an unknown one

# Thesaurus alternatives (UNHCR for ACNUR, refugees for refugiados) score below what was typed,
# so exact-language matches come first unless the alternatives match much better.
ALTERNATIVE_BOOST = 0.5
# A thesaurus form is a phrase whose words may have one other word between them: "monitoreo
# conjunto de protección" is "monitoreo de protección" (stop words do not count). Measured on
# benchmarks/relevance/run.py's judged set: exact phrases lost that document and ranked others
# below the forms-as-all-words of before; this slop ranks best of the three (README there).
FORM_SLOP = 2
# Dictionary translations of a typed word (search/translate.py) score below the typed word too.
TRANSLATION_BOOST = 0.5
# ...and the typed word itself in the other language's fields, below its translations there
LOOK_ALIKE_BOOST = 0.25
LANGUAGE_NAMES = ("es", "en")
MIN_WILDCARD_LETTERS = 2  # letters (not * or ?) in a wildcard pattern
_FUZZY = re.compile(r"(.+)~(\d?)")

MATCH_ALL_TEXTS = frozenset({"", "*"})
OR_WORDS = frozenset({"OR", "O"})
AND_WORDS = frozenset({"AND", "Y"})
NOT_WORDS = frozenset({"NOT"})

YEAR_EXAMPLES = "anio:2019, anio:2019..2021 o anio:>2019"
_YEAR_RANGE = re.compile(r"(\d{4})?\s*(?:\.\.|-)\s*(\d{4})?")
_YEAR_LIMIT = re.compile(r"([<>]=?)(\d{4})")

LANGUAGES = {
    "es": "es",
    "espanol": "es",
    "castellano": "es",
    "spanish": "es",
    "en": "en",
    "ingles": "en",
    "english": "en",
}


@dataclass(frozen=True)
class ParsedQuery:
    doc_query: Query  # run on doc records (it includes kind:doc)
    # positive text words on body fields, one subquery per concept (Concepts): picks passages
    passage_query: Query | None
    match_all: bool  # nothing to rank: list every document
    fields_used: frozenset[str] = frozenset()  # schema fields named with `field:`
    ignored_words: tuple[str, ...] = ()  # words the analyzers dropped (stop words)
    expansions: tuple[Expansion, ...] = ()  # thesaurus alternatives also searched
    # the typed words ranked by how many of them a document holds (search/coordination.py),
    # each as typed with its doc query, in MostWords's order; none when every word is required
    # (fewer than MIN_WORDS words, or an explicit AND)
    relaxed_parts: tuple[tuple[str, Query], ...] = ()

    @property
    def relaxed_words(self) -> int:
        return len(self.relaxed_parts)


# ---- fields -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    kind: str  # "text" | "vocab" | "year" | "language"
    targets: tuple[str, ...]  # schema fields
    name: str  # Spanish name shown in messages
    vocab_kind: str = ""  # agency | topic | doc_type
    label: str = ""  # "Agencia desconocida" ...
    example: str = ""  # a quoted multi-word value


_TITLE = _Field("text", TITLE_FIELDS, "titulo")
_AGENCY = _Field("vocab", ("agency",), "agencia", "agency", "Agencia desconocida", '"ONU Mujeres"')
_TOPIC = _Field("vocab", ("topic",), "tema", "topic", "Tema desconocido", '"violencia de género"')
_TYPE = _Field(
    "vocab",
    ("doc_type",),
    "tipo",
    "doc_type",
    "Tipo de documento desconocido",
    '"hoja informativa"',
)
_YEAR_FIELD = _Field("year", ("year",), "anio")
_LANGUAGE = _Field("language", ("language",), "idioma")
# Places and lessons-learned records (search/records.py): `lugar:sucumbios`, `ods:4`, `pacto:23`.
_PLACE = _Field("vocab", ("place",), "lugar", "place", "Lugar desconocido", '"Lago Agrio"')
_AREA = _Field("vocab", ("area",), "area", "area", "Área desconocida", '"violencia de género"')
_SDG = _Field("vocab", ("sdg",), "ods", "sdg", "ODS desconocido", '"ODS 4"')
_GCM = _Field("vocab", ("gcm",), "pacto", "gcm", "Objetivo del Pacto desconocido", '"Objetivo 23"')
_LESSON = _Field(
    "vocab",
    ("lesson_type",),
    "leccion",
    "lesson_type",
    "Tipo de lección desconocido",
    '"buena práctica"',
)
_RECORD_CODE = _Field("code", ("record_code",), "codigo")

# Keys are folded (vocab.fold), so `título`, `Año`, `TEMA` are accepted.
FIELD_NAMES: dict[str, _Field] = {
    "titulo": _TITLE,
    "title": _TITLE,
    "agencia": _AGENCY,
    "agency": _AGENCY,
    "tema": _TOPIC,
    "topic": _TOPIC,
    "tipo": _TYPE,
    "type": _TYPE,
    "anio": _YEAR_FIELD,
    "ano": _YEAR_FIELD,
    "year": _YEAR_FIELD,
    "idioma": _LANGUAGE,
    "language": _LANGUAGE,
    "lugar": _PLACE,
    "place": _PLACE,
    "area": _AREA,
    "ods": _SDG,
    "sdg": _SDG,
    "pacto": _GCM,
    "gcm": _GCM,
    "leccion": _LESSON,
    "lesson": _LESSON,
    "codigo": _RECORD_CODE,
    "code": _RECORD_CODE,
}
VALID_FIELDS_ES = (
    "titulo, agencia, tema, anio, idioma, tipo, lugar, area, ods, pacto, leccion, codigo"
)


def _field_for(name: str) -> _Field:
    field = FIELD_NAMES.get(vocab.fold(name))
    if field is None:
        raise UnknownField(
            f"Campo desconocido «{name}:». Campos válidos: {VALID_FIELDS_ES}. "
            f'Para buscar el texto tal cual, póngalo entre comillas: "{name}:…".'
        )
    return field


# ---- lexer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # word phrase ( ) or and not neg field
    text: str
    start: int


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Tok(ch, ch, i))
            i += 1
        elif ch == '"':
            i = _lex_phrase(text, i, tokens)
        elif ch == "-":
            i = _lex_dash(text, i, tokens)
        else:
            i = _lex_word(text, i, tokens)
    return tokens


def _lex_phrase(text: str, i: int, tokens: list[_Tok]) -> int:
    end = text.find('"', i + 1)
    if end < 0:
        raise QuerySyntaxError(
            f"Falta cerrar las comillas en «{text[i:]}». Escriba la frase exacta entre dos "
            f'comillas: "violencia de género".'
        )
    if not text[i + 1 : end].strip():
        raise QuerySyntaxError(
            'Hay unas comillas vacías «""». Escriba la frase dentro: "violencia de género".'
        )
    tokens.append(_Tok("phrase", text[i + 1 : end], i))
    return end + 1


def _lex_dash(text: str, i: int, tokens: list[_Tok]) -> int:
    nxt = text[i + 1 : i + 2]
    # A dash standing alone ("Ecuador - informe") excludes nothing and searches nothing.
    if nxt and not nxt.isspace() and nxt != ")":
        tokens.append(_Tok("neg", "-", i))
    return i + 1


def _lex_word(text: str, i: int, tokens: list[_Tok]) -> int:
    end = i
    while end < len(text) and not text[end].isspace() and text[end] not in '()"':
        end += 1
    raw = text[i:end]
    if _looks_like_field(raw, glued_value=text[end : end + 1] in ('"', "(")):
        _lex_field(text, i, end, tokens)
    elif raw in OR_WORDS or raw in AND_WORDS or raw in NOT_WORDS:
        kind = "or" if raw in OR_WORDS else "and" if raw in AND_WORDS else "not"
        tokens.append(_Tok(kind, raw, i))
    else:
        tokens.append(_Tok("word", raw, i))
    return end


def _looks_like_field(raw: str, glued_value: bool) -> bool:
    """`name:value` with a one-word name: a field (known or not); see the module docstring."""
    name, colon, value = raw.partition(":")
    if not colon or not name.isalpha() or value.startswith("//"):
        return False
    # "Ecuador: informe" (colon then space) is title punctuation, unless the name is a field.
    return bool(value) or glued_value or vocab.fold(name) in FIELD_NAMES


def _lex_field(text: str, i: int, end: int, tokens: list[_Tok]) -> None:
    name, _, value = text[i:end].partition(":")
    _field_for(name)  # unknown names fail here, before anything else is read
    tokens.append(_Tok("field", name, i))
    if value:
        tokens.append(_Tok("word", value, i + len(name) + 1))
    elif end >= len(text) or text[end] not in '"(':
        raise QuerySyntaxError(
            f"Falta el valor del campo «{name}:». Escríbalo pegado a los dos puntos, sin "
            f'espacio: {name}:valor o {name}:"varias palabras".'
        )


# ---- parse tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    mode: str  # word | phrase | prefix | wildcard | fuzzy | form (a thesaurus form: a phrase)
    text: str
    fields: tuple[str, ...]
    maxdist: int = 0  # fuzzy: edits allowed
    boost: float = 1.0  # thesaurus alternatives score less (ALTERNATIVE_BOOST)
    translated: bool = False  # a dictionary translation of the typed word (search/translate.py)
    look_alike: bool = False  # the typed word in the other language's fields (_in_own_language)


@dataclass(frozen=True)
class _Concept:
    """What was typed, OR its thesaurus alternatives (each on its own language's fields)."""

    original: _Node
    alternatives: tuple[_Text, ...]


@dataclass(frozen=True)
class _Filter:
    query: Query


@dataclass(frozen=True)
class _All:
    pass


@dataclass(frozen=True)
class _Not:
    child: _Node


@dataclass(frozen=True)
class _Bool:
    op: str  # and | or
    children: tuple[_Node, ...]


_Node = _Text | _Filter | _All | _Not | _Bool | _Concept

_STOPS = frozenset({"or", "and", ")", None})  # token kinds an operand cannot start with


class _Parser:
    """Recursive descent: and := or+ ; or := unary (OR unary)* ; unary := (NOT|-) unary | atom."""

    def __init__(
        self,
        text: str,
        thesaurus: Thesaurus | None = None,
        translated: dict[str, tuple[tuple[str, str], ...]] | None = None,
        language: str | None = None,
    ) -> None:
        self.text = text
        self.translated = translated or {}  # typed word -> (language, translation) pairs
        self.language = language  # of the query, when translations are searched
        self.tokens = _lex(text)
        self.pos = 0
        self.fields_used: set[str] = set()
        self.thesaurus = thesaurus  # None: no expansion
        self.expansions: list[Expansion] = []
        self.explicit_and = False  # an AND was typed: every word stays required

    def parse(self) -> _Node:
        node = self._and(field=None)
        if self._peek() == ")":
            raise QuerySyntaxError(
                f"Sobra un paréntesis de cierre «)» en «{self._near()}». Cada «(» necesita su "
                f"«)»: (migración OR refugio)."
            )
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def _next(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def _near(self) -> str:
        start = self.tokens[self.pos].start if self.pos < len(self.tokens) else len(self.text)
        return self.text[max(0, start - 30) : start + 30].strip()

    def _and(self, field: _Field | None) -> _Node:
        items: list[_Node] = []
        while self._peek() not in (")", None):
            if self._peek() == "and":
                self._next()
                self.explicit_and = True
                self._operand_follows("AND", "migración AND salud")
            items.append(self._form_run(field) or self._or(field))
        return items[0] if len(items) == 1 else _Bool("and", tuple(items))

    def _or(self, field: _Field | None) -> _Node:
        items = [self._unary(field)]
        while self._peek() == "or":
            self._next()
            self._operand_follows("OR", "niños OR niñas")
            items.append(self._unary(field))
        return items[0] if len(items) == 1 else _Bool("or", tuple(items))

    def _unary(self, field: _Field | None) -> _Node:
        if self._peek() in ("not", "neg"):
            word = self._next().text
            example = "migración NOT venezuela" if word == "NOT" else "-venezuela"
            self._operand_follows(word, example)
            return _Not(self._unary(field))
        return self._atom(field)

    def _operand_follows(self, operator: str, example: str) -> None:
        if self._peek() in _STOPS:
            raise QuerySyntaxError(
                f"Falta una palabra después de «{operator}» en «{self._near() or operator}». "
                f"Escríbalo así: {example}."
            )

    def _atom(self, field: _Field | None) -> _Node:
        if self._peek() == "or":  # the other stops cannot reach here (see _and, _operand_follows)
            raise QuerySyntaxError(
                f"«OR» necesita una palabra a cada lado en «{self._near()}»: niños OR niñas."
            )
        tok = self._next()
        if tok.kind == "(":
            return self._group(tok, field)
        if tok.kind == "field":
            return self._atom(self._use_field(tok.text))
        if field is not None and field.kind != "text":
            return _Filter(_field_query(field, tok.text))
        node = _text_node(tok, field)
        if isinstance(node, _Text) and node.mode in ("word", "phrase"):
            return self._expanded(node, node.text)
        return node

    def _form_run(self, field: _Field | None) -> _Node | None:
        """Several unquoted words that are one thesaurus form (`violencia basada en género`,
        `1,5 millones`), longest first; None when there are none here."""
        if self.thesaurus is None or (field is not None and field.kind != "text"):
            return None
        run = list(islice(takewhile(_plain_word, self.tokens[self.pos :]), MAX_FORM_WORDS))
        if self.pos + len(run) < len(self.tokens) and self.tokens[self.pos + len(run)].kind == "or":
            run = run[:-1]  # the last word belongs to the OR that follows
        fields = field.targets if field is not None else TEXT_FIELDS
        for n in range(len(run), 1, -1):
            typed = " ".join(tok.text for tok in run[:n])
            concept = self.thesaurus.lookup(typed)
            if concept is not None:
                self.pos += n
                return self._expanded(_run_node(typed, run[:n], fields, concept), typed, concept)
        return None

    def _expanded(self, original: _Node, typed: str, concept: Concept | None = None) -> _Node:
        """`original` OR the other forms of its concept (if expansion is on and it has one)."""
        if self.thesaurus is None:
            return original
        concept = concept or self.thesaurus.lookup(typed)
        fields = original.fields if isinstance(original, _Text) else TEXT_FIELDS
        others = concept.others(typed) if concept is not None else ()
        # Each form is a phrase: `NNA` means "niños, niñas y adolescentes", not a page with
        # `niño` in one place and `adolescencia` in another (benchmarks/README.md, issue 13).
        alternatives = tuple(
            _Text("form", form.text, in_language, boost=ALTERNATIVE_BOOST)
            for form in others
            if (in_language := _in_language(fields, form.language))
        )
        if others:
            shown = tuple(dict.fromkeys(form.text for form in others))
            self.expansions.append(Expansion(term=typed, alternatives=shown))
        if concept is None:  # the thesaurus's own forms in the other language are better
            translations = self._translations(original, typed, fields)
            original, itself = self._in_own_language(original, translations)
            alternatives += translations + itself
        return _Concept(original, alternatives) if alternatives else original

    def _in_own_language(
        self, original: _Node, translations: tuple[_Text, ...]
    ) -> tuple[_Node, tuple[_Text, ...]]:
        """In a query in one language (translate.query_language), a word translated into the
        other counts in the other language's fields as one of its translations (scored by the
        best, below the typed language): an English `care` in Spanish text is mostly the stem
        `car` of cara and caro, but a Spanish study may quote an English title."""
        if not (self.language and isinstance(original, _Text)):
            return original, ()
        own = _in_language(original.fields, self.language)
        other = tuple(f for f in original.fields if f not in own)
        into_other = any(_language(f) != self.language for t in translations for f in t.fields)
        if not (into_other and own and other):  # (`alcohol` in English: a Spanish word too)
            return original, ()
        itself = replace(
            original, fields=other, boost=LOOK_ALIKE_BOOST, translated=True, look_alike=True
        )
        return replace(original, fields=own), (itself,)

    def _translations(
        self, original: _Node, typed: str, fields: tuple[str, ...]
    ) -> tuple[_Text, ...]:
        """A typed word's dictionary translations (search/translate.py), each on the fields of
        its language, weighted below the typed word: structured query translation."""
        pairs = self.translated.get(typed, ()) if isinstance(original, _Text) else ()
        if not pairs or original.mode != "word" or _text_query(original, fields, False) is None:
            return ()  # phrases are not translated word by word; stop words not at all
        found = []
        for language in LANGUAGE_NAMES:
            words = tuple(w for lang, w in pairs if lang == language)
            in_language = _in_language(fields, language)
            if words and in_language:
                found += [
                    _Text("word", w, in_language, boost=TRANSLATION_BOOST, translated=True)
                    for w in words
                ]
                self.expansions.append(Expansion(term=typed, alternatives=words, language=language))
        return tuple(found)

    def _group(self, opening: _Tok, field: _Field | None) -> _Node:
        if self._peek() == ")":
            raise QuerySyntaxError(
                "Hay unos paréntesis vacíos «()». Escriba algo dentro: (niños OR niñas)."
            )
        node = self._and(field)
        if self._peek() != ")":
            raise QuerySyntaxError(
                f"Falta cerrar un paréntesis en «{self.text[opening.start :].strip()}». Cada «(» "
                f"necesita su «)»: (migración OR refugio)."
            )
        self._next()
        return node

    def _use_field(self, name: str) -> _Field:
        field = _field_for(name)
        self.fields_used.update(field.targets)
        return field


def _run_node(typed: str, run: list[_Tok], fields: tuple[str, ...], concept: Concept) -> _Node:
    """Unquoted words that form a thesaurus form: a number pattern (`1,5 millones`) is a phrase;
    other forms keep every word required, as typed. (An extra phrase to rank documents with the
    words together first was tried: it tripled the cost of `Ley Orgánica de Movilidad Humana` on
    2,000 documents for little gain in the judged set.)"""
    if concept.exact:
        return _Text("phrase", typed, fields)
    return _Bool("and", tuple(_Text("word", tok.text, fields) for tok in run))


def _plain_word(tok: _Tok) -> bool:
    return tok.kind == "word" and not any(ch in tok.text for ch in "*?~")


def _in_language(fields: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The fields of `fields` a thesaurus form in `language` (es, en or *) is searched in."""
    return tuple(f for f in fields if language == "*" or _language(f) == language)


def _text_node(tok: _Tok, field: _Field | None) -> _Node:
    fields = field.targets if field is not None else TEXT_FIELDS
    if tok.kind == "phrase":
        return _Text("phrase", tok.text, fields)
    if tok.text == "*":
        return _All()
    if fuzzy := _FUZZY.fullmatch(tok.text):
        return _fuzzy_node(tok.text, fuzzy[1], fuzzy[2], fields)
    if "*" not in tok.text and "?" not in tok.text:
        return _Text("word", tok.text, fields)
    if "?" in tok.text or "*" in tok.text[:-1]:
        return _wildcard_node(tok.text, fields)
    stem = tok.text[:-1]
    if "*" in stem or not re.fullmatch(TOKEN_PATTERN, stem):
        raise QuerySyntaxError(
            f"El comodín «*» va pegado a letras, sin guiones ni signos: escriba migra* o "
            f"*migra* (no «{tok.text}»)."
        )
    if len(stem) < MIN_PREFIX_CHARS:
        raise QuerySyntaxError(
            f"«{tok.text}» es demasiado corto: escriba al menos {MIN_PREFIX_CHARS} letras antes "
            f"del «*» (por ejemplo ni*)."
        )
    return _Text("prefix", stem, fields)


def _fuzzy_node(typed: str, word: str, distance: str, fields: tuple[str, ...]) -> _Text:
    maxdist = int(distance or 1)
    if not re.fullmatch(TOKEN_PATTERN, word) or not 1 <= maxdist <= MAX_FUZZY_DISTANCE:
        raise QuerySyntaxError(
            f"«{typed}» no es una búsqueda aproximada válida: escriba una sola palabra seguida de "
            f"«~» (una letra de diferencia) o «~2» (dos), sin comodines: migracion~ o migracion~2."
        )
    return _Text("fuzzy", prefix_form(word, "es"), fields, maxdist)


def _wildcard_node(typed: str, fields: tuple[str, ...]) -> _Text:
    letters = re.sub(r"[*?]", "", typed)
    if not re.fullmatch(TOKEN_PATTERN, letters) or len(letters) < MIN_WILDCARD_LETTERS:
        raise QuerySyntaxError(
            f"«{typed}» no es un comodín válido: use «*» (varias letras) o «?» (una) dentro de "
            f"una palabra de al menos {MIN_WILDCARD_LETTERS} letras, p. ej. *migra* o migra*."
        )
    return _Text("wildcard", prefix_form(typed, "es"), fields)


# ---- field values -------------------------------------------------------------------------


def _field_query(field: _Field, value: str) -> Query:
    if field.kind == "year":
        low, high = year_range(value, "anio:")
        return NumericRange("year", low, high)
    if field.kind == "language":
        return Term("language", _language_code(value))
    if field.kind == "code":  # a lesson record's code, as printed: codigo:ln1_ed = LN1_ED
        return Term(field.targets[0], value.strip().upper().replace("-", "_"))
    return Term(field.targets[0], _vocab_code(field, value, f"«{field.name}:{value}»"))


def year_range(value: str, written: str = "") -> tuple[int | None, int | None]:
    """Inclusive (first, last) year of a year form: `2019`, `2019..2021`, `2019-2021`,
    `2021..`, `..2019`, `>2019`, `>=2019`, `<2021`, `<=2021` (None: open end).

    The one year grammar: query fields (`anio:`), the CLI's `--year`, the web's and API's
    `year=`. `written` is how the user wrote the field or flag (`anio:`, `--year `), for messages.
    """
    bounds = _year_bounds(value.strip())
    if bounds is None:
        raise QuerySyntaxError(
            f"Año no válido en «{written}{value}». Escriba un año de cuatro cifras, un rango o "
            f"un límite: {YEAR_EXAMPLES.replace('anio:', written)}."
        )
    low, high, low_excluded, high_excluded = bounds
    if low is not None and high is not None and low > high:
        raise QuerySyntaxError(
            f"Rango de años invertido en «{written}{value}»: escriba primero el año menor "
            f"({written}{high}..{low})."
        )
    # years are whole numbers: >2019 is 2020 onwards
    return (
        None if low is None else low + low_excluded,
        None if high is None else high - high_excluded,
    )


def _year_bounds(value: str) -> tuple[int | None, int | None, bool, bool] | None:
    """(low, high, low excluded, high excluded) of a year form, or None if it is none."""
    if re.fullmatch(r"\d{4}", value):
        return int(value), int(value), False, False
    if (match := _YEAR_RANGE.fullmatch(value)) and any(match.groups()):
        low, high = (int(year) if year else None for year in match.groups())
        return low, high, False, False
    if match := _YEAR_LIMIT.fullmatch(value):
        operator, year = match[1], int(match[2])
        if operator.startswith(">"):
            return year, None, operator == ">", False
        return None, year, False, operator == "<"
    return None


def _language_code(value: str) -> str:
    code = LANGUAGES.get(vocab.fold(value))
    if code is None:
        raise QuerySyntaxError(
            f"Idioma desconocido «{value}». Valores válidos: es (español), en (inglés)."
        )
    return code


# Facet name (SearchRequest.filters) -> the query field whose values it takes
_FILTER_FIELDS: dict[str, _Field] = {
    "agency": _AGENCY,
    "topic": _TOPIC,
    "doc_type": _TYPE,
    "place": _PLACE,
    "area": _AREA,
    "sdg": _SDG,
    "gcm": _GCM,
    "lesson_type": _LESSON,
}


def filter_code(facet: str, value: str) -> str:
    """The code a filter value names, read as the query field reads it: `acnur`, `UNHCR` and
    `Alto Comisionado…` are the agency ACNUR, `ingles` is `en`, ` 2019 ` is `2019`.

    Used for every filter (CLI flags, web and API parameters); an unknown value raises
    UnknownField with the closest valid values, a year that is not one year QuerySyntaxError.
    """
    if facet == "year":
        low, high = year_range(value, "year=")
        if low is None or low != high:
            raise QuerySyntaxError(
                f"«{value}» no es un año válido para marcar; use cuatro cifras, p. ej. 2019 "
                "(un rango va en year_from y year_to)."
            )
        return str(low)
    if facet == "language":
        return _language_code(value)
    field = _FILTER_FIELDS.get(facet)
    if field is None:
        raise UnknownField(f"Filtro desconocido «{facet}». Use uno de: {', '.join(FACETS)}.")
    return _vocab_code(field, value, f"el filtro {field.name}")


def resolve_filters(filters: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Every filter value as its code (`filter_code`), repeats dropped, in the order given."""
    resolved = {
        facet: tuple(dict.fromkeys(filter_code(facet, v) for v in values if v.strip()))
        for facet, values in filters.items()
    }
    return {facet: codes for facet, codes in resolved.items() if codes}


def _vocab_code(field: _Field, value: str, where: str) -> str:
    code = vocab.resolve(field.vocab_kind, value)
    if code is not None:
        return code
    hint = vocab.close_names(field.vocab_kind, value, MAX_SUGGESTIONS)
    maybe = f" ¿Quiso decir {', '.join(hint)}?" if hint else ""
    codes = ", ".join(term.code for term in vocab.terms(field.vocab_kind))
    # in a query, a name of several words needs quotes; a filter's value is whole already
    quotes = f" Un nombre de varias palabras va entre comillas: {field.name}:{field.example}."
    raise UnknownField(
        f"{field.label} «{value}» en {where}.{maybe} Valores válidos: {codes}."
        + (quotes if where.startswith("«") else "")
    )


# ---- Whoosh queries -----------------------------------------------------------------------


@cache
def _analyzers() -> dict[str, Analyzer]:
    # The schema's own analyzers: a query is analysed exactly as the index was.
    built = schema.build_schema()
    return {name: built[name].analyzer for name in TEXT_FIELDS}


def _language(field: str) -> str:
    return field.rsplit("_", 1)[-1]


@lru_cache(maxsize=ANALYZED_CACHE)
def _analyzed(field: str, text: str) -> tuple[str, ...]:
    # cached: thesaurus alternatives (long agency names) are analysed for every query naming them
    return tuple(token.text for token in _analyzers()[field](text, mode="query"))


def _text_query(
    node: _Text, fields: tuple[str, ...], boost_titles: bool, boost: float = 1.0
) -> Query | None:
    """The node on each of `fields`, OR-ed; None when the words are stop words."""
    parts = []
    for field in fields:
        title_boost = TITLE_BOOST if boost_titles and field in TITLE_FIELDS else 1.0
        query = _field_text_query(node, field, boost * title_boost)
        if query is None:
            return None  # a stop word in one language is dropped everywhere (module doc)
        parts.append(query)
    return Or(parts) if len(parts) > 1 else parts[0]


def _field_text_query(node: _Text, field: str, boost: float) -> Query | None:
    if node.mode == "prefix":
        return _prefix_query(node.text, field, boost)
    if node.mode in ("wildcard", "fuzzy"):
        return SurfaceQuery(node.mode, node.text, field, node.maxdist, boost=boost)
    words = _analyzed(field, node.text)
    if not words:
        return None
    if len(words) == 1:
        return Term(field, words[0], boost=boost)
    if node.mode == "form":  # its matches are kept per generation (search/matching.py)
        return Phrase(field, words, slop=FORM_SLOP, boost=boost)
    # Several terms from one word too (COVID-19 -> covid 19): they must stand together.
    return Phrase(field, words, boost=boost)


def _prefix_query(text: str, field: str, boost: float) -> Query:
    prefix = prefix_form(text, _language(field))
    shortest = max(MIN_STEM_CHARS, len(prefix) - MAX_STEM_TRIM_CHARS)
    stems = {prefix[:n] for n in range(shortest, len(prefix))}
    stems.update(_analyzed(field, text)[:1])
    terms = [Term(field, stem, boost=boost) for stem in sorted(stems - {prefix})]
    return Or([Prefix(field, prefix, boost=boost), *terms])


def _body_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    languages = {_language(f) for f in fields}
    return tuple(f for f in BODY_FIELDS if _language(f) in languages) or BODY_FIELDS


def _doc_query(node: _Node) -> Query | None:
    if isinstance(node, _Text):
        return _text_query(node, node.fields, boost_titles=True, boost=node.boost)
    if isinstance(node, _Filter):
        return node.query
    if isinstance(node, _All):
        return Term("kind", schema.DOC)
    if isinstance(node, _Concept):
        return _concept_query(node)
    if isinstance(node, _Not):
        child = _doc_query(node.child)
        return None if child is None else Not(child)
    children = [q for q in map(_doc_query, node.children) if q is not None]
    if len(children) <= 1:
        return children[0] if children else None
    return (And if node.op == "and" else Or)(children)


def _top_query(tree: _Node, relax: bool) -> tuple[Query | None, tuple[tuple[str, Query], ...]]:
    """The doc query of the whole tree, and the words it ranks by coordination (each as typed,
    with its doc query).

    With `relax`, an implicit AND of at least MIN_WORDS plain words (or thesaurus concepts, or
    OR groups of them) becomes MostWords: documents with some of the words are found too, after
    those with all of them. Phrases, negations, field filters and `titulo:` words stay required.
    """
    if not (relax and isinstance(tree, _Bool) and tree.op == "and"):
        return _doc_query(tree), ()
    soft: dict[Query, str] = {}  # a word typed twice (or two forms alike) is searched once
    hard: list[Query] = []
    for child in tree.children:
        query = _doc_query(child)
        if query is None:
            continue
        if _rankable(child):
            soft.setdefault(query, _typed(child))
        else:
            hard.append(query)
    if len(soft) < MIN_WORDS:
        return _doc_query(tree), ()
    words = MostWords(list(soft))
    return (And([*hard, words]) if hard else words), tuple((t, q) for q, t in soft.items())


def _typed(node: _Node) -> str:
    """A rankable word as the analyst typed it (an OR group as `a OR b`, a thesaurus form of
    several words as its words)."""
    if isinstance(node, _Concept):
        return _typed(node.original)
    if isinstance(node, _Bool):
        return (" OR " if node.op == "or" else " ").join(map(_typed, node.children))
    return node.text if isinstance(node, _Text) else ""


def _rankable(node: _Node) -> bool:
    """A word a document may lack under coordination: typed unquoted, on every text field."""
    if isinstance(node, _Text):
        return node.mode != "phrase" and node.fields == TEXT_FIELDS
    if isinstance(node, _Concept):
        # a translated word searched in its own language's fields only (_in_own_language)
        translated = any(a.translated for a in node.alternatives)
        return (
            _rankable(node.original)
            or (isinstance(node.original, _Bool) and all(map(_rankable, node.original.children)))
            or (translated and isinstance(node.original, _Text) and node.original.mode == "word")
        )
    if isinstance(node, _Bool):
        return node.op == "or" and all(map(_rankable, node.children))
    return False


def _concept_query(node: _Concept) -> Query | None:
    # dict.fromkeys: forms that analyse alike (`gender-based`, `gender based`) are searched once
    queries = map(_doc_query, (node.original, *(a for a in node.alternatives if not a.translated)))
    parts = list(dict.fromkeys(q for q in queries if q is not None))
    # A word's translations are one word in the other language (Pirkola's synonym set): a
    # document scores by its best-matching translation, not the sum of all of them, so a word
    # with many translations (`right`: derecho, correcto, bien...) does not outweigh the others.
    translated = [_doc_query(a) for a in node.alternatives if a.translated]
    translated = list(dict.fromkeys(q for q in translated if q is not None))
    if translated:
        parts.append(BestOf(translated) if len(translated) > 1 else translated[0])
    return Or(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _texts(node: _Node, negated_too: bool, alternatives: bool = False) -> Iterator[_Text]:
    """The text nodes of a tree; without `negated_too`, only the words a passage should show;
    with `alternatives`, the thesaurus forms too (they are highlighted, not reported)."""
    if isinstance(node, _Text):
        yield node
    elif isinstance(node, _Concept):
        yield from _texts(node.original, negated_too, alternatives)
        if alternatives:
            yield from node.alternatives
    elif isinstance(node, _Not) and negated_too:
        yield from _texts(node.child, negated_too, alternatives)
    elif isinstance(node, _Bool):
        for child in node.children:
            yield from _texts(child, negated_too, alternatives)


def _ignored_words(node: _Node) -> Iterator[str]:
    """Typed words the analyzers drop (stop words); bare punctuation is not worth a mention."""
    for text in _texts(node, negated_too=True):
        if any(c.isalnum() for c in text.text) and _text_query(text, text.fields, False) is None:
            yield text.text


def _passage_query(node: _Node) -> Concepts | None:
    """The words a passage should show, one subquery per concept: each word, phrase or group
    the query's implicit AND joins, with its thesaurus forms and translations (one concept)."""
    children = node.children if isinstance(node, _Bool) and node.op == "and" else (node,)
    concepts = (_concept_words(child) for child in children)
    kept = list(dict.fromkeys(q for q in concepts if q is not None))
    return Concepts(kept) if kept else None


def _concept_words(node: _Node) -> Query | None:
    # Passages are page bodies: title-only words (`titulo:x`) are looked for in the body too,
    # and an alternative in one language (a translation, `refugees`) only in that language's.
    # A typed word in the other language's text (`care` in Spanish: the stem of cara) weighs
    # there as in the document query; other alternatives count in full (weighting them all
    # as the document query does lost the judged set: benchmarks/README.md, issue 13).
    parts = [
        _text_query(
            text,
            _body_fields(text.fields),
            boost_titles=False,
            boost=text.boost if text.look_alike else 1.0,
        )
        for text in _texts(node, negated_too=False, alternatives=True)
    ]
    kept = list(dict.fromkeys(q for q in parts if q is not None))
    return (Or(kept) if len(kept) > 1 else kept[0]) if kept else None


# ---- public -------------------------------------------------------------------------------


def parse_query(text: str, expand: bool = True, relax: bool = True) -> ParsedQuery:
    """Parse what an analyst typed (syntax in the module docstring); `expand` adds the
    thesaurus alternatives of what was typed; `relax` also finds the documents with most of
    several words (after those with all of them; `_top_query`).

    Raises QuerySyntaxError or UnknownField with a Spanish message for the analyst.
    """
    every_doc = Term("kind", schema.DOC)
    if text.strip() in MATCH_ALL_TEXTS:
        return ParsedQuery(doc_query=every_doc, passage_query=None, match_all=True)
    parser = _Parser(text, default_thesaurus(), *_translated(text)) if expand else _Parser(text)
    tree = parser.parse()
    ignored = tuple(_ignored_words(tree))
    relax = relax and not parser.explicit_and
    query, relaxed_parts = _top_query(tree, relax)
    if query is None:
        raise QuerySyntaxError(
            f"La búsqueda «{text.strip()}» no tiene palabras que buscar: las palabras muy "
            f"comunes ({', '.join(ignored) or 'signos'}) no se indexan. Añada una palabra con "
            f"contenido, p. ej. migración."
        )
    return ParsedQuery(
        doc_query=And([every_doc, query]),
        passage_query=_passage_query(tree),
        match_all=isinstance(tree, _All),
        fields_used=frozenset(parser.fields_used),
        ignored_words=ignored,
        expansions=tuple(dict.fromkeys(parser.expansions)),
        relaxed_parts=relaxed_parts,
    )


def _translated(text: str) -> tuple[dict[str, tuple[tuple[str, str], ...]], str | None]:
    """Typed word -> (language, translation) pairs: English words into Spanish, Spanish words
    into English (a word known in both gets both); and the query's language, if clear."""
    words = [word for _, word in typed_words(text)]
    pairs: dict[str, list[tuple[str, str]]] = {}
    for source, target in (("en", "es"), ("es", "en")):
        for word, found in translate.translations(words, source).items():
            pairs.setdefault(word, []).extend((target, t) for t in found)
    found = {word: tuple(found) for word, found in pairs.items()}
    return found, translate.query_language(words) if found else None


def positive_terms(text: str) -> tuple[tuple[str, Query], ...]:
    """Each typed word, phrase or prefix that is not negated, with its query on every text field.

    For telling which words of a fruitless search match nothing in the index. Stop words and
    field filters (`agencia:`) are left out; a match-all query has none.
    """
    if text.strip() in MATCH_ALL_TEXTS:
        return ()
    terms = []
    for node in _texts(_Parser(text).parse(), negated_too=False):
        query = _text_query(node, node.fields, boost_titles=False)
        if query is not None:
            terms.append((node.text, query))
    return tuple(dict.fromkeys(terms))


def typed_words(text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) of each plain typed word: not a field value, operator, phrase or pattern
    (spelling suggestions correct these). Bad syntax gives none: the parse error is the news."""
    try:
        tokens = _lex(text)
    except QuerySyntaxError:
        return
    for previous, tok in zip([None, *tokens], tokens, strict=False):
        if previous is not None and previous.kind == "field":
            continue
        if _plain_word(tok) and any(ch.isalpha() for ch in tok.text):
            yield tok.start, tok.text


_QUOTED = re.compile(r'("[^"]*")')


def with_word_required(text: str, word: str) -> str | None:
    """`text` with the typed `word` quoted: a quoted word is required (phrases stay strict),
    what "Exigir" next to a hit that lacks it searches. None when `word` does not stand
    unquoted in `text` as a word of its own."""
    alone = re.compile(rf"(?<![\w\"*?~:-]){re.escape(word)}(?![\w\"*?~])")
    parts = _QUOTED.split(text)  # even items lie outside quotes
    for i in range(0, len(parts), 2):
        quoted, found = alone.subn(f'"{word}"', parts[i], count=1)
        if found:
            return "".join([*parts[:i], quoted, *parts[i + 1 :]])
    return None
