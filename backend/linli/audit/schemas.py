from marshmallow import Schema, fields, validate

from linli.audit.models import AuditAction
from linli.cases.schemas import ActorOut
from linli.common_schemas import PageArgs, Text, output


class AuditListArgs(PageArgs):
    object_type = fields.String(
        validate=validate.OneOf(
            ["org", "provider", "sla_policy", "category", "user", "open311_key"]
        )
    )
    object_id = Text(64, min_length=1)
    cursor = fields.Integer(strict=False, validate=validate.Range(1, 2**31 - 1))


@output
class AuditRecordOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(ActorOut, allow_none=True)
    action = fields.Enum(AuditAction, by_value=True)
    object_type = fields.String()
    object_id = fields.String()
    changes = fields.Dict(
        metadata={"description": "{field: [before, after]}; null befores on create"}
    )


@output
class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditRecordOut))
    next_cursor = fields.String(allow_none=True)
