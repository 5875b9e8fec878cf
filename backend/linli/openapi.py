"""How the OpenAPI document spells things: types the PWA depends on, errors, security."""

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask_jwt_extended import jwt_required


class NullableRefConverter(OpenAPIConverter):
    """A nullable nested schema as `allOf: [$ref]` + `nullable: true` (OpenAPI 3.0).

    apispec writes `anyOf: [{type: object, nullable: true}, $ref]`, which type generators
    read as "an empty object, null or the schema"; this says "the schema or null".
    """

    def field2nullable(self, field, ret) -> dict:
        if field.allow_none and self.openapi_version.major == 3 and self.openapi_version.minor == 0:
            if "$ref" in ret:
                return {"allOf": [{"$ref": ret.pop("$ref")}], "nullable": True}
            if "allOf" in ret:
                return {"nullable": True}
        return super().field2nullable(field, ret)


class LinliMarshmallowPlugin(MarshmallowPlugin):
    Converter = NullableRefConverter


def enum_path_parameter(name: str, values, description: str = "") -> dict:
    """Document a path segment as one of `values` (the view still answers unknown ones)."""
    param = {
        "in": "path",
        "name": name,
        "required": True,
        "schema": {"type": "string", "enum": [str(v) for v in values]},
    }
    if description:
        param["description"] = description
    return param


# --- error responses and security ------------------------------------------------------

ACCESS_TOKEN = "accessToken"
REFRESH_TOKEN = "refreshToken"
SECURITY_SCHEMES = {
    ACCESS_TOKEN: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The access token from POST /auth/login or /auth/refresh.",
    },
    REFRESH_TOKEN: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The refresh token from POST /auth/login; only POST /auth/refresh takes it.",
    },
}
# Every @jwt_required() wrapper runs this code object (functools.wraps keeps the chain).
_JWT_REQUIRED_CODE = jwt_required()(lambda: None).__code__


def required_token(view) -> str | None:
    """The token a view's @jwt_required asks for: "access", "refresh", "optional" or None."""
    fn = view
    while fn is not None:
        if getattr(fn, "__code__", None) is _JWT_REQUIRED_CODE:
            cells = dict(
                zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__), strict=True)
            )
            if cells["optional"]:
                return "optional"
            return "refresh" if cells["refresh"] else "access"
        fn = getattr(fn, "__wrapped__", None)
    return None


def _is_error(status) -> bool:
    return str(status) == "default" or str(status)[:1] in ("4", "5")


class ProblemAndSecurityPlugin(BasePlugin):
    """Document what the server does: errors as `problem_mime`, tokens as security.

    flask-smorest writes every response as application/json and knows nothing of
    @jwt_required; fuzzers and generated clients take the document at its word.
    """

    def __init__(self, *, problem_mime: str, problem_schema, view_of):
        self.problem_mime = problem_mime
        self.problem_schema = problem_schema
        self.view_of = view_of  # endpoint name -> view function
        self.spec = None

    def init_spec(self, spec) -> None:
        self.spec = spec
        for name, scheme in SECURITY_SCHEMES.items():
            spec.components.security_scheme(name, scheme)

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        view = self.view_of(rule.endpoint) if rule is not None else None
        token = required_token(view)
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if _is_error(status) and isinstance(response, dict):
                    self._as_problem(response)
            if token is None:
                operation["security"] = []  # public
                continue
            if token == "refresh":
                operation["security"] = [{REFRESH_TOKEN: []}]
            elif token == "optional":
                operation["security"] = [{ACCESS_TOKEN: []}, {}]
            else:
                operation["security"] = [{ACCESS_TOKEN: []}]
            if not ({401, "401"} & responses.keys()):
                responses["401"] = "UNAUTHORIZED"

    def _as_problem(self, response: dict) -> None:
        content = response.setdefault("content", {})
        if "application/json" in content:
            content[self.problem_mime] = content.pop("application/json")
        if not content:  # e.g. a 429 documented by its description only
            content[self.problem_mime] = {"schema": self.problem_schema}
