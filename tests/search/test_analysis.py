"""The analyzers' specification: tables of words that must (and must not) meet in the index."""

from __future__ import annotations

import pickle
import re
import unicodedata
from pathlib import Path

import pytest
from whoosh.analysis import Analyzer, CompositeAnalyzer, RegexTokenizer

from acervo.search.analysis import (
    PROTECTED_STEMS,
    SPANISH_STOP_WORDS,
    TOKEN_PATTERN,
    AccentFoldFilter,
    CachedChainAnalyzer,
    EnyeFilter,
    RestoreAccentFilter,
    SingularFilter,
    StemMergeFilter,
    accent_by_ending,
    english_analyzer,
    english_filters,
    fold_accents,
    fold_enye,
    likely_accents,
    prefix_form,
    restore_accent,
    singular,
    spanish_analyzer,
    spanish_filters,
    stem_spanish,
    surface_analyzer,
    surface_filters,
)

REALDOCS_ES = Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "es"

SPANISH = spanish_analyzer()
ENGLISH = english_analyzer()


def terms(analyzer: Analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]


# Each pair must give the same terms: accents, case, ñ, plural, gender, word family.
SPANISH_SAME = [
    ("educacion", "educación"),
    ("EDUCACIÓN", "educación"),
    ("niños", "ninos"),
    ("niños", "niñas"),
    ("niños", "niño"),
    ("niñas", "Niña"),
    ("migración", "migraciones"),
    ("migración", "migrante"),
    ("migrantes", "migrante"),
    ("migración", "migrar"),
    ("venezolana", "venezolanos"),
    ("venezolano", "Venezolanas"),
    ("protección", "proteccion"),
    ("protecciones", "protección"),
    ("políticas", "politica"),
    ("político", "políticos"),
    ("salud", "Salud"),
    ("refugiados", "refugiado"),
    ("refugiadas", "refugiado"),
    ("evaluación", "evaluaciones"),
    ("evaluacion", "Evaluación"),
    ("psicológica", "psicologico"),
    ("psicología", "psicologia"),
    ("género", "genero"),
    ("géneros", "género"),
    ("integración", "integracion"),
    ("económica", "economicos"),
    ("económico", "economicas"),
    ("población", "poblacion"),
    ("poblaciones", "población"),
    ("situación", "situacion"),
    ("documentación", "documentacion"),
    ("regularización", "regularizacion"),
    ("discriminación", "discriminaciones"),
    ("movilidad", "Movilidad"),
    ("humana", "humano"),
    ("derechos", "derecho"),
    ("mujer", "mujeres"),
    ("adolescentes", "adolescente"),
    ("familia", "familias"),
    ("hogares", "hogar"),
    ("vivienda", "viviendas"),
    ("trabajo", "trabajos"),
    ("informe", "informes"),
    ("encuesta", "encuestas"),
    ("persona", "personas"),
    ("ecuatoriana", "ecuatorianos"),
    ("fronteriza", "fronterizo"),
    ("frontera", "fronteras"),
    ("atención", "atencion"),
    ("inclusión", "inclusion"),
    ("metodología", "metodologia"),
    ("metodologías", "metodología"),
    ("comunicación", "comunicacion"),
    ("nutrición", "nutricion"),
    ("desnutrición", "desnutricion"),
    ("año", "años"),
    ("niñez", "ninez"),
    ("educativa", "educativo"),
    ("escolar", "escolares"),
    ("laboral", "laborales"),
    ("sexual", "sexuales"),
    ("social", "sociales"),
    ("jóvenes", "joven"),
    ("país", "países"),
    ("región", "regiones"),
    ("ciudad", "ciudades"),
    ("empleo", "empleos"),
    ("COVID-19", "covid19"),
    ("COVID-19", "Covid 19"),
    ("información", "informacion"),
    ("necesidades", "necesidad"),
    ("solicitantes", "solicitante"),
    ("albergue", "albergues"),
    ("alimentaria", "alimentarias"),
    ("xenofóbicas", "xenofóbica"),
    ("interés", "intereses"),
    ("nación", "naciones"),
    ("ley", "leyes"),
    ("red", "redes"),
    ("mayor", "mayores"),
    ("trabajador", "trabajadores"),
    ("imagen", "imágenes"),
    ("origen", "orígenes"),
    ("razón", "razones"),
    ("mes", "meses"),
    ("francés", "franceses"),
    ("decisión", "decisiones"),
    ("1.500.000", "1500000"),  # thousands separators do not matter
    ("1.500.000", "1,500,000"),
    ("45%", "45 %"),
    ("casa", "casas"),
    ("caso", "casos"),
    ("mesa", "mesas"),
    ("cuenta", "cuentas"),
    ("cuento", "cuentos"),
    ("saludo", "saludos"),
    ("trata", "tratas"),
    ("niño", unicodedata.normalize("NFD", "niño")),  # decomposed ñ from a PDF or a Mac
    # the stemmer sees the likely accented spelling (restore_accent), typed or not
    ("economía", "economia"),
    ("economia", "económicamente"),
    ("añadió", "añadio"),
    ("añadio", "añade"),
    ("alemanas", "aleman"),
    ("consistiria", "consistirá"),
    ("andrés", "andres"),
    ("inglés", "ingles"),
    ("inglés", "ingleses"),
    ("secretaria", "Secretaría"),
    ("intereses", "interes"),
    ("aplicables", "aplicable"),
    ("educación", unicodedata.normalize("NFD", "educación")),
]

