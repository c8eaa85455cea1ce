"""The evidence map page, `/mapa?<search>&eje=<axis>`, and its downloads (CSV, XLSX, SVG).

The search parameters are the search page's (`params.parse_request`); `eje` picks the columns:
agencia | anio | lugar for documents, pacto | ods (also agencia, anio) for lessons-learned
records (`resultado=registros`). Rows are topics (documents) or areas (records).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask_babel import gettext

from acervo.search import evidence
from acervo.search.errors import BadParameter
from acervo.search.evidence import EvidenceMap
from acervo.search.models import SearchRequest, SearchResult
from acervo.web import auth, i18n, index, params
from acervo.web import search_page as page_parts

bp = Blueprint("evidence", __name__)

# `eje` in the URL (Spanish) -> facet; the facet names are accepted too
AXIS_PARAMS: dict[str, str] = {
    "agencia": "agency",
    "anio": "year",
    "año": "year",
    "lugar": "place",
    "ods": "sdg",
    "pacto": "gcm",
}
AXIS_NAMES: dict[str, str] = {"agency": "agencia", "year": "anio", "place": "lugar",
                              "sdg": "ods", "gcm": "pacto"}  # fmt: skip
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellView:
    count: int
    href: str  # the search this cell counts ("" for a gap)
    gap: str  # the sentence a gap stands for ("" when count > 0)


def _request() -> tuple[SearchRequest, str]:
    req = params.export_request(params.parse_request(request.args))
    raw = request.args.get("eje", "").strip().lower()
    asked = AXIS_PARAMS.get(raw, raw) or None
    if asked is not None and asked not in evidence.AXES[req.result_type][1]:
        offered = ", ".join(AXIS_NAMES[f] for f in evidence.AXES[req.result_type][1])
        raise BadParameter(
            f"Eje desconocido «{raw[:40]}» para el mapa de evidencia: use eje={offered}."
        )
    return req, evidence.column_facet(req.result_type, asked)


def _build() -> tuple[EvidenceMap, int, str]:
    req, col_facet = _request()
    with auth.open_searcher() as searcher:
        cap = current_app.config.get("EVIDENCE_MAX_COLUMNS", evidence.MAX_COLUMNS)
        emap = evidence.evidence_map(searcher, req, col_facet, i18n.current_language(), cap)
        total = searcher.count(req)
    return emap, total, index.store().version()


def map_url(req: SearchRequest, col_facet: str | None = None, endpoint: str = "map_page") -> str:
    args = params.request_args(params.export_request(req))
    if col_facet:
        args["eje"] = AXIS_NAMES[col_facet]
    return url_for(f"evidence.{endpoint}", **args)


@bp.get("/mapa")
def map_page() -> str:
    emap, total, version = _build()
    req = emap.request
    cells = [[_cell(emap, r, c) for c in emap.cols] for r in emap.rows]
    # the active filters, each chip removing one from the map
    blank = SearchResult(request=req, total=total, hits=(), facets=())
    chips = page_parts.chips(blank, lambda r: map_url(r, emap.col_facet))
    return render_template(
        "evidence.html",
        req=req,
        query=req.query,
        emap=emap,
        cells=cells,
        total=total,
        chips=chips,
        axes=[(f, AXIS_NAMES[f]) for f in evidence.AXES[req.result_type][1]],
        map_url=map_url,
        row_title=i18n.facet_label(emap.row_facet),
        col_title=i18n.facet_label(emap.col_facet),
        version=version,
    )


def _cell(emap: EvidenceMap, row: evidence.Value, col: evidence.Value) -> CellView:
    n = emap.count(row.code, col.code)
    if n:
        filters = {**emap.request.filters, emap.row_facet: (row.code,), emap.col_facet: (col.code,)}
        cell_req = replace(emap.request, filters=filters, page=1)
        if emap.col_facet == "year":  # a ticked year replaces the range (params.toggle_filter)
            cell_req = params.without_year_range(cell_req)
        return CellView(n, url_for("acervo.search_page", **params.request_args(cell_req)), "")
    return CellView(0, "", gap_sentence(emap, row, col))


def gap_sentence(emap: EvidenceMap, row: evidence.Value, col: evidence.Value) -> str:
    """What an empty cell says: "Nadie ha publicado sobre Nutrición en Sucumbíos desde 2021"."""
    period = _period(emap.request)
    if emap.request.result_type == "records":
        return gettext(
            "Ninguna lección sobre %(row)s para %(col)s%(period)s.",
            row=row.short,
            col=col.label,
            period=period,
        )
    if emap.col_facet == "agency":
        return gettext(
            "%(col)s no ha publicado sobre %(row)s%(period)s.",
            row=row.short,
            col=col.short,
            period=period,
        )
    return gettext(
        "Nadie ha publicado sobre %(row)s en %(col)s%(period)s.",
        row=row.short,
        col=col.short,
        period=period if emap.col_facet != "year" else "",
    )


def _period(req: SearchRequest) -> str:
    low, high = req.year_from, req.year_to
    if low is not None and high is not None:
        return gettext(" entre %(low)s y %(high)s", low=low, high=high)
    if low is not None:
        return gettext(" desde %(low)s", low=low)
    if high is not None:
        return gettext(" hasta %(high)s", high=high)
    return ""


def _notes(emap: EvidenceMap, total: int, version: str) -> list[str]:
    req = emap.request
    filters = "; ".join(f"{k}={','.join(v)}" for k, v in req.filters.items())
    years = f"{req.year_from or ''}..{req.year_to or ''}" if params.has_filters(req) else ""
    notes = [
        gettext("Consulta: %(q)s", q=req.query or "*"),
        gettext("Filtros: %(f)s", f=" ".join(x for x in (filters, years) if x) or "-"),
        gettext("Resultados de la búsqueda: %(n)s", n=total),
        gettext("Índice: %(v)s", v=version),
        gettext("Fecha: %(d)s", d=datetime.now(UTC).isoformat(timespec="seconds")),
    ]
    if emap.hidden_columns:
        notes.append(_cap_note(emap))
    return notes


def _cap_note(emap: EvidenceMap) -> str:
    return gettext(
        "Se muestran las %(shown)s columnas con más resultados; %(hidden)s columnas más no caben.",
        shown=len(emap.cols),
        hidden=emap.hidden_columns,
    )


def _corner(emap: EvidenceMap) -> str:
    return f"{i18n.facet_label(emap.row_facet)} / {i18n.facet_label(emap.col_facet)}"


def _filename(extension: str) -> str:
    return f"acervo-mapa-{date.today().isoformat()}.{extension}"


@bp.get("/mapa.csv")
def map_csv() -> Response:
    emap, _, _ = _build()
    return Response(
        evidence.csv_text(emap, _corner(emap)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={_filename('csv')}"},
    )


@bp.get("/mapa.xlsx")
def map_xlsx() -> Response:
    emap, total, version = _build()
    target = tempfile.TemporaryFile()
    evidence.write_xlsx(target, emap, _corner(emap), _notes(emap, total, version))
    target.seek(0)
    return send_file(
        target, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=_filename("xlsx")
    )


@bp.get("/mapa.svg")
def map_svg() -> Response:
    emap, total, _ = _build()
    title = gettext("¿Qué se ha estudiado? %(rows)s por %(cols)s", rows=i18n.facet_label(
        emap.row_facet), cols=i18n.facet_label(emap.col_facet).lower())  # fmt: skip
    return Response(
        evidence.svg(emap, title),
        content_type="image/svg+xml; charset=utf-8",
        headers={"Content-Disposition": f"inline; filename={_filename('svg')}"},
    )


@bp.app_context_processor
def template_helpers() -> dict[str, object]:
    return {"evidence_map_url": map_url, "cap_note": _cap_note}
