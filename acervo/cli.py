"""The `acervo` command: reads the configuration and calls ingest, search and web.

Subcommands: ingest, search, export, serve, similar, report, status, users, audit. Help texts are
Spanish; options are English.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import TextIO

from acervo import __version__
from acervo.config import Config, ConfigError, load_config
from acervo.report import printable
from acervo.search.errors import IndexMissing, SearchError
from acervo.search.models import DEFAULT_PER_PAGE, SearchRequest

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_NO_INDEX = 0, 1, 2, 3
EXIT_INDEX_ERROR = 4  # the index could not be updated (disk, lock, removal guard): unchanged
EXIT_INTERRUPTED = 130  # Ctrl+C, kill (SIGTERM) or a closed terminal stopped an ingest

# CLI filter flag -> facet name in SearchRequest.filters
_FILTER_FLAGS = {
    "agency": "agency",
    "topic": "topic",
    "language": "language",
    "type": "doc_type",
    "place": "place",
}
# --result-type: English or Spanish names of what a search returns (SearchRequest.result_type)
_RESULT_TYPES = {
    "documents": "documents",
    "documentos": "documents",
    "records": "records",
    "registros": "records",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(Path(args.config) if args.config else None)
        config = config.with_overrides(index_dir=Path(args.index) if args.index else None)
        return args.handler(args, config)
    except ConfigError as exc:
        _show(f"Error de configuración: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexMissing as exc:
        _show(str(exc), file=sys.stderr)
        return EXIT_NO_INDEX
    except SearchError as exc:
        _show(f"Error en la consulta: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _account_errors() as exc:
        _show(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _index_errors() as exc:
        _show(f"Error: {exc}", file=sys.stderr)
        return EXIT_INDEX_ERROR
    except BrokenPipeError:
        # The reader went away (`acervo search ... | head`): not an error. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _account_errors() -> tuple[type[Exception], ...]:
    """A user command that cannot be done as asked (exit code 2)."""
    from acervo.accounts import AccountError
    from acervo.moderation import StatusError

    return (AccountError, StatusError)


def _index_errors() -> tuple[type[Exception], ...]:
    """Errors that leave the index as it was and need the administrator (exit code 4)."""
    from acervo.build import RemovalRefused
    from acervo.db import DatabaseError
    from acervo.report import ReportNotFound
    from acervo.search.indexer import IndexUpdateError
    from acervo.search.lock import IndexLocked

    return (IndexUpdateError, IndexLocked, RemovalRefused, ReportNotFound, DatabaseError)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acervo",
        description="Acervo: búsqueda en los estudios interagenciales sobre movilidad humana.",
    )
    parser.add_argument("--version", action="version", version=f"acervo {__version__}")
    parser.add_argument("--config", help="archivo de configuración (por defecto acervo.toml)")
    parser.add_argument("--index", help="carpeta del índice (por defecto index/ o ACERVO_INDEX)")
    sub = parser.add_subparsers(required=True, metavar="COMANDO")
    _add_ingest(sub)
    _add_search(sub)
    _add_export(sub)
    _add_serve(sub)
    _add_similar(sub)
    _add_report(sub)
    _add_status(sub)
    _add_users(sub)
    _add_audit(sub)
    _add_digest(sub)
    return parser


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="indexar carpetas de estudios (PDF, DOCX...)",
        description="Construye o actualiza el índice con los archivos de las "
        "carpetas dadas (por defecto corpus/). Informa de cada archivo que falla.",
    )
    p.add_argument("folders", nargs="*", help="carpetas a indexar (por defecto corpus/)")
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--workers", type=int, help="procesos de extracción (por defecto: núcleos)")
    p.add_argument("--timeout", type=float, help="segundos máximos por archivo")
    p.add_argument("--quiet", action="store_true", help="solo el resumen")
    _add_extraction_flags(p)
    p.add_argument(
        "--prune",
        action="store_true",
        help="eliminar del índice los documentos cuyos archivos ya no están, aunque sean muchos",
    )
    p.add_argument(
        "--prune-threshold",
        type=_share,
        metavar="FRACCIÓN",
        help="parte de los documentos indexados que se puede eliminar sin --prune "
        "(por defecto 0.2 = 20 %%)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="volver a extraer los archivos que fallaron en una ingesta anterior aunque no "
        "hayan cambiado (sin esta opción se informan de nuevo sin reintentarlos)",
    )
    p.set_defaults(handler=_cmd_ingest)


def _add_extraction_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--memory-mb", type=int, help="memoria máxima por proceso de extracción (MB)")
    p.add_argument(
        "--extractor",
        choices=("auto", "pdfium", "pdfminer"),
        help="lector de PDF: auto (por defecto: pdfium, unas 20 veces más rápido, con pdfminer "
        "de respaldo), pdfminer (el de referencia, lento) o pdfium (solo)",
    )
    p.add_argument(
        "--ocr",
        action="store_true",
        default=None,
        help="leer con OCR (tesseract, español e inglés) las páginas escaneadas",
    )
    p.add_argument(
        "--dask",
        metavar="DIRECCIÓN",
        help="enviar la extracción a un clúster dask.distributed (p. ej. tcp://10.0.0.5:8786)",
    )


def _extraction_overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        "extract_memory_mb": args.memory_mb,
        "extractor": args.extractor,
        "ocr": args.ocr,
        "dask_address": args.dask,
    }


def _progress_output(quiet: bool):
    """(meter, per-file line printer): a bar on a terminal, log lines otherwise."""
    from acervo.ingest.progress import Progress

    if quiet:
        return None, None
    meter = Progress(sys.stdout)
    if meter.tty:  # only failures interrupt the bar; added files are counted in it
        return meter, lambda line: meter.message(printable(line)) if line.startswith("!") else None
    return meter, _print_progress


def _share(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"«{text}»: use una fracción entre 0 y 1, p. ej. 0.2")
    return value


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="informe de una ingesta: qué pasó con cada archivo",
        description="Muestra el informe de la última ingesta (o de la ejecución RUN): "
        "totales y archivos fallidos agrupados por quién debe actuar.",
    )
    p.add_argument("run", nargs="?", help="ejecución (nombre o su comienzo; por defecto la última)")
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--json", action="store_true", help="el informe completo en JSON")
    p.add_argument("--list", action="store_true", help="listar las ejecuciones registradas")
    p.set_defaults(handler=_cmd_report)


def _add_status(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status",
        help="estado del índice: documentos, páginas, agencias, años, última ingesta",
        description="Resume el índice: documentos, páginas, por agencia y por año, "
        "y la última ingesta con sus fallos.",
    )
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument(
        "--clean",
        action="store_true",
        help="borrar ya lo que dejaron ingestas interrumpidas (si no hay una en curso)",
    )
    p.set_defaults(handler=_cmd_status)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", default="", help='consulta, p. ej. "educacion ninos"')
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument(
        "--agency", action="append", default=[], help="agencia (repetible): ACNUR, UNHCR, OIM..."
    )
    p.add_argument("--topic", action="append", default=[], help="tema (repetible)")
    p.add_argument("--year", help="año o rango: 2019, 2019-2021, 2019..2021, >2019")
    p.add_argument("--language", action="append", default=[], help="idioma: es, en")
    p.add_argument("--type", action="append", default=[], help="tipo de documento")
    p.add_argument(
        "--place", action="append", default=[], help="lugar (repetible): sucumbios, huaquillas"
    )
    p.add_argument(
        "--result-type",
        choices=sorted(_RESULT_TYPES),
        default="documents",
        help="documentos (por defecto) o registros de lecciones aprendidas",
    )
    p.add_argument(
        "--no-expand",
        action="store_true",
        help="no buscar también sinónimos y traducciones (ACNUR = UNHCR, VBG = GBV...)",
    )
    p.add_argument(
        "--no-correct",
        action="store_true",
        help="buscar las palabras tal como se escribieron, sin corregir la ortografía",
    )
    _add_as_user(p)


def _add_as_user(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="USUARIO",
        help="ver solo lo que ese usuario puede ver (por defecto, quien usa la consola lo ve todo)",
    )


def _add_search(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="buscar en el índice",
        description="Busca en el índice. Sintaxis: palabras (todas requeridas), "
        '"frase exacta", OR, -palabra, migra*, agencia:, tema:, anio:2019..2021.',
    )
    _add_filters(p)
    p.add_argument("--page", type=int, default=1, help="página de resultados (desde 1)")
    p.add_argument("--per-page", type=int, default=DEFAULT_PER_PAGE, help="resultados por página")
    p.add_argument("--json", action="store_true", help="salida JSON para programas")
    p.set_defaults(handler=_cmd_search)


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="exportar todos los resultados (CSV, JSON, JSON Lines, XLSX, RIS, BibTeX)",
        description="Exporta todos los resultados de la consulta, no solo una página.",
    )
    _add_filters(p)
    p.add_argument(
        "--format",
        choices=("csv", "json", "jsonl", "xlsx", "ris", "bib"),
        default="csv",
        help="formato (los mismos que la página de búsqueda)",
    )
    p.add_argument("-o", "--output", help="archivo de salida (por defecto la salida estándar)")
    p.add_argument(
        "--base-url",
        help="dirección pública de la interfaz web, para los enlaces a cada documento "
        "(por defecto base_url de la configuración o http://HOST:PUERTO/)",
    )
    p.set_defaults(handler=_cmd_export)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="servir la interfaz web y la API (gunicorn, un proceso por núcleo)",
        description="Sirve la interfaz web y la API JSON con gunicorn: un proceso por núcleo "
        "(como mucho 4; cada uno abre el índice por su cuenta, solo para leer), o los de "
        "--processes; con --processes 1, un solo proceso con waitress. Las subidas se indexan "
        "en un proceso aparte.",
    )
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--host", help="dirección (por defecto 127.0.0.1)")
    p.add_argument("--port", type=int, help="puerto (por defecto 8000)")
    p.add_argument(
        "--threads",
        type=int,
        help="peticiones atendidas a la vez por proceso (hilos; por defecto 4 o threads de "
        "la configuración)",
    )
    p.add_argument(
        "--processes",
        type=int,
        help="procesos que atienden peticiones (por defecto uno por núcleo; con 1, waitress)",
    )
    p.set_defaults(handler=_cmd_serve)


def _request(args: argparse.Namespace, page: int = 1, per_page: int = DEFAULT_PER_PAGE):
    """The search the flags describe; filter values and years are read by the query's own
    rules (`--agency acnur` = `agencia:acnur`, `--year 2019-2021` = `anio:2019-2021`)."""
    from acervo.search.query import resolve_filters, year_range

    filters = resolve_filters({facet: getattr(args, flag) for flag, facet in _FILTER_FLAGS.items()})
    year_from, year_to = year_range(args.year, "--year ") if args.year else (None, None)
    return SearchRequest(
        query=args.query,
        filters=filters,
        year_from=year_from,
        year_to=year_to,
        page=page,
        per_page=per_page,
        result_type=_RESULT_TYPES[args.result_type],
        expand=not args.no_expand,
        correct=not args.no_correct,
    )


def _store(config: Config):
    from acervo.search.indexer import IndexStore

    return IndexStore(config.index_dir)


def _access(args: argparse.Namespace, config: Config):
    """What `--as USER` may see; None (everything) for the shell user without it."""
    if not getattr(args, "as_user", None):
        return None
    from acervo import accounts, db, moderation
    from acervo.search.access import Access

    with closing(db.connect(config.database_path())) as conn:
        user = accounts.get_user(conn, args.as_user)
        if user is None:
            raise accounts.AccountError(f"No existe el usuario «{args.as_user}» (--as).")
        statuses = moderation.statuses(conn)
    viewer = user.viewer() if user.is_active else accounts.AnonymousUser().viewer()
    return Access(viewer, statuses, config.default_visibility)


def _cmd_ingest(args: argparse.Namespace, config: Config) -> int:
    from acervo.build import DEFAULT_PRUNE_THRESHOLD, IngestOptions, build_index

    config = config.with_overrides(workers=args.workers, extract_timeout_s=args.timeout)
    config = config.with_overrides(**_extraction_overrides(args))
    roots = tuple(Path(f) for f in args.folders) or config.corpus_dirs
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        _show(f"No existe la carpeta: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    meter, progress = _progress_output(args.quiet)
    threshold = args.prune_threshold
    options = IngestOptions(
        prune=args.prune,
        prune_threshold=DEFAULT_PRUNE_THRESHOLD if threshold is None else threshold,
        retry_failed=args.retry_failed,
    )
    # `kill` (SIGTERM) or a closed terminal (SIGHUP) stop the run like Ctrl+C: the new
    # generation is deleted and the report says "interrupted" (kill -9 cannot be caught: the
    # next run, or `acervo status --clean`, deletes what it left).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        summary = build_index(
            roots, _store(config), config, progress=progress, options=options, meter=meter
        )
    except KeyboardInterrupt:
        _show(
            "\nIngesta interrumpida: el índice sigue siendo el último completo y lo que esta "
            "ingesta dejó a medias se borró (el informe la marca como interrumpida).",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if meter is not None:
        meter.finish()
    _print_summary(summary)
    return EXIT_FAILURES if summary.failed else EXIT_OK


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _show(*values: object, **options) -> None:  # noqa: ANN003 - print's keywords
    """print() for people: file names, titles and reasons may hold terminal escape sequences
    (a file named "\\x1b]0;..." retitles the window); they are shown escaped."""
    print(*(printable(str(v), newlines=True) for v in values), **options)


def _print_progress(line: str) -> None:
    _show(printable(line), flush=True)  # one line, even when a file name holds a newline


def _print_summary(summary) -> None:
    _show()
    _show(f"Archivos vistos:     {summary.seen}")
    _show(f"Indexados:           {summary.indexed}")
    _show(f"Sin cambios:         {summary.unchanged}")
    _show(f"Duplicados (copias): {summary.duplicates}")
    _show(f"Eliminados:          {summary.removed}")
    _show(f"Fallidos:            {len(summary.failed)}")
    not_retried = set(summary.not_retried)
    for failure in summary.failed:
        again = "  (sin reintentar)" if failure.path in not_retried else ""
        path, reason = printable(failure.path), printable(failure.reason)
        _show(f"  - {path}{again}\n      [{failure.kind}] {reason}")
    if not_retried:
        _show(_not_retried_line(len(not_retried)))
    _show_metadata_problems(summary.metadata_problems)
    state = "" if summary.changed else ", sin cambios"
    _show(f"Índice: {summary.index_version}{state} ({summary.seconds:.1f} s)")
    if summary.report:
        _show(f"Informe: {summary.report}  (acervo report)")


def _show_metadata_problems(problems) -> None:
    """Sidecars and _metadata.csv rows that could not be used, by document: the administrator
    fixes them (the values were ignored; the rest of the document was indexed)."""
    if not problems:
        return
    _show(f"Metadatos con errores (debe corregirlos el administrador): {len(problems)}")
    shown = ""
    for path, problem in problems:
        if path != shown:
            _show(f"  - {printable(path)}")
            shown = path
        _show(f"      {printable(str(problem))}")


def _not_retried_line(count: int) -> str:
    if count == 1:
        return (
            "  (sin reintentar): falló igual en una ingesta anterior y no cambió (ni el archivo "
            "ni las opciones), así que no se volvió a extraer; use --retry-failed para "
            "intentarlo de nuevo."
        )
    return (
        f"  (sin reintentar): estos {count} archivos fallaron igual en una ingesta anterior y no "
        "cambiaron (ni los archivos ni las opciones), así que no se volvieron a extraer; use "
        "--retry-failed para intentarlo de nuevo."
    )


def _cmd_search(args: argparse.Namespace, config: Config) -> int:
    import json

    req = _request(args, page=args.page, per_page=args.per_page)
    with _store(config).open_searcher(_access(args, config)) as searcher:
        result = searcher.search(req)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        _show()
    else:
        _print_result(result, sys.stdout, config.language)
    return EXIT_OK


def _print_result(result, out: TextIO, language: str = "es") -> None:
    req = result.request
    _show(_headline(result, language), file=out)
    _print_interpretation(result, out)
    first = (req.page - 1) * req.per_page
    for n, hit in enumerate(result.hits, start=first + 1):
        meta = " · ".join(
            str(v) for v in (", ".join(hit.agencies), hit.year, hit.doc_type, hit.language) if v
        )
        _show(f"\n{n}. {hit.title or '(sin título)'}  [{meta}]", file=out)
        _show(f"   {printable(hit.path)}", file=out)
        for copy in hit.paths:
            if copy != hit.path:
                _show(f"   también en: {printable(copy)}", file=out)
        if hit.missing:
            lacks = "falta" if len(hit.missing) == 1 else "faltan"
            _show(f"   {lacks}: {', '.join(hit.missing)}", file=out)
        for other in hit.similar:
            _show(f"   versión similar de: {other.title or other.id} ({other.path})", file=out)
        for other in hit.translations:
            _show(f"   otra edición ({other.language}): {other.title or other.id}", file=out)
        if hit.record:  # a lessons-learned record: where it is and its facets
            r = hit.record
            links = " · ".join(f"{name} {', '.join(v)}" for name, v in (("ODS", r.sdg),
                               ("Pacto", r.gcm)) if v)  # fmt: skip
            _show(f"   {r.code} · {r.area} · {r.lesson_type} · pág. {r.page}  {links}", file=out)
        for passage in hit.passages:
            _show(f"   pág. {passage.page}: {' '.join(passage.text.split())}", file=out)
    if result.total == 0:
        _show("\nSin resultados. Pruebe con menos palabras, sin filtros, o con migra*.", file=out)


def _headline(result, language: str) -> str:
    """`1 documento para «trata»`, `38 documentos en el índice`: the count, in its plural form."""
    from acervo.plurals import ngettext

    req = result.request
    pages = max(1, -(-result.total // req.per_page))
    forms = _HEADLINES[req.result_type == "records", bool(req.query.strip())]
    return ngettext(*forms, result.total, language, query=req.query, page=req.page, pages=pages)


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message pair for extraction (pybabel -k _plural:1,2); translated when shown."""
    return singular, plural


