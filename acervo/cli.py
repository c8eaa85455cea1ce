"""The `acervo` command: reads the configuration and calls ingest, search and web.

Subcommands: ingest, search, export, serve. Help texts are Spanish; options are English.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from acervo import __version__
from acervo.config import Config, ConfigError, load_config
from acervo.search.errors import IndexMissing, SearchError
from acervo.search.models import DEFAULT_PER_PAGE, SearchRequest

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_NO_INDEX = 0, 1, 2, 3

# CLI filter flag -> facet name in SearchRequest.filters
_FILTER_FLAGS = {"agency": "agency", "topic": "topic", "language": "language", "type": "doc_type"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(Path(args.config) if args.config else None)
        config = config.with_overrides(index_dir=Path(args.index) if args.index else None)
        return args.handler(args, config)
    except ConfigError as exc:
        print(f"Error de configuración: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexMissing as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_NO_INDEX
    except SearchError as exc:
        print(f"Error en la consulta: {exc}", file=sys.stderr)
        return EXIT_USAGE


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
    p.set_defaults(handler=_cmd_ingest)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", default="", help='consulta, p. ej. "educacion ninos"')
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--agency", action="append", default=[], help="agencia (repetible)")
    p.add_argument("--topic", action="append", default=[], help="tema (repetible)")
    p.add_argument("--year", help="año o rango: 2019 o 2019..2021")
    p.add_argument("--language", action="append", default=[], help="idioma: es, en")
    p.add_argument("--type", action="append", default=[], help="tipo de documento")


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
        help="exportar todos los resultados (CSV o JSON)",
        description="Exporta todos los resultados de la consulta, no solo una página.",
    )
    _add_filters(p)
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="formato")
    p.add_argument("-o", "--output", help="archivo de salida (por defecto la salida estándar)")
    p.set_defaults(handler=_cmd_export)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="servir la interfaz web y la API (waitress)",
        description="Sirve la interfaz web y la API JSON con waitress.",
    )
    p.add_argument("--index", default=argparse.SUPPRESS, help="carpeta del índice")
    p.add_argument("--host", help="dirección (por defecto 127.0.0.1)")
    p.add_argument("--port", type=int, help="puerto (por defecto 8000)")
    p.add_argument("--threads", type=int, default=4, help="hilos de waitress")
    p.set_defaults(handler=_cmd_serve)


def _parse_year(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    first, sep, last = text.partition("..")
    try:
        start = int(first) if first else None
        end = int(last) if sep and last else (None if sep else start)
    except ValueError as exc:
        raise SearchError(f"Año no válido «{text}»: use 2019 o 2019..2021.") from exc
    if start is not None and end is not None and start > end:
        raise SearchError(f"Rango de años invertido «{text}»: use 2019..2021.")
    return start, end


def _request(args: argparse.Namespace, page: int = 1, per_page: int = DEFAULT_PER_PAGE):
    filters = {
        facet: tuple(getattr(args, flag))
        for flag, facet in _FILTER_FLAGS.items()
        if getattr(args, flag)
    }
    year_from, year_to = _parse_year(args.year)
    return SearchRequest(
        query=args.query,
        filters=filters,
        year_from=year_from,
        year_to=year_to,
        page=page,
        per_page=per_page,
    )


def _store(config: Config):
    from acervo.search.indexer import IndexStore

    return IndexStore(config.index_dir)


def _cmd_ingest(args: argparse.Namespace, config: Config) -> int:
    from acervo.build import build_index

    config = config.with_overrides(workers=args.workers, extract_timeout_s=args.timeout)
    roots = tuple(Path(f) for f in args.folders) or config.corpus_dirs
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        print(f"No existe la carpeta: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    progress = None if args.quiet else _print_progress
    summary = build_index(roots, _store(config), config, progress=progress)
    _print_summary(summary)
    return EXIT_FAILURES if summary.failed else EXIT_OK


def _print_progress(line: str) -> None:
    print(line, flush=True)


def _print_summary(summary) -> None:
    print()
    print(f"Archivos vistos:     {summary.seen}")
    print(f"Indexados:           {summary.indexed}")
    print(f"Sin cambios:         {summary.unchanged}")
    print(f"Duplicados (copias): {summary.duplicates}")
    print(f"Eliminados:          {summary.removed}")
    print(f"Fallidos:            {len(summary.failed)}")
    for failure in summary.failed:
        print(f"  - {failure.path}\n      [{failure.kind}] {failure.reason}")
    print(f"Índice: {summary.index_version} ({summary.seconds:.1f} s)")


def _cmd_search(args: argparse.Namespace, config: Config) -> int:
    import json

    req = _request(args, page=args.page, per_page=args.per_page)
    with _store(config).open_searcher() as searcher:
        result = searcher.search(req)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_result(result, sys.stdout)
    return EXIT_OK


def _print_result(result, out: TextIO) -> None:
    req = result.request
    pages = max(1, -(-result.total // req.per_page))
    query = f"«{req.query}»" if req.query.strip() else "todos los documentos"
    print(f"{result.total} documentos para {query} (página {req.page} de {pages})", file=out)
    first = (req.page - 1) * req.per_page
    for n, hit in enumerate(result.hits, start=first + 1):
        meta = " · ".join(
            str(v) for v in (", ".join(hit.agencies), hit.year, hit.doc_type, hit.language) if v
        )
        print(f"\n{n}. {hit.title or '(sin título)'}  [{meta}]", file=out)
        print(f"   {hit.path}", file=out)
        for passage in hit.passages:
            print(f"   pág. {passage.page}: {' '.join(passage.text.split())}", file=out)
    if result.total == 0:
        print("\nSin resultados. Pruebe con menos palabras, sin filtros, o con migra*.", file=out)


def _iter_chunks(args: argparse.Namespace, config: Config) -> Iterator[str]:
    from acervo.search import export

    req = _request(args)
    store = _store(config)
    with store.open_searcher() as searcher:
        total = searcher.search(replace(req, per_page=1)).total  # a bad query fails here
        hits = searcher.iter_hits(req)
        if args.format == "csv":
            yield from export.csv_chunks(hits)
        else:
            meta = {
                "query": req.query,
                "filters": {k: list(v) for k, v in req.filters.items()},
                "year_from": req.year_from,
                "year_to": req.year_to,
                "index_version": store.version(),
                "total": total,
            }
            yield from export.json_chunks(meta, hits)


def _cmd_export(args: argparse.Namespace, config: Config) -> int:
    if args.output:
        # newline="" so the csv module's \r\n row endings are written as they are
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            for chunk in _iter_chunks(args, config):
                out.write(chunk)
        print(f"Exportado a {args.output}", file=sys.stderr)
    else:
        for chunk in _iter_chunks(args, config):
            sys.stdout.write(chunk)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace, config: Config) -> int:
    import waitress

    from acervo.web import create_app

    config = config.with_overrides(host=args.host, port=args.port)
    store = _store(config)
    store.open_searcher().close()  # fail now, with the "run acervo ingest" message
    app = create_app({"INDEX_DIR": config.index_dir, "LANGUAGE": config.language})
    print(f"Acervo en http://{config.host}:{config.port}/  (Ctrl+C para salir)", flush=True)
    waitress.serve(app, host=config.host, port=config.port, threads=args.threads)
    return EXIT_OK
