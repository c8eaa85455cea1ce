"""Run reports: what happened to every file in each `acervo ingest`, kept in the index folder.

A run appends one JSON line per file to `reports/<run>.jsonl.part` as it goes (memory stays flat
whatever the corpus size), then turns it into `reports/<run>.json` at the end with two streaming
passes (totals first, then the files). A run killed before that leaves its `.part`; the next
run finishes it as an interrupted report, so every run has a report.

Outcomes per file: added, updated (known path or content, new text or metadata), unchanged,
removed (its file is gone), duplicate (an extra copy of a document), failed (with the reason
and who must act: the administrator, nobody, or a developer with the traceback).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from acervo.ingest.models import (
    MAX_PAGE_TEXT_CHARS,
    ExtractedDocument,
    ExtractionFailure,
    MetadataProblem,
)

REPORTS_DIR = "reports"
PART_SUFFIX = ".jsonl.part"
REPORT_SUFFIX = ".json"
METADATA_FIELDS = ("title", "agencies", "topics", "year", "language", "doc_type")
# What a terminal acts on instead of showing: C0 and C1 controls (ESC opens ANSI colour and OSC
# title sequences, CR rewrites the line), DEL, and the bidirectional marks that reorder text.
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TERMINAL_CONTROLS_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` safe to print on a terminal: controls shown as escapes (`\\x1b`, `\\r`), bytes
    of a name that are not UTF-8 as U+FFFD. With `newlines`, "\\n" is kept (a text of several
    lines); otherwise it is escaped too (a file name is one line)."""
    controls = _TERMINAL_CONTROLS_BUT_NEWLINE if newlines else _TERMINAL_CONTROLS
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return controls.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    UNMATCHED = "unmatched"  # a _metadata.csv with rows naming no file found (problems say which)


class RunStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"  # the index was not updated: the error says why
    INTERRUPTED = "interrupted"  # killed or stopped; the next run completes the work


class ReportNotFound(LookupError):
    pass


