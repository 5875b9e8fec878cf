"""The case list's "due soonest" order reads ix_cases_due in order (its expression is the
order's very expression, constants written into the statement), whatever the queue filters."""

import sqlalchemy as sa

from linli.extensions import db
from tests.support import CASES


def _plan(client, auth, user, query) -> str:
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(CASES, query_string=query, headers=auth(user))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert response.status_code == 200, response.get_json()
    statement, parameters = next(
        (s, p) for s, p in seen if "FROM cases" in s and "ORDER BY coalesce" in s
    )
    if db.engine.dialect.name == "postgresql":
        # Tiny tables: tell the planner that a scan and a sort cost what they do at scale.
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_sort = off"))
        explain = "EXPLAIN "
    else:
        explain = "EXPLAIN QUERY PLAN "
    rows = db.session.connection().exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_the_due_order_is_read_from_its_index(client, auth, world, new_case):
    new_case()
    new_case()
    queues = [(world.admin, {"sort": "due"})]
    if db.engine.dialect.name == "postgresql":
        # A dispatcher's to-do queue: SQLite (no statistics) picks the org index for so few
        # rows; PostgreSQL, told what a sort costs, walks the due index and filters.
        queues.append((world.dispatcher_a, {"sort": "due", "state": "submitted,returned"}))
    for user, query in queues:
        plan = _plan(client, auth, user, query)
        assert "ix_cases_due" in plan, plan
        assert "TEMP B-TREE" not in plan.upper() and "Sort Key" not in plan, plan


def test_the_due_order_still_sorts_by_the_running_clock(client, auth, world, new_case, drive):
    first = new_case(title="先报的")
    urgent = new_case(title="急的", priority="urgent")
    accepted = drive(first, world.dispatcher_a, "assign", provider_id=world.provider.id)
    drive(accepted, world.provider_staff, "accept")
    items = client.get(CASES, query_string={"sort": "due"}, headers=auth(world.admin)).get_json()
    assert items["items"][0]["id"] == urgent["id"]
