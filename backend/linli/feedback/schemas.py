from marshmallow import Schema, fields, validate

from linli.common_schemas import Text


class RatingIn(Schema):
    resolved = fields.Boolean(required=True, truthy={True}, falsy={False})
    stars = fields.Integer(strict=True, required=True, validate=validate.Range(1, 5))
    comment = Text(2000)
