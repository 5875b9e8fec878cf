from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.cases.schemas import CaseOut
from linli.cases.service import get_case_for
from linli.db import utcnow
from linli.feedback import service
from linli.feedback.schemas import RatingIn
from linli.idempotency import idempotent

blp = Blueprint("feedback", __name__, url_prefix="/cases", description="Ratings")


@blp.route("/<uuid:case_id>/rating", methods=["POST"])
@jwt_required()
@idempotent()
@blp.arguments(RatingIn)
@blp.response(200, CaseOut)
def rate_case(data, case_id):
    """The reporter rates a resolved case: 3–5 stars and resolved closes it, else it reopens."""
    actor = current_actor()
    case = get_case_for(actor, case_id)
    service.rate_case(case, actor=actor, resolved=data["resolved"], stars=data["stars"],
                      comment=data.get("comment", ""), now=utcnow())
    return case
