"""Field types shared by every domain's input schemas (bounded, so bad input fails cleanly)."""

import re
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate

DB_INT_MAX = 2**31 - 1

# Control characters (Unicode Cc) other than tab and newline: a NUL cannot be stored in a
# PostgreSQL text column, and escape codes or carriage returns in a note only do harm.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NO_CONTROL_MESSAGE = "Control characters are not allowed (only newline and tab)."

# The instants the API takes: wide enough for any real visit or deadline, and far enough from
# the ends of datetime's range that converting or adding an SLA never overflows.
INSTANT_MIN = datetime(2000, 1, 1, tzinfo=UTC)
INSTANT_MAX = datetime(2100, 1, 1, tzinfo=UTC)


def Id(*, strict: bool = True, **kwargs) -> fields.Integer:
    """A database integer id, positive and within a 32-bit column (strict in JSON bodies)."""
    return fields.Integer(strict=strict, validate=validate.Range(1, DB_INT_MAX), **kwargs)


def no_control_characters(value: str) -> None:
    """Refuse control characters other than newline and tab (a field error)."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(NO_CONTROL_MESSAGE)


def Text(max_length: int, *, min_length: int = 0, **kwargs) -> fields.String:
    """An optional string of at most `max_length` characters, without control characters."""
    return fields.String(
        validate=[validate.Length(min=min_length, max=max_length), no_control_characters],
        **kwargs,
    )


def Required(max_length: int, *, pattern: str = r"\S", **kwargs) -> fields.String:
    """A required, non-blank string (optionally matching `pattern`), without control characters."""
    return fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=max_length),
            validate.Regexp(pattern),
            no_control_characters,
        ],
        **kwargs,
    )


class Instant(fields.AwareDateTime):
    """An ISO 8601 time with an offset, between 2000 and 2100; loaded as UTC.

    The window is checked in UTC: `0001-01-01T00:00:00+14:00` is a valid string but no
    datetime can hold it in UTC, which is how it is stored.
    """

    default_error_messages = {
        "out_of_range": f"Must be between {INSTANT_MIN.isoformat()} and {INSTANT_MAX.isoformat()}.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as error:
            raise self.make_error("out_of_range") from error
        if not INSTANT_MIN <= moment <= INSTANT_MAX:
            raise self.make_error("out_of_range")
        return moment


class StrictBoolean(fields.Boolean):
    """A JSON true or false only: not "yes", not 1 (which equals True in a set lookup)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def output(schema_cls: type[Schema]) -> type[Schema]:
    """Document every field of a response schema as always present (null where allowed)."""
    for field in schema_cls._declared_fields.values():
        field.required = True
    return schema_cls


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(validate=[validate.Length(max=200), no_control_characters])
