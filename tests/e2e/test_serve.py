"""`acervo serve`: the real command on waitress, answering real HTTP on loopback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from conftest import acervo, free_port, serving


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def server(corpus_index):
    with serving(corpus_index[0]) as port:
        yield f"http://127.0.0.1:{port}"


def test_search_page_and_api_agree_with_the_cli(server, corpus_index):
    index, _ = corpus_index
    status, page = _get(f"{server}/?q=educacion+ninos")
    assert status == 200
    assert "niños" in page and "<mark" in page
    status, body = _get(f"{server}/api/search?q=educacion+ninos")
    assert status == 200
    cli = json.loads(acervo("--index", index, "search", "educacion ninos", "--json").stdout)
    assert json.loads(body)["total"] == cli["total"]


def test_bad_query_is_400_with_a_message(server):
    status, body = _get(f"{server}/api/search?q=%22sin+cerrar")
    assert status == 400
    assert "comillas" in json.loads(body)["error"]


def test_missing_index_refuses_to_start_with_advice(tmp_path):
    run = acervo("--index", tmp_path / "none", "serve", "--port", str(free_port()), timeout=30)
    assert run.returncode == 3
    assert "acervo ingest" in run.stderr
