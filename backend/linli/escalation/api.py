from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.permissions import require_city_admin
from linli.accounts.service import current_actor
from linli.categories.service import category_by_code
from linli.db import utcnow
from linli.escalation import service
from linli.escalation.schemas import SlaPolicyIn, SlaPolicyOut

blp = Blueprint("sla", __name__, url_prefix="/sla-policies", description="SLA policies")


@blp.route("")
@jwt_required()
@blp.response(200, SlaPolicyOut(many=True))
def list_policies():
    """Configured policies (categories without one use the default row, then 2 h/24 h and 24 h/7 d)."""
    return service.list_policies()


@blp.route("", methods=["PUT"])
@jwt_required()
@blp.arguments(SlaPolicyIn)
@blp.response(200, SlaPolicyOut)
def set_policy(data):
    """Admins set accept/resolve durations for a category × priority (no category: the default)."""
    require_city_admin(current_actor())
    category = category_by_code(data["category"]) if data.get("category") else None
    return service.set_policy(
        category_id=category.id if category else None,
        priority=data["priority"],
        accept_within_minutes=data["accept_within_minutes"],
        resolve_within_minutes=data["resolve_within_minutes"],
        actor=current_actor(),
        now=utcnow(),
    )
