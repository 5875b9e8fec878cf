from marshmallow import Schema, fields, validate

from linli.common_schemas import StrictBoolean, Text


class RatingIn(Schema):
    resolved = StrictBoolean(required=True)
    stars = fields.Integer(strict=True, required=True, validate=validate.Range(1, 5))
    comment = Text(2000)
