"""The GeoReport v2 mapping: categories as services, cases as service requests.

Reading goes through cases/scope.py's public reader (which cases, which fields, which
events); filing goes through cases/service.py like every other channel.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from linli.cases.models import OPEN_STATES, Case, CaseState, EventKind
from linli.cases.scope import public_cases, public_events, public_field_visible
from linli.cases.service import report_through_open311
from linli.categories.models import Category
from linli.categories.service import list_categories
from linli.errors import abort
from linli.extensions import db
from linli.open311.models import Open311Key

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-04T00:00:00Z"  # when this adapter's answers last changed shape
FORMATS = ["application/json", "text/xml"]
MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
TITLE_LENGTH = 40

# The national list (categories/service.py) in the groups it is made of.
GROUPS = {
    "facility": ("设施问题", "Facility problems"),
    "other": ("其他诉求", "Other"),
}
EMBEDDED_SERVICES = ("社区嵌入式服务", "Community embedded services")


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: tuple[str, str]  # zh-CN, English
    values: tuple[tuple[str, str, str], ...] = ()  # (key, zh-CN, English)


# Where a unit comes to the door it needs the building and the home.
_DOOR = (
    Attribute("building", "string", True, ("楼栋（如 3号楼）", "Building (e.g. No. 3)")),
    Attribute("household", "string", False, ("门牌号（如 2-101）", "Flat (e.g. 2-101)")),
)
ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "elderly_care": _DOOR,
    "housekeeping": _DOOR,
    "community_meals": _DOOR,
    "health": _DOOR,
    "facility": (
        Attribute(
            "facility_kind",
            "singlevaluelist",
            True,
            ("哪类设施", "Which facility"),
            (
                ("lift", "电梯", "Lift"),
                ("lighting", "照明", "Lighting"),
                ("water", "供水", "Water supply"),
                ("canteen", "助餐点", "Community canteen"),
                ("playground", "游乐设施", "Playground"),
                ("other", "其他", "Other"),
            ),
        ),
    ),
}

# A category's own extra questions (the console's) as attributes: the spec's datatypes.
_DATATYPES = {"text": "string", "number": "number", "choice": "singlevaluelist"}
_YES_NO = (("true", "是", "Yes"), ("false", "否", "No"))


def _asked(field: dict) -> Attribute:
    choices = tuple((c["key"], c["label_zh"], c["label_en"]) for c in field.get("choices") or [])
    return Attribute(
        field["key"],
        _DATATYPES.get(field["type"], "singlevaluelist"),
        bool(field.get("required")),
        (field["label_zh"], field["label_en"]),
        _YES_NO if field["type"] == "boolean" else choices,
    )


def attributes_of(category: Category) -> tuple[Attribute, ...]:
    """The built-in attributes of the service, then the category's extra questions."""
    built_in = ATTRIBUTES.get(category.code, ())
    taken = {a.code for a in built_in}
    return built_in + tuple(_asked(f) for f in category.fields or [] if f["key"] not in taken)


STATUS_NOTICE = {
    CaseState.SUBMITTED: ("待派单", "Awaiting dispatch"),
    CaseState.ASSIGNED: ("待接单", "Awaiting acceptance"),
    CaseState.IN_PROGRESS: ("办理中", "In progress"),
    CaseState.RETURNED: ("退单待审", "Returned, under review"),
    CaseState.RESOLVED: ("已办结，待评价", "Done, awaiting rating"),
    CaseState.CLOSED: ("已结案", "Closed"),
    CaseState.REJECTED: ("不予受理", "Not accepted"),
}


def _pick(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


# --- services ------------------------------------------------------------------------------


def _service(category: Category, locale: str) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name_en if locale == "en" else category.name_zh,
        "description": None,
        "metadata": bool(attributes_of(category)),
        "type": "realtime",
        "keywords": f"{category.name_zh},{category.name_en}",
        "group": _pick(GROUPS.get(category.code, EMBEDDED_SERVICES), locale),
    }


