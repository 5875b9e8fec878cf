from marshmallow import Schema, fields, validate

from linli.cases.models import Priority
from linli.common_schemas import Text, output

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
