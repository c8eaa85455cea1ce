"""Places in text (ingest/places.py) and the places vocabulary (acervo/vocab/places.csv)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from acervo import vocab
from acervo.ingest.metadata import resolve_metadata
from acervo.ingest.models import ExtractedText, Page, Provenance
from acervo.ingest.places import FRONT_CHARS, infer_places, place_mentions, places_in_text

# The table is the specification: text -> place codes named in it, with their counts.
MENTIONS = [
    ("Familias en Sucumbíos y en Sucumbios", {"sucumbios": 2}),
    ("SUCUMBÍOS, sucumbios", {"sucumbios": 2}),  # an unambiguous name matches in any case
    ("Lago Agrio es Nueva Loja", {"nueva-loja": 2}),  # an alias is the same place
    ("Nueva Loja no es Loja", {"nueva-loja": 1, "loja": 1}),  # longest name first
    ("el oro de la mina", {}),  # common words: need capitals
    ("la provincia de El Oro; EL ORO", {"el-oro": 2}),
    ("los ríos de la región; Los Ríos", {"los-rios": 1}),
    ("una manta de lana en Manta", {"manta": 1}),
    ("Orellana y Francisco de Orellana", {"orellana": 1, "francisco-de-orellana": 1}),
    (
        "Santo Domingo de los Tsáchilas y Santo Domingo",
        {"santo-domingo-de-los-tsachilas": 1, "santo-domingo": 1},
    ),
    ("Tulcan, Tulcán, Rumichaca, Huaquillas", {"tulcan": 2, "rumichaca": 1, "huaquillas": 1}),
    ("el Puente Internacional San Miguel", {"san-miguel": 1}),
    ("Perú, Peru, Brasil, Brazil, Panamá", {"peru": 2, "brasil": 2, "panama": 1}),
    ("EE. UU., EE.UU. y Estados Unidos; estados unidos mexicanos", {"estados-unidos": 3}),
    ("chile picante; Chile", {"chile": 1}),
    ("el puente Simón Bolívar; la provincia Bolívar", {"bolivar": 1}),
    ("Huaquillasse, Quitos, Peruano", {}),  # whole words only
    ("Quito, abril de 2022", {}),  # an imprint line is not what a report is about
    ("Quito 2020 y en Quito", {"quito": 1}),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONS)
def test_place_mentions(text: str, expected: dict[str, int]) -> None:
    assert place_mentions(text) == Counter(expected)


def test_a_document_is_tagged_with_places_named_twice_or_on_its_front() -> None:
    filler = "Texto sin lugares. " * (FRONT_CHARS // 10)
    pages = [
        Page(1, "Informe sobre Carchi.\n" + filler),
        Page(2, "En Guayaquil y otra vez en Guayaquil. Una vez en Chile."),
    ]
    assert infer_places(pages) == ("guayaquil", "carchi", "guayas")  # Chile only once, deep


def test_a_city_tags_its_province() -> None:
    assert places_in_text("Espacios seguros en Lago Agrio") == ("nueva-loja", "sucumbios")
    assert places_in_text("Paso por Rumichaca") == ("rumichaca", "carchi")


def test_places_vocabulary_parses() -> None:
    places = vocab.places()
    codes = [p.code for p in places]
    assert len(codes) == len(set(codes))
    assert all(p.kind in vocab.PLACE_KINDS and p.name for p in places)
    provinces = {p.code for p in places if p.kind == "provincia"}
    assert len(provinces) == 24
    for place in places:
        if place.kind in ("ciudad", "paso fronterizo"):
            assert place.province in provinces, place
        else:
            assert place.province == "", place
    countries = {p.code for p in places if p.kind == "país"}
    assert {"venezuela", "colombia", "peru", "chile", "brasil", "estados-unidos"} <= countries


def test_no_place_name_means_two_places() -> None:
    owner: dict[str, str] = {}
    for place in vocab.places():
        for name in (place.name, *place.aliases):
            folded = vocab.fold(name)
            assert owner.setdefault(folded, place.code) == place.code, name


@pytest.mark.parametrize(
    ("name", "code"),
    [("sucumbios", "sucumbios"), ("Sucumbíos", "sucumbios"), ("Lago Agrio", "nueva-loja"),
     ("EEUU", "estados-unidos"), ("el oro", "el-oro")],
)  # fmt: skip
def test_place_names_resolve_without_case_or_accents(name: str, code: str) -> None:
    assert vocab.resolve("place", name) == code


def test_sidecar_places_win_over_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "OIM" / "2020"
    folder.mkdir(parents=True)
    doc = folder / "estudio.pdf"
    doc.write_bytes(b"%PDF-1.4")
    (folder / "estudio.pdf.meta.yaml").write_text(
        "lugares: [Lago Agrio, Carchi, Narnia]\n", encoding="utf-8"
    )
    text = ExtractedText("pdf", [Page(1, "Estudio en Guayaquil y Guayaquil.")])
    meta = resolve_metadata([doc], text, [tmp_path])
    assert (meta.places, meta.provenance["places"]) == (
        ("nueva-loja", "carchi"),
        Provenance.SIDECAR,
    )
    assert any("lugar desconocido «Narnia»" in str(note) for note in meta.notes)


def test_places_are_inferred_from_the_text(tmp_path: Path) -> None:
    text = ExtractedText("pdf", [Page(1, "Estudio en Huaquillas, El Oro.")])
    meta = resolve_metadata([tmp_path / "x.pdf"], text, [tmp_path])
    assert meta.places == ("huaquillas", "el-oro")
    assert meta.provenance["places"] is Provenance.INFERRED
