"""Per-file sidecars: the one rule for which files describe a document, and the one reader.

A document `informe.pdf` is described by `informe.pdf.meta.yaml` or `informe.meta.yaml` (also
`.meta.yml` and `.meta.json`) beside it. Both ingest/metadata.py (title, agencies...) and
ingest/pipeline.py (the password for the extractor) read sidecars through `file_sidecars`, so a
key means the same thing to both.

Keys are Spanish or English, folded (case and accents ignored); `SIDECAR_KEYS` is the one list
of them: a new key (e.g. a document's visibility) is one line there.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from acervo import vocab
from acervo.ingest.discover import SIDECAR_SUFFIXES

# Canonical key -> the names an administrator may write (folded: no case, no accents).
# Metadata fields first; the others travel elsewhere (the password only to the extractor).
SIDECAR_KEYS: Mapping[str, tuple[str, ...]] = {
    "title": ("title", "titulo"),
    "agencies": ("agencies", "agency", "agencias", "agencia"),
    "topics": ("topics", "topic", "temas", "tema"),
    "year": ("year", "anio", "ano"),
    "language": ("language", "lang", "idioma"),
    "doc_type": ("doc type", "type", "tipo", "tipo documento"),
    "places": ("places", "place", "lugares", "lugar"),
    "password": ("password", "contrasena"),
    "file": ("file", "archivo"),  # the file column of a folder's _metadata.csv
    # Written by uploads and curators (ingest/upload.py, acervo/curate.py).
    "visibility": ("visibility", "visibilidad"),
    "status": ("status", "estado"),
    "uploaded_by": ("uploaded by", "subido por"),
    "uploaded_at": ("uploaded at", "subido el"),
    "edited_by": ("edited by", "editado por"),
    "edited_at": ("edited at", "editado el"),
}
_CANONICAL = {alias: key for key, aliases in SIDECAR_KEYS.items() for alias in aliases}


def canonical_key(raw: object) -> str | None:
    """The canonical name of a sidecar key (`Título` -> `title`); None for an unknown key."""
    return _CANONICAL.get(vocab.fold(str(raw)))


def known_key_names() -> tuple[str, ...]:
    """The canonical keys, for messages that list the valid ones."""
    return tuple(key for key in SIDECAR_KEYS if key != "file")


@dataclass(frozen=True)
class SidecarFile:
    """One sidecar as read: its mapping, or why it could not be used (`error`, with `line`)."""

    path: Path
    data: Mapping[object, object] = field(default_factory=dict)
    error: str = ""  # empty when the file was read
    line: int = 0  # 1-based line of the error, 0 when unknown
    key_lines: Mapping[str, int] = field(default_factory=dict)  # raw key -> 1-based line


def sidecar_names(path: Path) -> tuple[str, ...]:
    """The sidecar names of `path`, most specific first: `<name>.meta.*`, then `<stem>.meta.*`."""
    return tuple(
        dict.fromkeys(
            base + suffix for base in (path.name, path.stem) for suffix in SIDECAR_SUFFIXES
        )
    )


def file_sidecars(path: Path) -> Iterator[SidecarFile]:
    """Every sidecar beside `path`, read, most specific first."""
    present = folder_entries(path.parent)
    for name in sidecar_names(path):
        if name in present and (sidecar := path.with_name(name)).is_file():
            yield read_sidecar(sidecar)


def read_sidecar(sidecar: Path) -> SidecarFile:
    """Read one YAML or JSON sidecar; an unreadable one comes back with its `error` and line."""
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        return SidecarFile(sidecar, error=f"no se pudo leer ({_first_line(err)})")
    try:
        if sidecar.suffix == ".json":
            data = json.loads(text)
            lines: dict[str, int] = {}
        else:
            data = yaml.safe_load(text)
            lines = _yaml_key_lines(text)
    except json.JSONDecodeError as err:
        return SidecarFile(sidecar, error=f"JSON no válido: {err.msg}", line=err.lineno)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(err, "problem", None) or _first_line(err)
        return SidecarFile(sidecar, error=f"YAML no válido: {problem}", line=line)
    if data is None:
        return SidecarFile(sidecar)
    if not isinstance(data, Mapping):
        return SidecarFile(sidecar, error="se esperaba una lista de campos «clave: valor»", line=1)
    return SidecarFile(sidecar, data, key_lines=lines)


def _yaml_key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key, so a message can point at it."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            lines.setdefault(str(key.value), key.start_mark.line + 1)
    return lines


def sidecar_password(paths: list[Path] | tuple[Path, ...]) -> str:
    """The `password:` (or `contraseña:`) of the first sidecar of any copy that has one.

    It only travels to the extractor, never to a log or the index.
    """
    for path in paths:
        for sidecar in file_sidecars(path):
            for raw_key, value in sidecar.data.items():
                if canonical_key(raw_key) == "password" and value not in (None, ""):
                    return str(value)
    return ""


def sidecar_path(path: Path) -> Path:
    """The per-file sidecar that uploads and metadata edits write: `<file>.meta.yaml`."""
    return path.with_name(path.name + SIDECAR_SUFFIXES[0])


def read_sidecar_record(path: Path) -> dict[object, object]:
    """The mapping of `path`'s own `.meta.yaml` ({} when it has none or it is unreadable), for
    an edit to change some keys and keep the others."""
    sidecar = sidecar_path(path)
    return dict(read_sidecar(sidecar).data) if sidecar.is_file() else {}


def write_sidecar(path: Path, record: Mapping[str, object]) -> Path:
    """Write `path`'s sidecar atomically (temporary file, fsync, rename): a reader sees the old
    one or the new one, never half of it."""
    target = sidecar_path(path)
    text = yaml.safe_dump(dict(record), allow_unicode=True, sort_keys=False)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def folder_entries(folder: Path) -> frozenset[str]:
    """Names in `folder`: one stat instead of one per possible sidecar (every file of a run
    asks, and most have none)."""
    try:
        mtime_ns = folder.stat().st_mtime_ns
    except OSError:
        return frozenset()
    return _listing(folder, mtime_ns)


@lru_cache(maxsize=4096)
def _listing(folder: Path, _mtime_ns: int) -> frozenset[str]:
    # Keyed on the folder's mtime, which changes whenever a name is added, removed or renamed.
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
