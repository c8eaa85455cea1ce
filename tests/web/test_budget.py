"""One budget per request: oversized queries refused before any work, numbers that would
overflow, deep nesting, /api/ errors in JSON, and expensive requests that never make a plain
search wait (a quick 503 with Retry-After instead)."""

from __future__ import annotations

import pytest
from flask import Flask

from acervo.web.app import create_app

HUGE = "9" * 5000  # int() refuses more than 4,300 digits


@pytest.mark.parametrize("name", ["page", "per_page", "year_from", "year_to"])
@pytest.mark.parametrize("path", ["/", "/api/search"])
def test_a_number_with_thousands_of_digits_is_a_400(client, name: str, path: str) -> None:
    answer = client.get(path, query_string={"q": "educacion", name: HUGE})
    assert answer.status_code == 400
    if path.startswith("/api/"):
        assert "no es válido" in answer.get_json()["error"]


def test_deep_nesting_is_a_clear_message_not_a_recursion_error(client) -> None:
    query = "(" * 300 + "educacion" + ")" * 300
    answer = client.get("/api/search", query_string={"q": query})
    assert answer.status_code == 400
    assert "paréntesis anidados" in answer.get_json()["error"]
    page = client.get("/", query_string={"q": query})
    assert page.status_code == 400
    assert "paréntesis anidados" in page.get_data(as_text=True)


def test_a_kilobyte_of_wildcards_is_refused_before_any_work(client) -> None:
    answer = client.get("/api/search", query_string={"q": " ".join(["*ti*"] * 200)})
    assert answer.status_code == 400
    assert "demasiado grande" in answer.get_json()["error"]
    many = client.get("/api/search", query_string={"q": "*ti* *es* *ci* *al* *or* *an* *en*"})
    assert "comodines" in many.get_json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/no-existe", 404),
        ("PROPFIND", "/api/search", 405),  # a method no CSRF check looks at
        ("POST", "/api/search", 400),  # no CSRF token
        ("GET", "/api/similar/x", 404),
    ],
)
def test_api_errors_are_json(client, method: str, path: str, status: int) -> None:
    answer = client.open(path, method=method)
    assert answer.status_code == status
    assert answer.is_json and answer.get_json()["error"]


@pytest.fixture()
def one_slot_app(app: Flask) -> Flask:
    return create_app({**app.config, "EXPENSIVE_AT_ONCE": 1})


def test_expensive_requests_get_a_quick_503_while_plain_searches_go_on(one_slot_app) -> None:
    slots = one_slot_app.extensions["acervo.expensive_slots"]
    client = one_slot_app.test_client()
    assert slots.acquire(blocking=False)  # an export is running
    try:
        busy = client.get("/api/search", query_string={"q": "educa*"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"]
        assert "ocupado" in busy.get_json()["error"]
        assert client.get("/export.csv", query_string={"q": "educacion"}).status_code == 503
        page = client.get("/", query_string={"q": "migracion~"})
        assert page.status_code == 503 and "ocupado" in page.get_data(as_text=True)
        assert client.get("/api/search", query_string={"q": "educacion"}).status_code == 200
    finally:
        slots.release()
    assert client.get("/api/search", query_string={"q": "educa*"}).status_code == 200
    # the slot an export takes is given back when its download ends
    assert client.get("/export.csv", query_string={"q": "educacion"}).status_code == 200
    assert client.get("/api/search", query_string={"q": "educa*"}).status_code == 200