# (records?, typed a query?) -> the headline's singular and plural forms
_HEADLINES = {
    (False, True): _plural(
        "%(num)s documento para «%(query)s» (página %(page)s de %(pages)s)",
        "%(num)s documentos para «%(query)s» (página %(page)s de %(pages)s)",
    ),
    (False, False): _plural(
        "%(num)s documento en el índice (página %(page)s de %(pages)s)",
        "%(num)s documentos en el índice (página %(page)s de %(pages)s)",
    ),
    (True, True): _plural(
        "%(num)s registro de lección para «%(query)s» (página %(page)s de %(pages)s)",
        "%(num)s registros de lecciones para «%(query)s» (página %(page)s de %(pages)s)",
    ),
    (True, False): _plural(
        "%(num)s registro de lección en el índice (página %(page)s de %(pages)s)",
        "%(num)s registros de lecciones en el índice (página %(page)s de %(pages)s)",
    ),
}


def _print_interpretation(result, out: TextIO) -> None:
    """The spelling correction searched, what the thesaurus added, a "¿Quiso decir …?"
    suggestion and "most of the words", as the web page shows."""
    if result.corrected_from:
        _show(
            f"Mostrando resultados de «{result.request.query}». Buscar en cambio "
            f"«{result.corrected_from}»: --no-correct",
            file=out,
        )
    for expansion in result.expansions:
        also = ", ".join(expansion.alternatives)
        where = f" {LANGUAGE_WORDS[expansion.language]}" if expansion.language else ""
        _show(
            f"Buscando también{where}: {also} (para «{expansion.term}»; --no-expand lo evita)",
            file=out,
        )
    if result.suggestion:
        _show(f"¿Quiso decir «{result.suggestion}»?", file=out)
    if result.relaxed:
        _show(_relaxed_line(result.all_words_total), file=out)


