"""detect_format decides by bytes: each case writes real bytes under a misleading name."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docbuilders import write_docx, write_odt, write_pdf

from acervo.ingest.detect import HEAD_BYTES, detect_format

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _docm(path: Path) -> None:
    write_docx(path)
    with zipfile.ZipFile(path) as src:
        members = {n: src.read(n) for n in src.namelist()}
    ct = members["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    members["[Content_Types].xml"] = ct
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _ole2(stream_name: str) -> Callable[[Path], object]:
    """A compound file whose directory names one stream (names are UTF-16LE)."""
    return lambda p: p.write_bytes(OLE2 + b"\x00" * 600 + stream_name.encode("utf-16-le"))


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
LATIN1_TEXT = "Migración, niños y años.\n".encode("latin-1")

BUILDERS: list[tuple[str, Callable[[Path], object], str]] = [
    ("pdf named .docx", lambda p: write_pdf(p, ["hola"]), "pdf"),
    ("pdf after junk", lambda p: p.write_bytes(b"\x00" * 500 + b"%PDF-1.4\n..."), "pdf"),
    ("docx named .pdf", write_docx, "docx"),
    ("docm", _docm, "docm"),
    ("odt named .txt", write_odt, "odt"),
    ("other odf", lambda p: _zip(p, {"mimetype": ODS_MIMETYPE}), "zip"),
    ("plain zip", lambda p: _zip(p, {"README.txt": "hola"}), "zip"),
    ("broken zip", lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40), "zip"),
    ("rtf", lambda p: p.write_bytes(b"{\\rtf1\\ansi hola}"), "rtf"),
    ("html doctype", lambda p: p.write_bytes(b"  <!DOCTYPE html><p>hola"), "html"),
    ("html upper", lambda p: p.write_bytes(b"<HTML><BODY>hola"), "html"),
    ("xhtml", lambda p: p.write_bytes(b'<?xml version="1.0"?>\n<html xmlns="x">'), "html"),
    ("script preamble", lambda p: p.write_bytes(b"<script>x()</script>\n<html>"), "html"),
    ("utf-8 text", lambda p: p.write_text("Migración y asilo\n", encoding="utf-8"), "txt"),
    ("latin-1 text", lambda p: p.write_bytes(LATIN1_TEXT), "txt"),
    ("text mentioning html", lambda p: p.write_text("see <html> tags"), "txt"),
    ("empty", lambda p: p.write_bytes(b""), "empty"),
    ("legacy doc", _ole2("WordDocument"), "doc"),
    ("encrypted docx", _ole2("EncryptedPackage"), "encrypted_ooxml"),
    ("binary", lambda p: p.write_bytes(bytes(range(256)) * 4), "unknown"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "expected"), [b[1:] for b in BUILDERS], ids=[b[0] for b in BUILDERS]
)
def test_detect_format(tmp_path: Path, build: Callable[[Path], object], expected: str) -> None:
    path = tmp_path / "file.docx"  # the extension must never matter
    build(path)
    assert detect_format(path, path.read_bytes()[:HEAD_BYTES]) == expected
