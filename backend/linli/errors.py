"""RFC 9457 problem details: one shape for every error the API returns."""

import http
import json as stdlib_json
import logging
import re
from array import array
from itertools import accumulate

import marshmallow as ma
from flask import Flask, json, request
from flask_smorest import Api
from flask_smorest import abort as smorest_abort
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from linli.common_schemas import CONTROL_CHARACTERS, NO_CONTROL_MESSAGE
from linli.openapi import ProblemAndSecurityPlugin
from linli.ops.logs import current_request_id

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"
PROBLEM_BASE = "https://linli.example.org/problems/"

# The deepest body this API takes is three levels (an action's co_providers); a parser's
# recursion limit (about 1,000) must never be what refuses a body.
MAX_JSON_DEPTH = 32
# JSON bodies are small (a description is 5,000 characters; photos travel as multipart): a
# larger one is refused before it is scanned or parsed.
MAX_JSON_BYTES = 1024 * 1024
# The longest URL (path and query string) the app takes; longer ones get a 414 problem. gunicorn's
# limit_request_line (deploy/gunicorn.conf.py, 8190 with the method and protocol) stays above
# it, so a client gets the app's problem rather than gunicorn's HTML page.
MAX_URL_BYTES = 8000
# A JSON string (which may hold brackets); it always matches, to the end if unterminated, and
# never backtracks, so stripping strings stays linear on any input.
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_DEPTH_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # +1 and -1 as signed bytes


def abort(status: int, detail: str | None = None, *, type_: str | None = None, **extra):
    """Raise an HTTP error rendered as problem details; extra members go into the body."""
    payload = dict(extra)
    if detail is not None:
        payload["message"] = detail
    if type_ is not None:
        payload["type"] = type_
    smorest_abort(status, **payload)


def _flatten_webargs_messages(messages: dict) -> dict:
    # webargs nests errors by location ({"json": {...}, "query": {...}}); clients want fields.
    flat: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
        else:
            flat.setdefault("_schema", []).extend(location_errors)
    return flat


# Each field message this API writes (marshmallow's, webargs' and the services' own) as a
# stable code; the English text is for developers, the code is what clients translate.
FIELD_ERROR_CODES: list[tuple[re.Pattern, str]] = [
    (re.compile(p, re.IGNORECASE), code)
    for p, code in [
        (r"^(Missing data for required field|Field may not be null|required )", "required"),
        (r"^(Longer than maximum length|at most) (?P<max>\d+)", "too_long"),
        (r"^Shorter than minimum length (?P<min>\d+)", "too_short"),
        (r"^Length must be between (?P<min>\d+) and (?P<max>\d+)", "length"),
        (
            r"^Must be greater than or equal to (?P<min>\S+?) and less than or equal to "
            r"(?P<max>\S+?)\.?$",
            "out_of_range",
        ),
        (r"^Must be between (?P<min>\S+) and (?P<max>\S+?)\.?$", "out_of_range"),
        (r"^String does not match expected pattern|only spaces|blank", "blank"),
        (r"^Unknown field", "unknown_field"),
        (r"^Must be one of|not one of", "not_a_choice"),
        (r"outside your area|not in your grids", "outside_area"),
        (r"^(no such|unknown|not in |not a grid|inactive|does not serve)", "not_found"),
        (r"already (used|registered|exists|rated)", "already_used"),
        (r"in the future", "in_future"),
        (r"in the past", "in_past"),
        (r"too large", "too_large"),
        (r"^empty$", "empty"),
        (r"mobile number", "invalid_phone"),
        (r"control characters", "control_characters"),
        (r"zero-width|text-direction", "hidden_characters"),
        (r"^too common", "common_password"),
        (r"wrong or expired code", "wrong_code"),
        (r"not a JPEG, PNG or WebP", "not_an_image"),
        (r"not allowed for your role", "not_allowed"),
        (r"^must be an? (community|grid)", "wrong_kind"),
        (r"^the parent must be|no child nodes", "wrong_level"),
        (r"^deactivated$", "deactivated"),
        (r"^not on your own account$|^not your own node$", "own_account"),
        (r"^wrong password$", "wrong_password"),
        (r"^same as the current$", "same_password"),
    ]
]


def _code_of(message) -> dict:
    for pattern, code in FIELD_ERROR_CODES:
        match = pattern.search(str(message))
        if match:
            bounds = {k: int(v) if v.isdigit() else v for k, v in match.groupdict().items() if v}
            return {"code": code, **bounds}
    return {"code": "invalid"}


