from marshmallow import Schema, fields, validate

from linli.common_schemas import Id
from linli.routing.models import ProviderType


class ProviderOut(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.Enum(ProviderType, by_value=True)
    categories = fields.Function(lambda p: [c.code for c in p.categories])
    coverage = fields.Function(lambda p: [o.id for o in p.coverage])
    capacity = fields.Integer()
    active = fields.Boolean()


class ProviderListArgs(Schema):
    category = fields.String(validate=validate.Length(min=1, max=40))
    org_id = Id(strict=False)
