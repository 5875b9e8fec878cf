from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from linli.categories.fields import FIELD_TYPES
from linli.common_schemas import Required, Text, output

KEY = r"^[a-z][a-z0-9_]*$"


class ChoiceSchema(Schema):
    key = Required(40, pattern=KEY)
    label_zh = Required(60)
    label_en = Required(60)


class FieldSchema(Schema):
    key = Required(40, pattern=KEY)
    label_zh = Required(60)
    label_en = Required(60)
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    choices = fields.List(
        fields.Nested(ChoiceSchema), load_default=list, validate=validate.Length(max=20)
    )


@output
class ChoiceOut(Schema):
    key = fields.String()
    label_zh = fields.String()
    label_en = fields.String()


@output
class FieldOut(Schema):
    key = fields.String()
    label_zh = fields.String()
    label_en = fields.String()
    type = fields.String(metadata={"enum": list(FIELD_TYPES)})
    required = fields.Boolean()
    choices = fields.List(fields.Nested(ChoiceOut))


@output
class CategoryOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    icon = fields.String()
    active = fields.Boolean()
    sort_order = fields.Integer()
    questions = fields.List(
        fields.Nested(FieldOut),
        attribute="fields",
        data_key="fields",
        metadata={"description": "Extra questions the report form asks, in order"},
    )


class CategoryListArgs(Schema):
    include_inactive = fields.Boolean(load_default=False)


class CategoryIn(Schema):
    code = Required(40, pattern=KEY)
    name_zh = Required(60)
    name_en = Required(60)
    icon = Text(40)
    questions = fields.List(
        fields.Nested(FieldSchema),
        attribute="fields",
        data_key="fields",
        validate=validate.Length(max=20),
    )


class CategoryPatch(Schema):
    active = fields.Boolean()
    name_zh = Text(60, min_length=1)
    name_en = Text(60, min_length=1)
    position = fields.Integer(
        strict=True,
        validate=validate.Range(0, 1000),
        metadata={"description": "Where it goes in the display order (0: first)"},
    )
    questions = fields.List(
        fields.Nested(FieldSchema),
        attribute="fields",
        data_key="fields",
        validate=validate.Length(max=20),
    )

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change")