@dataclass(frozen=True)
class FileEntry:
    """One line of a report: one file's fate in one run."""

    path: str
    outcome: Outcome
    sha256: str = ""
    doc_id: str = ""
    pages: int = 0
    seconds: float = 0.0
    language: str = ""
    metadata: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    duplicate_of: str = ""
    note: str = ""
    failure: Mapping[str, str] | None = None
    near_duplicates: tuple[str, ...] = ()  # ids of indexed versions of it (ingest/neardup.py)
    translations: tuple[str, ...] = ()  # ids of indexed editions in another language
    truncated_pages: tuple[int, ...] = ()  # pages whose text was cut at MAX_PAGE_TEXT_CHARS
    # sidecar or _metadata.csv entries that could not be used: the administrator fixes them
    problems: tuple[Mapping[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v not in ("", 0, 0.0, None, {}, ())}
        data["outcome"] = str(self.outcome)
        data["seconds"] = round(self.seconds, 3)
        return data


def document_entries(
    doc: ExtractedDocument, outcome: Outcome, seconds: float, note: str = ""
) -> Iterator[FileEntry]:
    """The entries of an indexed document: its first path, then its copies as duplicates."""
    meta = doc.metadata
    metadata = {
        name: {"value": _jsonable(getattr(meta, name)), "provenance": str(meta.provenance[name])}
        for name in METADATA_FIELDS
        if name in meta.provenance
    }
    first, *copies = doc.paths
    yield FileEntry(
        first, outcome, doc.sha256, doc.doc_id, len(doc.pages), seconds, meta.language,
        metadata, note=note, near_duplicates=doc.near_duplicates, translations=doc.translations,
        truncated_pages=doc.truncated_pages,
        problems=tuple(problem_json(problem) for problem in meta.notes),
    )  # fmt: skip
    for path in copies:
        yield FileEntry(path, Outcome.DUPLICATE, doc.sha256, doc.doc_id, duplicate_of=first)


def problem_json(problem: MetadataProblem) -> dict[str, Any]:
    """A metadata problem in the report: who acts, which file and line, what, and the hint."""
    return {"actor": "administrator"} | asdict(problem)


def failure_entry(failure: ExtractionFailure, seconds: float, note: str = "") -> FileEntry:
    reason = {"kind": str(failure.kind), "actor": str(failure.actor), "reason": failure.reason}
    if failure.detail:
        reason["detail"] = failure.detail  # the traceback, for a developer
    return FileEntry(failure.path, Outcome.FAILED, seconds=seconds, note=note, failure=reason)


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


class RunReport:
    """The report of the run in progress: `add` entries, then `finish` (or `abort`)."""

    def __init__(self, index_dir: Path, options: Mapping[str, Any]) -> None:
        self.folder = Path(index_dir) / REPORTS_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        finish_interrupted(self.folder)
        self.run = _new_run_name(self.folder)
        self.part = self.folder / f"{self.run}{PART_SUFFIX}"
        self._out: IO[str] = open(self.part, "x", encoding="utf-8")  # noqa: SIM115
        header = {"run": self.run, "started": _now(), "options": dict(options)}
        self._write(header)

    def add(self, entry: FileEntry) -> None:
        self._write(entry.to_json())

    def add_related(self, path: str, key: str, doc_ids: tuple[str, ...]) -> None:
        """Documents found later in the run that are related to the entry of `path` (`key`:
        near_duplicates or translations): merged into that entry when the report is finished,
        so an entry names its versions and editions whichever was extracted first."""
        self._write({"related": path, key: list(doc_ids)})

    def finish(self, status: RunStatus, index_version: str = "", error: str = "") -> Path:
        """Close the run: the final JSON report replaces the `.part`; returns its path."""
        self._write({"end": _now(), "status": str(status), "index_version": index_version,
                     "error": error})  # fmt: skip
        self._out.close()
        return _finalize(self.part)

    def _write(self, record: Mapping[str, Any]) -> None:
        self._out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._out.flush()  # a killed run keeps every line written so far


def finish_interrupted(folder: Path) -> list[Path]:
    """Turn the `.part` files of killed runs into reports with status "interrupted"."""
    done = []
    for part in sorted(folder.glob(f"*{PART_SUFFIX}")):
        try:
            done.append(_finalize(part))
        except (OSError, ValueError):
            continue  # unreadable beyond repair: leave it for a person to look at
    return done


def _finalize(part: Path) -> Path:
    header, end, totals, failures, related = _scan(part)
    report = {
        "run": header.get("run", part.name.removesuffix(PART_SUFFIX)),
        "started": header.get("started", ""),
        "ended": end.get("end", ""),
        "status": end.get("status", str(RunStatus.INTERRUPTED)),
        "error": end.get("error", ""),
        "index_version": end.get("index_version", ""),
        "options": header.get("options", {}),
        "totals": {str(o): totals.get(str(o), 0) for o in Outcome}
        | {"pages": totals["pages"], "metadata_problems": totals["metadata_problems"]},
        "failures_by_actor": dict(failures),
    }
    target = part.with_name(part.name.removesuffix(PART_SUFFIX) + REPORT_SUFFIX)
    tmp = target.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(report, ensure_ascii=False, indent=1)[:-2] + ',\n "files": [\n')
        for n, entry in enumerate(_entries(part, related)):
            out.write((",\n" if n else "") + json.dumps(entry, ensure_ascii=False))
        out.write("\n ]\n}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    part.unlink()
    return target


def _scan(part: Path) -> tuple[dict, dict, Counter[str], Counter[str], dict[str, dict]]:
    """First pass: header, end record, totals by outcome, failures by actor, and the related
    documents found after each entry (path -> key -> ids)."""
    header: dict = {}
    end: dict = {}
    totals: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    related: dict[str, dict[str, list[str]]] = {}
    with open(part, encoding="utf-8") as lines:
        for n, record in enumerate(_records(lines)):
            if n == 0 and "run" in record:
                header = record
            elif "status" in record:
                end = record
            elif "related" in record:
                for key, ids in record.items():
                    if key != "related":
                        related.setdefault(record["related"], {}).setdefault(key, []).extend(ids)
            elif "outcome" in record:
                totals[record["outcome"]] += 1
                totals["pages"] += record.get("pages", 0)
                if record.get("failure"):
                    failures[record["failure"]["actor"]] += 1
                totals["metadata_problems"] += len(record.get("problems", ()))
    return header, end, totals, failures, related


def _entries(part: Path, related: Mapping[str, Mapping[str, list[str]]]) -> Iterator[dict]:
    with open(part, encoding="utf-8") as lines:
        for record in _records(lines):
            if "outcome" not in record:
                continue
            if record["outcome"] not in ("duplicate", "removed", "failed"):
                for key, ids in related.get(record["path"], {}).items():
                    record[key] = list(dict.fromkeys([*record.get(key, []), *ids]))
            yield record


def _records(lines: IO[str]) -> Iterator[dict]:
    for line in lines:
        try:
            yield json.loads(line)
        except ValueError:
            continue  # the last line of a killed run may be cut in half


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _new_run_name(folder: Path) -> str:
    base = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while any((folder / f"{name}{suffix}").exists() for suffix in (PART_SUFFIX, REPORT_SUFFIX)):
        n += 1
        name = f"{base}-{n}"
    return name


# ---- reading -------------------------------------------------------------------------------


def list_reports(index_dir: Path) -> list[Path]:
    """Finished reports, oldest first."""
    folder = Path(index_dir) / REPORTS_DIR
    return sorted(folder.glob(f"*{REPORT_SUFFIX}"), key=lambda p: _run_sort_key(p.stem))


def _run_sort_key(name: str) -> tuple[str, int]:
    base, _, n = name.partition("-")
    return base, int(n) if n.isdigit() else 1


def find_report(index_dir: Path, run: str | None = None) -> Path:
    """The last report, or the one whose name is or starts with `run`."""
    reports = list_reports(index_dir)
    if run:
        reports = [p for p in reports if p.stem == run] or [
            p for p in reports if p.stem.startswith(run)
        ]
    if not reports:
        what = f"ninguna ejecución «{run}»" if run else "ninguna ejecución registrada"
        raise ReportNotFound(f"No hay {what} en {Path(index_dir) / REPORTS_DIR}.")
    if run and len(reports) > 1 and not any(p.stem == run for p in reports):
        names = ", ".join(p.stem for p in reports[:5])
        raise ReportNotFound(f"«{run}» corresponde a varias ejecuciones: {names}.")
    return reports[-1]


def load_report(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# ---- for people ------------------------------------------------------------------------------

OUTCOME_LABELS = {
    "added": "Nuevos",
    "updated": "Actualizados",
    "unchanged": "Sin cambios",
    "removed": "Eliminados",
    "duplicate": "Duplicados (copias)",
    "failed": "Fallidos",
    "unmatched": "CSV con filas sin archivo",
}
STATUS_LABELS = {
    "completed": "completada",
    "failed": "fallida: el índice no cambió",
    "interrupted": "interrumpida: la próxima ingesta completa el trabajo",
}
ACTOR_LABELS = {
    "administrator": "Debe actuar el administrador",
    "nobody": "Nadie debe actuar",
    "developer": "Debe actuar el equipo de desarrollo (error inesperado)",
}


def format_report(report: Mapping[str, Any]) -> str:
    """A run report as a readable Spanish summary: totals, then failures by who must act."""
    lines = [
        f"Ejecución {report['run']} ({STATUS_LABELS.get(report['status'], report['status'])})",
        f"  inicio: {report['started']}   fin: {report['ended'] or '-'}",
        f"  carpetas: {', '.join(map(printable, report['options'].get('folders', [])))}",
    ]
    if report.get("index_version"):
        lines.append(f"  índice: {report['index_version']}")
    if report.get("error"):
        lines.append(f"  error: {report['error']}")
    lines.append("")
    totals = report["totals"]
    lines += [f"{label + ':':<22}{totals.get(key, 0)}" for key, label in OUTCOME_LABELS.items()]
    lines.append(f"{'Páginas indexadas:':<22}{totals.get('pages', 0)}")
    lines += _related_lines(report.get("files", []))
    lines += _truncated_lines(report.get("files", []))
    lines += _failure_lines(report.get("files", []))
    lines += problem_lines(report.get("files", []))
    return "\n".join(printable(line, newlines=True) for line in lines)


RELATED_LABELS = {
    "near_duplicates": "Versiones similares de documentos ya indexados",
    "translations": "Ediciones en otro idioma de documentos ya indexados",
}


def _related_lines(files: list[Mapping[str, Any]]) -> list[str]:
    """The run's documents that are versions or translations of indexed ones, with their ids."""
    lines: list[str] = []
    for key, label in RELATED_LABELS.items():
        related = [entry for entry in files if entry.get(key)]
        if related:
            lines += ["", f"{label} ({len(related)}):"]
            lines += [f"  - {printable(e['path'])} ~ {', '.join(e[key])}" for e in related]
    return lines


def _truncated_lines(files: list[Mapping[str, Any]]) -> list[str]:
    """The documents indexed with part of their text left out (a page over the limit)."""
    cut = [entry for entry in files if entry.get("truncated_pages")]
    if not cut:
        return []
    lines = [
        "",
        f"Documentos con texto recortado ({len(cut)}): se indexaron los primeros "
        f"{MAX_PAGE_TEXT_CHARS:,} caracteres de cada página indicada".replace(",", "."),
    ]
    for entry in cut:
        pages = ", ".join(map(str, entry["truncated_pages"]))
        lines.append(f"  - {printable(entry['path'])} (pág. {pages})")
    return lines


def _failure_lines(files: list[Mapping[str, Any]]) -> list[str]:
    by_actor: dict[str, list[Mapping[str, Any]]] = {}
    for entry in files:
        if entry.get("failure"):
            by_actor.setdefault(entry["failure"]["actor"], []).append(entry)
    lines: list[str] = []
    for actor, label in ACTOR_LABELS.items():
        if actor not in by_actor:
            continue
        lines += ["", f"{label} ({len(by_actor[actor])}):"]
        for entry in by_actor[actor]:
            failure = entry["failure"]
            lines.append(f"  - {printable(entry['path'])}")
            lines.append(f"      [{failure['kind']}] {printable(failure['reason'])}")
            if entry.get("note"):  # e.g. not extracted again: it failed the same way before
                lines.append(f"      ({entry['note']})")
            if failure.get("detail"):
                last = failure["detail"].strip().splitlines()[-1]
                lines.append(f"      {last} (traza completa en el informe JSON)")
    return lines


def problem_lines(files: list[Mapping[str, Any]]) -> list[str]:
    """Sidecar and _metadata.csv entries the administrator must fix, under their document."""
    with_problems = [entry for entry in files if entry.get("problems")]
    if not with_problems:
        return []
    count = sum(len(entry["problems"]) for entry in with_problems)
    lines = ["", f"Debe corregir el administrador: metadatos ({count}):"]
    for entry in with_problems:
        lines.append(f"  - {entry['path']}")
        lines += [f"      {problem_line(problem)}" for problem in entry["problems"]]
    return lines


def problem_line(problem: Mapping[str, Any]) -> str:
    where = f"{problem['file']}:{problem['line']}" if problem.get("line") else problem["file"]
    hint = f" ({problem['hint']})" if problem.get("hint") else ""
    return f"{where}: {problem['message']}{hint}"
