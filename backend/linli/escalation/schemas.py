from marshmallow import Schema, fields, validate

from linli.cases.models import Priority
from linli.common_schemas import Text, output
from linli.escalation.models import DayKind

MINUTES_PER_YEAR = 366 * 24 * 60


@output
class SlaPolicyOut(Schema):
    id = fields.Integer()
    category = fields.Function(
        lambda p: p.category.code if p.category_id else None,
        metadata={"type": "string", "nullable": True},
    )
    priority = fields.Enum(Priority, by_value=True)
    accept_within_minutes = fields.Integer()
    resolve_within_minutes = fields.Integer()
    updated_at = fields.DateTime()


class SlaPolicyIn(Schema):
    category = Text(40, min_length=1, allow_none=True)
    priority = fields.Enum(Priority, by_value=True, required=True)
    accept_within_minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(1, MINUTES_PER_YEAR)
    )
    resolve_within_minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(1, MINUTES_PER_YEAR)
    )


@output
class CalendarDayOut(Schema):
    day = fields.Date()
    kind = fields.Enum(DayKind, by_value=True)
    note = fields.String()
    updated_at = fields.DateTime()


@output
class CalendarYearOut(Schema):
    year = fields.Integer()
    days = fields.List(fields.Nested(CalendarDayOut))
    national_first_year = fields.Integer(
        metadata={"description": "The national calendar can fill in the years from this one…"}
    )
    national_last_year = fields.Integer(metadata={"description": "… to this one"})
    in_use = fields.Boolean(
        metadata={"description": "Whether SLA clocks count working time (any day entered)"}
    )


class CalendarYearArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))


class CalendarDayIn(Schema):
    kind = fields.Enum(DayKind, by_value=True, required=True)
    note = Text(60, load_default="")


class NationalImportIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=validate.Range(2000, 2100))


@output
class NationalImportOut(CalendarYearOut):
    changed = fields.Integer(metadata={"description": "Days added or changed by the import"})
