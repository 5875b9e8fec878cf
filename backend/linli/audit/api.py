from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.audit import service
from linli.audit.schemas import AuditListArgs, AuditPage

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Administrative changes")


@blp.route("")
@jwt_required()
@blp.arguments(AuditListArgs, location="query")
@blp.response(200, AuditPage)
def audit_log(args):
    """Who changed what in the caller's area (an admin's subtree), and how; newest first."""
    items, next_cursor = service.audit_log(
        current_actor(),
        object_type=args.get("object_type"),
        object_id=args.get("object_id"),
        actor_id=args.get("actor_id"),
        q=args.get("q"),
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return {"items": items, "next_cursor": next_cursor}
