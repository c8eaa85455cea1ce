"""Text clean-up shared by every extractor: what pdfminer and Word leave behind, fixed once."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
# LaTeX PDFs draw accents as separate glyphs placed before the letter; pdfminer emits them as
# spacing marks ("Econom´ıa", "ni˜no"), and the i under an accent is a dotless ı.
_SPACING_TO_COMBINING = {
    "\u00b4": "\u0301",  # ´ acute
    "\u0060": "\u0300",  # ` grave
    "\u02dc": "\u0303",  # ˜ tilde
    "\u00a8": "\u0308",  # ¨ diaeresis
    "\u02c6": "\u0302",  # ˆ circumflex
    "\u02c7": "\u030c",  # ˇ caron
    "\u00b8": "\u0327",  # ¸ cedilla
}
_SPACING_ACCENT = re.compile(r"([´`˜¨ˆˇ¸])\s?([A-Za-zıÑñ])")
_CID = re.compile(r"\(cid:\d+\)")
# Any control character except tab and newline; form feeds become newlines first.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
# A word broken at a line end: letter, hyphen, newline, lower-case letter.
_LINE_END_HYPHEN = re.compile(r"(\w)[-\u00ad][ \t]*\n[ \t]*(?=[a-záéíóúüñ])")
_SOFT_HYPHEN = re.compile("\u00ad")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(s: str) -> str:
    """NFC, ligatures, split accents, hyphenation, (cid:NN), control chars and spacing."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    s = _CID.sub("", s)
    s = s.translate(_LIGATURES)
    s = _SPACING_ACCENT.sub(_join_accent, s)
    s = unicodedata.normalize("NFC", s)
    s = _LINE_END_HYPHEN.sub(r"\1", s)
    s = _SOFT_HYPHEN.sub("", s)
    s = _CONTROL.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _SPACE_AROUND_NEWLINE.sub("\n", s)
    s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def _join_accent(match: re.Match[str]) -> str:
    """Put a spacing accent back on its letter, only when a precomposed letter exists."""
    mark, letter = match.group(1), match.group(2)
    base = "i" if letter == "ı" else letter
    joined = unicodedata.normalize("NFC", base + _SPACING_TO_COMBINING[mark])
    return joined if len(joined) == 1 else match.group(0)
