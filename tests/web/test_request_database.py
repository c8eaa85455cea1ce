"""The repository database as requests read it: a thread's connection is kept open for its next
request (web/auth.py), so what another process wrote, or a database put in the file's place,
must still be what the next request reads."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import Corpus
from flask.testing import FlaskClient

from acervo import db, moderation
from acervo.web import create_app


def _client_showing_a_document(corpus: Corpus, database: Path) -> tuple[FlaskClient, str]:
    """A test client of an app on `database` whose thread has answered one request (its
    database connection is open), and the id of the document that request showed."""
    app = create_app({"INDEX_DIR": corpus.index_dir, "DATABASE": database, "TESTING": True})
    client = app.test_client()
    doc_id = corpus.docs[0].doc_id
    assert client.get(f"/documento/{doc_id}").status_code == 200
    return client, doc_id


def test_a_withdrawal_written_elsewhere_hides_the_document_at_the_next_request(
    corpus: Corpus, tmp_path: Path
) -> None:
    database = tmp_path / "acervo.db"
    client, doc_id = _client_showing_a_document(corpus, database)
    curator = db.connect(database)  # another process's connection (the CLI, a curator's)
    moderation.withdraw(curator, doc_id, by="cura")
    assert client.get(f"/documento/{doc_id}").status_code == 404
    moderation.restore(curator, doc_id, by="cura")
    curator.close()
    assert client.get(f"/documento/{doc_id}").status_code == 200


def test_a_database_file_put_in_place_of_the_old_one_is_read_at_the_next_request(
    corpus: Corpus, tmp_path: Path
) -> None:
    database = tmp_path / "acervo.db"
    client, doc_id = _client_showing_a_document(corpus, database)
    restored = tmp_path / "restored.db"  # a backup in which the document was withdrawn
    conn = db.connect(restored)
    moderation.withdraw(conn, doc_id, by="cura")
    conn.close()
    os.replace(restored, database)
    assert client.get(f"/documento/{doc_id}").status_code == 404
