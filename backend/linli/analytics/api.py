from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.analytics import service
from linli.analytics.schemas import DemandArgs, DemandOut
from linli.db import reading_from_replica, utcnow
from linli.orgs.models import OrgKind

blp = Blueprint(
    "analytics", __name__, url_prefix="/analytics", description="Demand figures of an area"
)


@blp.route("/demand")
@jwt_required()
@blp.arguments(DemandArgs, location="query")
@blp.response(200, DemandOut)
def demand(args):
    """Needs by period × category × org, unmet needs, supply against demand and recurring
    needs, over the caller's area (staff only; counts and names, no personal data)."""
    with reading_from_replica():
        return service.demand_figures(
            current_actor(),
            by=args["by"],
            level=OrgKind(args["level"]),
            granularity=args["granularity"],
            first=args.get("from_"),
            last=args.get("to"),
            now=utcnow(),
        )
