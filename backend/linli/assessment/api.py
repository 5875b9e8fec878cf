from flask import request
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.assessment import service
from linli.assessment.exports import export_response, wanted_format
from linli.assessment.schemas import AssessmentArgs, AssessmentOut, PublicationOut
from linli.db import reading_from_replica, utcnow
from linli.orgs.models import OrgKind

blp = Blueprint(
    "assessment",
    __name__,
    url_prefix="/assessment",
    description="The assessment of units (three rates) and its published months",
)


@blp.route("")
@jwt_required()
@blp.arguments(AssessmentArgs, location="query")
@blp.response(200, AssessmentOut)
def assessment(args):
    """One row per unit of the caller's area with its response, resolution and
    satisfaction rates, score and rank, for a month (default: this one) or from..to."""
    now = utcnow()
    span = service.span_of(
        period=args.get("period"), first=args.get("from_"), last=args.get("to"), now=now
    )
    with reading_from_replica():
        table = service.assessment_table(
            current_actor(),
            group_by=args["group_by"],
            level=OrgKind(args["level"]),
            org_id=args.get("org_id"),
            span=span,
            view=args["view"],
            now=now,
        )
    fmt = wanted_format(args.get("format"), request.accept_mimetypes)
    if fmt != "json":
        return export_response(table, fmt=fmt, lang=args["lang"])
    return table


@blp.route("/periods/<string:period>/publish", methods=["POST"])
@jwt_required()
@blp.response(201, PublicationOut)
def publish(period):
    """A district or city officer freezes a finished month of their area (once)."""
    publication = service.publish_month(current_actor(), period, now=utcnow())
    return service.publication_view(publication)
