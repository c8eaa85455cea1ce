"""Re-running `acervo ingest`: only new and changed files are processed, gone files removed,
sidecar-only changes update metadata without extraction, and a mass removal needs --prune.

Real files (a copy of part of the sample corpus), the real pipeline and a real Whoosh index.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from fpdf import FPDF
from whoosh import index

from acervo.build import IngestOptions, IngestSummary, RemovalRefused, build_index
from acervo.config import Config
from acervo.report import format_report, load_report
from acervo.search.indexer import FORMAT_FILE, IndexStore
from acervo.search.models import SearchRequest
from acervo.search.schema import INDEX_FORMAT

PROJECT = Path(__file__).resolve().parents[1]
AGENCIES = ("ACNUR", "OIM", "UNICEF", "PMA")  # 19 documents: a quick build, 4 folders
CONFIG = Config(workers=2, extract_timeout_s=60)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for agency in AGENCIES:
        shutil.copytree(PROJECT / "corpus" / agency, root / agency)
    return root


@pytest.fixture
def store(tmp_path: Path, corpus: Path) -> IndexStore:
    store = IndexStore(tmp_path / "index")
    first = ingest(corpus, store)
    assert first.indexed == _documents_in(corpus) and not first.failed
    return store


def ingest(corpus: Path, store: IndexStore, **options: object) -> IngestSummary:
    return build_index([corpus], store, CONFIG, options=IngestOptions(**options))


def _documents_in(corpus: Path) -> int:
    return sum(1 for p in corpus.rglob("*") if p.is_file() and ".meta." not in p.name)


def outcomes(summary: IngestSummary) -> dict[str, str]:
    """path relative to the corpus -> outcome, from the run's JSON report."""
    report = load_report(Path(summary.report))
    root = Path(report["options"]["folders"][0])
    return {Path(f["path"]).relative_to(root).as_posix(): f["outcome"] for f in report["files"]}


def entry(summary: IngestSummary, relative: str) -> dict:
    report = load_report(Path(summary.report))
    root = Path(report["options"]["folders"][0])
    return next(f for f in report["files"] if f["path"] == str(root / relative))


def hits(store: IndexStore, query: str) -> dict[str, str]:
    """path -> title of every document matching `query`."""
    with store.open_searcher() as searcher:
        result = searcher.search(SearchRequest(query=query, per_page=100))
    return {hit.path: hit.title for hit in result.hits}


def write_pdf(path: Path, text: str) -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 7, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def changed(summary: IngestSummary) -> dict[str, str]:
    return {path: o for path, o in outcomes(summary).items() if o not in ("unchanged",)}


def test_a_second_run_processes_nothing(corpus: Path, store: IndexStore) -> None:
    live = store.live_generation()
    again = ingest(corpus, store)
    assert (again.indexed, again.removed, again.unchanged) == (0, 0, _documents_in(corpus))
    assert changed(again) == {}
    # Nothing changed: the live generation stays (no copy written and swapped in), and the
    # summary and the report say so.
    assert store.live_generation() == live and not again.changed
    assert sorted(p.name for p in store.root.glob("gen-*")) == [live]
    assert load_report(Path(again.report))["index_version"].startswith(f"{live} (")


def test_a_run_that_changes_something_writes_a_new_generation(
    corpus: Path, store: IndexStore
) -> None:
    live = store.live_generation()
    path = sorted((corpus / "UNICEF").rglob("*.pdf"))[0]
    new_time = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(new_time, new_time))  # same content, new stat: the catalog must learn it
    touched = ingest(corpus, store)
    assert touched.changed and touched.indexed == 0 and store.live_generation() != live
    path.unlink()
    removed = ingest(corpus, store)
    assert removed.changed and removed.removed == 1


def test_size_and_mtime_are_checked_before_the_hash(corpus: Path, store: IndexStore) -> None:
    path = corpus / "ACNUR/2017/diagnostico-albergues-frontera.pdf"
    stat = path.stat()
    # Same size and modification time, different bytes: the cheap check trusts the catalog
    # and does not read the file (whose hash did change).
    original = path.read_bytes()
    data = bytearray(original)
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ingest(corpus, store).indexed == 0
    # Only the time changed (a copy, a touch): hashed again, same content, nothing to do.
    path.write_bytes(original)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert ingest(corpus, store).indexed == 0
    # A new time and new bytes: hashed, changed, extracted again.
    path.write_bytes(bytes(data))
    assert changed(ingest(corpus, store)) == {
        "ACNUR/2017/diagnostico-albergues-frontera.pdf": "updated"
    }


def test_a_new_mtime_of_the_same_content_is_remembered(corpus: Path, store: IndexStore) -> None:
    """A touched file is hashed once, not at every run: its new time goes to the catalog."""
    path = sorted((corpus / "UNICEF").rglob("*.pdf"))[0]
    original = path.read_bytes()
    new_time = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(new_time, new_time))
    assert ingest(corpus, store).indexed == 0  # hashed: same content
    # Different bytes of the same size at that new time: the cheap check now trusts the
    # catalog, so the file is not read (before, the old time was kept and it was hashed again).
    data = bytearray(original)
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(new_time, new_time))
    assert ingest(corpus, store).indexed == 0


