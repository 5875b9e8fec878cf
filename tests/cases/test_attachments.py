"""Photos on cases: judged by their bytes (not their names), shown only to who sees the case."""

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from linli.cases.models import Attachment, CaseEvent
from linli.extensions import db
from tests.support import assert_problem


def image_bytes(fmt: str, size=(24, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


@pytest.fixture
def stored(upload_dir):
    """stored() → the files in the upload folder now."""
    return lambda: sorted(p for p in upload_dir.rglob("*") if p.is_file())


@pytest.fixture
def upload(client, auth, world):
    """upload(case, data, filename, user=resident_a, field="file", headers=None) → response."""

    def post(case, data: bytes, filename: str = "photo.jpg", user=None, field="file", headers=None):
        return client.post(
            f"/api/v1/cases/{case['id']}/attachments",
            data={field: (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
            headers=auth(user or world.resident_a, **(headers or {})),
        )

    return post


def attachment_rows(case) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.case_id == uuid.UUID(case["id"]))
    )


def photo_events(case) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == uuid.UUID(case["id"]), CaseEvent.action == "attach_photo")
    )


@pytest.mark.parametrize(
    ("fmt", "filename", "content_type"),
    [
        ("JPEG", "x.gif", "image/jpeg"),
        ("PNG", "photo.jpg", "image/png"),
        ("WEBP", "noext", "image/webp"),
        ("JPEG", "照片.JPG", "image/jpeg"),
    ],
)
def test_a_real_photo_is_stored_with_the_type_its_bytes_say(
    client, auth, world, new_case, upload, stored, fmt, filename, content_type
):
    case = new_case()
    data = image_bytes(fmt)
    response = upload(case, data, filename)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert photo_events(case) == 1

    photo = client.get(body["url"], headers=auth(world.resident_a))
    assert photo.status_code == 200
    # Stored re-encoded without metadata: the same picture, not the same bytes.
    assert (body["content_type"], body["size"]) == (content_type, len(photo.data))
    with Image.open(io.BytesIO(photo.data)) as stored_image:
        assert (stored_image.format, stored_image.size) == (fmt, (24, 16))
    assert photo.mimetype == content_type
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=auth(world.resident_a)).get_json()
    assert [a["id"] for a in seen["attachments"]] == [body["id"]]


@pytest.mark.parametrize("viewer", ["grid_worker_a1", "dispatcher_a", "admin"])
def test_staff_who_see_the_case_get_the_photo(client, auth, world, new_case, upload, viewer):
    data = image_bytes("PNG")
    url = upload(new_case(), data).get_json()["url"]
    photo = client.get(url, headers=auth(getattr(world, viewer)))
    assert (photo.status_code, photo.data) == (200, data)


@pytest.mark.parametrize(
    "outsider", ["resident_a2", "resident_b", "grid_worker_b1", "dispatcher_b", "provider_staff"]
)
def test_someone_who_cannot_see_the_case_gets_a_404_for_its_photo(
    client, auth, world, new_case, upload, outsider
):
    url = upload(new_case(), image_bytes("JPEG")).get_json()["url"]
    assert_problem(client.get(url, headers=auth(getattr(world, outsider))), 404)


def test_an_unknown_attachment_id_is_a_404(client, auth, world, new_case, upload):
    case = new_case()
    upload(case, image_bytes("JPEG"))
    response = client.get(
        f"/api/v1/cases/{case['id']}/attachments/{uuid.uuid4()}", headers=auth(world.resident_a)
    )
    assert_problem(response, 404)


def test_a_photo_is_not_reachable_through_another_case(client, auth, world, new_case, upload):
    url = upload(new_case(), image_bytes("JPEG")).get_json()["url"]
    other = new_case(title="另一件事")
    attachment_id = url.rsplit("/", 1)[1]
    response = client.get(
        f"/api/v1/cases/{other['id']}/attachments/{attachment_id}", headers=auth(world.resident_a)
    )
    assert_problem(response, 404)


def _gif() -> bytes:
    return image_bytes("GIF")


def _truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(64, 64))
    return data[: len(data) // 2]


FAKES = {
    "text-named-jpg": (lambda: b"hello, this is not a photo\n" * 10, "photo.jpg"),
    "truncated-jpeg": (_truncated_jpeg, "photo.jpg"),
    "jpeg-header-only": (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 60, "photo.jpg"),
    "gif": (_gif, "anim.gif"),
    "gif-named-png": (_gif, "photo.png"),
    "svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "x.svg",
    ),
    "svg-named-png": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "x.png"),
    "html": (lambda: b"<!doctype html><script>alert(1)</script>", "x.jpg"),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "scan.jpg"),
    "bmp": (lambda: image_bytes("BMP"), "x.jpg"),
    "empty": (lambda: b"", "empty.jpg"),
}


