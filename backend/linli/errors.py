"""RFC 9457 problem details: one shape for every error the API returns."""

import logging

import marshmallow as ma
from flask import Flask, json, request
from flask_smorest import Api
from flask_smorest import abort as smorest_abort
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"
PROBLEM_BASE = "https://linli.example.org/problems/"


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
    data.pop("schema", None)
    data.pop("exc", None)
    body.update(data)
    body["instance"] = request.path
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
    errors = ma.fields.Dict(metadata={"description": "Messages by field, for invalid input"})

    class Meta:
        unknown = ma.INCLUDE  # some problems carry more: the current `case`, `allowed_actions`


class ProblemApi(Api):
    """flask-smorest Api whose error handler speaks problem details."""

    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        return problem_response(error)


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, problem_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(InternalServerError())


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
        # Also for views that take no body (+1): a client sending garbage is told so.
        try:
            request.get_json()
        except BadRequest:
            return problem(400, "the body is not valid JSON", errors={"_schema": ["invalid JSON"]})
    return None