def field_error_codes(errors):
    """`errors` with every message replaced by its code (same nesting: fields, list indexes)."""
    if isinstance(errors, dict):
        return {key: field_error_codes(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [field_error_codes(value) for value in errors]
    return _code_of(errors)


def problem_body(error: HTTPException) -> tuple[dict, dict]:
    status = error.code or 500
    data = dict(getattr(error, "data", None) or {})
    # Keep what the exception itself says in headers (Allow on a 405), but not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.pop("headers", None) or {})
    body = {
        "type": data.pop("type", None) or "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": data.pop("message", None) or error.description,
    }
    if "messages" in data:
        body["errors"] = _flatten_webargs_messages(data.pop("messages"))
        body["detail"] = "The request has invalid fields; see errors."
        if body["type"] == "about:blank":
            body["type"] = PROBLEM_BASE + "validation"
    if "errors" in data:
        body["errors"] = data.pop("errors")
    if "errors" in body:
        body["codes"] = field_error_codes(body["errors"])
    data.pop("schema", None)
    data.pop("exc", None)
    body.update(data)
    body["instance"] = request.path
    body["request_id"] = current_request_id()
    return body, headers


def problem_response(error: HTTPException):
    body, headers = problem_body(error)
    if error.code == 429 and "Retry-After" not in headers:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
    response = Flask.response_class(
        json.dumps(body), status=body["status"], mimetype=PROBLEM_MIME, headers=headers
    )
    return response


def problem(status: int, detail: str, **extra):
    """A problem-details response, for callbacks that must return rather than raise."""
    try:
        abort(status, detail, **extra)
    except HTTPException as error:
        return problem_response(error)


class Problem(ma.Schema):
    """RFC 9457 problem details, as every error of this API is sent (for the OpenAPI document)."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    instance = ma.fields.String()
    request_id = ma.fields.String(
        metadata={"description": "The X-Request-ID of this answer, as in the server's logs"}
    )
    errors = ma.fields.Dict(metadata={"description": "Messages by field, for invalid input"})
    codes = ma.fields.Dict(
        metadata={
            "description": "The same fields as `errors`, each message as a stable code for "
            "clients to translate: {code, and min/max where the message has them}. Codes: "
            + ", ".join(code for _, code in FIELD_ERROR_CODES)
            + ", invalid (anything else)."
        }
    )

    class Meta:
        unknown = ma.INCLUDE  # some problems carry more: the current `case`, `allowed_actions`


class ProblemApi(Api):
    """flask-smorest Api whose error handler speaks problem details."""

    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        return problem_response(error)

    def _init_spec(self, **options):
        super()._init_spec(**options)
        plugin = ProblemAndSecurityPlugin(
            problem_mime=PROBLEM_MIME,
            problem_schema=Problem,
            view_of=lambda endpoint: self._app.view_functions.get(endpoint),
        )
        plugin.init_spec(self.spec)
        # First, so that the marshmallow plugin resolves the Problem schema it adds.
        self.spec.plugins.insert(0, plugin)

    def _register_responses(self):
        """flask-smorest's shared responses, with errors as application/problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIME)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIME)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, problem_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(InternalServerError())


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests arrays and objects deeper than `limit` (without parsing it)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # most bodies: nothing to scan
    encoding = stdlib_json.detect_encoding(raw)
    if encoding != "utf-8":  # json also reads UTF-16 and UTF-32
        raw = raw.decode(encoding, errors="replace").encode()
    steps = _JSON_STRING.sub(b"", raw).translate(_DEPTH_STEPS, _NOT_BRACKETS)
    # The deepest point is the largest running sum of +1 per opening and -1 per closing bracket.
    return max(accumulate(array("b", steps)), default=0) > limit


def check_request_line():
    """414 for an overlong URL; 422 for control characters in the query string (both problems)."""
    if len(request.environ.get("PATH_INFO", "")) + len(request.query_string) > MAX_URL_BYTES:
        return problem(414, f"the URL is longer than {MAX_URL_BYTES} bytes")
    errors = {}
    for name, value in request.args.items(multi=True):
        if CONTROL_CHARACTERS.search(name):
            errors.setdefault("_query", []).append("a parameter name holds control characters")
        elif CONTROL_CHARACTERS.search(value):
            errors[name] = [NO_CONTROL_MESSAGE]
    if errors:
        return problem(
            422,
            "The request has invalid fields; see errors.",
            type_=PROBLEM_BASE + "validation",
            errors=errors,
        )
    return None


def require_json_bodies():
    """415 for an API write whose body is neither JSON nor a multipart upload; 400 for bad JSON."""
    if not (
        request.path.startswith("/api/")
        and request.method in ("POST", "PUT", "PATCH")
        and (request.content_length or request.headers.get("Transfer-Encoding"))
    ):
        return None
    if request.mimetype not in ("application/json", "multipart/form-data"):
        return problem(415, "send the body as application/json (photos as multipart/form-data)")
    if request.mimetype == "application/json":
        if (request.content_length or 0) > MAX_JSON_BYTES:
            return problem(413, f"a JSON body is at most {MAX_JSON_BYTES} bytes")
        raw = request.get_data(cache=True)
        if len(raw) > MAX_JSON_BYTES:  # sent chunked, without a length
            return problem(413, f"a JSON body is at most {MAX_JSON_BYTES} bytes")
        # Before any parser sees it: nesting a thousand deep is a RecursionError in json.
        if json_too_deep(raw):
            return problem(
                400,
                f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
                type_=PROBLEM_BASE + "json-too-deep",
                errors={"_schema": [f"nested deeper than {MAX_JSON_DEPTH} levels"]},
            )
        # Also for views that take no body (+1): a client sending garbage is told so.
        try:
            request.get_json()
        except BadRequest:
            return problem(400, "the body is not valid JSON", errors={"_schema": ["invalid JSON"]})
    return None
