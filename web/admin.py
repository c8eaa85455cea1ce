"""Administrators' pages: the audit log (`/admin/auditoria`, and as CSV)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context

from acervo import audit
from acervo.web import auth

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_ENTRIES = 200  # newest entries shown; the CSV has every one


@bp.get("/auditoria")
@auth.require("audit")
def audit_page() -> str:
    action = request.args.get("accion", "").strip()[:64]
    actor = request.args.get("usuario", "").strip()[:64]
    rows = audit.entries(auth.get_db(), limit=PAGE_ENTRIES, action=action, actor=actor)
    return render_template("audit.html", rows=rows, action=action, actor=actor, limit=PAGE_ENTRIES)


@bp.get("/auditoria.csv")
@auth.require("audit")
def audit_csv() -> Response:
    action = request.args.get("accion", "").strip()[:64]
    actor = request.args.get("usuario", "").strip()[:64]
    rows = audit.entries(auth.get_db(), limit=None, action=action, actor=actor)
    filename = f"acervo-auditoria-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(audit.csv_chunks(rows)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
