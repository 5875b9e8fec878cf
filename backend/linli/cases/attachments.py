"""Photos on cases: checked by content (JPEG, PNG, WebP only), kept behind a storage interface."""

import hashlib
import io
import uuid
import warnings
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.accounts.models import User
from linli.cases.events import record_event
from linli.cases.models import OPEN_STATES, Attachment, Case, CaseState, EventKind
from linli.errors import abort
from linli.extensions import db

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a phone photo is ~12 MP; more is a decompression bomb
ATTACHABLE_STATES = (*OPEN_STATES, CaseState.RESOLVED)


class PhotoStore(Protocol):
    """Where photo bytes live; a later backend (object storage) implements the same two calls."""

    def save(self, key: str, data: bytes) -> None: ...

    def load(self, key: str) -> bytes: ...


class LocalPhotoStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()


def photo_store() -> PhotoStore:
    return LocalPhotoStore(current_app.config["UPLOAD_FOLDER"])


def sniff_image(data: bytes) -> str:
    """The content type of a real JPEG/PNG/WebP image, or 422 (names and headers are not trusted)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        image_format = None
    if image_format not in ALLOWED_FORMATS:
        abort(
            422,
            "the file is not a JPEG, PNG or WebP image",
            errors={"file": ["not a JPEG, PNG or WebP image"]},
        )
    return ALLOWED_FORMATS[image_format]


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The photo re-encoded with no EXIF, XMP or text chunks (a phone's GPS fix of the
    resident's home, its model), its EXIF orientation applied first so it still shows
    upright. Only the colour profile is kept."""
    image_format = next(f for f, t in ALLOWED_FORMATS.items() if t == content_type)
    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)
        icc_profile = original.info.get("icc_profile")
        image.info = {}
        out = io.BytesIO()
        options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
        if icc_profile:
            options["icc_profile"] = icc_profile
        image.save(out, format=image_format, **options)
    return out.getvalue()


def attach_photo(case: Case, data: bytes, *, actor: User, now: datetime) -> Attachment:
    """Store a photo on a case the actor can see, and log it on the timeline."""
    if case.state not in ATTACHABLE_STATES:
        abort(
            422, f"the case is {case.state}; photos can no longer be added", state=case.state.value
        )
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        abort(413, f"the photo is larger than {limit} bytes", errors={"file": ["too large"]})
    if not data:
        abort(422, "the file is empty", errors={"file": ["empty"]})
    content_type = sniff_image(data)
    data = without_metadata(data, content_type)
    attachment_id = uuid.uuid4()
    key = attachment_id.hex
    photo_store().save(key, data)
    attachment = Attachment(
        id=attachment_id,
        case_id=case.id,
        uploaded_by_id=actor.id,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        created_at=now,
    )
    db.session.add(attachment)
    record_event(
        case,
        EventKind.ATTACH_PHOTO,
        actor=actor,
        now=now,
        public=True,
        data={"attachment_id": str(attachment_id)},
    )
    db.session.commit()
    return attachment


def attachment_of(case: Case, attachment_id: uuid.UUID) -> tuple[Attachment, bytes]:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        abort(404, "no such attachment")
    return attachment, photo_store().load(attachment.storage_key)
