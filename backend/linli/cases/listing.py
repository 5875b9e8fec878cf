"""Case lists: search, the three orders a queue offers, and keyset pages for each.

A cursor carries the order it was made for and the last row's sort key and id, so the
next page starts after that row whatever was added meanwhile.
"""

import base64
import enum
import json
import uuid
from datetime import datetime

from sqlalchemy import and_, literal, or_, select

from linli.cases.models import CASE_DUE_AT, Case
from linli.categories.models import Category
from linli.db import UTCDateTime
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider


class CaseOrder(enum.StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    DUE = "due"  # the running clock soonest: accepting until accepted, then resolving


def _sort_key(order: CaseOrder):
    return CASE_DUE_AT if order is CaseOrder.DUE else Case.created_at


def search_condition(q: str, *, private_too):
    """Cases whose title, reference, description or address contains `q` (any case).

    `private_too`: the condition under which description and address may be searched too
    (a neighbour who +1'd a case does not learn its household's words by searching)."""
    public = or_(
        Case.title.icontains(q, autoescape=True), Case.reference.icontains(q, autoescape=True)
    )
    private = or_(
        Case.description.icontains(q, autoescape=True), Case.address.icontains(q, autoescape=True)
    )
    return or_(public, and_(private_too, private))


def summaries(query):
    """`query` (a SELECT of cases with its filters) as what a queue row shows, one row of
    plain columns per case (CaseSummaryOut): names joined in, nothing per row, and no ORM
    instances to build, since queues are listed many times a second."""
    columns = select(
        Case.id,
        Case.reference,
        Category.code.label("category"),
        Case.title,
        Case.org_id,
        Org.name.label("org_name"),
        Case.priority,
        Case.state,
        Case.version,
        Case.escalation_level,
        Case.accept_due_at,
        Case.resolve_due_at,
        Case.accepted_at,
        Case.unmet_need,
        Case.provider_id,
        Provider.name.label("provider_name"),
        Case.supporters,
        Case.created_at,
        Case.updated_at,
        Case.resolved_at,
        Case.closed_at,
        Case.withdrawn_at,
    )
    summary = (
        columns.select_from(Case)
        .join(Category, Category.id == Case.category_id)
        .join(Org, Org.id == Case.org_id)
        .outerjoin(Provider, Provider.id == Case.provider_id)
    )
    return summary if query.whereclause is None else summary.where(query.whereclause)


def searched(query, actor, q: str | None):
    """`query` (a SELECT involving Case) narrowed to the cases matching `q`, as `actor` may
    search them: the one search of every case list (the queue, the review queue, co-tasks)."""
    from linli.cases.scope import sees_private_fields

    q = (q or "").strip()
    if not q:
        return query
    return query.where(search_condition(q, private_too=sees_private_fields(actor)))


def encode_cursor(order: CaseOrder, key: datetime, row_id) -> str:
    raw = json.dumps([order.value, key.isoformat(), str(row_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, order: CaseOrder, id_type=uuid.UUID) -> tuple[datetime, object]:
    try:
        made_for, key, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = datetime.fromisoformat(key)
        if at.tzinfo is None:
            raise ValueError("a naive time cannot be compared with the sort key")
        if not isinstance(row_id, str):
            raise TypeError("an id travels as a string")
        parsed = id_type(row_id)
    except (ValueError, TypeError, UnicodeDecodeError):
        abort(422, "bad cursor", errors={"cursor": ["not a cursor this API gave out"]})
    if made_for != order.value:
        abort(422, "the cursor is for another order", errors={"cursor": [f"made for {made_for}"]})
    return at, parsed


def keyset_page(
    query,
    order: CaseOrder,
    *,
    limit: int,
    cursor: str | None,
    keys=None,
    id_column=Case.id,
    rows=False,
):
    """One page of `query` (a SELECT of cases) in `order`: (cases, next cursor or None).

    Another list ordered by its own columns (a unit's co-tasks) passes `keys` (order → its
    sort column) and its `id_column`; the page then holds its rows. `rows`: `query` selects
    columns (`summaries`), and the page is of those rows."""
    key = keys[order] if keys else _sort_key(order)
    descending = order is CaseOrder.NEWEST
    if cursor:
        after, after_id = decode_cursor(cursor, order, id_column.type.python_type)
        bound = literal(after, UTCDateTime())
        if descending:
            query = query.where(or_(key < bound, and_(key == bound, id_column < after_id)))
        else:
            query = query.where(or_(key > bound, and_(key == bound, id_column > after_id)))
    ordering = (key.desc(), id_column.desc()) if descending else (key.asc(), id_column.asc())
    found = db.session.execute(query.add_columns(key).order_by(*ordering).limit(limit + 1)).all()
    page = found[:limit] if rows else [row[0] for row in found[:limit]]
    next_cursor = None
    if len(found) > limit:
        last = found[limit - 1]
        last_id = getattr(last if rows else last[0], id_column.key)
        next_cursor = encode_cursor(order, last[-1], last_id)
    return page, next_cursor
