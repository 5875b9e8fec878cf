from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from linli.cases.listing import CaseOrder
from linli.cases.schemas import SearchArgs, case_order
from linli.common_schemas import Id, Required, StrictBoolean, Text, output
from linli.routing.models import CoTaskState, ProviderType


class CategoryCode(Schema):
    code = fields.String()


class OrgId(Schema):
    id = fields.Integer()


@output
class ProviderOut(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.Enum(ProviderType, by_value=True)
    categories = fields.Pluck(CategoryCode, "code", many=True)
    coverage = fields.Pluck(OrgId, "id", many=True)
    capacity = fields.Integer()
    active = fields.Boolean()
    contact = fields.String()


@output
class ProviderLoadOut(ProviderOut):
    """A provider as its admins see it: with the cases it holds open now."""

    open_cases = fields.Integer()
    load = fields.Function(
        lambda p: round(p.open_cases / max(p.capacity, 1), 4),
        metadata={"type": "number", "description": "open_cases / capacity"},
    )


class AdministeredProviderArgs(Schema):
    q = Text(120, min_length=1, metadata={"description": "part of the name"})
    include_inactive = fields.Boolean(load_default=True)


class ProviderListArgs(Schema):
    category = Text(40, min_length=1)
    org_id = Id(strict=False)


class _ProviderFields(Schema):
    name = Required(120)
    type = fields.Enum(ProviderType, by_value=True, required=True)
    categories = fields.List(
        Text(40, min_length=1), required=True, validate=validate.Length(min=1, max=50)
    )
    coverage = fields.List(Id(), required=True, validate=validate.Length(min=1, max=200))
    capacity = fields.Integer(strict=True, validate=validate.Range(1, 100000))
    contact = Text(120)
    active = StrictBoolean()


class ProviderIn(_ProviderFields):
    capacity = fields.Integer(strict=True, load_default=50, validate=validate.Range(1, 100000))
    active = StrictBoolean(load_default=True)


class ProviderPatch(_ProviderFields):
    """Any non-empty subset of the provider's fields (nothing filled in for the others)."""

    # `partial` is a load option, not a Meta option: set it on every instance.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change")


@output
class CandidateOut(Schema):
    """A provider routing considered (routing/rules.py choose_provider)."""

    provider_id = fields.Integer()
    name = fields.String()
    coverage_depth = fields.Integer(metadata={"description": "0 = city; deeper = more specific"})
    open_cases = fields.Integer()
    capacity = fields.Integer()
    load = fields.Float(metadata={"description": "open_cases / capacity"})


@output
class ResponsibilityOut(Schema):
    id = fields.Integer()
    category = fields.Pluck(CategoryCode, "code")
    org_id = fields.Integer(allow_none=True, metadata={"description": "null: city-wide"})
    lead_provider_id = fields.Integer()
    co_provider_ids = fields.Function(
        lambda r: [p.id for p in r.co_units],
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    note = fields.String()


class ResponsibilityIn(Schema):
    """The line for a category in an org's subtree (no org: city-wide), replacing any."""

    category = Required(40)
    org_id = Id(allow_none=True)
    lead_provider_id = Id(required=True)
    co_provider_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=20))
    note = Text(500)


@output
class RoutingOut(Schema):
    rule = fields.String()
    provider_id = fields.Function(
        lambda d: d.provider.id if d.provider else None,
        metadata={"type": "integer", "nullable": True},
    )
    candidates = fields.List(fields.Nested(CandidateOut))
    preset = fields.Nested(
        ResponsibilityOut,
        allow_none=True,
        metadata={"description": "the responsibility list's lead and co-units for coordinating"},
    )


class TaskListArgs(SearchArgs):
    state = DelimitedList(fields.Enum(CoTaskState, by_value=True))
    sort = case_order(
        CaseOrder.DUE, "the task's deadline soonest (the default), or newest or oldest task first"
    )


class TaskActionIn(Schema):
    note = Text(2000)
    reason = Text(2000)
