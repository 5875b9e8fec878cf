import uuid

from flask import Response, current_app
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from linli.accounts.models import Role
from linli.accounts.service import current_actor
from linli.cases import attachments, service
from linli.cases.lifecycle import Action, VersionConflict
from linli.cases.schemas import (
    ActionIn,
    AttachmentOut,
    BoardPage,
    CaseCreate,
    CaseListArgs,
    CaseOut,
    CasePage,
    EventOut,
    EventPage,
    InfoIn,
    SimilarArgs,
    SimilarCaseOut,
    SupportOut,
    VersionConflictProblem,
)
from linli.cases.scope import CaseView, get_case_for
from linli.common_schemas import PageArgs
from linli.db import utcnow
from linli.errors import abort
from linli.extensions import db, limiter
from linli.idempotency import client_id_key, idempotent
from linli.openapi import enum_path_parameter

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Service requests (cases)")


class UploadIn(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


_client_case_key = client_id_key("case")


def conflict(error: VersionConflict):
    """409 carrying the case as it is now, so the client can show it and decide again."""
    db.session.rollback()
    case = get_case_for(current_actor(), error.case_id)
    abort(
        409,
        "the case has changed since you loaded it",
        type_="https://linli.example.org/problems/version-conflict",
        case=CaseOut().dump(case),
    )


def _reporting_resident() -> str:
    return f"report-resident:{current_actor().id}"


@blp.route("", methods=["POST"])
@jwt_required()
@idempotent(fallback_key=_client_case_key)  # a replay is answered before it counts
@limiter.limit(
    lambda: current_app.config["REPORT_LIMIT_PER_RESIDENT"],
    key_func=_reporting_resident,
    exempt_when=lambda: current_actor().role is not Role.RESIDENT,
    deduct_when=lambda response: response.status_code == 201,
    scope="report-resident",
)
@blp.arguments(CaseCreate)
@blp.response(201, CaseOut)
@blp.alt_response(200, schema=CaseOut, description="The same client id was reported before")
@blp.alt_response(429, description="Too many new reports by this resident; see Retry-After")
def report_case(data):
    """Report a need. Send an `Idempotency-Key` (or your own `id`) so a retry never makes two."""
    case, created = service.report_case(current_actor(), data, now=utcnow())
    return case, 201 if created else 200


@blp.route("")
@jwt_required()
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePage)
def list_cases(args):
    """Cases in the caller's scope, newest first, with a keyset cursor."""
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    items, next_cursor = service.list_cases(
        current_actor(), args, limit=limit, cursor=cursor, now=utcnow()
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/board")
@jwt_required()
@blp.arguments(PageArgs, location="query")
@blp.response(200, BoardPage)
def community_board(args):
    """Residents: their community's open needs and those solved in the last 30 days,
    newest first, as a notice board shows them (no reporter, no address)."""
    items, next_cursor = service.community_board(
        current_actor(), limit=args["limit"], cursor=args.get("cursor"), now=utcnow()
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/similar")
@jwt_required()
@blp.arguments(SimilarArgs, location="query")
@blp.response(200, SimilarCaseOut(many=True))
def similar_cases(args):
    """Open cases of the same category nearby, the most alike to `text` first: offer a +1
    instead of a new report."""
    return service.similar_open_cases(
        current_actor(), args["category"], args["org_id"], text=args.get("text", ""), now=utcnow()
    )


@blp.route("/<uuid:case_id>")
@jwt_required()
@blp.response(200, CaseOut)
def get_case(case_id):
    return get_case_for(current_actor(), case_id)


@blp.route("/<uuid:case_id>/events")
@jwt_required()
@blp.response(200, EventPage)
def case_events(case_id):
    """The case's timeline (residents see its public part)."""
    actor = current_actor()
    return {"items": service.case_events(actor, get_case_for(actor, case_id))}


@blp.route("/<uuid:case_id>/support", methods=["POST"])
@jwt_required()
@idempotent()
@blp.response(200, SupportOut)
def support_case(case_id):
    """+1: the caller has the same need."""
    return service.support_case(current_actor(), case_id, now=utcnow())


@blp.route("/<uuid:case_id>/info", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(InfoIn)
@blp.response(201, EventOut)
def add_information(data, case_id):
    """The reporter adds information to an open case (photos: POST .../attachments)."""
    return service.add_information(current_actor(), case_id, data["note"], now=utcnow())


@blp.route(
    "/<uuid:case_id>/actions/<string:action>",
    methods=["POST"],
    parameters=[enum_path_parameter("action", Action, "A lifecycle action (else 404)")],
)
@jwt_required()
@idempotent()
@blp.arguments(ActionIn)
@blp.response(200, CaseOut)
@blp.alt_response(
    409,
    schema=VersionConflictProblem,
    description="Stale version; the body carries the current `case`",
)
def act_on_case(data, case_id, action):
    """Apply a lifecycle action: assign, accept, return, resolve, reject, reopen, close."""
    try:
        parsed = Action(action)
    except ValueError:
        abort(404, f"unknown action {action!r}", allowed=[a.value for a in Action])
    try:
        return service.act_on_case(current_actor(), case_id, parsed, data, now=utcnow())
    except VersionConflict as error:
        conflict(error)


@blp.route("/<uuid:case_id>/attachments", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(UploadIn, location="files")
@blp.response(201, AttachmentOut)
def upload_attachment(files, case_id):
    """Add a photo (JPEG, PNG or WebP; checked by content)."""
    actor = current_actor()
    case = get_case_for(actor, case_id, least=CaseView.OVERSIGHT)
    return attachments.attach_photo(case, files["file"].read(), actor=actor, now=utcnow())


@blp.route("/<uuid:case_id>/attachments/<uuid:attachment_id>")
@jwt_required()
@blp.response(200, description="The photo's bytes")
def download_attachment(case_id, attachment_id: uuid.UUID):
    case = get_case_for(current_actor(), case_id, least=CaseView.OVERSIGHT)
    attachment, data = attachments.attachment_of(case, attachment_id)
    response = Response(data, mimetype=attachment.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
