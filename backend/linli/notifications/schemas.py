from marshmallow import Schema, fields, validate

from linli.common_schemas import output

from linli.notifications.models import DeliveryState, NotificationKind


@output
class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.Enum(NotificationKind, by_value=True)
    case_id = fields.UUID(allow_none=True)
    data = fields.Dict()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    delivery_state = fields.Enum(DeliveryState, by_value=True)


@output
class NotificationPage(Schema):
    items = fields.List(fields.Nested(NotificationOut))
    next_cursor = fields.String(allow_none=True)
    unread_count = fields.Integer()


class NotificationListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.Integer(validate=validate.Range(1, 2**63 - 1))
    unread = fields.Boolean(load_default=False)


@output
class ReadAllOut(Schema):
    marked = fields.Integer()
