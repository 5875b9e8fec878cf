"""Registration codes: proof that the registrant holds the phone, without telling anyone
whether that number already has an account."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from linli.accounts.models import User, VerificationCode
from linli.accounts.sms import get_sender
from linli.errors import abort
from linli.extensions import db

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def keyed_digest(*parts: str) -> str:
    """HMAC-SHA256 of `parts` under the app's secret: a stable name for a phone, a code or a
    username that does not reveal it (kept in the database, written in logs)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def request_registration_code(phone: str, *, now: datetime) -> None:
    """Send a code to a normalised number without an account; its owner gets a notice instead."""
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        get_sender().send_registered_notice(phone)
        return
    phone_digest = keyed_digest("phone", phone)
    # Only the newest code works: asking again retires the earlier ones.
    db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.phone_digest == phone_digest, VerificationCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        VerificationCode(
            phone_digest=phone_digest,
            code_digest=keyed_digest("code", phone_digest, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    db.session.commit()
    get_sender().send_code(phone, code)


def use_registration_code(phone: str, code: str, *, now: datetime) -> None:
    """Spend the phone's live code (committed with the caller's work), or 422 naming `code`.

    A number with an account never has a live code, so it gets the same answer as a wrong code.
    """
    phone_digest = keyed_digest("phone", phone)
    live = db.session.scalar(
        select(VerificationCode)
        .where(
            VerificationCode.phone_digest == phone_digest,
            VerificationCode.used_at.is_(None),
            VerificationCode.expires_at > now,
            VerificationCode.attempts < MAX_ATTEMPTS,
        )
        .order_by(VerificationCode.created_at.desc())
        .limit(1)
    )
    if live is not None and hmac.compare_digest(
        live.code_digest, keyed_digest("code", phone_digest, code)
    ):
        live.used_at = now
        return
    if live is not None:
        live.attempts += 1
        db.session.commit()
    abort(
        422,
        "wrong or expired verification code",
        errors={"code": ["wrong or expired code; ask for a new one"]},
    )
