"""An export lets the plain requests of its process go first (web/load.py): between two hits'
passages it waits while a plain search is being answered, and it is the same file after."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from flask import Flask

from acervo.web.app import create_app

QUERY = "educacion"
WAIT_S = 60  # far longer than the export takes: a test that waits this long has failed


@pytest.fixture()
def patient_app(app: Flask) -> Flask:
    """An export that, after any CPU at all, waits up to an hour for the plain requests."""
    return create_app({**app.config, "EXPORT_SLICE_S": 0.0, "EXPORT_PAUSE_S": 3600.0})


def _export_in_thread(app: Flask) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def export() -> None:
        response = app.test_client().get("/export.csv", query_string={"q": QUERY})
        answer["status"], answer["text"] = response.status_code, response.get_data(as_text=True)

    thread = threading.Thread(target=export, daemon=True)
    thread.start()
    return thread, answer


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_an_export_waits_while_a_plain_search_is_answered(patient_app: Flask, client) -> None:
    expected = _rows(client.get("/export.csv", query_string={"q": QUERY}).get_data(as_text=True))
    assert len(expected) > 2  # a header and more than one hit: it pauses between hits
    search = patient_app.test_request_context("/api/search", query_string={"q": "salud"})
    search.push()
    try:
        assert patient_app.preprocess_request() is None  # a plain search has begun here
        thread, answer = _export_in_thread(patient_app)
        thread.join(timeout=2)
        assert thread.is_alive()  # waiting for the search, not writing its rows
    finally:
        patient_app.do_teardown_request()  # the search is answered
        search.pop()
    thread.join(timeout=WAIT_S)
    assert not thread.is_alive()
    assert answer["status"] == 200
    # the same rows as an export that never waited (the date column aside)
    date = expected[0].index("exportado")
    strip = lambda rows: [row[:date] + row[date + 1 :] for row in rows]  # noqa: E731
    assert strip(_rows(answer["text"])) == strip(expected)


def test_refused_and_failed_requests_leave_no_search_to_wait_for(patient_app: Flask) -> None:
    client = patient_app.test_client()
    assert client.get("/api/search", query_string={"q": "(" * 30 + "x"}).status_code == 400
    assert client.get("/api/no-existe").status_code == 404
    assert client.post("/api/search").status_code == 400  # no CSRF token: refused in a hook
    assert client.get("/api/search", query_string={"q": "salud"}).status_code == 200
    thread, answer = _export_in_thread(patient_app)
    thread.join(timeout=WAIT_S)  # with a plain request still counted it would wait an hour
    assert not thread.is_alive()
    assert answer["status"] == 200 and len(_rows(answer["text"])) > 2
