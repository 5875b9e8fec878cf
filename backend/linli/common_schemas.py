"""Field types shared by every domain's input schemas (bounded, so bad input fails cleanly)."""

from marshmallow import Schema, fields, validate

DB_INT_MAX = 2**31 - 1


def Id(*, strict: bool = True, **kwargs) -> fields.Integer:  # noqa: N802 - reads like a field
    """A database integer id, positive and within a 32-bit column (strict in JSON bodies)."""
    return fields.Integer(strict=strict, validate=validate.Range(1, DB_INT_MAX), **kwargs)


def Text(max_length: int, *, min_length: int = 0, **kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def Required(max_length: int, *, pattern: str = r"\S", **kwargs) -> fields.String:  # noqa: N802
    """A required, non-blank string (optionally matching `pattern`)."""
    return fields.String(
        required=True,
        validate=[validate.Length(min=1, max=max_length), validate.Regexp(pattern)],
        **kwargs,
    )


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
    cursor = fields.String(validate=validate.Length(max=200))
