from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.notifications import push, service
from linli.notifications.schemas import (
    NotificationListArgs,
    NotificationOut,
    NotificationPage,
    PushSubscriptionDelete,
    PushSubscriptionIn,
    PushSubscriptionOut,
    ReadAllOut,
    VapidKeyOut,
)

blp = Blueprint("notifications", __name__, url_prefix="/notifications", description="In-app inbox")
push_blp = Blueprint(
    "push", __name__, url_prefix="/push", description="Web Push subscriptions of the caller"
)


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


@push_blp.route("/vapid-public-key")
@push_blp.response(200, VapidKeyOut)
def vapid_public_key():
    """The key a browser subscribes with; null while this server sends no push."""
    return {"public_key": push.public_key()}


@push_blp.route("/subscriptions", methods=["POST"])
@jwt_required()
@push_blp.arguments(PushSubscriptionIn)
@push_blp.response(201, PushSubscriptionOut)
def subscribe(body):
    """Have this browser's notifications pushed to it (one endpoint reaches one user)."""
    return push.subscribe(
        current_actor(),
        endpoint=body["endpoint"],
        p256dh=body["keys"]["p256dh"],
        auth=body["keys"]["auth"],
        language=body["language"],
        now=utcnow(),
    )


@push_blp.route("/subscriptions", methods=["DELETE"])
@jwt_required()
@push_blp.arguments(PushSubscriptionDelete)
@push_blp.response(204)
def unsubscribe(body):
    """Stop pushing to this browser (only one's own subscription; idempotent)."""
    push.unsubscribe(current_actor(), body["endpoint"])
