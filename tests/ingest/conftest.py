"""Fixtures: small real documents written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from docbuilders import write_docx, write_odt, write_pdf


@pytest.fixture
def sample_pdf(tmp_path: Path) -> Path:
    pages = ["Primera página sobre migración.", "Segunda página.", "Tercera página final."]
    return write_pdf(tmp_path / "muestra.pdf", pages, title="Informe de prueba")


@pytest.fixture
def sample_docx(tmp_path: Path) -> Path:
    return write_docx(tmp_path / "muestra.docx")


@pytest.fixture
def sample_odt(tmp_path: Path) -> Path:
    return write_odt(tmp_path / "muestra.odt")
