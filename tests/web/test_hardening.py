"""Hostile requests against a real waitress server (issue 11): cookies, redirects, headers.

Requests go through http.client, byte for byte as sent, so that what the server answers is
what a browser (or an attacker's script) would get.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from acervo.web import create_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class Browser:
    """One client with a cookie jar, talking HTTP/1.1 to the server at `base_url`."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    def token(self) -> str:
        match = TOKEN.search(self.request("GET", "/").body.decode())
        assert match, "the search page has a form with a CSRF token"
        return match.group(1)


def _session_cookie(answer: Answer) -> str:
    cookies = [c for c in answer.headers.get_all("Set-Cookie") or () if c.startswith("session=")]
    assert cookies, "the server sets the session cookie"
    return cookies[0]


def test_the_session_cookie_is_samesite_lax_and_not_secure_by_default(base_url: str) -> None:
    answer = Browser(base_url).request("GET", "/")  # the page's forms create the CSRF token
    flags = [part.strip().lower() for part in _session_cookie(answer).split(";")]
    assert "samesite=lax" in flags
    assert "httponly" in flags
    assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back


def test_secure_cookies_when_configured(corpus) -> None:  # noqa: ANN001
    app = create_app({"INDEX_DIR": corpus.index_dir, "SESSION_COOKIE_SECURE": True})
    response = app.test_client().get("/?lang=en")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2  # the session and the language
    for cookie in cookies:
        flags = [part.strip().lower() for part in cookie.split(";")]
        assert "secure" in flags and "samesite=lax" in flags, cookie


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/x\r\nSet-Cookie: owned=1",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "http://[evil.example",
    ],
)
def test_next_accepts_only_paths_of_this_site(base_url: str, corpus, target: str) -> None:  # noqa: ANN001
    browser = Browser(base_url)
    form = {"csrf_token": browser.token(), "doc_id": corpus.docs[0].doc_id, "next": target}
    answer = browser.request("POST", "/seleccion/agregar", form)
    assert answer.status == 303
    location = answer.headers["Location"]
    assert urlsplit(location).path.startswith("/seleccion"), location
    assert "owned" not in str(answer.headers)


def test_next_keeps_a_local_path_with_its_query(base_url: str, corpus) -> None:  # noqa: ANN001
    browser = Browser(base_url)
    form = {"csrf_token": browser.token(), "doc_id": corpus.docs[0].doc_id, "next": "/?q=a%20b"}
    answer = browser.request("POST", "/seleccion/agregar", form)
    assert answer.status == 303
    assert urlsplit(answer.headers["Location"]).path == "/"
    assert "q=a%20b" in answer.headers["Location"]
