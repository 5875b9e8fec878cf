from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from linli.common_schemas import Id, Required, StrictBoolean, Text, output
from linli.orgs.models import OrgKind


@output
class OrgOut(Schema):
    id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    kind = fields.Enum(OrgKind, by_value=True)
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    active = fields.Boolean()


class OrgListArgs(Schema):
    parent_id = Id(strict=False)
    include_inactive = fields.Boolean(
        load_default=False, metadata={"description": "deactivated nodes too (the console)"}
    )


class OrgIn(Schema):
    """A node under `parent_id`, of the kind just below the parent's."""

    parent_id = Id(required=True)
    code = Required(64, pattern=r"^[A-Za-z0-9_.-]+$")
    name = Required(120)
    name_en = Text(120, load_default="")


class OrgPatch(Schema):
    """Rename, move (a new `parent_id` of the parent's kind) or (de)activate a node."""

    name = Required(120)
    name_en = Text(120)
    parent_id = Id()
    active = StrictBoolean()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change")


class BuildingIn(Schema):
    name = Required(120)
    households = fields.List(Required(60), load_default=list, validate=validate.Length(max=500))


class BuildingPatch(Schema):
    name = Required(120)


class HouseholdIn(Schema):
    label = Required(60)


@output
class HouseholdOut(Schema):
    id = fields.Integer()
    label = fields.String()
    building_id = fields.Integer()


@output
class BuildingOut(Schema):
    id = fields.Integer()
    name = fields.String()
    households = fields.List(fields.Nested(HouseholdOut))