def services(locale: str) -> list[dict]:
    """The active categories, in display order."""
    return [_service(c, locale) for c in list_categories()]


def _active_category(code: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        abort(404, f"no service {code!r}")
    return category


def service_definition(code: str, locale: str) -> dict:
    """The extra fields a service asks for (404 for an unknown or inactive one)."""
    category = _active_category(code)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": None,
                "order": order,
                "description": _pick(a.description, locale),
                "values": [
                    {"key": k, "name": zh if locale != "en" else en} for k, zh, en in a.values
                ],
            }
            for order, a in enumerate(attributes_of(category), start=1)
        ],
    }


def discovery(base_url: str, *, contact: str, key_service: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


# --- filing a request ------------------------------------------------------------------------


def _attribute_values(category: Category, given: dict[str, list[str]]) -> dict:
    """The attributes sent (attribute[code]=value), checked against the definition: 400 names
    each wrong one."""
    definition = {a.code: a for a in attributes_of(category)}
    errors, values = {}, {}
    for name in given.keys() - definition.keys():
        errors[f"attribute[{name}]"] = "not an attribute of this service"
    for a in definition.values():
        sent = [v.strip() for v in given.get(a.code, []) if v.strip()]
        keys = {k for k, _, _ in a.values}
        if not sent:
            if a.required:
                errors[f"attribute[{a.code}]"] = "required"
            continue
        if a.datatype != "multivaluelist" and len(sent) > 1:
            errors[f"attribute[{a.code}]"] = "one value only"
        elif keys and not set(sent) <= keys:
            errors[f"attribute[{a.code}]"] = f"one of {', '.join(sorted(keys))}"
        elif any(len(v) > 60 for v in sent):
            errors[f"attribute[{a.code}]"] = "at most 60 characters"
        elif a.datatype == "number" and not _is_number(sent[0]):
            errors[f"attribute[{a.code}]"] = "a number"
        else:
            values[a.code] = sent if a.datatype == "multivaluelist" else sent[0]
    if errors:
        abort(400, "invalid attributes", errors=errors)
    return values


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _answers(category: Category, values: dict) -> dict:
    """The values of the category's own questions, typed as the case keeps its answers."""
    answers = {}
    for field in category.fields or []:
        value = values.get(field["key"])
        if value is None:
            continue
        if field["type"] == "number":
            number = float(value)
            answers[field["key"]] = int(number) if number.is_integer() else number
        elif field["type"] == "boolean":
            answers[field["key"]] = value == "true"
        else:
            answers[field["key"]] = value
    return answers


_CJK = re.compile(r"[\u3400-\u9fff]")


def _reporter_name(first: str, last: str) -> str:
    # Chinese names are written family name first, without a space.
    if _CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def file_request(
    key: Open311Key, data: dict, attributes: dict, *, locale: str, now: datetime
) -> dict:
    """A client app's report (its key already checked): a new case in the key's community.

    The contact details go to the case's reporter fields (for the handlers only; an email
    address has no place there and is dropped); the media link and the attributes are kept
    on the case's first event.
    """
    category = _active_category_or_400(data["service_code"])
    values = _attribute_values(category, attributes)
    description = (data.get("description") or "").strip()
    first_line = description.splitlines()[0] if description else ""
    title = first_line[:TITLE_LENGTH] or category.name_zh
    submitted = {"attributes": values} if values else {}
    if data.get("media_url"):
        submitted["media_url"] = data["media_url"]
    case = report_through_open311(
        key.account,
        {
            "category": category.code,
            "title": title,
            "description": description,
            "address": data.get("address_string") or "",
            "lat": data.get("lat"),
            "lon": data.get("long"),
            "extra": _answers(category, values),
        },
        org=key.community,
        reporter={
            "reporter_name": _reporter_name(
                data.get("first_name", "").strip(), data.get("last_name", "").strip()
            ),
            "reporter_phone": data.get("phone", "").strip(),
        },
        submitted=submitted,
        now=now,
    )
    return {
        "service_request_id": case.reference,
        "service_notice": _pick(STATUS_NOTICE[case.state], locale),
        "account_id": None,
    }


def _active_category_or_400(code: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        abort(400, f"no service {code!r}", errors={"service_code": "no such service"})
    return category


# --- reading requests ----------------------------------------------------------------------


def _window(filters: dict, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime range: the spec's last 90 days by default, never wider."""
    start, end = filters.get("start_date"), filters.get("end_date")
    if end is None:
        end = start + MAX_SPAN if start is not None else now
    if start is None:
        start = end - MAX_SPAN
    if start > end:
        abort(400, "start_date is after end_date", errors={"start_date": "after end_date"})
    if end - start > MAX_SPAN:
        abort(
            400,
            "the dates span more than 90 days",
            errors={"end_date": "at most 90 days after start_date"},
        )
    return start, end


def list_requests(filters: dict, *, locale: str, now: datetime) -> list[dict]:
    """Public requests, newest first: by id (which overrides the rest), or by service,
    status and date window, a page at a time."""
    query = public_cases()
    if filters.get("service_request_id"):
        query = query.where(Case.reference.in_(filters["service_request_id"]))
    else:
        start, end = _window(filters, now)
        query = query.where(Case.created_at >= start, Case.created_at <= end)
        if filters.get("service_code"):
            query = query.join(Case.category).where(Category.code.in_(filters["service_code"]))
        statuses = set(filters.get("status") or ())
        if statuses == {"open"}:
            query = query.where(Case.state.in_(OPEN_STATES))
        elif statuses == {"closed"}:
            query = query.where(Case.state.not_in(OPEN_STATES))
        size = min(filters.get("page_size") or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        # The spec pages by number: an OFFSET, bounded by the 90-day window.
        query = query.limit(size).offset((filters.get("page", 1) - 1) * size)
    cases = list(db.session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc())))
    return _requests(cases, locale)


def get_request(reference: str, *, locale: str) -> list[dict]:
    """One request, as a list of one (the spec's shape); 404 if there is no such id."""
    case = db.session.scalar(public_cases().where(Case.reference == reference))
    if case is None:
        abort(404, f"no service request {reference!r}")
    return _requests([case], locale)


def _requests(cases: list[Case], locale: str) -> list[dict]:
    notes: dict = {}
    media: dict = {}
    # One read of the page's public events: each case's latest note, its media link.
    for event in db.session.scalars(public_events([c.id for c in cases])) if cases else ():
        if event.note:
            notes[event.case_id] = event.note
        if event.action is EventKind.SUBMIT and (event.data or {}).get("media_url"):
            media[event.case_id] = event.data["media_url"]
    return [_request(case, notes.get(case.id), media.get(case.id), locale) for case in cases]


def _request(case: Case, status_notes: str | None, media_url: str | None, locale: str) -> dict:
    def shown(field: str, value):
        return value if public_field_visible(case, field) else None

    closed = case.state not in OPEN_STATES
    return {
        "service_request_id": case.reference,
        "status": "closed" if closed else "open",
        "status_notes": status_notes,
        "service_name": case.category.name_en if locale == "en" else case.category.name_zh,
        "service_code": case.category.code,
        # The notice board's line for a case whose description is not public.
        "description": shown("description", case.description) or case.title,
        "agency_responsible": case.provider.name if case.provider else None,
        "service_notice": _pick(STATUS_NOTICE[case.state], locale),
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": None if closed else iso(case.resolve_due_at),
        "address": shown("address", case.address) or None,
        "address_id": None,
        "zipcode": None,
        "lat": shown("lat", case.lat),
        "long": shown("lon", case.lon),
        "media_url": shown("media_url", media_url),
    }
