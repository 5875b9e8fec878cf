"""GeoReport v2 at /open311/v2 (JSON and XML), and the admins' key API under /api/v1.

The GeoReport endpoints are a plain Flask blueprint, kept out of the OpenAPI document on
purpose: their contract is the published GeoReport v2 specification (discovery, form posts,
XML, its own error shape), and the OpenAPI document types the PWA's JSON client.
"""

import re

from flask import Blueprint, Response, current_app, request, url_for
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.errors import abort
from linli.extensions import limiter
from linli.open311 import keys, service
from linli.open311.schemas import KeyCreate, KeyIssued, KeyOut, RequestCreate, RequestListArgs
from linli.open311.xml import render

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMAT = "<any(json, xml):fmt>"
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")


def _locale() -> str:
    """English when asked (`locale=en`, or Accept-Language prefers it); zh-CN otherwise."""
    asked = request.args.get("locale") or request.form.get("locale")
    if asked:
        return "en" if asked.lower().startswith("en") else "zh-CN"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else "zh-CN"


def _answer(fmt: str, root: str, data, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(render(root, data), status, content_type="text/xml; charset=utf-8")
    return Response(
        current_app.json.dumps(data), status, content_type="application/json; charset=utf-8"
    )


@blp.errorhandler(HTTPException)
def _error(error: HTTPException):
    """The spec's error list, one entry per wrong field; bad input is a 400."""
    status = 400 if error.code == 422 else error.code or 500
    data = getattr(error, "data", None) or {}
    fields = data.get("errors") or {}
    descriptions = [
        f"{name}: {' '.join(m) if isinstance(m, list) else m}" for name, m in fields.items()
    ] or [data.get("message") or error.description]
    body = [{"code": status, "description": d} for d in descriptions]
    response = _answer((request.view_args or {}).get("fmt", "json"), "errors", body, status)
    if status == 429 and getattr(error, "retry_after", None) is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _load(schema, source):
    try:
        return schema.load(source)
    except ValidationError as error:
        abort(400, "invalid fields", errors=error.normalized_messages())


@blp.route(f"/discovery.{FORMAT}")
def discovery(fmt):
    base = url_for("open311.discovery", fmt="json", _external=True).rsplit("/", 1)[0]
    config = current_app.config
    data = service.discovery(
        base, contact=config["OPEN311_CONTACT"], key_service=config["OPEN311_KEY_SERVICE"]
    )
    return _answer(fmt, "discovery", data)


@blp.route(f"/services.{FORMAT}")
def services(fmt):
    return _answer(fmt, "services", service.services(_locale()))


@blp.route(f"/services/<string:code>.{FORMAT}")
def service_definition(code, fmt):
    return _answer(fmt, "service_definition", service.service_definition(code, _locale()))


def _presented_key():
    """The live key the request carries (looked up once per request), or None."""
    # In the environ, not `g`: an app context (and its `g`) may outlive one request.
    if "linli.open311_key" not in request.environ:
        request.environ["linli.open311_key"] = keys.key_for(request.form.get("api_key"))
    return request.environ["linli.open311_key"]


def _key_limit() -> str:
    key = _presented_key()
    return key.rate_limit if key else keys.DEFAULT_RATE_LIMIT  # without a key: exempt, a 403


@blp.route(f"/requests.{FORMAT}", methods=["POST"])
@limiter.limit(
    _key_limit,
    key_func=lambda: f"open311-key:{_presented_key().id}",
    exempt_when=lambda: _presented_key() is None,
    scope="open311-key",
)
def post_request(fmt):
    key = _presented_key()
    if key is None:
        abort(403, "a valid api_key is required")
    attributes: dict[str, list[str]] = {}
    for name, values in request.form.lists():
        match = _ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(values)
    data = _load(RequestCreate(), request.form)
    answer = service.file_request(key, data, attributes, locale=_locale(), now=utcnow())
    return _answer(fmt, "service_requests", [answer], 201)


@blp.route(f"/requests.{FORMAT}")
def list_requests(fmt):
    filters = _load(RequestListArgs(), request.args)
    return _answer(
        fmt, "service_requests", service.list_requests(filters, locale=_locale(), now=utcnow())
    )


@blp.route(f"/requests/<string:request_id>.{FORMAT}")
def get_request(request_id, fmt):
    return _answer(fmt, "service_requests", service.get_request(request_id, locale=_locale()))


# --- the admins' key API ----------------------------------------------------------------------

keys_blp = ApiBlueprint(
    "open311_keys", __name__, url_prefix="/open311-keys", description="Open311 client app keys"
)


@keys_blp.route("", methods=["POST"])
@jwt_required()
@keys_blp.arguments(KeyCreate)
@keys_blp.response(201, KeyIssued)
def issue_key(data):
    """Issue a key for a client app (admins, for a community of their area); the key is in
    this answer only."""
    row, key = keys.issue_key(
        data["name"],
        community_id=data["community_id"],
        rate_limit=data.get("rate_limit"),
        actor=current_actor(),
        now=utcnow(),
    )
    return {**{name: getattr(row, name) for name in KeyOut().fields}, "api_key": key}


@keys_blp.route("")
@jwt_required()
@keys_blp.response(200, KeyOut(many=True))
def list_keys():
    """The keys of the caller's area, revoked ones too (admins)."""
    return keys.list_keys(current_actor())


@keys_blp.route("/<int:key_id>", methods=["DELETE"])
@jwt_required()
@keys_blp.response(200, KeyOut)
def revoke_key(key_id):
    """Revoke a key: it opens nothing from now on (admins)."""
    return keys.revoke_key(current_actor(), key_id, now=utcnow())