def _relaxed_line(all_words: int) -> str:
    if all_words == 0:
        head = (
            "Ningún documento tiene todas las palabras; "
            "se muestran los que tienen al menos un tercio de ellas."
        )
    else:
        have = "documento tiene" if all_words == 1 else "documentos tienen"
        head = f"{all_words} {have} todas las palabras; también, los que tienen al menos un tercio."
    return f"{head} (AND entre las palabras las exige todas)"


def _add_similar(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "similar",
        help="documentos parecidos a uno («más como este»)",
        description="Lista los documentos más parecidos a uno, por sus términos clave.",
    )
    p.add_argument("id", help="identificador del documento (16 cifras hexadecimales)")
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--limit", type=int, default=5, help="cuántos (por defecto 5)")
    p.add_argument("--json", action="store_true", help="salida JSON para programas")
    _add_as_user(p)
    p.set_defaults(handler=_cmd_similar)


LANGUAGE_WORDS = {"es": "en español", "en": "en inglés"}


def _cmd_similar(args: argparse.Namespace, config: Config) -> int:
    import json

    from acervo.search.models import hit_to_json

    with _store(config).open_searcher(_access(args, config)) as searcher:
        document = searcher.document(args.id)
        if document is None:
            raise SearchError(f"No hay ningún documento con el identificador «{args.id}».")
        hits = searcher.similar(args.id, limit=max(1, args.limit))
    if args.json:
        json.dump([hit_to_json(h) for h in hits], sys.stdout, ensure_ascii=False, indent=2)
        _show()
        return EXIT_OK
    for n, hit in enumerate(hits, start=1):
        # a document of the other language (search/similar.py) says so
        other = LANGUAGE_WORDS.get(hit.language, hit.language)
        shown = (other if hit.language != document.language else "", ", ".join(hit.agencies))
        meta = " · ".join(str(v) for v in (*shown, hit.year) if v)
        _show(f"{n}. {hit.title or '(sin título)'}  [{meta}]  {hit.id}\n   {printable(hit.path)}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, config: Config) -> int:
    """The search page's export, byte for byte but for the time (search/export.py's registry)."""
    from acervo.search import export

    fmt = export.FORMATS[args.format]
    if not args.output and fmt.file is not None and sys.stdout.isatty():
        _show(f"{fmt.extension.upper()} es un archivo binario: use -o ARCHIVO.", file=sys.stderr)
        return EXIT_USAGE
    req = _request(args)
    store = _store(config)
    links = export.Links(args.base_url or config.public_url(), config.corpus_dirs)
    with store.open_searcher(_access(args, config)) as searcher:
        # counted before writing: a bad query fails here, not half way through the file
        info = export.ExportInfo.of(req, searcher.count(req), store.version())
        if args.output:
            with open(args.output, "wb") as out:
                export.write(fmt, out, info, searcher.iter_hits(req), links)
            _show(f"Exportado a {args.output}", file=sys.stderr)
        else:
            sys.stdout.flush()
            export.write(fmt, sys.stdout.buffer, info, searcher.iter_hits(req), links)
            sys.stdout.buffer.flush()
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, config: Config) -> int:
    from functools import partial

    from acervo.ingest.upload import remove_stale_staging
    from acervo.jobs import run_worker_process
    from acervo.web.server import default_processes, serve

    config = config.with_overrides(host=args.host, port=args.port, threads=args.threads)
    store = _store(config)
    store.open_searcher().close()  # fail now, with the "run acervo ingest" message
    app_config = _web_settings(config)
    for root in config.corpus_dirs:
        remove_stale_staging(root)  # uploads cut short by a killed server
    _show(f"Acervo en http://{config.host}:{config.port}/  (Ctrl+C para salir)", flush=True)
    serve(
        app_config,
        config.host,
        config.port,
        processes=args.processes or default_processes(),
        threads=config.threads,
        proxy=_proxy(config),
        # the worker that indexes uploads and curators' changes, in a process of its own
        background=partial(run_worker_process, config),
    )
    return EXIT_OK


