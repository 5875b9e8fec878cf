from marshmallow import Schema, fields, validate

from linli.audit.models import AuditAction
from linli.audit.service import OBJECT_TYPES
from linli.cases.schemas import ActorOut
from linli.common_schemas import Id, PageArgs, Text, output


class AuditListArgs(PageArgs):
    object_type = fields.String(validate=validate.OneOf(OBJECT_TYPES))
    object_id = Text(64, min_length=1)
    actor_id = Id(strict=False)
    q = Text(100, min_length=1, metadata={"description": "actor, object id or changed value"})
    cursor = fields.Integer(strict=False, validate=validate.Range(1, 2**31 - 1))


@output
class AuditRecordOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(ActorOut, allow_none=True)
    action = fields.Enum(AuditAction, by_value=True)
    object_type = fields.String()
    object_id = fields.String()
    org_id = fields.Integer(allow_none=True)
    changes = fields.Dict(
        metadata={"description": "{field: [before, after]}; null befores on create"}
    )


@output
class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditRecordOut))
    next_cursor = fields.String(allow_none=True)
