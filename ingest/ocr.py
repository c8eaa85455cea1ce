"""OCR of scanned PDF pages with tesseract (Debian: tesseract-ocr, tesseract-ocr-spa).

A page is rendered at 200 dpi by pypdfium2 (already loaded, and it takes the file's password
in memory: `pdftoppm -upw` would show it to every user in the process list) and its PNG is fed
to `tesseract stdin - -l spa+eng`. Each page has its own time limit; the subprocess dies with
the worker if the worker is killed (PR_SET_PDEATHSIG), so a file over the run's limit leaves no
orphan behind.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pypdfium2

from acervo.ingest.errors import ExtractionTimeout
from acervo.ingest.process import die_with_parent

OCR_DPI = 200
OCR_LANGUAGES = "spa+eng"
REQUIRED_LANGUAGES = ("spa", "eng")


@cache
def available() -> bool:
    """True when `tesseract` is installed with Spanish and English data."""
    if shutil.which("tesseract") is None:
        return False
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    languages = set(listed.stdout.split())
    return all(lang in languages for lang in REQUIRED_LANGUAGES)


def ocr_pdf_page(path: Path, number: int, password: str = "", timeout_s: float = 60.0) -> str:
    """Text of page `number` (1-based) of the PDF at `path`, read by tesseract."""
    return ocr_png(render_page_png(path, number, password), timeout_s)


def render_page_png(path: Path, number: int, password: str = "") -> bytes:
    document = pypdfium2.PdfDocument(str(path), password=password or None)
    try:
        page = document[number - 1]
        try:
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        finally:
            page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ocr_png(png: bytes, timeout_s: float = 60.0) -> str:
    # One thread per tesseract: the worker pool already uses every core.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "-", "-l", OCR_LANGUAGES],
            input=png,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            preexec_fn=die_with_parent,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionTimeout(
            f"El OCR de una página superó el límite de {timeout_s:g} s y se detuvo."
        ) from exc
    return done.stdout.decode("utf-8", errors="replace")