def _web_settings(config: Config) -> dict[str, object]:
    """The web app's settings from the configuration (`serve` and `digest`)."""
    return {
        "INDEX_DIR": config.index_dir,
        "LANGUAGE": config.language,
        "CORPUS_DIRS": config.corpus_dirs,  # pages and exports show paths relative to these
        "BASE_URL": config.base_url,  # document links in exports and digests (behind a proxy)
        "SESSION_COOKIE_SECURE": config.secure_cookies,
        "DATABASE": config.database_path(),
        "DEFAULT_VISIBILITY": config.default_visibility,
        "REQUIRE_LOGIN": config.require_login,
        "SMTP_FROM": config.smtp_from,
        "MAX_UPLOAD_BYTES": config.max_upload_bytes,
        "REVIEW": config.review,
    } | ({"SECRET_KEY": config.secret_key} if config.secret_key else {})


def _add_digest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "digest",
        help="enviar por correo los resúmenes de las búsquedas guardadas (para cron)",
        description="Envía a cada usuario las novedades de sus búsquedas guardadas con "
        "resumen diario o semanal (solo si hay algo nuevo), por el servidor SMTP de la "
        "configuración. Los mensajes que el servidor no acepta se reintentan en la próxima "
        "ejecución. Sale con 1 si queda alguno sin enviar.",
    )
    p.set_defaults(handler=_cmd_digest)


