"""Extractors on small real files written with fpdf2 / python-docx / zipfile."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest
from docbuilders import write_odt

from acervo.ingest import extractors
from acervo.ingest.detect import detect_format
from acervo.ingest.errors import (
    CorruptDocument,
    DecompressionBomb,
    EmptyDocument,
    EncryptedDocument,
    IngestError,
    UnsupportedFormat,
)
from acervo.ingest.extractors import docx, html, odt, pdf, rtf, txt
from acervo.ingest.models import ExtractOptions

MB = 1024 * 1024


def test_pdf_pages_are_numbered_and_properties_read(sample_pdf: Path) -> None:
    result = pdf.extract(sample_pdf)
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert "migración" in result.pages[0].text
    assert result.pages[2].text == "Tercera página final."
    assert result.properties.title == "Informe de prueba"
    assert result.properties.author == "ACNUR"
    assert result.properties.year == 2021


def test_docx_reads_body_in_order_then_header_and_footer(sample_docx: Path) -> None:
    result = docx.extract(sample_docx)
    text = result.pages[0].text
    assert len(result.pages) == 1
    order = ["Párrafo antes", "fila0 col0 | fila0 col1", "fila1 col0", "Párrafo después"]
    positions = [text.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert text.index("Encabezado OIM") > text.index("Párrafo después")
    assert "Pie de página ACNUR" in text
    assert result.properties.title == "Estudio de movilidad"
    assert result.properties.author == "OIM"
    assert result.properties.year == 2020


def test_docx_keeps_words_after_an_unresolved_entity(tmp_path: Path, sample_docx: Path) -> None:
    with zipfile.ZipFile(sample_docx) as src:
        members = {name: src.read(name) for name in src.namelist()}
    xml = members["word/document.xml"]
    declaration = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = xml.replace(b"?>", b"?>" + declaration, 1)
    members["word/document.xml"] = xml.replace(b"antes de", b"antes &xxe; de", 1)
    hostile = tmp_path / "xxe.docx"
    with zipfile.ZipFile(hostile, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    text = docx.extract(hostile).pages[0].text
    assert "Párrafo antes de la tabla." in text
    assert "root:" not in text


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"A" * (20 * MB))
    with pytest.raises(DecompressionBomb):
        docx.extract(bomb)


def test_docx_without_content_types_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(CorruptDocument):
        docx.extract(path)


def test_pdf_flate_bomb_is_refused(tmp_path: Path) -> None:
    stream = zlib.compress(b" " * (120 * MB), 9)
    header = f"1 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n"
    body = b"%PDF-1.4\n" + header.encode() + stream + b"\nendstream\nendobj\n%%EOF\n"
    path = tmp_path / "bomb.pdf"
    path.write_bytes(body)
    with pytest.raises(DecompressionBomb):
        pdf.extract(path)


def test_odt_text_tables_lists_and_meta(sample_odt: Path) -> None:
    result = odt.extract(sample_odt)
    text = result.pages[0].text
    assert text.split("\n\n") == [
        "Informe ODT",
        "Primer párrafo con énfasis.",
        "celda A | celda B",
        "elemento de lista",
    ]
    assert result.properties.title == "Título ODT"
    assert result.properties.author == "OIM"
    assert result.properties.keywords == "migración"
    assert result.properties.year == 2019


def test_encrypted_odt_is_reported(tmp_path: Path) -> None:
    manifest = "<manifest:manifest><manifest:encryption-data/></manifest:manifest>"
    with pytest.raises(EncryptedDocument):
        odt.extract(write_odt(tmp_path / "enc.odt", manifest=manifest))


def test_rtf_text_and_title(tmp_path: Path) -> None:
    path = tmp_path / "doc.rtf"
    path.write_bytes(
        rb"{\rtf1\ansi\ansicpg1252{\info{\title Informe RTF}{\author OIM}"
        rb"{\creatim\yr2018\mo1\dy2}}Migraci\'f3n y asilo.\par Segunda l\'ednea.}"
    )
    result = rtf.extract(path)
    assert result.pages[0].text == "Migración y asilo.\nSegunda línea."
    assert result.properties.title == "Informe RTF"
    assert result.properties.author == "OIM"
    assert result.properties.year == 2018


LATIN1_PAGE = (
    '<html><head><meta charset="iso-8859-1"><title>Niñez</title></head>'
    "<body><p>Migración</p><script>alert(1)</script><style>p{}</style></body></html>"
).encode("latin-1")
HTML_CASES = [
    ("meta charset latin-1", LATIN1_PAGE, "Migración", "Niñez"),
    (
        "utf-8 BOM",
        "\ufeff<html><body><p>Año</p><p>Dos</p></body></html>".encode(),
        "Año\n\nDos",
        "",
    ),
    ("odd script end", b"<html><script>x()</script foo><p>visible</p></html>", "visible", ""),
    ("table", b"<html><body><table><tr><td>a</td><td>b</td></tr></table>", "a | b", ""),
]


@pytest.mark.parametrize(
    ("raw", "expected_text", "expected_title"),
    [c[1:] for c in HTML_CASES],
    ids=[c[0] for c in HTML_CASES],
)
def test_html(tmp_path: Path, raw: bytes, expected_text: str, expected_title: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(raw)
    result = html.extract(path)
    assert result.pages[0].text == expected_text
    assert result.properties.title == expected_title


@pytest.mark.parametrize(
    "raw",
    [
        "Niños y años\n".encode("latin-1"),
        "Niños y años\n".encode("utf-8-sig"),
        "Niños y años".encode(),
    ],
    ids=["latin-1", "utf-8 with BOM", "utf-8"],
)
def test_txt_decodings(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "nota.txt"
    path.write_bytes(raw)
    assert txt.extract(path).pages[0].text == "Niños y años"


@pytest.mark.parametrize(
    ("fmt", "name", "error"),
    [
        ("empty", "a.pdf", EmptyDocument),
        ("docm", "a.docm", UnsupportedFormat),
        ("doc", "a.doc", UnsupportedFormat),
        ("encrypted_ooxml", "a.docx", EncryptedDocument),
        ("zip", "a.docx", CorruptDocument),
        ("unknown", "a.bin", UnsupportedFormat),
        ("txt", "a.pdf", CorruptDocument),  # text bytes under a binary format's name
    ],
)
def test_registry_refusals(tmp_path: Path, fmt: str, name: str, error: type[IngestError]) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(error):
        extractors.extract(path, fmt)


def test_registry_dispatches_by_format_not_extension(tmp_path: Path, sample_pdf: Path) -> None:
    renamed = tmp_path / "really-a-pdf.docx"
    renamed.write_bytes(sample_pdf.read_bytes())
    assert extractors.extract(renamed, "pdf").format == "pdf"


@pytest.mark.parametrize("reader", ["auto", "pdfium", "pdfminer"])
def test_every_pdf_reader_gives_the_same_pages(sample_pdf: Path, reader: str) -> None:
    result = pdf.extract(sample_pdf, ExtractOptions(extractor=reader))
    assert [p.text for p in result.pages] == [
        "Primera página sobre migración.",
        "Segunda página.",
        "Tercera página final.",
    ]
    assert (result.properties.title, result.properties.year) == ("Informe de prueba", 2021)


def test_markdown_is_read_as_text_by_content(tmp_path: Path) -> None:
    path = tmp_path / "notas.md"
    path.write_text("# Informe de campo\n\n- Niñas y niños en *Tulcán*\n", encoding="utf-8")
    fmt = detect_format(path, path.read_bytes())
    assert fmt == "txt"
    assert extractors.extract(path, fmt).pages[0].text == (
        "# Informe de campo\n\n- Niñas y niños en *Tulcán*"
    )


@pytest.mark.parametrize(
    ("builder", "fmt"),
    [
        (lambda p: write_odt(p.with_suffix(".odt")), "odt"),
        (lambda p: _write(p.with_suffix(".rtf"), rb"{\rtf1\ansi Informe RTF.}"), "rtf"),
        (
            lambda p: _write(p.with_suffix(".html"), b"<html><body><p>Informe</p></body></html>"),
            "html",
        ),
        (lambda p: _write(p.with_suffix(".txt"), b"Informe en texto"), "txt"),
    ],
    ids=["odt", "rtf", "html", "txt"],
)
def test_formats_are_chosen_by_content_behind_one_interface(
    tmp_path: Path, builder, fmt: str
) -> None:
    original = builder(tmp_path / "doc")
    renamed = tmp_path / "renombrado.bin"  # the extension says nothing
    renamed.write_bytes(original.read_bytes())
    detected = detect_format(renamed, renamed.read_bytes()[:8192])
    assert detected == fmt
    result = extractors.extract(renamed, detected, ExtractOptions(ocr=True))
    assert result.format == fmt and "Informe" in result.pages[0].text


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
