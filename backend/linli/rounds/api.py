from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.idempotency import client_id_key, idempotent
from linli.rounds import service
from linli.rounds.schemas import VisitIn, VisitListArgs, VisitOut, VisitPage

blp = Blueprint("rounds", __name__, url_prefix="/visits", description="Door-to-door rounds")


_client_visit_key = client_id_key("visit")


@blp.route("", methods=["POST"])
@jwt_required()
@idempotent(fallback_key=_client_visit_key)
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
def record_visit(data):
    """A grid worker marks a household visited (idempotent by `Idempotency-Key` or `id`)."""
    visit, created = service.record_visit(current_actor(), data, now=utcnow())
    return visit, 201 if created else 200


@blp.route("")
@jwt_required()
@blp.arguments(VisitListArgs, location="query")
@blp.response(200, VisitPage)
def list_visits(args):
    items = service.list_visits(
        current_actor(), grid_id=args.get("grid_id"), since=args.get("since")
    )
    return {"items": items}