@pytest.mark.parametrize("kind", FAKES)
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_a_422_and_nothing_is_stored(
    new_case, upload, stored, kind
):
    case = new_case()
    make, filename = FAKES[kind]
    before = stored()
    assert_problem(upload(case, make(), filename), 422, "file")
    assert stored() == before
    assert attachment_rows(case) == 0
    assert photo_events(case) == 0


def test_a_photo_over_the_upload_limit_is_a_413_and_nothing_is_stored(
    app, new_case, upload, stored, monkeypatch
):
    case = new_case()
    data = image_bytes("PNG", size=(64, 64))
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(data) - 1)
    before = stored()
    assert_problem(upload(case, data), 413)
    assert stored() == before
    assert attachment_rows(case) == 0


def test_a_photo_of_exactly_the_upload_limit_is_accepted(app, new_case, upload, monkeypatch):
    case = new_case()
    data = image_bytes("PNG", size=(64, 64))
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", len(data))
    assert upload(case, data).status_code == 201


def test_a_request_over_the_body_limit_is_a_413_problem(app, new_case, upload, stored, monkeypatch):
    case = new_case()
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    before = stored()
    assert_problem(upload(case, image_bytes("PNG", size=(400, 400))), 413)
    assert stored() == before
    assert attachment_rows(case) == 0


def test_a_missing_file_field_is_a_422_naming_file(client, auth, world, new_case, upload, stored):
    case = new_case()
    before = stored()
    assert_problem(upload(case, image_bytes("JPEG"), field="photo"), 422, "file")
    response = client.post(
        f"/api/v1/cases/{case['id']}/attachments",
        data={"note": "没有文件"},
        content_type="multipart/form-data",
        headers=auth(world.resident_a),
    )
    assert_problem(response, 422, "file")
    assert stored() == before
    assert attachment_rows(case) == 0


@pytest.mark.parametrize("state", ["closed", "rejected"])
def test_a_photo_for_a_finished_case_is_a_422_and_nothing_is_stored(
    case_in_state, upload, stored, state
):
    case = case_in_state(state)
    before = stored()
    assert_problem(upload(case, image_bytes("JPEG")), 422)
    assert stored() == before
    assert attachment_rows(case) == 0


def test_a_photo_for_a_case_the_uploader_cannot_see_is_a_404(world, new_case, upload, stored):
    case = new_case()
    before = stored()
    assert_problem(upload(case, image_bytes("JPEG"), user=world.resident_b), 404)
    assert stored() == before
    assert attachment_rows(case) == 0


def test_a_replayed_upload_stores_the_photo_once(new_case, upload, stored):
    case = new_case()
    data = image_bytes("WEBP")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    before = len(stored())
    first = upload(case, data, headers=key)
    again = upload(case, data, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert attachment_rows(case) == 1
    assert len(stored()) == before + 1


def _phone_photo(fmt: str) -> bytes:
    """A photo as a phone takes it: GPS position, phone model, and turned (orientation 6)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 2.5), 3: "E", 4: (121.0, 28.0, 7.5)}  # GPS
    out = io.BytesIO()
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    options = {"exif": exif.tobytes()}
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("Comment", "1号楼 1-101 王阿姨")
        options["pnginfo"] = text
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_loses_its_exif_and_text_but_stays_upright(
    client, auth, world, new_case, upload, upload_dir, fmt
):
    data = _phone_photo(fmt)
    with Image.open(io.BytesIO(data)) as sent:
        assert sent.getexif()[0x0110] == "Model X"  # the test photo does carry them

    body = upload(new_case(), data, f"photo.{fmt.lower()}").get_json()
    served = client.get(body["url"], headers=auth(world.resident_a)).data
    [on_disk] = upload_dir.rglob(uuid.UUID(body["id"]).hex)

    assert on_disk.read_bytes() == served
    for raw in (served, on_disk.read_bytes()):
        assert b"Model X" not in raw and b"PhoneMaker" not in raw and "王阿姨".encode() not in raw
        with Image.open(io.BytesIO(raw)) as kept:
            assert dict(kept.getexif()) == {}
            assert "exif" not in kept.info and "Comment" not in kept.info
            assert kept.size == (20, 40)  # orientation applied: portrait, as the phone showed it


def test_each_photo_says_whose_it_is_on_the_case(client, auth, world, new_case, upload, drive):
    case = new_case()
    upload(case, image_bytes("JPEG"))
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    upload(case, image_bytes("PNG"), user=world.dispatcher_a)
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="修好了")
    upload(case, image_bytes("PNG"), user=world.provider_staff)

    seen = client.get(f"/api/v1/cases/{case['id']}", headers=auth(world.resident_a)).get_json()
    assert [a["source"] for a in seen["attachments"]] == ["reporter", "staff", "provider"]
