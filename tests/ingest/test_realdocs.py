"""Every file of ../shared/realdocs must end as its MANIFEST.tsv row says.

All files are extracted once per session through the worker pool (in parallel), with the
default PDF reader (`auto`: pdfium, pdfminer.six as fallback), then each row is one test that
checks its own outcome. Every row is checked again with the reference reader alone (pdfminer),
which must give exactly the manifest's outcome everywhere; the hostile folder
is run once through the whole pipeline, and its password-protected PDFs are opened with the
passwords given in sidecars.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from acervo.ingest.models import ExtractedText, ExtractionFailure, ExtractOptions, FailureKind
from acervo.ingest.pipeline import Failed, Indexed, run_ingest
from acervo.ingest.worker import extract_many

REALDOCS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs"
MANIFEST = REALDOCS / "MANIFEST.tsv"
TEXT_EXPECTS = {"text", "hostile_text"}
SLOW_MACHINE_TIMEOUT_S = 600
MIN_TEXT_CHARS = 10  # the SHORT rows have 17 to 38 characters
FAILURE_KINDS = {
    "encrypted": FailureKind.ENCRYPTED,
    "needs_ocr": FailureKind.NEEDS_OCR,
    "corrupt": FailureKind.CORRUPT,
    "empty": FailureKind.EMPTY,
    "unsupported": FailureKind.UNSUPPORTED,
    "bomb": FailureKind.BOMB,
}

pytestmark = [
    pytest.mark.realdocs,
    pytest.mark.skipif(not MANIFEST.exists(), reason=f"realdocs corpus not found at {REALDOCS}"),
]


def _rows() -> list[dict[str, str]]:
    if not MANIFEST.exists():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _rows()
# Files the manifest calls corrupt because pdfminer and pypdf fail on them (its note: "may be
# repairable by other engines") that the default reader recovers whole through pdfium: pages,
# and words of their text (a USGS methods report; pdfminer stops at page 23 with a TypeError).
REPAIRED_BY_PDFIUM = {
    "hostile/corrupt-govdocs-455746.pdf": (86, ("Volatile Organic Compounds", "calibration")),
}


@pytest.fixture(scope="session")
def outcomes() -> dict[str, ExtractedText | ExtractionFailure]:
    paths = [REALDOCS / row["path"] for row in ROWS]
    # A generous limit: the outcome is under test here, not the speed of a loaded machine.
    results = extract_many(paths, timeout_s=SLOW_MACHINE_TIMEOUT_S)
    return {str(path.relative_to(REALDOCS)): outcome for path, outcome in results}


@pytest.mark.parametrize("row", ROWS, ids=[row["path"] for row in ROWS])
def test_manifest_outcome(row: dict[str, str], outcomes: dict) -> None:
    _check_default_reader(row, outcomes[row["path"]])


def _check_default_reader(row: dict[str, str], outcome: ExtractedText | ExtractionFailure) -> None:
    """The manifest's outcome, but for the files the default reader repairs."""
    if row["path"] not in REPAIRED_BY_PDFIUM:
        _check(row, outcome)
        return
    pages, words = REPAIRED_BY_PDFIUM[row["path"]]
    assert isinstance(outcome, ExtractedText), outcome
    assert len(outcome.pages) == pages
    text = " ".join(page.text for page in outcome.pages)
    assert all(word in text for word in words)


# pdfminer.six over every real document is the suite's longest test: about 200 s on an idle
# 2-core machine, up to 560 s at load 10, close to the suite's 600 s guard against a hang.
@pytest.mark.timeout(1800)
def test_the_reference_reader_gives_every_manifest_outcome() -> None:
    """pdfminer.six alone (`--extractor pdfminer`) fails on the repaired file as the manifest
    says: the difference in that row comes from pdfium, not from a lost check."""
    options = ExtractOptions(extractor="pdfminer")
    paths = [REALDOCS / row["path"] for row in ROWS]
    reference = {
        str(path.relative_to(REALDOCS)): outcome
        for path, outcome in extract_many(
            paths, options_for=lambda _path: options, timeout_s=SLOW_MACHINE_TIMEOUT_S
        )
    }
    for row in ROWS:
        _check(row, reference[row["path"]])