def _cmd_digest(args: argparse.Namespace, config: Config) -> int:
    from acervo.web import create_app
    from acervo.web.digest import SmtpSettings, run_digests

    if not config.smtp_host:
        _show("No hay servidor de correo: ponga smtp_host en acervo.toml (o ACERVO_SMTP_HOST).",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    _store(config).open_searcher().close()  # fail now, with the "run acervo ingest" message
    app = create_app(_web_settings(config) | {"BASE_URL": config.public_url()})
    smtp = SmtpSettings(config.smtp_host, config.smtp_port, config.smtp_from, config.smtp_user,
                        config.smtp_password, config.smtp_starttls)  # fmt: skip
    report = run_digests(app, smtp)
    _show(
        f"Resúmenes: {report.due} búsquedas guardadas revisadas, {report.queued} con novedades; "
        f"{report.sent} enviados, {report.pending} pendientes."
    )
    for error in report.errors:
        _show(error, file=sys.stderr)
    return EXIT_OK if not report.pending and not report.errors else EXIT_FAILURES


def _proxy(config: Config) -> dict[str, object]:
    """waitress's settings for a trusted reverse proxy: its forwarded scheme, host and client
    address become the request's, so url_for(_external=True) names the public address."""
    if not config.trusted_proxy:
        return {}
    return {
        "trusted_proxy": config.trusted_proxy,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-host x-forwarded-proto "
        "x-forwarded-port",
        "clear_untrusted_proxy_headers": True,
    }


def _cmd_report(args: argparse.Namespace, config: Config) -> int:
    import json

    from acervo import report

    if args.list:
        for path in report.list_reports(config.index_dir):
            data = report.load_report(path)
            totals = " · ".join(
                f"{report.OUTCOME_LABELS[k].lower()} {n}" for k, n in data["totals"].items()
                if n and k in report.OUTCOME_LABELS
            )  # fmt: skip
            _show(f"{data['run']}  {report.STATUS_LABELS[data['status']].split(':')[0]}  {totals}")
        return EXIT_OK
    data = report.load_report(report.find_report(config.index_dir, args.run))
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        _show()
    else:
        _show(report.format_report(data))
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, config: Config) -> int:
    from acervo import report
    from acervo.search.models import SearchRequest as Request

    store = _store(config)
    _show_leftovers(store, args.clean)
    stats = store.stats()
    with store.open_searcher() as searcher:
        facets = {g.name: g.values for g in searcher.search(Request(query="")).facets}
    _show(f"Índice {config.index_dir}: {store.version()}")
    _show(f"Documentos: {stats.documents}   Páginas con texto: {stats.pages}")
    for name, label in (("agency", "Por agencia"), ("year", "Por año")):
        values = sorted(facets.get(name, ()), key=lambda v: str(v.value))
        _show(f"{label}: " + (", ".join(f"{v.value} {v.count}" for v in values) or "sin datos"))
    try:
        last = report.load_report(report.find_report(config.index_dir))
    except report.ReportNotFound:
        _show("Última ingesta: sin informes")
        return EXIT_OK
    totals, failures = last["totals"], last["failures_by_actor"]
    _show(
        f"Última ingesta: {last['run']} ({report.STATUS_LABELS[last['status']]}), "
        f"{totals['added']} nuevos, {totals['updated']} actualizados, "
        f"{totals['removed']} eliminados, {totals['failed']} fallidos"
    )
    for actor, count in failures.items():
        _show(f"  {report.ACTOR_LABELS.get(actor, actor)}: {count}  (detalle: acervo report)")
    return EXIT_OK


