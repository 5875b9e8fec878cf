from marshmallow import Schema, fields

from linli.common_schemas import Id, Instant, Text, output


class VisitIn(Schema):
    id = fields.UUID()
    household_id = Id(required=True)
    visited_at = Instant(required=True)
    note = Text(2000)


@output
class VisitOut(Schema):
    id = fields.UUID()
    household_id = fields.Integer()
    worker_id = fields.Integer()
    visited_at = fields.DateTime()
    note = fields.String()


class VisitListArgs(Schema):
    grid_id = Id(strict=False)
    since = Instant()


@output
class VisitPage(Schema):
    items = fields.List(fields.Nested(VisitOut))