# Each pair must NOT meet: the ñ words protected on purpose, and real neighbours.
SPANISH_DIFFERENT = [
    ("año", "ano"),
    ("años", "anos"),
    ("peña", "pena"),
    ("cañón", "canon"),
    ("uña", "una"),
    ("política", "policía"),
    ("salud", "saldo"),
    ("género", "gente"),
    ("estado", "estudio"),
    ("violencia", "violación"),
    ("refugio", "refuerzo"),
    ("educación", "edad"),
    ("migración", "mitigación"),
    ("niños", "nidos"),
    ("caso", "cosa"),
    ("casa", "causa"),
    ("ley", "leer"),
    # Snowball strips gender and final vowels: PROTECTED_STEMS keeps these apart
    ("casa", "caso"),
    ("casas", "casos"),
    ("mes", "mesa"),
    ("meses", "mesas"),
    ("cuenta", "cuento"),
    ("salud", "saludo"),
    ("salud", "saludos"),
    ("trata", "trato"),
    ("trata", "tratamiento"),
    ("1.500", "1.500.000"),
    ("45", "45%"),
]


@pytest.mark.parametrize(("a", "b"), SPANISH_SAME)
def test_spanish_pairs_meet(a: str, b: str) -> None:
    assert terms(SPANISH, a) == terms(SPANISH, b) != []


@pytest.mark.parametrize(("a", "b"), SPANISH_DIFFERENT)
def test_spanish_pairs_stay_apart(a: str, b: str) -> None:
    assert terms(SPANISH, a) != terms(SPANISH, b)


def test_the_tables_are_big_enough() -> None:
    assert len(SPANISH_SAME) >= 45
    assert len(SPANISH_DIFFERENT) >= 25


@pytest.mark.parametrize("word", list(PROTECTED_STEMS))
def test_protected_stems_keep_their_gender_partners_meeting(word: str) -> None:
    """The exception table must not break what it does not name: niño/niña still meet."""
    assert stem_spanish(word) == PROTECTED_STEMS[word]
    assert terms(SPANISH, "niño") == terms(SPANISH, "niña")
    assert terms(SPANISH, "venezolana") == terms(SPANISH, "venezolanos")


def test_the_surface_analyzer_keeps_words_whole() -> None:
    """The `words` field (wildcards, fuzzy words, spelling) holds words unstemmed, folded."""
    assert terms(surface_analyzer(), "Migración de NIÑOS 1.500.000") == [
        "migracion",
        "de",
        "niños",
        "1500000",
    ]


@pytest.mark.parametrize("word", ["estado", "estados", "unidos", "contra", "sin", "entre", "sobre"])
def test_meaningful_words_are_not_stop_words(word: str) -> None:
    assert word not in SPANISH_STOP_WORDS
    assert terms(SPANISH, word)


def test_estados_unidos_keeps_both_words() -> None:
    assert len(terms(SPANISH, "Estados Unidos")) == 2


@pytest.mark.parametrize("text", ["de la", "el y los", "para que", "MÁS"])
def test_function_words_are_dropped(text: str) -> None:
    assert terms(SPANISH, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("COVID-19", ["COVID", "19"]),
        ("R4V", ["R", "4", "V"]),
        ("snake_case", ["snake", "case"]),
        ("2.500 personas", ["2.500", "personas"]),  # one number (NumberFilter: 2500)
        ("1,500,000", ["1,500,000"]),
        ("24.11.2026", ["24", "11", "2026"]),  # a date is no number with thousands
        ("3,14", ["3", "14"]),
        ("1.2345", ["1", "2345"]),
        ("45% y 45 %", ["45", "%", "y", "45", "%"]),
        (unicodedata.normalize("NFD", "niño"), [unicodedata.normalize("NFD", "niño")]),
    ],
)
def test_tokenizer_splits_letters_from_digits(text: str, expected: list[str]) -> None:
    tokenizer = SPANISH.tokenizer
    assert [t.text for t in tokenizer(text)] == expected


