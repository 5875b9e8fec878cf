from marshmallow import Schema, fields, validate

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


class RegisterIn(Schema):
    phone = Required(32)
    password = fields.String(required=True, validate=validate.Length(min=8, max=128))
    display_name = Required(80)
    org_id = Id(required=True)


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
    password = fields.String(required=True, validate=validate.Length(min=8, max=128))
    display_name = Required(80)
    role = fields.Enum(Role, by_value=True, required=True)
    org_id = Id(required=True)
    phone = Text(32, allow_none=True)
    provider_id = Id(allow_none=True)
