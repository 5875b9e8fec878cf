import unicodedata

from marshmallow import Schema, ValidationError, fields, validate

from linli.accounts.common_passwords import is_common_password
from linli.accounts.models import Role
from linli.common_schemas import Id, Required, Text, output


@output
class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    org_id = fields.Integer()
    provider_id = fields.Integer(allow_none=True)
    phone = fields.String(allow_none=True)


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


class PasswordChangeIn(Schema):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    new_password = Password()


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
