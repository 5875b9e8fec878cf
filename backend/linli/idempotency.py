"""Replay-safe writes: the same Idempotency-Key and body give the same answer, once.

The PWA's outbox retries every write until it hears back; the key (the client's UUID)
makes a retry of an accepted write harmless. A different body under a used key is
refused with 422, and a retry while the first attempt is still running gets 409.
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, request
from flask_jwt_extended import current_user
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from linli.db import Base, utcnow
from linli.errors import abort
from linli.extensions import db

# A first attempt that has not answered within this long is taken to have died.
IN_FLIGHT_TIMEOUT = timedelta(minutes=2)
MAX_KEY_LENGTH = 100


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[dict | list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def request_fingerprint() -> str:
    """A hash of what this request asks for: method, path and body (JSON or multipart)."""
    digest = hashlib.sha256(f"{request.method} {request.path}".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"form:{name}={value}".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"file:{name}:{upload.filename}:".encode())
            digest.update(hashlib.sha256(upload.stream.read()).digest())
            upload.stream.seek(0)
    else:
        body = request.get_json(silent=True)
        if body is not None:
            digest.update(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())
        else:
            digest.update(request.get_data())
    return digest.hexdigest()


def client_id_key(prefix: str):
    """A fallback key from the body's client-chosen `id` (a new case's, a visit's).

    Only a well-formed UUID makes a key; anything else gives none, and the schema reports
    it under `id` (not as an over-long Idempotency-Key).
    """

    def key(body: dict) -> str:
        client_id = body.get("id")
        try:
            uuid.UUID(client_id)
        except (TypeError, ValueError, AttributeError):
            return ""
        return f"{prefix}:{client_id}"

    return key


def _claim(user_id: int, key: str, fingerprint: str, now: datetime) -> IdempotencyRecord | None:
    """Insert an in-flight record; return the earlier record instead when the key is used."""
    try:
        with db.session.begin_nested():
            db.session.add(
                IdempotencyRecord(user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
            )
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
        return _record(user_id, key)


def _record(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )


def _release(user_id: int, key: str) -> None:
    db.session.rollback()
    record = _record(user_id, key)
    if record is not None and record.status_code is None:
        db.session.delete(record)
        db.session.commit()


def idempotent(fallback_key=None):
    """Decorate a write view (above flask-smorest's decorators) to make replays harmless.

    `fallback_key(body)` may derive a key from the body when the header is absent
    (a new case's client-chosen id).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get("Idempotency-Key", "").strip()
            if not key and fallback_key is not None:
                body = request.get_json(silent=True)
                key = fallback_key(body) if isinstance(body, dict) else ""
            if not key:
                return view(*args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:
                abort(
                    422,
                    "Idempotency-Key is too long",
                    errors={"Idempotency-Key": [f"at most {MAX_KEY_LENGTH} characters"]},
                )
            user_id = current_user.id
            fingerprint = request_fingerprint()
            now = utcnow()
            earlier = _claim(user_id, key, fingerprint, now)
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    abort(
                        422,
                        "this Idempotency-Key was used for a different request",
                        type_="https://linli.example.org/problems/idempotency-key-reused",
                    )
                if earlier.status_code is not None:
                    replay = Response(
                        json.dumps(earlier.response_body, ensure_ascii=False),
                        status=earlier.status_code,
                        mimetype="application/json",
                    )
                    replay.headers["Idempotent-Replayed"] = "true"
                    return replay
                if now - earlier.created_at < IN_FLIGHT_TIMEOUT:
                    abort(
                        409,
                        "the first attempt of this request is still running; retry shortly",
                        headers={"Retry-After": "2"},
                    )
                earlier.created_at = now  # the first attempt died: this one takes over
                db.session.commit()
            try:
                response = view(*args, **kwargs)
            except Exception:
                _release(user_id, key)
                raise
            if 200 <= response.status_code < 300 and response.is_json:
                db.session.execute(
                    update(IdempotencyRecord)
                    .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
                    .values(status_code=response.status_code, response_body=response.get_json())
                )
                db.session.commit()
            else:
                _release(user_id, key)
            return response

        return wrapper

    return decorator
