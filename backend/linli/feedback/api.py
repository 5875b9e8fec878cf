from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.cases.schemas import CaseOut, EventOut
from linli.cases.scope import get_case_for
from linli.db import utcnow
from linli.feedback import review, service
from linli.feedback.schemas import AppealIn, RatingIn, ReviewIn, ReviewListArgs, ReviewPage
from linli.idempotency import idempotent

blp = Blueprint("feedback", __name__, url_prefix="/cases", description="Ratings and reviews")
reviews_blp = Blueprint(
    "reviews", __name__, url_prefix="/reviews", description="The party branch's review queue"
)


@blp.route("/<uuid:case_id>/rating", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(RatingIn)
@blp.response(200, CaseOut)
def rate_case(data, case_id):
    """The reporter rates a resolved case within the rating window (or the grid worker who
    reported it records their verdict): 3–5 stars and resolved closes it, else it reopens
    one level up."""
    actor = current_actor()
    case = get_case_for(actor, case_id)
    service.rate_case(
        case,
        actor=actor,
        resolved=data["resolved"],
        stars=data["stars"],
        comment=data.get("comment", ""),
        channel=data.get("channel"),
        now=utcnow(),
    )
    return case


@blp.route("/<uuid:case_id>/appeal", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(AppealIn)
@blp.response(200, CaseOut)
def appeal_case(data, case_id):
    """The reporter appeals a closed case, once, within the appeal window: it is handled again
    one level up (422 once appealed or after the window)."""
    actor = current_actor()
    case = get_case_for(actor, case_id)
    return service.appeal_case(case, actor=actor, reason=data["reason"], now=utcnow())


@reviews_blp.route("")
@jwt_required()
@reviews_blp.arguments(ReviewListArgs, location="query")
@reviews_blp.response(200, ReviewPage)
def review_queue(args):
    """Cases in scope with a low rating, overdue, bounced twice, escalated or rejected, that
    changed since they were last marked reviewed; searched by `q`, newest first unless
    `sort` says otherwise, keyset cursor."""
    items, next_cursor = review.review_queue(
        current_actor(),
        reasons=args.get("reason"),
        q=args.get("q"),
        order=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
        now=utcnow(),
    )
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/<uuid:case_id>/reviews", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(ReviewIn)
@blp.response(201, EventOut)
def review_case(data, case_id):
    """A reviewer adds a supervision note (the handlers are told) or marks the case reviewed."""
    return review.review_case(
        current_actor(),
        case_id,
        kind=data["kind"],
        note=data.get("note", ""),
        public=data["public"],
        now=utcnow(),
    )