def _show_leftovers(store, clean: bool) -> None:  # noqa: ANN001 - an IndexStore
    """What killed ingests left in the index folder, and the space it takes (deleted with
    `clean` when no ingest is running)."""
    from acervo.search.lock import running_ingest

    leftovers = store.leftovers()
    running = running_ingest(store.root)
    if running is not None:
        size = _megabytes(sum(item.bytes for item in leftovers))
        _show(f"Ingesta en curso ({running.describe()}): su generación nueva ocupa {size}.")
        return
    if leftovers and clean:
        store.delete_leftovers()
        _show(f"Borrados los restos de ingestas interrumpidas: {_megabytes_of(leftovers)}.")
    elif leftovers:
        names = ", ".join(item.name for item in leftovers)
        _show(
            f"Restos de ingestas interrumpidas: {names}, {_megabytes_of(leftovers)}. Se borran "
            "al empezar la próxima ingesta, o ahora con `acervo status --clean`."
        )


def _megabytes_of(leftovers) -> str:  # noqa: ANN001 - a list of Leftover
    return _megabytes(sum(item.bytes for item in leftovers))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


# ---- users and the audit log (acervo/accounts.py, acervo/audit.py) -------------------------


def _add_users(sub: argparse._SubParsersAction) -> None:
    from acervo.accounts import ROLES

    p = sub.add_parser(
        "users",
        help="cuentas de usuario: alta, lista, desactivar, contraseña, token de la API",
        description="Gestiona las cuentas guardadas en la base de datos (database en "
        "acervo.toml, por defecto acervo.db junto a la carpeta del índice). Roles: "
        "lector, contribuyente (de una o más agencias), curador, admin.",
    )
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    actions = p.add_subparsers(required=True, metavar="ACCIÓN")
    add = actions.add_parser("add", help="crear un usuario (sin contraseña: use set-password)")
    add.add_argument("name", help="nombre de usuario")
    add.add_argument("--role", required=True, choices=ROLES, help="rol")
    add.add_argument(
        "--agency", action="append", default=[], help="agencia (repetible): ACNUR, UNHCR, OIM..."
    )
    add.set_defaults(handler=_cmd_users_add)
    actions.add_parser("list", help="listar los usuarios").set_defaults(handler=_cmd_users_list)
    for name, help_text in (
        ("disable", "desactivar un usuario (no entra; su sesión y sus tokens dejan de valer)"),
        ("enable", "reactivar un usuario desactivado"),
    ):
        q = actions.add_parser(name, help=help_text)
        q.add_argument("name", help="nombre de usuario")
        q.set_defaults(handler=_cmd_users_disable, disable=name == "disable")
    pw = actions.add_parser(
        "set-password",
        help="poner la contraseña (se pide por teclado, o una línea de la entrada estándar)",
    )
    pw.add_argument("name", help="nombre de usuario")
    pw.set_defaults(handler=_cmd_users_password)
    tk = actions.add_parser("token", help="crear un token de la API (se muestra una sola vez)")
    tk.add_argument("name", help="nombre de usuario")
    tk.add_argument("--revoke", action="store_true", help="revocar todos sus tokens")
    tk.set_defaults(handler=_cmd_users_token)


