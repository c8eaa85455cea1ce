"""Uploads at the door and the ingest queue (issue 16): real files of the sample corpus and of
../shared/realdocs/, a real index, a real SQLite queue and the real background worker."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

from acervo.build import build_index
from acervo.config import Config
from acervo.ingest.upload import DiskFull, UploadRefused, UploadTooLarge, parse_metadata
from acervo.jobs import IngestWorker, JobQueue, JobState, connector
from acervo.search.indexer import IndexStore
from acervo.search.models import SearchRequest
from acervo.uploads import AlreadyUploading, Door, accept

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
REALDOCS = REPO.parent / "shared" / "realdocs"
ORIGINAL = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento.pdf"
DRAFT = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento-borrador.pdf"
OTHER = CORPUS / "ACNUR/2018/monitoreo-proteccion-frontera.pdf"
BIG = REALDOCS / "en/pdfjs-tracemonkey.pdf"  # 1 MB
META = {"title": "Inclusión financiera (borrador)", "agencies": ["PNUD"], "year": "2022",
        "topics": ["medios-de-vida"], "visibility": "miembros"}  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path):
    """A corpus with one study indexed, its job queue and a worker (not started)."""
    root = tmp_path / "corpus"
    (root / "PNUD" / "2022").mkdir(parents=True)
    shutil.copy(ORIGINAL, root / "PNUD" / "2022" / ORIGINAL.name)
    config = Config(index_dir=tmp_path / "index", corpus_dirs=(root,), workers=1)
    store = IndexStore(config.index_dir)
    build_index(config.corpus_dirs, store, config)
    jobs = JobQueue(connector(tmp_path / "acervo.db"))
    door = Door(root, store, jobs, max_bytes=5 * 1024 * 1024)
    return door, IngestWorker(jobs, config, poll_s=0.2), config


def _upload(door: Door, path: Path, meta: dict = META, name: str | None = None):
    with path.open("rb") as stream:
        return accept(door, stream, name or path.name, parse_metadata(meta), "ana")


def _run(worker: IngestWorker) -> None:
    worker.process(worker.jobs.claim())


def _search(door: Door, query: str) -> list[str]:
    with door.store.open_searcher() as searcher:
        return [hit.title for hit in searcher.search(SearchRequest(query=query)).hits]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_an_upload_is_stored_with_its_sidecar_and_indexed_with_its_near_duplicate(repo):
    door, worker, _ = repo
    job = _upload(door, DRAFT)
    assert job.state is JobState.QUEUED
    stored = door.corpus_root / "PNUD" / "2022" / DRAFT.name
    assert job.path == str(stored) and stored.read_bytes() == DRAFT.read_bytes()
    sidecar = yaml.safe_load(Path(f"{stored}.meta.yaml").read_text(encoding="utf-8"))
    assert sidecar["title"] == "Inclusión financiera (borrador)"
    assert (sidecar["agencies"], sidecar["year"], sidecar["visibility"]) == (
        ["PNUD"],
        2022,
        "miembros",
    )
    assert sidecar["uploaded_by"] == "ana"

    _run(worker)
    done = door.jobs.get(job.id)
    assert done.state is JobState.INDEXED and done.doc_id
    original_id = door.store.document_with_sha256(_sha(ORIGINAL))
    assert done.similar == (original_id,)  # "se parece a" the study already there
    assert "Inclusión financiera (borrador)" in _search(door, "inclusion financiera")


def test_an_exact_copy_is_not_stored_twice(repo):
    door, _, _ = repo
    before = _files(door.corpus_root)
    job = _upload(door, ORIGINAL, name="otra-copia.pdf")
    assert job.state is JobState.DUPLICATE
    assert job.duplicate_of == door.store.document_with_sha256(_sha(ORIGINAL))
    assert _files(door.corpus_root) == before


def test_two_uploads_of_the_same_file_at_once_store_it_once(repo):
    door, worker, _ = repo
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def upload() -> None:
        start.wait()
        try:
            outcomes.append(_upload(door, OTHER, {**META, "agencies": ["ACNUR"]}))
        except AlreadyUploading as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes if isinstance(o, AlreadyUploading)]
    assert len(refused) == 1 and "ya se está subiendo" in str(refused[0])
    stored = [f for f in _files(door.corpus_root) if f.endswith(OTHER.name)]
    assert stored == [f"ACNUR/2022/{OTHER.name}"]
    _run(worker)
    assert _upload(door, OTHER, {**META, "agencies": ["ACNUR"]}).state is JobState.DUPLICATE


@pytest.mark.parametrize(
    ("path", "name", "message"),
    [
        (REALDOCS / "hostile/renamed-docx-as.pdf", None, "su contenido es un documento de Word"),
        (REALDOCS / "hostile/bomb-docx-300mb.docx", None, "bomba de descompresión"),
        (REALDOCS / "hostile/bomb-pdf-flate-200mb.pdf", None, "bomba de descompresión"),
        (REALDOCS / "hostile/macro-tika-word-macros.docm", None, "Acervo no lo indexa"),
        (REALDOCS / "hostile/legacy-tika-word.doc", None, "Word antiguo"),
        (OTHER, "../../etc/informe.pdf", "contiene una ruta"),
        (OTHER, "..\\informe.pdf", "contiene una ruta"),
        (OTHER, "informe.docx", "como un documento de Word .DOCX. pero su contenido es un PDF"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_leave_nothing(repo, path, name, message):
    door, _, _ = repo
    before = _files(door.corpus_root)
    with pytest.raises(UploadRefused, match=message):
        _upload(door, path, name=name)
    assert _files(door.corpus_root) == before
    assert door.jobs.list() == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_left(repo):
    door, _, _ = repo
    small = Door(door.corpus_root, door.store, door.jobs, max_bytes=10_000)
    before = _files(door.corpus_root)
    with pytest.raises(UploadTooLarge, match="supera el tamaño máximo de subida"):
        _upload(small, BIG)
    assert _files(door.corpus_root) == before and door.jobs.list() == []


def test_unknown_vocabulary_values_are_refused_with_the_valid_ones():
    with pytest.raises(UploadRefused) as refused:
        parse_metadata({**META, "agencies": ["ACNUR", "Agencia Inventada"], "topics": ["magia"],
                        "visibility": "secreto"})  # fmt: skip
    message = str(refused.value)
    assert "Agencia desconocida «Agencia Inventada». Valores válidos: OIM, ACNUR" in message
    assert "Tema desconocido «magia». Valores válidos: educacion, salud" in message
    assert "Visibilidad desconocida «secreto». Valores válidos: publico, miembros, agencia" in (
        message
    )


def test_a_contributor_uploads_only_for_their_agencies():
    with pytest.raises(UploadRefused, match="No puede subir documentos de UNICEF: solo de OIM"):
        parse_metadata({**META, "agencies": ["UNICEF"]}, allowed_agencies={"OIM"})


def test_a_full_disk_refuses_the_upload_and_leaves_nothing(repo, tmp_path):
    door, _, _ = repo
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        full = Door(disk, door.store, door.jobs, max_bytes=50 * 1024 * 1024)
        with pytest.raises(DiskFull, match="No queda espacio en el disco"):
            _upload(full, BIG)  # 1 MB into 256 KiB
        assert _files(disk) == [] and door.jobs.list() == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_restart_loses_no_queued_job(repo):
    door, worker, config = repo
    job = _upload(door, DRAFT)
    claimed = door.jobs.claim()  # a server took it, then was killed before indexing
    assert [j.id for j in claimed] == [job.id]
    restarted = IngestWorker(JobQueue(door.jobs._connect), config, poll_s=0.1)
    restarted.start()
    try:
        _wait(lambda: door.jobs.get(job.id).state is JobState.INDEXED)
    finally:
        restarted.stop()
        restarted.join(timeout=30)
    assert "Inclusión financiera (borrador)" in _search(door, "inclusion financiera")


def test_the_worker_waits_for_a_cli_ingest_holding_the_lock(repo):
    door, worker, config = repo
    job = _upload(door, DRAFT)
    cli = IndexStore(config.index_dir)  # as `acervo ingest` in another process would
    with cli.lock:
        worker.start()
        _wait(lambda: door.jobs.get(job.id).state is JobState.PROCESSING)
        assert worker.runs == 0
    try:
        _wait(lambda: door.jobs.get(job.id).state is JobState.INDEXED)
    finally:
        worker.stop()
        worker.join(timeout=30)


def test_a_failed_file_reports_the_reason_and_who_must_act(repo):
    door, worker, _ = repo
    # A scan without a text layer: accepted at the door (it is a PDF), refused by extraction.
    job = _upload(door, REALDOCS / "hostile/scan-pdfminer-175.pdf")
    _run(worker)
    failed = door.jobs.get(job.id)
    assert failed.state is JobState.FAILED
    assert "OCR" in failed.reason and failed.actor == "administrator"


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait(condition, timeout_s: float = 120.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.1)
