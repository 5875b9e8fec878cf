from marshmallow import Schema, fields

from linli.common_schemas import Id, output
from linli.orgs.models import OrgKind


@output
class OrgOut(Schema):
    id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    kind = fields.Enum(OrgKind, by_value=True)
    code = fields.String()
    name = fields.String()
    name_en = fields.String()


class OrgListArgs(Schema):
    parent_id = Id(strict=False)


@output
class HouseholdOut(Schema):
    id = fields.Integer()
    label = fields.String()


@output
class BuildingOut(Schema):
    id = fields.Integer()
    name = fields.String()
    households = fields.List(fields.Nested(HouseholdOut))
