from urllib.parse import quote

from flask import Response
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.errors import PROBLEM_BASE, abort
from linli.openapi import enum_path_parameter
from linli.sheets import service
from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.readers import XLSX_MIMETYPE
from linli.sheets.schemas import (
    PlannedRowOut,
    SheetPlanOut,
    SheetRefusedProblem,
    SheetUnreadableProblem,
    SheetUploadIn,
)

blp = Blueprint(
    "sheets",
    __name__,
    url_prefix="/sheets",
    description="Spreadsheets in and out: org tree, households, staff accounts, providers",
)
KIND = [enum_path_parameter("kind", SheetKind, "The kind of sheet (else 404)")]


def _xlsx(body: bytes, kind: SheetKind, what: str) -> Response:
    response = Response(body, mimetype=XLSX_MIMETYPE)
    name = f"{LAYOUTS[kind].title}{what}.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{kind.value}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/<string:kind>/template.xlsx", parameters=KIND)
@jwt_required()
@blp.response(200, description="An XLSX: the headers, one example row, the columns explained")
def template(kind):
    """The template of a kind of sheet, for admins."""
    parsed = service.kind_or_404(kind)
    return _xlsx(service.template(current_actor(), parsed), parsed, "_模板")


@blp.route("/<string:kind>/export.xlsx", parameters=KIND)
@jwt_required()
@blp.response(200, description="An XLSX with the template's headers, to edit and import back")
def export(kind):
    """The admin's area as a sheet of this kind (staff accounts with their phones)."""
    parsed = service.kind_or_404(kind)
    return _xlsx(service.export(current_actor(), parsed), parsed, "_导出")


@blp.route("/<string:kind>/plan", methods=["POST"], parameters=KIND)
@jwt_required()
@blp.arguments(SheetUploadIn, location="files")
@blp.response(200, SheetPlanOut)
@blp.alt_response(422, schema=SheetUnreadableProblem, description="Not a readable sheet")
def plan(files, kind):
    """Dry run: what importing the file (XLSX or CSV) would do, row by row; writes nothing."""
    return service.plan_sheet(current_actor(), service.kind_or_404(kind), files["file"].read())


@blp.route("/<string:kind>/import", methods=["POST"], parameters=KIND)
@jwt_required()
@blp.arguments(SheetUploadIn, location="files")
@blp.response(200, SheetPlanOut)
@blp.alt_response(
    422,
    schema=SheetRefusedProblem,
    description="Rows were refused (all listed) or the file is unreadable; nothing was written",
)
@blp.alt_response(409, description="The data changed while importing: nothing was written")
def import_sheet(files, kind):
    """Import the file all or nothing: exactly what its dry run says."""
    parsed = service.kind_or_404(kind)
    try:
        return service.import_sheet(current_actor(), parsed, files["file"].read(), now=utcnow())
    except service.SheetRefused as refused:
        abort(
            422,
            "rows were refused; nothing was imported",
            type_=PROBLEM_BASE + "sheet-refused",
            counts=refused.sheet.counts,
            rows=PlannedRowOut(many=True).dump(refused.sheet.refused_rows),
        )