def test_an_unchanged_failed_file_is_reported_again_without_extracting(
    corpus: Path, store: IndexStore
) -> None:
    broken = corpus / "OIM" / "roto.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref\n")
    first = ingest(corpus, store)
    assert [Path(f.path).name for f in first.failed] == ["roto.pdf"]
    assert "note" not in entry(first, "OIM/roto.pdf")
    again = entry(ingest(corpus, store), "OIM/roto.pdf")
    assert (
        again["outcome"] == "failed" and again["failure"] == entry(first, "OIM/roto.pdf")["failure"]
    )
    assert "--retry-failed" in again["note"] and again["seconds"] == 0
    summary = ingest(corpus, store)
    assert summary.not_retried == [str(broken)]  # the CLI marks it "(sin reintentar)"
    assert "no se volvió a extraer" in format_report(load_report(Path(summary.report)))
    # Asked to retry, or with another reader (another attempt), it is extracted again.
    assert "note" not in entry(ingest(corpus, store, retry_failed=True), "OIM/roto.pdf")
    other_reader = build_index([corpus], store, replace(CONFIG, extractor="pdfminer"))
    assert "note" not in entry(other_reader, "OIM/roto.pdf")
    # Repaired, it is indexed, and no failure is remembered for it any more.
    write_pdf(broken, "Informe reparado sobre quirquinchos.")
    assert changed(ingest(corpus, store)) == {"OIM/roto.pdf": "added"}
    assert not ingest(corpus, store).failed


def test_a_catalog_written_before_failures_were_remembered_still_works(
    corpus: Path, store: IndexStore
) -> None:
    """An index built by the previous version has no `failures` table in its catalog: the next
    ingest reads it as it is (a broken file is extracted, not looked up) and adds the table."""
    live = store.root / store.live_generation()
    with sqlite3.connect(live / "catalog.sqlite") as db:
        db.execute("DROP TABLE failures")
    broken = corpus / "OIM" / "roto.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    first = ingest(corpus, store)
    assert [Path(f.path).name for f in first.failed] == ["roto.pdf"]
    assert "note" not in entry(first, "OIM/roto.pdf")
    assert "--retry-failed" in entry(ingest(corpus, store), "OIM/roto.pdf")["note"]


def test_a_changed_file_is_extracted_again(corpus: Path, store: IndexStore) -> None:
    path = corpus / "OIM/2021/trata-de-personas-frontera-sur.pdf"
    assert str(path) in hits(store, "trata")
    write_pdf(path, "Estudio nuevo sobre Zamora Chinchipe y los quirquinchos de la frontera.")
    run = ingest(corpus, store)
    assert changed(run) == {"OIM/2021/trata-de-personas-frontera-sur.pdf": "updated"}
    assert (run.indexed, run.updated, run.removed) == (1, 1, 0)
    assert list(hits(store, "quirquinchos")) == [str(path)]
    assert str(path) not in hits(store, "trata")


def test_new_files_are_added_and_gone_files_removed(corpus: Path, store: IndexStore) -> None:
    gone = corpus / "PMA/2019/evaluacion-seguridad-alimentaria.pdf"
    assert str(gone) in hits(store, "alimentaria")
    gone.unlink()
    new = corpus / "UNICEF/2024/quirquinchos.pdf"
    write_pdf(new, "Informe de UNICEF sobre los quirquinchos de Loja.")
    run = ingest(corpus, store)
    assert changed(run) == {
        "UNICEF/2024/quirquinchos.pdf": "added",
        "PMA/2019/evaluacion-seguridad-alimentaria.pdf": "removed",
    }
    assert (run.indexed, run.updated, run.removed) == (1, 0, 1)
    assert list(hits(store, "quirquinchos")) == [str(new)]
    assert str(gone) not in hits(store, "alimentaria")


def test_a_changed_sidecar_updates_metadata_without_extracting(
    corpus: Path, store: IndexStore
) -> None:
    path = corpus / "ACNUR/2022/integracion-local-medios-de-vida.pdf"
    sidecar = path.with_name(path.name + ".meta.yaml")
    sidecar.write_text("title: Medios de vida en Quito (edición revisada)\n", encoding="utf-8")
    run = ingest(corpus, store)
    relative = "ACNUR/2022/integracion-local-medios-de-vida.pdf"
    assert changed(run) == {relative: "updated"}
    report = entry(run, relative)
    assert report["note"] == "metadatos actualizados sin volver a extraer"
    assert report["metadata"]["title"] == {
        "value": "Medios de vida en Quito (edición revisada)",
        "provenance": "sidecar",
    }
    assert report["pages"] > 1  # the stored text came back whole
    assert hits(store, "titulo:revisada") == {
        str(path): "Medios de vida en Quito (edición revisada)"
    }
    assert ingest(corpus, store).indexed == 0  # and the next run finds it up to date


