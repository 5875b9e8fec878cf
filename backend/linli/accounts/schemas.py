import unicodedata

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from linli.accounts.common_passwords import is_common_password
from linli.accounts.models import Role
from linli.common_schemas import Id, PageArgs, Required, StrictBoolean, Text, output


@output
class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    org_id = fields.Integer()
    provider_id = fields.Integer(allow_none=True)
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    must_change_password = fields.Boolean(
        metadata={"description": "signed in with a one-time password: change it first"}
    )


def _acceptable_password(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be only spaces")
    if is_common_password(value):
        raise ValidationError("too common: choose one that is harder to guess")


def Password() -> fields.String:
    """A new password: 8 to 128 characters, not only spaces, not one of the most common."""
    return fields.String(
        required=True, validate=[validate.Length(min=8, max=128), _acceptable_password]
    )


# Control (Cc), format (Cf: zero-width and bidi controls), line/paragraph separators and
# private-use characters: invisible, or able to make a name read as something else.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}


def _visible_name(value: str) -> None:
    if any(unicodedata.category(ch) in _HIDDEN_CATEGORIES for ch in value):
        raise ValidationError("no control, zero-width or text-direction characters")


def DisplayName() -> fields.String:
    field = Required(80)
    field.validators.append(_visible_name)
    return field


class VerificationCodeIn(Schema):
    phone = Required(32)


class RegisterIn(Schema):
    phone = Required(32)
    code = Required(6, pattern=r"^[0-9]{6}$")
    password = Password()
    display_name = DisplayName()
    org_id = Id(required=True)


class ProfileIn(Schema):
    display_name = DisplayName()


class PhoneChangeIn(Schema):
    phone = Required(32)
    code = Required(6, pattern=r"^[0-9]{6}$")


class LoginIn(Schema):
    username = Required(64)
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))


@output
class TokensOut(Schema):
    access_token = fields.String()
    refresh_token = fields.String()


@output
class SessionOut(TokensOut):
    user = fields.Nested(UserOut)


class LogoutIn(Schema):
    refresh_token = Text(4000)


class UserCreateIn(Schema):
    username = Required(64, pattern=r"^[A-Za-z0-9_.-]+$")
    password = Password()
    display_name = DisplayName()
    role = fields.Enum(Role, by_value=True, required=True)
    org_id = Id(required=True)
    phone = Text(32, allow_none=True)
    provider_id = Id(allow_none=True)


class UserListArgs(PageArgs):
    q = Text(80, min_length=1, metadata={"description": "part of a name, username or phone"})
    role = fields.Enum(Role, by_value=True)
    org_id = Id(strict=False, metadata={"description": "this org's subtree (in the caller's)"})
    active = fields.Boolean()
    provider_id = Id(strict=False, metadata={"description": "this provider's staff"})
    cursor = fields.Integer(strict=False, validate=validate.Range(1, 2**31 - 1))


@output
class UserPage(Schema):
    items = fields.List(fields.Nested(UserOut))
    next_cursor = fields.String(allow_none=True)


class UserPatch(Schema):
    """Any non-empty subset; `active: false` deactivates (its tokens stop working at once)."""

    display_name = DisplayName()
    role = fields.Enum(Role, by_value=True)
    org_id = Id()
    provider_id = Id(allow_none=True)
    phone = Text(32, allow_none=True)
    active = StrictBoolean()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change")


@output
class PasswordResetOut(Schema):
    one_time_password = fields.String(
        metadata={"description": "shown once; the account must replace it at first sign-in"}
    )


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    new_password = Password()
