from marshmallow import INCLUDE, Schema, fields, validate

from linli.common_schemas import output
from linli.notifications.models import DeliveryState, NotificationKind
from linli.orgs.models import OrgKind


class NotificationDataOut(Schema):
    """What the app needs to word a notification; which keys are present depends on `kind`.

    reference, title: every kind about a case · note: assigned, resolved, supervision_note ·
    reason: returned, review_requested, escalated · level: escalated · due_at: co_task,
    rate_requested (the end of the rating window) · task_id: returned (a co-task handed back).
    """

    reference = fields.String()
    title = fields.String()
    note = fields.String()
    reason = fields.String()
    level = fields.String(
        validate=validate.OneOf([k.value for k in OrgKind]),
        metadata={"description": "the escalation level reached"},
    )
    due_at = fields.String(metadata={"format": "date-time"})
    task_id = fields.Integer()

    class Meta:
        unknown = INCLUDE  # documented as open: a new kind may bring a key of its own


@output
class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.Enum(NotificationKind, by_value=True)
    case_id = fields.UUID(allow_none=True)
    data = fields.Nested(NotificationDataOut)
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


@output
class VapidKeyOut(Schema):
    public_key = fields.String(
        allow_none=True,
        metadata={"description": "the applicationServerKey (base64url); null: push is off"},
    )


class PushKeys(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(1, 200))
    auth = fields.String(required=True, validate=validate.Length(1, 100))


class PushSubscriptionIn(Schema):
    """A browser's PushSubscription.toJSON(), and the language its notifications are in."""

    endpoint = fields.String(required=True, validate=validate.Length(1, 1000))
    keys = fields.Nested(PushKeys, required=True)
    language = fields.String(load_default="zh-CN", validate=validate.OneOf(["zh-CN", "en"]))


class PushSubscriptionDelete(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(1, 1000))


@output
class PushSubscriptionOut(Schema):
    endpoint = fields.String()
    language = fields.String()
    created_at = fields.DateTime()
