from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.notifications import service
from linli.notifications.schemas import (
    NotificationListArgs,
    NotificationOut,
    NotificationPage,
    ReadAllOut,
)

blp = Blueprint("notifications", __name__, url_prefix="/notifications", description="In-app inbox")


@blp.route("")
@jwt_required()
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationPage)
def list_notifications(args):
    """The caller's inbox, newest first, with the unread count."""
    items, next_cursor, unread = service.inbox(
        current_actor(), limit=args["limit"], cursor=args.get("cursor"), unread_only=args["unread"]
    )
    return {"items": items, "next_cursor": next_cursor, "unread_count": unread}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@jwt_required()
@blp.response(200, NotificationOut)
def read_notification(notification_id):
    return service.mark_read(current_actor(), notification_id, now=utcnow())


@blp.route("/read-all", methods=["POST"])
@jwt_required()
@blp.response(200, ReadAllOut)
def read_all():
    return {"marked": service.mark_all_read(current_actor(), now=utcnow())}