def test_a_changed_folder_manifest_updates_only_its_rows(corpus: Path, store: IndexStore) -> None:
    (corpus / "OIM" / "_metadata.csv").write_text(
        "file,agencies\n2018/dtm-flujos-rumichaca-huaquillas.pdf,OIM;UNICEF\n", encoding="utf-8"
    )
    run = ingest(corpus, store)
    relative = "OIM/2018/dtm-flujos-rumichaca-huaquillas.pdf"
    assert changed(run) == {relative: "updated"}
    assert entry(run, relative)["metadata"]["agencies"] == {
        "value": ["OIM", "UNICEF"],
        "provenance": "sidecar",
    }
    with store.open_searcher() as searcher:
        unicef = searcher.search(SearchRequest(query="", filters={"agency": ("UNICEF",)}))
    assert str(corpus / relative) in {hit.path for hit in unicef.hits}


def test_a_moved_file_keeps_its_text_and_takes_its_new_folder(
    corpus: Path, store: IndexStore
) -> None:
    old = corpus / "UNICEF/2019/situacion-nna-frontera-norte.pdf"
    new = corpus / "PMA/2019/situacion-nna-frontera-norte.pdf"
    old.rename(new)
    run = ingest(corpus, store)
    assert changed(run) == {
        "PMA/2019/situacion-nna-frontera-norte.pdf": "updated",
        "UNICEF/2019/situacion-nna-frontera-norte.pdf": "removed",  # that path is gone
    }
    assert run.removed == 0  # but the document did not go: it moved
    assert entry(run, "PMA/2019/situacion-nna-frontera-norte.pdf")["metadata"]["agencies"] == {
        "value": ["PMA"],
        "provenance": "folder",
    }
    assert str(new) in hits(store, "educacion ninos")


def test_a_mass_removal_stops_before_changing_anything(corpus: Path, store: IndexStore) -> None:
    live = store.live_generation()
    total = len(store.known())
    oim = _documents_in(corpus / "OIM")
    assert oim / total > 0.2
    shutil.rmtree(corpus / "OIM")  # like an unmounted folder: over 20% of the documents
    with pytest.raises(RemovalRefused, match="--prune") as refused:
        ingest(corpus, store)
    assert "No se cambió nada" in str(refused.value)
    assert store.live_generation() == live and len(store.known()) == total
    assert ingest(corpus, store, prune_threshold=0.5).removed == oim  # a higher limit lets go


def test_prune_removes_them_when_asked(corpus: Path, store: IndexStore) -> None:
    total, gone = (
        len(store.known()),
        _documents_in(corpus / "OIM") + _documents_in(corpus / "UNICEF"),
    )
    shutil.rmtree(corpus / "OIM")
    shutil.rmtree(corpus / "UNICEF")
    run = ingest(corpus, store, prune=True)
    assert run.removed == gone and len(store.known()) == total - gone


def test_the_command_explains_the_refusal(tmp_path: Path, corpus: Path, store: IndexStore) -> None:
    oim, total = _documents_in(corpus / "OIM"), len(store.known())
    shutil.rmtree(corpus / "OIM")
    args = [sys.executable, "-m", "acervo", "--index", str(store.root), "ingest", "--quiet"]
    refused = subprocess.run([*args, str(corpus)], capture_output=True, text=True, check=False)
    assert refused.returncode == 4, refused.stderr
    assert f"Se eliminarían {oim} de {total} documentos" in refused.stderr
    assert "Traceback" not in refused.stderr
    pruned = subprocess.run(
        [*args, "--prune", str(corpus)], capture_output=True, text=True, check=False
    )
    assert pruned.returncode == 0, pruned.stderr
    assert f"Eliminados:          {oim}" in pruned.stdout


def test_an_index_of_an_older_schema_is_rebuilt_from_its_stored_text(
    corpus: Path, store: IndexStore
) -> None:
    live = index.open_dir(str(store.root / str(store.live_generation())))
    writer = live.writer()
    writer.remove_field("excerpt")  # as if written by a version without that field
    writer.commit()
    assert not store.schema_is_current()
    run = ingest(corpus, store)
    assert run.indexed == _documents_in(corpus) and not run.failed
    report = load_report(Path(run.report))
    notes = {f.get("note") for f in report["files"] if f["outcome"] == "added"}
    assert notes == {"metadatos actualizados sin volver a extraer"}  # nothing re-extracted
    assert store.schema_is_current()
    assert hits(store, "alimentaria")


def test_an_index_of_an_older_format_is_rebuilt(corpus: Path, store: IndexStore) -> None:
    """Same fields, other terms (an older analyzer): the next ingest starts afresh."""
    live = store.root / str(store.live_generation())
    assert (live / FORMAT_FILE).read_text(encoding="utf-8").strip() == str(INDEX_FORMAT)
    (live / FORMAT_FILE).unlink()  # as written by a version before the format file
    assert not store.schema_is_current()
    run = ingest(corpus, store)
    assert run.indexed == _documents_in(corpus) and not run.failed
    assert store.schema_is_current()
    rebuilt = store.root / str(store.live_generation())
    assert rebuilt != live and (rebuilt / FORMAT_FILE).exists()
    assert hits(store, "alimentaria")
