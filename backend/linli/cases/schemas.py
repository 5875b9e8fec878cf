import enum
from contextvars import ContextVar

from flask import url_for
from flask_jwt_extended import get_current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from linli.accounts.models import Role
from linli.cases.lifecycle import Action, allowed_actions, appeal_due_at
from linli.cases.listing import CaseOrder
from linli.cases.models import CaseState, Channel, Priority
from linli.cases.scope import case_field_visible, event_actor_for, event_data_for
from linli.categories.fields import answered
from linli.common_schemas import Id, Instant, PageArgs, Required, Text, output
from linli.db import utcnow
from linli.errors import Problem
from linli.escalation.service import is_overdue
from linli.orgs.models import OrgKind
from linli.routing.models import CoTaskState
from linli.routing.tasks import TaskAction, allowed_task_actions

MAX_DESCRIPTION = 5000
# Metres: a phone without GPS may say a few kilometres; beyond this it is no position.
MAX_ACCURACY = 50_000


class OnBehalfOfIn(Schema):
    resident_id = Id()
    name = Text(80)
    phone = Text(32)


class CaseCreate(Schema):
    id = fields.UUID()
    category = Required(40)
    title = Required(200)
    description = Required(MAX_DESCRIPTION)
    org_id = Id(required=True)
    address = Text(300)
    lat = fields.Float(validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_nan=False)
    location_accuracy = fields.Float(
        validate=validate.Range(0, MAX_ACCURACY),
        allow_nan=False,
        metadata={"description": "How far off lat/lon may be, in metres (the phone's estimate)"},
    )
    priority = fields.Enum(Priority, by_value=True)
    channel = fields.Enum(Channel, by_value=True)
    building_id = Id(
        allow_none=True,
        metadata={"description": "A building of the grid reported into (GET /orgs/{id}/buildings)"},
    )
    household_id = Id(
        allow_none=True,
        metadata={
            "description": "A household of that grid: staff only (residents name a building)"
        },
    )
    on_behalf_of = fields.Nested(OnBehalfOfIn, allow_none=True)
    extra = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        validate=validate.Length(max=20),
        metadata={"description": "Answers to the category's extra questions, by field key"},
    )

    @validates_schema
    def _position_whole(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ValidationError("send both lat and lon", "lon" if "lat" in data else "lat")
        if "location_accuracy" in data and "lat" not in data:
            raise ValidationError("an accuracy belongs to a position", "location_accuracy")


def case_order(default: CaseOrder, description: str):
    return fields.Enum(
        CaseOrder, by_value=True, load_default=default, metadata={"description": description}
    )


class SearchArgs(PageArgs):
    """A page of a case list, searched (cases/listing.py searched) and in an order."""

    q = Text(
        100,
        min_length=1,
        metadata={
            "description": "Words in the title, description or address, or part of the "
            "reference (LL-...); a neighbour's +1'd cases match by title and reference only"
        },
    )
    sort = case_order(CaseOrder.NEWEST, "newest or oldest first, or the running deadline soonest")


class CaseListArgs(SearchArgs):
    state = DelimitedList(fields.Enum(CaseState, by_value=True))
    category = Text(40, min_length=1)
    org_id = Id(strict=False)
    mine = fields.Boolean()
    escalation_level = DelimitedList(fields.Enum(OrgKind, by_value=True))
    overdue = fields.Boolean()
    unmet_need = fields.Boolean()


class SimilarArgs(Schema):
    category = Required(40)
    org_id = Id(strict=False, required=True)
    text = Text(
        500,
        metadata={
            "description": "What the caller has typed so far (title and description, its "
            "first 500 characters; a query string stays short): "
            "the most alike cases come first, unlike ones are left out"
        },
    )


class InfoIn(Schema):
    note = Text(2000, required=True, metadata={"description": "What the reporter adds"})


class CoProviderIn(Schema):
    provider_id = Id(required=True)
    due_at = Instant(required=True)
    note = Text(2000)


class ActionIn(Schema):
    version = fields.Integer(strict=True, required=True, validate=validate.Range(1, 2**31 - 1))
    note = Text(2000)
    reason = Text(2000)
    provider_id = Id()
    # coordinate (joint handling): the lead unit and the co-units with their deadlines
    lead_provider_id = Id()
    co_providers = fields.List(fields.Nested(CoProviderIn), validate=validate.Length(min=1, max=20))


class PhotoSource(enum.StrEnum):
    REPORTER = "reporter"  # the resident, or whoever filed the report for them
    PROVIDER = "provider"  # the unit's completion photo (sent with 办结)
    STAFF = "staff"  # anyone else handling the case


def photo_source(attachment) -> PhotoSource:
    uploader = attachment.uploaded_by
    if uploader.id in (attachment.case.reporter_id, attachment.case.created_by_id):
        return PhotoSource.REPORTER
    if uploader.role is Role.PROVIDER_STAFF:
        return PhotoSource.PROVIDER
    return PhotoSource.STAFF


@output
class AttachmentOut(Schema):
    id = fields.UUID()
    content_type = fields.String()
    source = fields.Function(
        photo_source,
        metadata={
            "type": "string",
            "enum": [s.value for s in PhotoSource],
            "description": "Whose photo: the reporter's, the provider's (sent on resolving) "
            "or other staff's",
        },
    )
    size = fields.Integer()
    url = fields.Function(
        lambda a: url_for("cases.download_attachment", case_id=a.case_id, attachment_id=a.id),
        metadata={"type": "string"},
    )
    created_at = fields.DateTime()


@output
class ReporterOut(Schema):
    id = fields.Integer(attribute="reporter_id", allow_none=True)
    display_name = fields.String(attribute="reporter_name")
    phone = fields.String(attribute="reporter_phone")


@output
class RatingOut(Schema):
    resolved = fields.Boolean()
    stars = fields.Integer()
    comment = fields.String()
    channel = fields.String(
        metadata={
            "description": "app (the resident), phone or visit (a grid worker's follow-up call)"
        }
    )
    created_at = fields.DateTime()


# Who is looking, for the length of one dump: a page of cases asks it for every field of
# every row, and each lookup of the request's user through flask-jwt-extended costs. A
# context variable, not the schema instance: one instance serves every request and thread.
_dumping_for: ContextVar[object | None] = ContextVar("linli_dumping_for", default=None)


class ActorAware:
    """An output schema whose content depends on who asks (the request's user by default)."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._actor = actor

    @property
    def actor(self):
        return self._actor or _dumping_for.get() or get_current_user()

    def dump(self, obj, *, many=None):
        token = _dumping_for.set(self.actor)
        try:
            return super().dump(obj, many=many)
        finally:
            _dumping_for.reset(token)


@output
class CoTaskOut(ActorAware, Schema):
    """A co-unit's task, with its case's reference and title and what the caller may do."""

    id = fields.Integer()
    case_id = fields.UUID()
    reference = fields.String(attribute="case.reference")
    title = fields.String(attribute="case.title")
    provider_id = fields.Integer()
    provider_name = fields.String(attribute="provider.name")
    state = fields.Enum(CoTaskState, by_value=True)
    due_at = fields.DateTime()
    note = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    allowed_actions = fields.List(fields.Enum(TaskAction, by_value=True))

    def get_attribute(self, obj, attr, default):
        if attr == "allowed_actions":
            return allowed_task_actions(obj, self.actor)
        return super().get_attribute(obj, attr, default)


@output
class ExtraAnswerOut(Schema):
    key = fields.String()
    type = fields.String(metadata={"enum": ["text", "number", "choice", "boolean"]})
    label_zh = fields.String()
    label_en = fields.String()
    value = fields.Raw(
        metadata={"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
    )
    value_zh = fields.String(
        allow_none=True, metadata={"description": "A choice's label (null for other types)"}
    )
    value_en = fields.String(allow_none=True)


@output
class CoTaskPage(Schema):
    items = fields.List(fields.Nested(CoTaskOut))
    next_cursor = fields.String(allow_none=True)


class CaseStandingFields(Schema):
    """What a case and its queue row both say of where it stands: state, rung, clocks."""

    priority = fields.Enum(Priority, by_value=True)
    state = fields.Enum(CaseState, by_value=True)
    version = fields.Integer()
    escalation_level = fields.Enum(OrgKind, by_value=True)
    accept_due_at = fields.DateTime(allow_none=True)
    resolve_due_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    overdue = fields.Function(lambda c: is_overdue(c, utcnow()), metadata={"type": "boolean"})
    unmet_need = fields.Boolean()


@output
class CaseOut(ActorAware, CaseStandingFields):
    """A case as the caller sees it: reporter details and allowed actions depend on who asks.

    The actor is the signed-in user of the request unless one is passed in.
    """

    id = fields.UUID()
    reference = fields.String()
    category = fields.String(attribute="category.code")
    title = fields.String()
    description = fields.String(allow_none=True)
    org_id = fields.Integer()
    org_name = fields.String(attribute="org.name")
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    location_accuracy = fields.Float(allow_none=True, metadata={"description": "Metres"})
    building_id = fields.Integer(allow_none=True)
    building_name = fields.String(allow_none=True)
    household_label = fields.String(
        allow_none=True, metadata={"description": "The flat (e.g. 2-101)"}
    )
    channel = fields.Enum(Channel, by_value=True)
    cycle = fields.Integer()
    provider_id = fields.Integer(allow_none=True)
    provider_name = fields.Function(
        lambda c: c.provider.name if c.provider else None,
        metadata={"type": "string", "nullable": True},
    )
    provider_contact = fields.Function(
        lambda c: (c.provider.contact or None) if c.provider else None,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "How to reach the unit holding the case (its public contact)",
        },
    )
    reporter = fields.Nested(ReporterOut, allow_none=True)
    household_id = fields.Integer(allow_none=True)
    supporters = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "A closed case the reporter withdrew: when"},
    )
    rating_due_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "A resolved case: until when it can be rated; then the sweep "
            "closes it as not rated"
        },
    )
    appeal_due_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "A closed case not appealed yet: until when its reporter may appeal"
        },
    )
    allowed_actions = fields.List(fields.Enum(Action, by_value=True))
    may_rate = fields.Boolean(
        metadata={
            "description": "Whether the caller may enter the rating now: the reporter, or "
            "the grid worker who reported for them (a follow-up call), within the rating window"
        }
    )
    rating = fields.Nested(RatingOut, allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentOut))
    co_tasks = fields.List(fields.Nested(CoTaskOut))
    extra = fields.List(
        fields.Nested(ExtraAnswerOut),
        metadata={"description": "Answers to the category's extra questions, in its order"},
    )

    def get_attribute(self, obj, attr, default):
        # What depends on who asks: the fields of their view, the actions, this cycle's rating.
        if not case_field_visible(self.actor, obj, attr):
            return [] if attr in ("attachments", "co_tasks", "extra") else None
        if attr == "reporter":
            return obj
        if attr == "extra":
            return answered(obj.category, obj.extra or {})
        if attr == "building_name":
            return obj.building.name if obj.building else None
        if attr == "household_label":
            return obj.household.label if obj.household else None
        if attr == "allowed_actions":
            return allowed_actions(obj, self.actor)
        if attr == "appeal_due_at":
            return appeal_due_at(obj)
        if attr == "rating_due_at":
            from linli.feedback.service import rating_due_at

            return rating_due_at(obj)
        if attr == "may_rate":
            from linli.feedback.service import may_rate

            return may_rate(obj, self.actor, utcnow())
        if attr == "rating":
            from linli.feedback.service import current_rating

            return current_rating(obj)
        return super().get_attribute(obj, attr, default)


class VersionConflictProblem(Problem):
    """The 409 of an action on a stale version: the case as it is now, to decide again."""

    case = fields.Nested(CaseOut, required=True)


@output
class CaseSummaryOut(CaseStandingFields):
    """A case as a queue row shows it; the case itself (GET /cases/{id}) carries the rest.

    Only fields every viewer of a listed case may see (none of PRIVATE_CASE_FIELDS), so a
    row depends on nobody's view and is the same for everyone."""

    id = fields.UUID()
    reference = fields.String()
    category = fields.String()
    title = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    provider_id = fields.Integer(allow_none=True)
    provider_name = fields.String(allow_none=True)
    supporters = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


@output
class CasePage(Schema):
    items = fields.List(fields.Nested(CaseSummaryOut))
    next_cursor = fields.String(allow_none=True)


@output
class SimilarCaseOut(Schema):
    id = fields.UUID()
    reference = fields.String()
    title = fields.String()
    state = fields.Enum(CaseState, by_value=True)
    created_at = fields.DateTime()
    supporters = fields.Integer()
    similarity = fields.Float(
        allow_none=True,
        metadata={"description": "0–1, how alike to `text` (null when no text was given)"},
    )
    supported_by_me = fields.Boolean(metadata={"description": "The caller has +1'd it"})


@output
class BoardCaseOut(Schema):
    """A need on the community board, as a notice board shows it: no reporter, no address,
    the place no finer than the grid."""

    id = fields.UUID(attribute="case.id")
    reference = fields.String(attribute="case.reference")
    category = fields.String(attribute="case.category.code")
    title = fields.String(attribute="case.title")
    state = fields.Enum(CaseState, by_value=True, attribute="case.state")
    org_name = fields.String(attribute="case.org.name")
    supporters = fields.Integer(attribute="case.supporters")
    created_at = fields.DateTime(attribute="case.created_at")
    resolved_at = fields.DateTime(attribute="case.resolved_at", allow_none=True)
    supported_by_me = fields.Boolean(metadata={"description": "The caller has +1'd it"})
    mine = fields.Boolean(metadata={"description": "The caller reported it (no +1 there)"})
    resolution_note = fields.String(
        allow_none=True,
        metadata={
            "description": "A solved need: what the handling unit said it did (its public "
            "note on marking it done; who wrote it is not shown)"
        },
    )
    resolution_at = fields.DateTime(allow_none=True, metadata={"description": "When it was done"})


@output
class BoardPage(Schema):
    items = fields.List(fields.Nested(BoardCaseOut))
    next_cursor = fields.String(allow_none=True)


@output
class SupportOut(Schema):
    supporters = fields.Integer()


@output
class ActorOut(Schema):
    """Who did it; `id` and `display_name` are null where the caller may know only the role."""

    id = fields.Integer(allow_none=True)
    display_name = fields.String(allow_none=True)
    role = fields.String()


@output
class EventOut(ActorAware, Schema):
    """One timeline entry as the caller may read it (see cases/scope.py)."""

    id = fields.Integer()
    at = fields.DateTime()
    action = fields.String()
    from_state = fields.Enum(CaseState, by_value=True, allow_none=True)
    to_state = fields.Enum(CaseState, by_value=True, allow_none=True)
    note = fields.String()
    public = fields.Boolean()
    data = fields.Dict(
        metadata={"description": "Details: routing rule and candidates, escalation reason …"}
    )
    actor = fields.Nested(ActorOut, allow_none=True)

    def get_attribute(self, obj, attr, default):
        if attr == "data":
            return event_data_for(self.actor, obj)
        if attr == "actor":
            return event_actor_for(self.actor, obj.case, obj)
        return super().get_attribute(obj, attr, default)


@output
class EventPage(Schema):
    items = fields.List(fields.Nested(EventOut))