def _connect(config: Config):
    from acervo import db

    return closing(db.connect(config.database_path()))


def _cmd_users_add(args: argparse.Namespace, config: Config) -> int:
    from acervo import accounts

    with _connect(config) as conn:
        user = accounts.add_user(conn, args.name, args.role, args.agency, by=_shell_user())
    agencies = f" ({', '.join(user.agencies)})" if user.agencies else ""
    _show(f"Usuario {user.name} creado: {user.role}{agencies}.")
    _show(f"Ponga su contraseña con: acervo users set-password {user.name}")
    return EXIT_OK


def _cmd_users_list(args: argparse.Namespace, config: Config) -> int:
    from acervo import accounts

    with _connect(config) as conn:
        users = accounts.list_users(conn)
    if not users:
        _show("No hay usuarios. Cree el primero: acervo users add NOMBRE --role admin")
    for user in users:
        state = "  (desactivado)" if user.disabled else ""
        _show(f"{user.name:<24} {user.role:<14} {', '.join(user.agencies) or '-'}{state}")
    return EXIT_OK


def _cmd_users_disable(args: argparse.Namespace, config: Config) -> int:
    from acervo import accounts

    with _connect(config) as conn:
        accounts.set_disabled(conn, args.name, args.disable, by=_shell_user())
    _show(f"Usuario {args.name} {'desactivado' if args.disable else 'reactivado'}.")
    return EXIT_OK


