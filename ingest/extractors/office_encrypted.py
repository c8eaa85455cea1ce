"""Password-protected DOCX: an OLE2 compound file holding the encrypted OOXML package.

With the password a sidecar gives (`password:` in the file's .meta.yaml, as for PDFs),
msoffcrypto-tool decrypts the package (ECMA-376 agile or standard encryption) into a temporary
file, which is then read as any DOCX, with the same zip-bomb and XML-entity checks. Without a
password, or with one that does not open it, the file is reported as encrypted for an
administrator. Decryption does not inflate: the package is as large as the file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import msoffcrypto
from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

from acervo.ingest.detect import HEAD_BYTES, detect_format
from acervo.ingest.errors import CorruptDocument, EncryptedDocument, UnsupportedFormat
from acervo.ingest.extractors import docx
from acervo.ingest.models import ExtractedText, ExtractOptions

FORMAT = "encrypted_ooxml"
DEFAULT_OPTIONS = ExtractOptions()
PASSWORD_REASON = (
    "Documento de Office protegido con contraseña: añada `password:` en su archivo .meta.yaml "
    "o guárdelo sin contraseña."
)
WRONG_PASSWORD_REASON = (
    "Documento de Office protegido: la contraseña de su archivo .meta.yaml no lo abre; corríjala."
)


def can_handle(fmt: str) -> bool:
    return fmt == FORMAT


def extract(path: Path, options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractedText:
    if not options.password:
        raise EncryptedDocument(PASSWORD_REASON)
    with tempfile.TemporaryDirectory(prefix="acervo-decrypted-") as folder:
        plain = Path(folder) / "document.docx"
        _decrypt(path, options.password, plain)
        with plain.open("rb") as handle:
            fmt = detect_format(plain, handle.read(HEAD_BYTES))
        if fmt != "docx":
            raise UnsupportedFormat(
                "Documento de Office protegido que no es de Word (p. ej. Excel o PowerPoint): "
                "no se indexa."
            )
        return docx.extract(plain)


def _decrypt(path: Path, password: str, target: Path) -> None:
    try:
        with path.open("rb") as source, target.open("wb") as out:
            office = msoffcrypto.OfficeFile(source)
            office.load_key(password=password, verify_password=True)
            office.decrypt(out)
    except (InvalidKeyError, DecryptionError) as exc:
        raise EncryptedDocument(WRONG_PASSWORD_REASON) from exc
    except (FileFormatError, ValueError, KeyError, EOFError) as exc:
        raise CorruptDocument(f"Documento de Office cifrado dañado ({exc}).") from exc
