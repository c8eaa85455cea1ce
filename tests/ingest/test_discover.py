"""discover(): which files are candidates, in which order, and how unreadable ones are reported."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from acervo.ingest.discover import HASH_CHUNK_BYTES, discover
from acervo.ingest.models import Actor, ExtractionFailure, SourceFile


def make(root: Path, relative: str, content: bytes = b"contenido") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def found_paths(roots: list[Path]) -> list[str]:
    return [str(item.path) for item in discover(roots) if isinstance(item, SourceFile)]


def failures(roots: list[Path]) -> list[ExtractionFailure]:
    return [item for item in discover(roots) if isinstance(item, ExtractionFailure)]


@pytest.mark.parametrize(
    ("relative", "kept"),
    [
        ("informe.pdf", True),
        ("ACNUR/2020/estudio.docx", True),
        (".oculto.pdf", False),
        (".git/objects/ab", False),
        ("ACNUR/.borradores/estudio.pdf", False),
        ("~$estudio.docx", False),  # Word's lock file
        ("informe.pdf.meta.yaml", False),
        ("informe.meta.yml", False),
        ("informe.META.JSON", False),
        ("ACNUR/_metadata.csv", False),
        ("datos.csv", True),  # an ordinary CSV is a candidate; the extractor decides
    ],
)
def test_what_is_a_candidate(tmp_path: Path, relative: str, kept: bool) -> None:
    make(tmp_path, relative)
    assert found_paths([tmp_path]) == ([str(tmp_path / relative)] if kept else [])


def test_order_is_sorted_and_repeatable(tmp_path: Path) -> None:
    for relative in ["b/2.pdf", "a/z.pdf", "a/b/1.pdf", "c.pdf", "a.pdf", "B/x.pdf"]:
        make(tmp_path, relative, relative.encode())
    first = found_paths([tmp_path])
    assert first == found_paths([tmp_path])
    relatives = [str(Path(p).relative_to(tmp_path)) for p in first]
    assert relatives == ["B/x.pdf", "a/b/1.pdf", "a/z.pdf", "a.pdf", "b/2.pdf", "c.pdf"]


def test_hash_size_and_doc_id(tmp_path: Path) -> None:
    content = os.urandom(HASH_CHUNK_BYTES * 2 + 17)  # spans several chunks
    path = make(tmp_path, "grande.pdf", content)
    [source] = discover([tmp_path])
    assert isinstance(source, SourceFile)
    assert source.path == path and source.path.is_absolute()
    assert source.size == len(content)
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    assert source.doc_id == source.sha256[:16]


def test_same_content_in_two_folders_has_one_doc_id(tmp_path: Path) -> None:
    make(tmp_path, "ACNUR/informe.pdf", b"mismo")
    make(tmp_path, "OIM/informe.pdf", b"mismo")
    make(tmp_path, "OIM/otro.pdf", b"distinto")
    ids = [item.doc_id for item in discover([tmp_path]) if isinstance(item, SourceFile)]
    assert ids[0] == ids[1] != ids[2]


def test_overlapping_roots_yield_a_file_once(tmp_path: Path) -> None:
    make(tmp_path, "ACNUR/informe.pdf")
    assert len(found_paths([tmp_path, tmp_path / "ACNUR"])) == 1


def test_relative_root_gives_absolute_paths(tmp_path: Path, monkeypatch) -> None:
    make(tmp_path, "corpus/informe.pdf")
    monkeypatch.chdir(tmp_path)
    assert found_paths([Path("corpus")]) == [str(tmp_path / "corpus" / "informe.pdf")]


def test_links_inside_the_root_are_followed(tmp_path: Path) -> None:
    make(tmp_path, "real/informe.pdf")
    (tmp_path / "enlace.pdf").symlink_to(tmp_path / "real" / "informe.pdf")
    (tmp_path / "carpeta").symlink_to(tmp_path / "real")
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found_paths([tmp_path])] == [
        "carpeta/informe.pdf",
        "enlace.pdf",
        "real/informe.pdf",
    ]


def test_links_leaving_the_root_are_reported_not_followed(tmp_path: Path) -> None:
    outside = make(tmp_path, "fuera/secreto.pdf")
    root = tmp_path / "corpus"
    make(root, "informe.pdf")
    (root / "enlace.pdf").symlink_to(outside)
    (root / "carpeta").symlink_to(outside.parent)
    assert found_paths([root]) == [str(root / "informe.pdf")]
    reported = failures([root])
    assert sorted(f.path for f in reported) == [str(root / "carpeta"), str(root / "enlace.pdf")]
    assert all(f.actor is Actor.ADMINISTRATOR and "fuera" in f.reason for f in reported)


def test_a_link_loop_ends(tmp_path: Path) -> None:
    make(tmp_path, "a/informe.pdf")
    (tmp_path / "a" / "vuelta").symlink_to(tmp_path)
    assert found_paths([tmp_path]) == [str(tmp_path / "a" / "informe.pdf")]


def test_broken_link_is_reported(tmp_path: Path) -> None:
    (tmp_path / "roto.pdf").symlink_to(tmp_path / "no-existe.pdf")
    [failure] = failures([tmp_path])
    assert failure.path == str(tmp_path / "roto.pdf")
    assert "roto" in failure.reason.lower()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    locked = make(tmp_path, "a.pdf")
    make(tmp_path, "b.pdf")
    locked.chmod(0)
    try:
        assert [f.path for f in failures([tmp_path])] == [str(locked)]
        assert found_paths([tmp_path]) == [str(tmp_path / "b.pdf")]
    finally:
        locked.chmod(0o644)


def test_named_pipe_is_reported_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tuberia.pdf")
    make(tmp_path, "z.pdf")
    [failure] = failures([tmp_path])
    assert failure.path == str(tmp_path / "tuberia.pdf")
    assert found_paths([tmp_path]) == [str(tmp_path / "z.pdf")]
