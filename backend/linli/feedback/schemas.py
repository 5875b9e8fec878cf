from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from linli.cases.schemas import CaseSummaryOut, SearchArgs
from linli.common_schemas import Required, StrictBoolean, Text, output
from linli.feedback.models import RatingChannel
from linli.feedback.review import ReviewKind, ReviewReason


class RatingIn(Schema):
    resolved = StrictBoolean(required=True)
    stars = fields.Integer(strict=True, required=True, validate=validate.Range(1, 5))
    comment = Text(2000)
    channel = fields.Enum(
        RatingChannel,
        by_value=True,
        metadata={
            "description": "How the verdict was taken: app (the resident; the default for "
            "them), or phone / visit when the grid worker who reported the case records the "
            "resident's verdict after a follow-up call (phone is their default)"
        },
    )


class AppealIn(Schema):
    reason = Required(2000, metadata={"description": "Why the closing is disputed"})


class ReviewListArgs(SearchArgs):
    reason = DelimitedList(
        fields.Enum(ReviewReason, by_value=True),
        metadata={"description": "Only cases with one of these reasons"},
    )


class ReviewIn(Schema):
    kind = fields.Enum(
        ReviewKind,
        by_value=True,
        required=True,
        metadata={
            "description": "note: a supervision note the handlers are told "
            "of; reviewed: the case leaves the queue"
        },
    )
    note = Text(2000)
    public = StrictBoolean(
        load_default=False, metadata={"description": "Show a note in the resident's timeline"}
    )


@output
class ReviewItemOut(Schema):
    case = fields.Nested(CaseSummaryOut)
    reasons = fields.List(fields.Enum(ReviewReason, by_value=True))
    last_reviewed_at = fields.DateTime(allow_none=True)


@output
class ReviewPage(Schema):
    items = fields.List(fields.Nested(ReviewItemOut))
    next_cursor = fields.String(allow_none=True)
