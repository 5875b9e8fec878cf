"""Web Push (RFC 8030, VAPID RFC 8292): a browser's subscriptions, and sending to them.

Nothing is sent while LINLI_VAPID_PRIVATE_KEY is unset. A push service that answers 404 or
410 has dropped the subscription: it is deleted, and the user is reached by SMS instead.
"""

import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid01, VapidException
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select

from linli.accounts.models import User
from linli.errors import abort
from linli.extensions import db
from linli.notifications.models import PushSubscription

# A push service answers in milliseconds; one that hangs must not hold the deliverer.
TIMEOUT_SECONDS = 5
TTL_SECONDS = 3 * 24 * 3600  # the push service keeps an undelivered message this long
GONE = (404, 410)


def vapid_key_pair() -> tuple[str, str]:
    """A new VAPID pair as (public, private): the public key is the browsers'
    applicationServerKey (uncompressed point), the private key its raw 32 bytes, base64url."""
    vapid = Vapid01()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        encoding=serialization.Encoding.X962,
        format=serialization.PublicFormat.UncompressedPoint,
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


def push_enabled() -> bool:
    return bool(current_app.config["VAPID_PRIVATE_KEY"] and current_app.config["VAPID_PUBLIC_KEY"])


def public_key() -> str | None:
    return current_app.config["VAPID_PUBLIC_KEY"] if push_enabled() else None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(endpoint: str) -> str | None:
    """Why `endpoint` cannot be a push service's URL, or None: https only (http to loopback
    only under test, where a push service is served on 127.0.0.1)."""
    parts = urlsplit(endpoint)
    if not parts.hostname:
        return "not a URL"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and current_app.testing and _loopback(parts.hostname):
        return None
    return "a push endpoint must be an https URL"


def subscribe(
    user: User, *, endpoint: str, p256dh: str, auth: str, language: str, now: datetime
) -> PushSubscription:
    """Record this browser's subscription for `user` (a browser that signed in as someone
    else hands its endpoint over: one endpoint reaches one user)."""
    problem = endpoint_problem(endpoint)
    if problem:
        abort(422, problem, errors={"endpoint": [problem]})
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, created_at=now)
        db.session.add(subscription)
    subscription.user_id = user.id
    subscription.p256dh, subscription.auth, subscription.language = p256dh, auth, language
    db.session.commit()
    return subscription


def unsubscribe(user: User, endpoint: str) -> None:
    """Forget this browser's subscription; another user's is not found."""
    deleted = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    ).rowcount
    if not deleted:
        abort(404, "no such push subscription of yours")
    db.session.commit()


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user_id)
            .order_by(PushSubscription.id)
        )
    )


@dataclass(frozen=True)
class PushOutcome:
    sent: bool
    gone: bool = False  # the push service no longer knows the subscription
    error: str = ""


def send_push(subscription: PushSubscription, payload: dict) -> PushOutcome:
    """POST one encrypted message to the subscription's push service."""
    try:
        webpush(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            json.dumps(payload, ensure_ascii=False),
            vapid_private_key=current_app.config["VAPID_PRIVATE_KEY"],
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
            timeout=TIMEOUT_SECONDS,
            ttl=TTL_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        return PushOutcome(False, gone=status in GONE, error=f"push service answered {status}")
    except (requests.RequestException, ValueError, VapidException) as error:
        # Unreachable, timed out, keys the browser gave us that do not decode, or a VAPID
        # key that does not (the operator's to fix: retried, then failed).
        return PushOutcome(False, error=type(error).__name__)
    return PushOutcome(True)
