"""Configuration, read in one place: defaults < acervo.toml < ACERVO_* environment < CLI flags.

Library code never reads the environment; the CLI and `create_app` pass settings down.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from acervo.db import default_path
from acervo.ingest.models import (
    EXTRACT_MEMORY_MB,
    EXTRACT_TIMEOUT_S,
    MAX_PDF_OBJECTS,
    MAX_PDF_PAGES,
    MAX_UPLOAD_BYTES,
)
from acervo.search.access import VISIBILITIES

CONFIG_FILE = "acervo.toml"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    index_dir: Path = Path("index")
    corpus_dirs: tuple[Path, ...] = (Path("corpus"),)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int | None = None  # extraction processes; None = number of cores
    extract_timeout_s: float = EXTRACT_TIMEOUT_S  # per file
    extract_memory_mb: int = EXTRACT_MEMORY_MB  # per extraction process (address space)
    extractor: str = "auto"  # PDF reader: auto (pdfium, pdfminer fallback) | pdfminer | pdfium
    ocr: bool = False  # OCR scanned pages with tesseract (spa+eng) when it is installed
    dask_address: str = ""  # a dask.distributed scheduler to send extraction to
    language: str = "es"  # default UI language
    # The public address of the web UI (behind a reverse proxy: https://acervo.example.org/):
    # document links in exports. Empty: the web uses the address it was asked on, the CLI
    # http://host:port/.
    base_url: str = ""

    def public_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}/"

    # Cookies (session, language) carry the Secure flag: set it when users reach the server
    # over HTTPS (a proxy in front of waitress); over plain HTTP browsers would drop them.
    secure_cookies: bool = False
    # Signs the session cookie (the selection, the CSRF token). Empty: a key kept in
    # <index>/secret_key. Set the same value on every server process behind one address.
    secret_key: str = field(default="", repr=False)
    # The reverse proxy's address (e.g. 127.0.0.1): its X-Forwarded-Proto/-Host/-For/-Port
    # headers are believed (waitress), so links the app makes carry the public https address.
    trusted_proxy: str = ""
    # requests served at once by each `acervo serve` process (its threads share one core under
    # the GIL). 16 gave a lower search p95 under the load test but fewer searches/s on a quiet
    # machine, more CPU per request and more exports refused (benchmarks/README.md, issue 12)
    threads: int = 4
    # Accounts and access (acervo/db.py, search/access.py, web/auth.py)
    database: Path | None = None  # SQLite file; None: acervo.db beside the index folder
    default_visibility: str = "publico"  # of documents whose sidecar gives none
    require_login: bool = False  # anonymous visitors see only the login page
    max_pdf_pages: int = MAX_PDF_PAGES  # a PDF declaring more pages is refused unread
    max_pdf_objects: int = MAX_PDF_OBJECTS  # a PDF holding more objects is refused unread
    # E-mail digests of saved searches (`acervo digest`, web/digest.py)
    smtp_host: str = ""  # empty: no digests are sent (the command says so)
    smtp_port: int = 25
    smtp_user: str = ""  # empty: no login
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    smtp_from: str = "acervo@localhost"  # the digests' From address
    # Uploads (ingest/upload.py, web/contribute.py)
    max_upload_bytes: int = MAX_UPLOAD_BYTES  # per file
    review: bool = True  # a contributor's upload waits for a curator's approval

    def database_path(self) -> Path:
        return self.database or default_path(self.index_dir)

    def with_overrides(self, **values: object) -> Config:
        """Return a copy with the non-None values applied (CLI flags)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


# (environment variable, field name)
_ENV = {
    "ACERVO_INDEX": "index_dir",
    "ACERVO_CORPUS": "corpus_dirs",
    "ACERVO_HOST": "host",
    "ACERVO_PORT": "port",
    "ACERVO_WORKERS": "workers",
    "ACERVO_EXTRACT_TIMEOUT_S": "extract_timeout_s",
    "ACERVO_EXTRACT_MEMORY_MB": "extract_memory_mb",
    "ACERVO_EXTRACTOR": "extractor",
    "ACERVO_OCR": "ocr",
    "ACERVO_DASK": "dask_address",
    "ACERVO_LANGUAGE": "language",
    "ACERVO_SECURE_COOKIES": "secure_cookies",
    "ACERVO_BASE_URL": "base_url",
    "ACERVO_SECRET_KEY": "secret_key",
    "ACERVO_TRUSTED_PROXY": "trusted_proxy",
    "ACERVO_THREADS": "threads",
    "ACERVO_DB": "database",
    "ACERVO_DEFAULT_VISIBILITY": "default_visibility",
    "ACERVO_REQUIRE_LOGIN": "require_login",
    "ACERVO_MAX_PDF_PAGES": "max_pdf_pages",
    "ACERVO_MAX_PDF_OBJECTS": "max_pdf_objects",
    "ACERVO_SMTP_HOST": "smtp_host",
    "ACERVO_SMTP_PORT": "smtp_port",
    "ACERVO_SMTP_USER": "smtp_user",
    "ACERVO_SMTP_PASSWORD": "smtp_password",
    "ACERVO_SMTP_STARTTLS": "smtp_starttls",
    "ACERVO_SMTP_FROM": "smtp_from",
    "ACERVO_MAX_UPLOAD_BYTES": "max_upload_bytes",
    "ACERVO_REVIEW": "review",
}


def _coerce(name: str, raw: object) -> object:
    """Turn a TOML or environment value into the field's type, with a clear error."""
    try:
        if name in ("index_dir", "database"):
            return Path(str(raw))
        if name == "corpus_dirs":
            items = raw if isinstance(raw, list) else str(raw).split(os.pathsep)
            return tuple(Path(str(p)) for p in items if str(p))
        if name in ("port", "workers", "extract_memory_mb", "threads", "smtp_port"):
            return int(raw)
        if name in ("max_pdf_pages", "max_pdf_objects", "max_upload_bytes"):
            return int(raw)
        if name == "extract_timeout_s":
            return float(raw)
        if name in ("ocr", "secure_cookies", "require_login", "smtp_starttls", "review"):
            return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "si")
        if name == "default_visibility" and str(raw) not in VISIBILITIES:
            raise ConfigError(
                f"Valor no válido para default_visibility: {raw!r}. Use {', '.join(VISIBILITIES)}."
            )
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Valor no válido para {name}: {raw!r}") from exc


def load_config(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """Defaults, then `acervo.toml` ([acervo] table) if present, then ACERVO_* variables."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    path = config_file or Path(environ.get("ACERVO_CONFIG", CONFIG_FILE))
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("acervo", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        known = {f.name for f in fields(Config)}
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"{path}: claves desconocidas {sorted(unknown)}")
        values.update({k: _coerce(k, v) for k, v in table.items()})
    for var, name in _ENV.items():
        if environ.get(var):
            values[name] = _coerce(name, environ[var])
    return Config(**values)