def _cmd_users_password(args: argparse.Namespace, config: Config) -> int:
    import getpass

    from acervo import accounts

    if sys.stdin.isatty():
        password = getpass.getpass(f"Contraseña para {args.name}: ")
        if getpass.getpass("Repítala: ") != password:
            raise accounts.AccountError("Las contraseñas no coinciden; no se cambió nada.")
    else:  # a script: one line of standard input, never an argument (it would show in ps)
        password = sys.stdin.readline().rstrip("\r\n")
    with _connect(config) as conn:
        accounts.set_password(conn, args.name, password, by=_shell_user())
    _show(f"Contraseña de {args.name} cambiada.")
    return EXIT_OK


def _cmd_users_token(args: argparse.Namespace, config: Config) -> int:
    from acervo import accounts

    with _connect(config) as conn:
        if args.revoke:
            count = accounts.revoke_tokens(conn, args.name, by=_shell_user())
            _show(f"Tokens revocados de {args.name}: {count}.")
            return EXIT_OK
        token = accounts.new_token(conn, args.name, by=_shell_user())
    _show(token)
    _show(
        "Guárdelo ahora: no se puede volver a mostrar. Úselo con la cabecera "
        "«Authorization: Bearer <token>».",
        file=sys.stderr,
    )
    return EXIT_OK


def _shell_user() -> str:
    """Who acts from the shell, for the audit log: `shell:<login name>`."""
    import getpass

    try:
        return f"shell:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (a container)
        return "shell"


def _add_audit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="registro de auditoría: quién hizo qué y cuándo",
        description="Muestra el registro de auditoría (lo más reciente primero): cambios de "
        "usuarios, inicios de sesión fallidos, subidas, revisiones, ediciones, retiradas.",
    )
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--action", default="", help="solo esta acción (o su comienzo: doc.)")
    p.add_argument("--user", default="", help="solo las de este usuario")
    p.add_argument("--limit", type=int, default=50, help="cuántas (por defecto 50; 0 = todas)")
    p.add_argument("--csv", action="store_true", help="en CSV, para una hoja de cálculo")
    p.set_defaults(handler=_cmd_audit)


def _cmd_audit(args: argparse.Namespace, config: Config) -> int:
    from acervo import audit

    with _connect(config) as conn:
        rows = audit.entries(conn, args.limit or None, action=args.action, actor=args.user)
    if args.csv:
        for chunk in audit.csv_chunks(rows):
            sys.stdout.write(chunk)
        return EXIT_OK
    if not rows:
        _show("El registro de auditoría está vacío.")
    for entry in rows:
        detail = f"  {entry.detail_text()}" if entry.detail else ""
        _show(f"{entry.at}  {entry.actor or '-':<20} {entry.action:<20} {entry.target}{detail}")
    return EXIT_OK
