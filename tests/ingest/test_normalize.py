"""normalize_text: the table is the specification."""

from __future__ import annotations

import pytest

from acervo.ingest.normalize import normalize_text

CASES = [
    # (text in, text out, why)
    ("Cafe\u0301", "Café", "NFC composes a decomposed accent"),
    ("ﬁnanciación ﬂujo", "financiación flujo", "fi/fl ligatures"),
    ("eﬀecto oﬃce baﬄe ﬅ ﬆ", "effecto office baffle st st", "ff/ffi/ffl/long-s-t/st"),
    ("migra-\nción", "migración", "end-of-line hyphenation"),
    ("migra- \n  ción", "migración", "hyphenation with spaces around the break"),
    ("socio-económico", "socio-económico", "a real hyphen inside a line stays"),
    (
        "COVID-19 y COVID-\n19",
        "COVID-19 y COVID-\n19",
        "break before a digit kept",
    ),
    ("Unión Europea-\nEstados", "Unión Europea-\nEstados", "a break before a capital is kept"),
    ("Econom´ıa", "Economía", "LaTeX acute before a dotless i"),
    ("ni˜no a˜no", "niño año", "spacing tilde before n"),
    ("educaci´on p´ublica", "educación pública", "spacing acute before vowels"),
    ("´ultimo", "último", "accent at the start of a word"),
    ("ling¨u´ıstica", "lingüística", "diaeresis and acute"),
    ("don´t", "don´t", "no precomposed letter: leave the mark alone"),
    ("(cid:12)(cid:34)texto (cid:5) útil", "texto útil", "(cid:NN) tokens dropped"),
    ("a\x00b\x07c\x1bd", "abcd", "control characters dropped"),
    ("uno  \t dos\u00a0tres", "uno dos tres", "runs of spaces, tabs and NBSP collapse"),
    ("uno\n\n\n\n\ndos", "uno\n\ndos", "at most one blank line"),
    (
        "uno\r\ndos\rtres\fcuatro",
        "uno\ndos\ntres\ncuatro",
        "CR, CRLF, form feed",
    ),
    ("  línea  \n  otra  ", "línea\notra", "spaces around line breaks and ends trimmed"),
    ("pala\u00adbra", "palabra", "soft hyphen removed"),
    ("", "", "empty stays empty"),
]


@pytest.mark.parametrize(("raw", "expected", "why"), CASES, ids=[c[2] for c in CASES])
def test_normalize_text(raw: str, expected: str, why: str) -> None:
    assert normalize_text(raw) == expected, why


def test_normalize_is_idempotent() -> None:
    text = "Econom´ıa de la migra-\nción   (cid:3) ﬁnal\n\n\n\nfin"
    once = normalize_text(text)
    assert normalize_text(once) == once