def test_character_positions_point_at_the_original_words() -> None:
    """Highlighting finds words by startchar/endchar: every filter must leave them alone."""
    text = "La EDUCACIÓN de niñas (COVID-19) en Estados Unidos y años después"
    for analyzer in (SPANISH, ENGLISH):
        for token in analyzer(text, chars=True, positions=True):
            original = text[token.startchar : token.endchar]
            assert terms(analyzer, original) == [token.text]


def test_stopped_tokens_are_kept_for_highlighting_when_asked() -> None:
    # Whoosh reuses one Token object: read its attributes while iterating.
    stopped = [t.stopped for t in SPANISH("de la migración", removestops=False)]
    assert stopped == [True, True, False]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Educación", "Educacion"),
        ("niño", "niño"),
        ("NIÑO", "NIÑO"),
        ("pingüino", "pinguino"),
        (unicodedata.normalize("NFD", "año"), "año"),
        ("ﬁ", "ﬁ"),  # ligatures are ingest's job (normalise), not folding's
    ],
)
def test_fold_accents_keeps_enye(word: str, expected: str) -> None:
    assert fold_accents(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("niños", "ninos"),
        ("compañía", "companía"),  # other accents are AccentFoldFilter's job
        ("año", "año"),
        ("años", "año"),
        ("peñas", "peña"),
        ("cañon", "cañon"),
        ("ano", "ano"),
        ("cumpleaños", "cumpleanos"),
    ],
)
def test_fold_enye_protects_words_whose_meaning_changes(word: str, expected: str) -> None:
    assert fold_enye(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("hogares", "hogar"),
        ("ciudades", "ciudad"),
        ("jóvenes", "jóven"),
        ("leyes", "ley"),
        ("meses", "mes"),
        ("interés", "interés"),  # stressed singular, not a plural
        ("tres", "tres"),  # too short to be a plural of anything
        ("informes", "informes"),  # -es after m: the stemmer handles it
        ("veces", "veces"),  # -ces plurals of -z are left alone (índices/índice would break)
        ("aplicables", "aplicables"),  # -ables/-ibles: the stemmer strips them whole
        ("darles", "darles"),  # a pronoun attached to a verb, not a plural
        ("haciéndoles", "haciéndoles"),
    ],
)
def test_singular_cuts_plural_es_after_consonants(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("educacion", "educación"),
        ("decision", "decisión"),
        ("psicologia", "psicología"),
        ("metodologias", "metodologías"),
        ("cion", "cion"),
        ("salud", "salud"),
        ("economia", "economía"),  # from the table: the most frequent spelling
        ("anadio", "anadió"),  # ñ is folded before (EnyeFilter)
        ("consistira", "consistirá"),
        ("economía", "economía"),  # an accented word is folded first: the same outcome
        ("hacia", "hacia"),  # `hacía` (did) is the rarer spelling: the table says nothing
        ("municipio", "municipio"),  # no accented spelling: left as it is
    ],
)
def test_restore_accent_gives_the_stemmer_its_suffixes(word: str, expected: str) -> None:
    assert restore_accent(word) == expected


def test_every_likely_accent_changes_the_stem_and_only_the_accents() -> None:
    """Each table entry is the folded word with accents back, and earns its place: the plural
    cut and the stemmer treat the accented spelling differently (scripts/build_likely_accents.py
    keeps no others)."""
    table = likely_accents()
    assert len(table) > 5000
    for folded, written in table.items():
        assert fold_enye(fold_accents(written)) == folded, written
        unwritten = accent_by_ending(folded)
        assert stem_spanish(singular(written)) != stem_spanish(singular(unwritten)), written


@pytest.mark.parametrize(
    ("text_filter", "word", "expected"),
    [
        (AccentFoldFilter(), "población", "poblacion"),
        (EnyeFilter(), "niñas", "ninas"),
        (SingularFilter(), "mujeres", "mujer"),
        (RestoreAccentFilter(), "migracion", "migración"),
        (RestoreAccentFilter(), "economia", "economía"),
        (StemMergeFilter(), "migrant", "migr"),
        (StemMergeFilter(), "migracion", "migr"),
        (StemMergeFilter(), "salud", "salud"),
    ],
)
def test_each_filter_rewrites_token_text(text_filter, word: str, expected: str) -> None:
    tokenizer = SPANISH.tokenizer
    assert [t.text for t in text_filter(tokenizer(word))] == [expected]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("migrants", "migrant"),
        ("education", "educational"),
        ("Refugees", "refugee"),
        ("policies", "policy"),
        ("assessments", "assessment"),
        ("café", "cafe"),
        ("naïve", "naive"),
    ],
)
def test_english_pairs_meet(a: str, b: str) -> None:
    assert terms(ENGLISH, a) == terms(ENGLISH, b) != []


