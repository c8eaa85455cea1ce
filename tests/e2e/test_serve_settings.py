"""`acervo serve` as the README sets it up behind a reverse proxy: the proxy's forwarded scheme
and host make the app's links public (trusted_proxy), and the session is signed with the
configured secret_key. A real waitress on loopback; the "proxy" is this test's headers."""

from __future__ import annotations

import json
import urllib.request
from http.cookies import SimpleCookie

import pytest
from conftest import serving
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

SECRET = "a-key-shared-by-every-process"


@pytest.fixture(scope="module")
def server(corpus_index):
    settings = {
        "ACERVO_SECRET_KEY": SECRET,
        "ACERVO_TRUSTED_PROXY": "127.0.0.1",
        "ACERVO_THREADS": "2",
    }
    with serving(corpus_index[0], settings) as port:
        yield f"http://127.0.0.1:{port}"


def _open(url: str, **headers: str):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)


def test_links_carry_the_public_address_the_proxy_forwards(server):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "acervo.example.org"}
    with _open(f"{server}/export.jsonl?q=trata", **forwarded) as response:
        lines = response.read().decode("utf-8").splitlines()
    urls = [json.loads(line)["url"] for line in lines[1:]]
    assert urls and all(u.startswith("https://acervo.example.org/documento/") for u in urls)
    with _open(f"{server}/export.jsonl?q=trata") as response:  # straight to waitress
        direct = json.loads(response.read().decode("utf-8").splitlines()[1])["url"]
    assert direct.startswith(f"{server}/documento/")


def test_the_session_is_signed_with_the_configured_secret_key(server):
    with _open(f"{server}/?q=trata") as response:  # its "Añadir a la selección" forms
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    app = Flask("check")
    app.secret_key = SECRET
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    session = serializer.loads(cookies[app.config["SESSION_COOKIE_NAME"]].value)
    assert session  # the CSRF token the forms carry, signed with SECRET