def _check(row: dict[str, str], outcome: ExtractedText | ExtractionFailure) -> None:
    expect = row["expect"]
    if expect in TEXT_EXPECTS:
        assert isinstance(outcome, ExtractedText), f"{outcome}"
        text = "\n".join(page.text for page in outcome.pages)
        assert len(text) >= MIN_TEXT_CHARS
        if row["format"] == "pdf" and row["pages"]:
            assert len(outcome.pages) == int(row["pages"])
        assert [p.number for p in outcome.pages] == list(range(1, len(outcome.pages) + 1))
    else:
        # truncated-tracemonkey-40pct.pdf: pypdfium2 cannot open it either ("Data format
        # error"), and pdfminer raises PSEOF, so it is reported as corrupt as the manifest says.
        assert isinstance(outcome, ExtractionFailure), "expected a failure, got text"
        assert outcome.kind == FAILURE_KINDS[expect], outcome.reason
        assert outcome.reason


def _text(outcomes: dict, relative: str) -> str:
    outcome = outcomes[relative]
    assert isinstance(outcome, ExtractedText)
    return "\n".join(page.text for page in outcome.pages)


def test_xxe_entities_are_not_resolved(outcomes: dict) -> None:
    text = _text(outcomes, "hostile/xxe-docx-entity.docx")
    assert "XXE-MARKER" in text
    assert "Bold" in text  # the words after the unresolved entity are kept
    assert "root:x:0" not in text


def test_xss_page_prose_is_indexed_and_scripts_are_not(outcomes: dict) -> None:
    outcome = outcomes["hostile/xss-title-script.html"]
    assert isinstance(outcome, ExtractedText)
    text = _text(outcomes, "hostile/xss-title-script.html")
    assert "lighthouse, marmalade" in text
    assert "injected by script" not in text
    assert "alert(" not in text and "document.cookie" not in text
    assert "<script" not in outcome.properties.title


def test_spanish_split_accents_are_repaired(outcomes: dict) -> None:
    text = _text(outcomes, "es/urbina-tesis-eficiencia-educacion-medellin.pdf")
    assert "Economía" in text
    assert "´" not in text and "ı" not in text


def test_legacy_encodings_are_decoded(outcomes: dict) -> None:
    assert "Агентство недвижимости" in _text(outcomes, "hostile/cp1251-tika-big-preamble.html")
    assert "é" in _text(outcomes, "hostile/résumé-latin1.txt")


HOSTILE = [row for row in ROWS if row["path"].startswith("hostile/")]


def test_every_hostile_file_gets_its_outcome_in_one_pipeline_run() -> None:
    """The whole hostile folder through run_ingest at once: every file has its manifest outcome
    (copies of one content are one document, each path checked), and nothing stops the run."""
    outcome_of: dict[str, ExtractedText | ExtractionFailure] = {}
    for event in run_ingest([REALDOCS / "hostile"], {}, timeout_s=SLOW_MACHINE_TIMEOUT_S):
        if isinstance(event, Indexed):
            text = ExtractedText(event.doc.format, event.doc.pages)
            outcome_of.update(dict.fromkeys(event.doc.paths, text))
        elif isinstance(event, Failed):
            outcome_of[event.failure.path] = event.failure
    assert sorted(outcome_of) == sorted(str(REALDOCS / row["path"]) for row in HOSTILE)
    for row in HOSTILE:
        _check_default_reader(row, outcome_of[str(REALDOCS / row["path"])])


# Passwords that the sources publish (MANIFEST notes); the SASLprep one needs pdfminer's
# SASLprep, which the default reader falls back to.
PASSWORDS = {
    "enc-pw-aes128-pdfminer.pdf": "foo",
    "enc-pw-aes256-pdfjs-saslprep.pdf": "S\u00aaSL\u00adprep",
    "enc-pw-aes256-r6-pdfminer.pdf": "usersecret",
    "enc-pw-rc4-128-pypdfsamples-lo-writer.pdf": "openpassword",
    "enc-pw-rc4-40-pdfminer.pdf": "foo",
    "enc-pw-rc4-40-tika-noextract-owner-user.pdf": "user",
}


