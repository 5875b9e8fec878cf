from marshmallow import Schema, fields

from linli.common_schemas import Required, Text, output


@output
class CategoryOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    icon = fields.String()
    active = fields.Boolean()


class CategoryIn(Schema):
    code = Required(40, pattern=r"^[a-z][a-z0-9_]*$")
    name_zh = Required(60)
    name_en = Required(60)
    icon = Text(40)


class CategoryPatch(Schema):
    active = fields.Boolean(required=True)
