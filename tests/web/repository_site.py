"""A shared repository for the upload, review and curating tests: a corpus of real files indexed
with the real ingest, a real SQLite database with one user per role, the web app, and the
background ingest worker the server runs."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from acervo import accounts, db
from acervo.build import build_index
from acervo.config import Config
from acervo.jobs import IngestWorker, JobQueue
from acervo.search.indexer import IndexStore
from acervo.web import create_app

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
REALDOCS = REPO.parent / "shared" / "realdocs"
ORIGINAL = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento.pdf"
DRAFT = CORPUS / "PNUD/2022/inclusion-financiera-emprendimiento-borrador.pdf"
ACNUR_DOC = CORPUS / "ACNUR/2018/monitoreo-proteccion-frontera.pdf"
BIG = REALDOCS / "en/pdfjs-tracemonkey.pdf"  # 1 MB
PASSWORD = "una contraseña larga"
# name, role, agencies
USERS = (
    ("ana", "admin", ()),
    ("cura", "curador", ()),
    ("pepe", "contribuyente", ("PNUD",)),
    ("otro", "contribuyente", ("UNICEF",)),
    ("lola", "lector", ()),
)
MAX_UPLOAD_BYTES = 512 * 1024


@dataclass
class Site:
    root: Path  # the corpus
    index_dir: Path
    database: Path
    app: Flask
    worker: IngestWorker

    @property
    def jobs(self) -> JobQueue:
        return self.app.extensions["acervo.jobs"]

    def doc_id(self, path: Path) -> str:
        import hashlib

        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    def token(self, name: str) -> str:
        conn = db.connect(self.database)
        try:
            return accounts.new_token(conn, name)
        finally:
            conn.close()

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())


@contextmanager
def repository(tmp: Path) -> Iterator[Site]:
    root = tmp / "corpus"
    for source in (ORIGINAL, ACNUR_DOC):
        target = root / source.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    config = Config(index_dir=tmp / "index", corpus_dirs=(root,), workers=1,
                    database=tmp / "acervo.db")  # fmt: skip
    build_index(config.corpus_dirs, IndexStore(config.index_dir), config)
    conn = db.connect(config.database_path())
    for name, role, agencies in USERS:
        accounts.add_user(conn, name, role, agencies)
        accounts.set_password(conn, name, PASSWORD)
    conn.close()
    app = create_app({
        "INDEX_DIR": config.index_dir, "DATABASE": config.database_path(), "TESTING": True,
        "CORPUS_DIRS": (root,), "MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES,
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })  # fmt: skip
    worker = IngestWorker(app.extensions["acervo.jobs"], config, poll_s=0.2)
    worker.start()
    try:
        yield Site(root, config.index_dir, config.database_path(), app, worker)
    finally:
        worker.stop()
        worker.join(timeout=60)


def wait_until(condition: Callable[[], object], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition was not reached")
        time.sleep(0.1)
