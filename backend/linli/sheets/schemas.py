from marshmallow import Schema, fields

from linli.common_schemas import output
from linli.errors import Problem
from linli.sheets.plan import RowAction


class SheetUploadIn(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


@output
class RowProblemOut(Schema):
    code = fields.String(metadata={"description": "Stable code of what is wrong, to translate"})
    column = fields.String(allow_none=True, metadata={"description": "The column's key, or null"})
    params = fields.Dict(metadata={"description": "Details: row, values, max, expected, was"})


@output
class RowChangeOut(Schema):
    column = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


@output
class PlannedRowOut(Schema):
    row = fields.Integer(attribute="number", metadata={"description": "The row number in the file"})
    key = fields.String(metadata={"description": "What the row names: a code, username or name"})
    action = fields.Enum(RowAction, by_value=True)
    changes = fields.List(fields.Nested(RowChangeOut), attribute="change_list")
    problems = fields.List(fields.Nested(RowProblemOut))


@output
class SheetCountsOut(Schema):
    create = fields.Integer()
    change = fields.Integer()
    unchanged = fields.Integer()
    refuse = fields.Integer()


@output
class SheetColumnOut(Schema):
    key = fields.String()
    header = fields.String(metadata={"description": "The header in the file (Chinese)"})
    required = fields.Boolean()


@output
class SheetPlanOut(Schema):
    kind = fields.String()
    columns = fields.List(fields.Nested(SheetColumnOut))
    counts = fields.Nested(SheetCountsOut)
    rows = fields.List(
        fields.Nested(PlannedRowOut),
        attribute="shown_rows",
        metadata={"description": "The rows to create, change or refuse (unchanged are counted)"},
    )


class SheetRefusedProblem(Problem):
    """422 of an import with refused rows: nothing was written."""

    counts = fields.Nested(SheetCountsOut, required=True)
    rows = fields.List(fields.Nested(PlannedRowOut), required=True)


class SheetUnreadableProblem(Problem):
    """422 of a file that is not this sheet: sheet.code is not_a_spreadsheet, empty, no_rows,
    wrong_headers (with missing and expected) or too_many_rows (with max)."""

    sheet = fields.Dict(required=True)