def test_english_keeps_united_states() -> None:
    assert len(terms(ENGLISH, "United States")) == 2


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Migració", "es", "migracio"),
        ("Niñ", "es", "nin"),
        ("Año", "es", "año"),
        ("Educa", "en", "educa"),
        ("Naïv", "en", "naiv"),
    ],
)
def test_prefix_form_folds_without_stemming(text: str, language: str, expected: str) -> None:
    assert prefix_form(text, language) == expected


@pytest.mark.parametrize("factory", [spanish_analyzer, english_analyzer])
def test_analyzers_survive_pickling(factory) -> None:
    """Whoosh pickles the schema, analyzers included, into the index."""
    text = "Educación de niñas venezolanas en 2019"
    restored = pickle.loads(pickle.dumps(factory()))
    assert terms(restored, text) == terms(factory(), text)


@pytest.mark.realdocs
def test_spanish_analyzer_runs_on_real_documents() -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdfs = sorted(REALDOCS_ES.glob("*.pdf"))[:3]
    if not pdfs:
        pytest.skip(f"no PDFs in {REALDOCS_ES}")
    for path in pdfs:
        pdf = pdfium.PdfDocument(path)
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(min(len(pdf), 20)))
        # Whoosh reuses one Token object: check each while iterating.
        spans = [(t.startchar, t.endchar) for t in SPANISH(text, chars=True, positions=True)]
        assert spans, path
        assert all(text[start:end].strip() for start, end in spans)


MIXED_TEXT = (
    "Las niñas y los NIÑOS de la Migración venezolana: 1.500.000 personas (45%) en 2019; "
    "el año de la pandemia, COVID-19, hogares y ciudades. The refugees' children, the "
    "United States and Colombia. Educación, educacion, logías, de la de la de."
)


def _token_view(analyzer: Analyzer, text: str, **kwargs) -> list[tuple]:
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.stopped)
        for t in analyzer(text, positions=True, chars=True, **kwargs)
    ]


@pytest.mark.parametrize("filters", [spanish_filters, english_filters, surface_filters])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"mode": "query"}, {"mode": "query", "removestops": False}, {"no_morph": True}],
)
def test_cached_chain_gives_the_same_tokens_as_the_plain_chain(filters, kwargs) -> None:
    """The ingest speed-up (each distinct word analysed once) must not change a single term,
    position or character span, in any mode the indexer, the query parser or the highlighter
    uses; twice, so the second pass comes from the cache."""
    plain = CompositeAnalyzer(RegexTokenizer(TOKEN_PATTERN), *filters())
    cached = CachedChainAnalyzer(RegexTokenizer(TOKEN_PATTERN), *filters())
    expected = _token_view(plain, MIXED_TEXT, **kwargs)
    assert expected  # the text is not all stop words
    assert _token_view(cached, MIXED_TEXT, **kwargs) == expected
    assert _token_view(cached, MIXED_TEXT, **kwargs) == expected


def test_cached_chain_pickles_without_its_cache() -> None:
    analyzer = spanish_analyzer()
    terms(analyzer, MIXED_TEXT)
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert analyzer.__getstate__()["_outcomes"] == {}  # the index does not carry the cache
    assert terms(restored, MIXED_TEXT) == terms(analyzer, MIXED_TEXT)


@pytest.mark.parametrize("factory", [spanish_analyzer, english_analyzer, surface_analyzer])
def test_index_terms_are_the_chains_terms_one_position_each(factory) -> None:
    """The indexer hands Whoosh `index_terms` as a list (term i at position i) and maps
    positions to pages with it: it must give the chain's index terms, and the chain must give
    one term per position (no filter adding a second token at a position: a phrase or a page
    number found from the positions would be off)."""
    analyzer = factory()
    tokens = [(t.text, t.pos) for t in analyzer(MIXED_TEXT, positions=True, mode="index")]
    first = tokens[0][1]
    assert [pos for _, pos in tokens] == list(range(first, first + len(tokens)))
    words: dict[str, None] = {}
    assert analyzer.index_terms(MIXED_TEXT, words) == [text for text, _ in tokens]
    assert list(words) == list(dict.fromkeys(TOKENIZER_WORDS.findall(MIXED_TEXT)))


TOKENIZER_WORDS = re.compile(TOKEN_PATTERN)
