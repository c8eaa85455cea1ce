"""The query syntax, checked by running parsed queries on a small real index (tables = spec)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from whoosh.index import create_in
from whoosh.query import And, Term
from whoosh.searching import Searcher

from acervo.search.errors import QuerySyntaxError, UnknownField
from acervo.search.query import parse_query
from acervo.search.schema import build_schema, text_fields

# doc_id -> (language, title, body, agencies, topics, year, doc_type)
DOCS: dict[str, tuple[str, str, str, str, str, int | None, str]] = {
    "edu": (
        "es",
        "Educación de niños y niñas venezolanos en Ecuador",
        "La migración venezolana desde Venezuela limita el acceso a la educación. La COVID-19 "
        "cerró escuelas. Estados Unidos financió becas.",
        "ACNUR,UNICEF",
        "educacion",
        2019,
        "informe",
    ),
    "salud": (
        "es",
        "Salud mental de personas refugiadas",
        "Atención psicológica a refugiados y migrantes. Casos de violencia de género en la "
        "frontera.",
        "OPS-OMS",
        "salud,vbg",
        2020,
        "estudio",
    ),
    "liveli": (
        "en",
        "Livelihoods of Venezuelan migrants in Ecuador",
        "Migration from Venezuela and employment. Education of children after the COVID-19 "
        "pandemic.",
        "OIM",
        "integracion",
        2021,
        "evaluacion",
    ),
    "infancia": (
        "es",
        "Protección de la infancia en la frontera norte",
        "Niñez no acompañada. En el año 2018 se cumplieron diez años de crisis.",
        "UNICEF",
        "proteccion-infancia",
        2018,
        "diagnostico",
    ),
    "vbg": (
        "es",
        "Violencia basada en género contra mujeres venezolanas",
        "La violencia de género contra las mujeres migrantes venezolanas en Ecuador.",
        "ONU-MUJERES",
        "vbg",
        2021,
        "informe",
    ),
    "vivienda": (
        "es",
        "Vivienda y arriendo en Quito",
        "El canon de arrendamiento sube. Evaluación de albergues para familias.",
        "ONU-HABITAT",
        "alojamiento",
        2022,
        "evaluacion",
    ),
    "sinidioma": (
        "",
        "Regularización y documentación",
        "Regularización migratoria: documentación para solicitantes de asilo.",
        "ACNUR",
        "proteccion",
        None,
        "normativa",
    ),
}
ALL = frozenset(DOCS)


def _records(doc_id: str) -> Iterator[dict]:
    language, title, body, agencies, topics, year, doc_type = DOCS[doc_id]
    title_field, body_field = text_fields(language)
    facets = {"agency": agencies, "topic": topics, "language": language, "doc_type": doc_type}
    if year is not None:
        facets["year"] = year
    words = f"{title}\n{body}"  # WORDS_FIELD, as the indexer writes it: fuzzy words, wildcards
    yield {"kind": "doc", "doc_id": doc_id, "page": 0, title_field: title, body_field: body}
    yield {"words": words}
    yield {"kind": "page", "doc_id": doc_id, "page": 1, body_field: body, "text": body}
    yield facets


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    index = create_in(tmp_path_factory.mktemp("query-index"), build_schema())
    writer = index.writer()
    for doc_id in DOCS:
        doc, words, page, facets = _records(doc_id)
        writer.add_document(**doc, **words, **facets)
        writer.add_document(**page)
    writer.commit()
    with index.searcher() as opened:
        yield opened


def found(searcher: Searcher, text: str, expand: bool = False) -> set[str]:
    """Syntax tables run without the thesaurus (its own table is EXPANDED below), every word
    required (ranking by most of the words is tested in test_coordination.py)."""
    parsed = parse_query(text, expand=expand, relax=False)
    return {hit["doc_id"] for hit in searcher.search(parsed.doc_query, limit=None)}


def but(*doc_ids: str) -> set[str]:
    return set(ALL - set(doc_ids))


# query -> the documents it must find, exactly.
MATCHES = [
    # plain words, accents, case, ñ, plural and gender
    ("educación", {"edu"}),
    ("educacion", {"edu"}),
    ("EDUCACIÓN", {"edu"}),
    ("ninos", {"edu"}),
    ("niñas", {"edu"}),
    ("niño", {"edu"}),
    ("venezolanas", {"edu", "vbg"}),
    ("psicologico", {"salud"}),
    ("refugiado", {"salud"}),
    ("migrante", {"edu", "salud", "liveli", "vbg"}),  # English "migrants" too
    ("año", {"infancia"}),
    ("ano", set()),
    ("canon", {"vivienda"}),
    ("cañón", set()),
    ("evaluaciones", {"vivienda"}),
    # all words required
    ("migración venezolanos", {"edu", "vbg"}),
    ("Ecuador venezuela", {"edu", "liveli"}),
    ("migración AND salud", {"salud"}),  # its "migrantes" meets "migración"
    ("de la educación", {"edu"}),  # stop words dropped, not required
    # phrases
    ('"violencia de género"', {"salud", "vbg"}),
    ('"género violencia"', set()),
    ('"Estados Unidos"', {"edu"}),
    ("COVID-19", {"edu", "liveli"}),
    ("covid19", {"edu", "liveli"}),
    ("covid", {"edu", "liveli"}),
    # OR (and O), binding tighter than AND
    ("niños OR mujeres", {"edu", "vbg"}),
    ("niños O mujeres", {"edu", "vbg"}),
    ("venezolanos educación OR frontera", {"edu"}),
    ("frontera salud OR infancia", {"salud", "infancia"}),
    ("(frontera salud) OR vivienda", {"salud", "vivienda"}),
    # negation
    ("-venezuela", but("edu", "liveli")),
    ("NOT venezuela", but("edu", "liveli")),
    ("venezolanas -educación", {"vbg"}),
    ("ecuador NOT (niños OR mujeres)", {"liveli"}),
    ("* -venezuela", but("edu", "liveli")),
    # prefixes, folded like the index but not stemmed
    ("migra*", {"edu", "salud", "liveli", "vbg", "sinidioma"}),
    ("migració*", {"edu", "salud", "vbg"}),
    ("Educa*", {"edu", "liveli"}),
    ("niñ*", {"edu", "infancia"}),
    ("regulariz*", {"sinidioma"}),
    # fields, Spanish and English names, accents optional
    ("titulo:salud", {"salud"}),
    ("título:frontera", {"infancia"}),
    ("title:venezuelan", {"liveli"}),
    ('titulo:"mujeres venezolanas"', {"vbg"}),
    ("titulo:(vivienda OR salud)", {"vivienda", "salud"}),
    ("agencia:UNHCR", {"edu", "sinidioma"}),
    ("agencia:acnur", {"edu", "sinidioma"}),
    ("agency:ACNUR", {"edu", "sinidioma"}),
    ('agencia:"ONU Mujeres"', {"vbg"}),
    ("agencia:ONU-Mujeres", {"vbg"}),
    ("agencia:(OIM OR UNICEF)", {"edu", "liveli", "infancia"}),
    ("-agencia:ACNUR", but("edu", "sinidioma")),
    ("tema:educacion", {"edu"}),
    ("tema:Educación", {"edu"}),
    ("topic:education", {"edu"}),
    ('tema:"violencia de género"', {"salud", "vbg"}),
    ("tipo:informe", {"edu", "vbg"}),
    ("tipo:reporte", {"edu", "vbg"}),
    ("type:evaluation", {"liveli", "vivienda"}),
    ("anio:2019", {"edu"}),
    ("año:2018", {"infancia"}),
    ("year:2021", {"liveli", "vbg"}),
    ("anio:2019..2021", {"edu", "salud", "liveli", "vbg"}),
    ("anio:2019-2020", {"edu", "salud"}),
    ("anio:2021..", {"liveli", "vbg", "vivienda"}),
    ("anio:..2019", {"edu", "infancia"}),
    ("anio:>2021", {"vivienda"}),
    ("anio:>=2021", {"liveli", "vbg", "vivienda"}),
    ("anio:<2019", {"infancia"}),
    ("anio:<=2019", {"edu", "infancia"}),
    ("idioma:en", {"liveli"}),
    ("idioma:inglés", {"liveli"}),
    ("language:english", {"liveli"}),
    ("idioma:español", {"edu", "salud", "infancia", "vbg", "vivienda"}),
    ("venezolanas agencia:ONU-Mujeres anio:2021", {"vbg"}),
    # a colon that is no field: plain text, never dropped
    ("http://example.org", set()),
    ("Ecuador: venezolanas", {"edu", "vbg"}),
    ('"salud:mental"', {"salud"}),
    ("Ecuador - venezolanas", {"edu", "vbg"}),  # a dash standing alone excludes nothing
    # everything
    ("", ALL),
    ("   ", ALL),
    ("*", ALL),
]


@pytest.mark.parametrize(("text", "expected"), MATCHES)
def test_query_finds(searcher: Searcher, text: str, expected: set[str]) -> None:
    assert found(searcher, text) == expected


# query -> (error class, part of its Spanish message)
ERRORS = [
    ('"violencia de género', QuerySyntaxError, 'Falta cerrar las comillas en «"violencia'),
    ('""', QuerySyntaxError, "comillas vacías"),
    ("(migración OR refugio", QuerySyntaxError, "Falta cerrar un paréntesis"),
    ("migración)", QuerySyntaxError, "Sobra un paréntesis de cierre"),
    ("()", QuerySyntaxError, "paréntesis vacíos"),
    ("niños OR", QuerySyntaxError, "Falta una palabra después de «OR»"),
    ("niños OR OR niñas", QuerySyntaxError, "Falta una palabra después de «OR»"),
    ("OR niños", QuerySyntaxError, "«OR» necesita una palabra a cada lado"),
    ("(OR niños)", QuerySyntaxError, "«OR» necesita una palabra a cada lado"),
    ("migración NOT", QuerySyntaxError, "Falta una palabra después de «NOT»"),
    ("migración AND", QuerySyntaxError, "Falta una palabra después de «AND»"),
    ("titulo:", QuerySyntaxError, "Falta el valor del campo «titulo:»"),
    ("titulo: migración", QuerySyntaxError, "Escríbalo pegado a los dos puntos"),
    ("anio:2021..2019", QuerySyntaxError, "Rango de años invertido en «anio:2021..2019»"),
    ("anio:abc", QuerySyntaxError, "Año no válido en «anio:abc»"),
    ("anio:19", QuerySyntaxError, "anio:2019..2021"),
    ("idioma:fr", QuerySyntaxError, "Idioma desconocido «fr»"),
    ("covid-1*", QuerySyntaxError, "El comodín «*» va pegado a letras"),
    ("*a*", QuerySyntaxError, "«*a*» no es un comodín válido"),
    ("*-*", QuerySyntaxError, "no es un comodín válido"),
    ("a*b*c*d*~", QuerySyntaxError, "no es una búsqueda aproximada válida"),
    ("migracion~3", QuerySyntaxError, "«~2» (dos)"),
    ("m*", QuerySyntaxError, "demasiado corto"),
    ("de la", QuerySyntaxError, "no tiene palabras que buscar"),
    ("-", QuerySyntaxError, "no tiene palabras que buscar"),
    (
        "autor:García",
        UnknownField,
        "Campo desconocido «autor:». Campos válidos: titulo, agencia, tema, anio, idioma, tipo, "
        "lugar, area, ods, pacto, leccion, codigo.",
    ),
    ("OCDE:16", UnknownField, 'póngalo entre comillas: "OCDE:…"'),  # ods:16 is a field
    ("agencia:ACNURR", UnknownField, "Agencia desconocida «ACNURR» en «agencia:ACNURR». ¿Quiso"),
    ("agencia:ONU", UnknownField, "¿Quiso decir ONU-MUJERES, ONU-HABITAT"),
    ("tema:educasion", UnknownField, "Tema desconocido «educasion»"),
    ("tipo:libro", UnknownField, "Tipo de documento desconocido «libro»"),
]


@pytest.mark.parametrize(("text", "error", "message"), ERRORS)
def test_query_errors_say_what_to_write(text: str, error: type, message: str) -> None:
    with pytest.raises(error) as raised:
        parse_query(text)
    assert message in str(raised.value)


def test_unknown_values_suggest_close_ones() -> None:
    with pytest.raises(UnknownField, match="¿Quiso decir ACNUR"):
        parse_query("agencia:ACNURR")
    with pytest.raises(UnknownField, match="¿Quiso decir educa[ct]i"):
        parse_query("tema:educasion")


@pytest.mark.parametrize(
    ("text", "match_all"),
    [("", True), (" * ", True), ("(*)", True), ("migración", False), ("-venezuela", False)],
)
def test_match_all(text: str, match_all: bool) -> None:
    assert parse_query(text).match_all is match_all


def test_doc_query_stays_on_doc_records(searcher: Searcher) -> None:
    """Even a pure negation must not bring back page records."""
    for text in ("-venezuela", "*", "niños OR -mujeres"):
        hits = searcher.search(parse_query(text).doc_query, limit=None)
        assert {hit["kind"] for hit in hits} == {"doc"}


def test_titles_weigh_more_than_bodies(searcher: Searcher) -> None:
    hits = searcher.search(parse_query("frontera").doc_query, limit=None)
    assert [hit["doc_id"] for hit in hits][0] == "infancia"  # in its title, not only its body


@pytest.mark.parametrize(
    ("text", "pages"),
    [
        ("educación -salud", {"edu"}),
        ("migració*", {"edu", "salud", "vbg"}),
        ("titulo:vivienda", set()),  # no page body says "vivienda"
        ("titulo:familias", {"vivienda"}),  # title words are looked for in page bodies too
        ("familias titulo:vivienda", {"vivienda"}),
        ('"violencia de género" agencia:OPS', {"salud", "vbg"}),
    ],
)
def test_passage_query_finds_pages(searcher: Searcher, text: str, pages: set[str]) -> None:
    passage_query = parse_query(text, expand=False).passage_query
    query = And([passage_query, Term("kind", "page")])
    assert {hit["doc_id"] for hit in searcher.search(query, limit=None)} == pages


@pytest.mark.parametrize("text", ["agencia:ACNUR", "-venezuela", "anio:2019", "*"])
def test_no_passage_query_without_positive_words(text: str) -> None:
    assert parse_query(text).passage_query is None


def test_passage_terms_leave_out_negated_words(searcher: Searcher) -> None:
    passage_query = parse_query("educación -salud").passage_query
    words = {text for _, text in passage_query.existing_terms(searcher.reader(), expand=True)}
    assert b"educ" in words and b"salud" not in words


def test_ignored_words_are_reported() -> None:
    assert parse_query("de la migración y the refugees").ignored_words == ("de", "la", "y", "the")


def test_fields_used() -> None:
    parsed = parse_query("titulo:salud agencia:OPS anio:2020 idioma:es tipo:estudio tema:salud")
    assert parsed.fields_used == {
        "title_es",
        "title_en",
        "agency",
        "year",
        "language",
        "doc_type",
        "topic",
    }


# ---- thesaurus expansion, fuzzy words and wildcards ---------------------------------------

# query -> the documents it must find with the thesaurus on (the default)
EXPANDED = [
    ("educación", {"edu", "liveli"}),  # + education (English)
    ("education", {"edu", "liveli"}),  # + educación (Spanish)
    ("refugees", {"salud"}),  # + refugiados
    ("VBG", {"salud", "vbg"}),  # + violencia de género, violencia basada en género
    ("violencia basada en género", {"salud", "vbg"}),  # unquoted: the same concept
    # OR binds tighter and keeps its words: violencia basada en (género OR vivienda)
    ("violencia basada en género OR vivienda", {"vbg"}),
    ('"violencia basada en género" OR vivienda', {"salud", "vbg", "vivienda"}),
    ("UNHCR", set()),  # no document names the agency in its text here
    ("-education", but("edu", "liveli")),  # a negated concept leaves out every form
]


@pytest.mark.parametrize(("text", "expected"), EXPANDED)
def test_thesaurus_expansion_finds(searcher: Searcher, text: str, expected: set[str]) -> None:
    assert found(searcher, text, expand=True) == expected


def test_expansions_report_each_typed_form_once() -> None:
    parsed = parse_query("VBG Quito VBG")
    assert [e.term for e in parsed.expansions] == ["VBG"]
    assert "gender-based violence" in parsed.expansions[0].alternatives
    assert parse_query("VBG Quito", expand=False).expansions == ()


def test_alternatives_are_highlighted_not_reported_as_ignored() -> None:
    parsed = parse_query("education")
    assert parsed.ignored_words == ()
    assert "body_es" in {field for field, _ in parsed.passage_query.iter_all_terms()}


# query -> the documents it must find: fuzzy words (~, ~2) and wildcards (* and ? anywhere)
PATTERNS = [
    ("migracion~", {"edu", "salud", "liveli", "vbg"}),  # migración, Migration (not migratoria)
    ("educasion~", {"edu", "liveli"}),  # educación, and Education one letter away
    ("educasiom~", set()),  # two edits: ~ allows one
    ("educasiom~2", {"edu", "liveli"}),
    ("*migra*", {"edu", "salud", "liveli", "vbg", "sinidioma"}),
    ("*ducaci*", {"edu"}),
    ("ni?os", {"edu"}),
    ("titulo:*ivien*", {"vivienda"}),
]


@pytest.mark.parametrize(("text", "expected"), PATTERNS)
def test_fuzzy_words_and_wildcards_find(searcher: Searcher, text: str, expected: set[str]) -> None:
    assert found(searcher, text) == expected
