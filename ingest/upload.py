"""Files that arrive through the web or the API: checks at the door, then into the corpus.

An accepted upload becomes an ordinary corpus file, `<root>/<AGENCY>/<YEAR>/<safe name>`, with a
sidecar (ingest/sidecars.py `write_sidecar`) holding its metadata, uploader, visibility and review
status, so the folder stays the source of truth: a CLI re-ingest or a rebuild keeps it.

The bytes are first copied to a hidden file in the target folder (discover skips dot files), with
the size limit and the hash computed while copying; the checks run on that file; only then is the
sidecar written and the file linked under its final name. `os.link` never replaces an existing
file, so two uploads with the same name cannot overwrite each other, and the sidecar goes first
so that an ingest running meanwhile never sees the file without its visibility. Any error
(too big, wrong bytes, a bomb, a full disk, a dropped connection) removes the hidden file: nothing
partial is left in the corpus.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from acervo import vocab
from acervo.ingest.detect import HEAD_BYTES, detect_format
from acervo.ingest.discover import FOLDER_MANIFEST, is_sidecar
from acervo.ingest.errors import CorruptDocument, DecompressionBomb
from acervo.ingest.extractors._archive import open_checked_zip
from acervo.ingest.extractors._flate import refuse_flate_bombs
from acervo.ingest.metadata import YEAR_MAX, YEAR_MIN
from acervo.ingest.models import MAX_UPLOAD_BYTES
from acervo.ingest.sidecars import sidecar_path, write_sidecar

COPY_CHUNK_BYTES = 1024 * 1024
MAX_NAME_CHARS = 120
VISIBILITIES = ("publico", "miembros", "agencia")
# Formats we index, with the extensions a file of that format may carry.
EXTENSIONS: Mapping[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "odt": (".odt",),
    "rtf": (".rtf",),
    "html": (".html", ".htm"),
    "txt": (".txt", ".md"),
}
FORMAT_NAMES = {
    "pdf": "un PDF", "docx": "un documento de Word (DOCX)", "odt": "un documento ODT",
    "rtf": "un documento RTF", "html": "una página HTML", "txt": "texto plano",
    "doc": "un documento de Word antiguo (.doc)", "docm": "un documento de Word con macros",
    "encrypted_ooxml": "un documento de Office protegido con contraseña",
    "zip": "un archivo ZIP", "empty": "un archivo vacío", "unknown": "un formato no reconocido",
}  # fmt: skip
_UNSAFE_CHARS = re.compile(r"[^\w.\-() ]+")
_STAGING_PREFIX = ".subida-"


class UploadRefused(Exception):
    """The upload cannot be accepted; the message says why and what to do (Spanish)."""

    status = 400


class UploadTooLarge(UploadRefused):
    status = 413


class DiskFull(UploadRefused):
    status = 507


@dataclass(frozen=True)
class UploadMetadata:
    """What the uploader says about the file: vocabulary codes, checked."""

    title: str
    agencies: tuple[str, ...]
    year: int
    topics: tuple[str, ...] = ()
    language: str = ""
    doc_type: str = ""
    places: tuple[str, ...] = ()
    visibility: str = "publico"

    def sidecar(self, uploader: str, uploaded_at: str) -> dict[str, object]:
        """The sidecar record: the metadata fields, its visibility, who uploaded it and when."""
        record: dict[str, object] = {"title": self.title, "agencies": list(self.agencies)}
        record["year"] = self.year
        for name in ("topics", "places"):
            if getattr(self, name):
                record[name] = list(getattr(self, name))
        for name in ("language", "doc_type"):
            if getattr(self, name):
                record[name] = getattr(self, name)
        return record | {"visibility": self.visibility, "uploaded_by": uploader,
                         "uploaded_at": uploaded_at}  # fmt: skip


@dataclass(frozen=True)
class StagedFile:
    """An uploaded file copied to a hidden name in its target folder, hashed and checked."""

    temp: Path
    name: str  # the safe file name it will get
    size: int
    sha256: str
    format: str = ""

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


# ---- metadata ---------------------------------------------------------------------------


def parse_metadata(
    raw: Mapping[str, object], allowed_agencies: Iterable[str] | None = None
) -> UploadMetadata:
    """Check a metadata form or JSON object; UploadRefused lists every problem and, for a
    value outside a vocabulary, the valid values. `allowed_agencies`: the uploader's own
    (None: any agency, for curators)."""
    problems: list[str] = []
    title = " ".join(str(raw.get("title") or "").split())
    if not title:
        problems.append("Falta el título.")
    agencies = _codes("agency", raw.get("agencies"), problems)
    if not agencies and not any("agencia" in p for p in problems):
        problems.append("Indique al menos una agencia.")
    if allowed_agencies is not None and (others := set(agencies) - set(allowed_agencies)):
        problems.append(
            f"No puede subir documentos de {', '.join(sorted(others))}: solo de "
            f"{', '.join(sorted(allowed_agencies)) or 'ninguna agencia'} (las suyas)."
        )
    year = _year(raw.get("year"), problems)
    doc_types = _codes("doc_type", raw.get("doc_type"), problems)
    language = str(raw.get("language") or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        problems.append(f"Idioma no válido «{language}»: use un código de dos letras (es, en).")
    visibility = str(raw.get("visibility") or "publico").strip().lower()
    if visibility not in VISIBILITIES:
        problems.append(
            f"Visibilidad desconocida «{visibility}». Valores válidos: {', '.join(VISIBILITIES)}."
        )
    topics = _codes("topic", raw.get("topics"), problems)
    places = _codes("place", raw.get("places"), problems)
    if problems:
        raise UploadRefused(" ".join(problems))
    return UploadMetadata(
        title=title, agencies=agencies, year=year or 0, topics=topics, language=language,
        doc_type=doc_types[0] if doc_types else "", places=places, visibility=visibility,
    )  # fmt: skip


KIND_NAMES = {"agency": "agencia", "topic": "tema", "doc_type": "tipo", "place": "lugar"}


def _codes(kind: str, value: object, problems: list[str]) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else [value] if value else []
    codes: list[str] = []
    for item in (str(i).strip() for i in items):
        code = vocab.resolve(kind, item) if item else None
        if item and code is None:
            valid = ", ".join(t.code for t in vocab.terms(kind))
            problems.append(
                f"{KIND_NAMES[kind].capitalize()} desconocida «{item}». Valores válidos: {valid}."
                if kind == "agency"
                else f"{KIND_NAMES[kind].capitalize()} desconocido «{item}». "
                f"Valores válidos: {valid}."
            )
        elif code and code not in codes:
            codes.append(code)
    return tuple(codes)


def _year(value: object, problems: list[str]) -> int | None:
    text = str(value or "").strip()
    if not text:
        problems.append("Falta el año.")
    elif not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
        problems.append(f"Año no válido «{text}»: use un año entre {YEAR_MIN} y {YEAR_MAX}.")
    else:
        return int(text)
    return None


# ---- the file ---------------------------------------------------------------------------


def safe_file_name(name: str) -> str:
    """A file name safe to create in the corpus; a name carrying a path is refused."""
    name = unicodedata.normalize("NFC", name or "").strip()
    parts = re.split(r"[/\\]", name)
    if len(parts) > 1 or name in (".", "..") or "\x00" in name:
        raise UploadRefused(
            f"El nombre de archivo «{name}» contiene una ruta (/, \\ o ..): envíe solo el "
            "nombre del archivo, por ejemplo informe-2021.pdf."
        )
    safe = _UNSAFE_CHARS.sub("-", name).strip(" .-")
    stem, dot, ext = safe.rpartition(".")
    if len(safe) > MAX_NAME_CHARS:
        safe = f"{stem[: MAX_NAME_CHARS - len(ext) - 1]}.{ext}" if dot else safe[:MAX_NAME_CHARS]
    if not safe or is_sidecar(safe) or safe == FOLDER_MANIFEST:
        raise UploadRefused(f"«{name}» no es un nombre de documento válido.")
    return safe


def target_folder(root: Path, metadata: UploadMetadata) -> Path:
    """`<root>/<AGENCY>/<YEAR>/`: the corpus convention, by the first agency."""
    return root / metadata.agencies[0] / str(metadata.year)


def stage(
    stream: BinaryIO, name: str, folder: Path, max_bytes: int = MAX_UPLOAD_BYTES
) -> StagedFile:
    """Copy `stream` to a hidden file in `folder`, hashing it and stopping past `max_bytes`."""
    safe = safe_file_name(name)
    digest = hashlib.sha256()
    size = 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = _hidden_temp(folder)
    except OSError as exc:
        raise _disk_error(exc) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(COPY_CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(too_large_message(safe, max_bytes))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _disk_error(exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StagedFile(temp, safe, size, digest.hexdigest())


def too_large_message(name: str, max_bytes: int) -> str:
    return (
        f"«{name}» supera el tamaño máximo de subida ({_megabytes(max_bytes)}). "
        "Comprima las imágenes del documento o pida al administrador que suba el límite."
    )


def check(staged: StagedFile) -> StagedFile:
    """The format from the bytes, which must agree with the name; bombs refused. Discards the
    staged file when refusing."""
    try:
        with staged.temp.open("rb") as handle:
            fmt = detect_format(staged.temp, handle.read(HEAD_BYTES))
        _check_format(staged.name, fmt)
        _refuse_bombs(staged.temp, fmt)
    except BaseException:
        discard(staged)
        raise
    return StagedFile(staged.temp, staged.name, staged.size, staged.sha256, fmt)


def _check_format(name: str, fmt: str) -> None:
    ext = os.path.splitext(name)[1].lower()
    accepted = ", ".join(e for exts in EXTENSIONS.values() for e in exts)
    if fmt not in EXTENSIONS:
        raise UploadRefused(
            f"«{name}» es {FORMAT_NAMES[fmt]}: Acervo no lo indexa. Formatos admitidos: {accepted}."
        )
    if ext not in EXTENSIONS[fmt]:
        expected = next((f for f, exts in EXTENSIONS.items() if ext in exts), None)
        said = FORMAT_NAMES[expected] if expected else f"un archivo «{ext or 'sin extensión'}»"
        raise UploadRefused(
            f"«{name}» se llama como {said} pero su contenido es {FORMAT_NAMES[fmt]}. "
            "Revise que eligió el archivo correcto o corrija su extensión."
        )


def _refuse_bombs(path: Path, fmt: str) -> None:
    """The same checks ingest makes before any parser inflates anything."""
    try:
        if fmt == "pdf":
            refuse_flate_bombs(path)
        elif fmt in ("docx", "odt"):
            open_checked_zip(path, fmt.upper()).close()
    except (DecompressionBomb, CorruptDocument) as exc:
        raise UploadRefused(f"{path.name.removeprefix(_STAGING_PREFIX)}: {exc}") from exc


def place(staged: StagedFile, folder: Path, sidecar: Mapping[str, object]) -> Path:
    """Give the staged file its final name in `folder` (never replacing a file), sidecar first.

    Another file already there with the same name: `name-2.pdf`, `name-3.pdf`..."""
    stem, ext = os.path.splitext(staged.name)
    try:
        for n in range(1, 1000):
            final = folder / (staged.name if n == 1 else f"{stem}-{n}{ext}")
            if final.exists() or sidecar_path(final).exists():
                continue
            write_sidecar(final, sidecar)
            try:
                os.link(staged.temp, final)
            except FileExistsError:
                sidecar_path(final).unlink(missing_ok=True)
                continue
            _fsync_folder(folder)
            return final
        raise UploadRefused(f"Hay demasiados archivos llamados «{staged.name}» en {folder}.")
    except OSError as exc:
        raise _disk_error(exc) from exc
    finally:
        discard(staged)


def discard(staged: StagedFile) -> None:
    staged.temp.unlink(missing_ok=True)


def remove_stale_staging(root: Path) -> int:
    """Hidden staging files left by a server killed in the middle of an upload."""
    removed = 0
    for temp in root.rglob(f"{_STAGING_PREFIX}*"):
        temp.unlink(missing_ok=True)
        removed += 1
    return removed


def _hidden_temp(folder: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=_STAGING_PREFIX, dir=folder)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _disk_error(exc: OSError) -> UploadRefused:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            "No queda espacio en el disco del repositorio: el archivo no se guardó (no quedó "
            "nada a medias). Avise al administrador y vuelva a intentarlo más tarde."
        )
    return UploadRefused(
        f"No se pudo guardar el archivo en el repositorio ({exc.strerror or exc}): no quedó "
        "nada a medias. Avise al administrador."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"