def test_a_sidecar_password_opens_encrypted_pdfs(tmp_path: Path) -> None:
    for name, password in PASSWORDS.items():
        shutil.copyfile(REALDOCS / "hostile" / name, tmp_path / name)
        # a double-quoted YAML string, so "\u00AD" is the character, as in the manifest note
        (tmp_path / f"{name}.meta.yaml").write_text(f'password: "{password}"\n')
    wrong = tmp_path / "wrong.pdf"
    # a different content: a copy of one above would be the same document, opened by its twin
    shutil.copyfile(REALDOCS / "hostile" / "enc-pw-aes128-fc-horrors-openpassword.pdf", wrong)
    (tmp_path / "wrong.pdf.meta.yaml").write_text("password: not-this-one\n")
    events = list(run_ingest([tmp_path], {}))
    indexed = {Path(e.doc.paths[0]).name: e.doc for e in events if isinstance(e, Indexed)}
    failed = {Path(e.failure.path).name: e.failure for e in events if isinstance(e, Failed)}
    assert sorted(indexed) == sorted(PASSWORDS)
    assert all(any(p.text for p in doc.pages) for doc in indexed.values())
    assert indexed["enc-pw-rc4-128-pypdfsamples-lo-writer.pdf"].pages[0].text
    assert list(failed) == ["wrong.pdf"]
    assert failed["wrong.pdf"].kind == FailureKind.ENCRYPTED
    assert "contraseña" in failed["wrong.pdf"].reason
    assert "not-this-one" not in failed["wrong.pdf"].reason + failed["wrong.pdf"].detail


def test_a_sidecar_password_opens_a_protected_docx(tmp_path: Path) -> None:
    """The manifest's password-protected DOCX (an OLE2 EncryptedPackage; password "tika" per
    its note) is read with the sidecar's password, refused with a wrong one."""
    source = REALDOCS / "hostile" / "enc-pw-docx-tika-passtika.docx"
    for folder, password in (("right", "tika"), ("wrong", "tica")):
        (tmp_path / folder).mkdir()
        shutil.copyfile(source, tmp_path / folder / "protegido.docx")
        (tmp_path / folder / "protegido.docx.meta.yaml").write_text(f"password: {password}\n")
    right = list(run_ingest([tmp_path / "right"], {}))
    assert [type(e) for e in right] == [Indexed]
    assert right[0].doc.format == "docx"
    assert "encrypted Word 2007" in right[0].doc.pages[0].text
    (wrong,) = run_ingest([tmp_path / "wrong"], {})
    assert isinstance(wrong, Failed) and wrong.failure.kind == FailureKind.ENCRYPTED
    assert "no lo abre" in wrong.failure.reason and "tica" not in wrong.failure.reason


@pytest.mark.parametrize("sidecar", ["protegido.docx.meta.yaml", "protegido.meta.yaml"])
def test_the_password_sidecar_follows_the_metadata_rule(tmp_path: Path, sidecar: str) -> None:
    """One rule for every sidecar key: `<stem>.meta.yaml` gives the password as it gives the
    title (it was silently ignored for the password)."""
    shutil.copyfile(
        REALDOCS / "hostile" / "enc-pw-docx-tika-passtika.docx", tmp_path / "protegido.docx"
    )
    (tmp_path / sidecar).write_text("title: Documento protegido\ncontraseña: tika\n")
    (event,) = run_ingest([tmp_path], {})
    assert isinstance(event, Indexed), event
    assert event.doc.metadata.title == "Documento protegido"
    assert "encrypted Word 2007" in event.doc.pages[0].text


def test_without_a_password_protected_pdfs_ask_for_one(outcomes: dict) -> None:
    for name in PASSWORDS:
        failure = outcomes[f"hostile/{name}"]
        assert failure.kind == FailureKind.ENCRYPTED
        assert "password:" in failure.reason  # tells the administrator how to give it


# Share of ../shared/realdocs/es whose title is the one on its cover (expected_titles.py):
# 0.34 before titles joined wrapped lines, skipped imprint lines and looked past an index;
# 0.62 after. The misses left are mostly authors' names printed above the title, running
# headers and all-capital titles over many lines.
MIN_ES_TITLE_ACCURACY = 0.6


def test_titles_of_the_spanish_real_documents(outcomes: dict) -> None:
    from expected_titles import REALDOCS_ES_TITLES, title_matches

    from acervo.ingest.metadata import resolve_metadata

    root = REALDOCS / "es"
    right, titles = 0, {}
    for name, expected in REALDOCS_ES_TITLES.items():
        text = outcomes[f"es/{name}"]
        assert isinstance(text, ExtractedText), text
        titles[name] = resolve_metadata([root / name], text, [root]).title
        right += title_matches(titles[name], expected, root / name)
    assert all(titles.values())  # never "(sin título)"
    assert right / len(REALDOCS_ES_TITLES) >= MIN_ES_TITLE_ACCURACY, titles
