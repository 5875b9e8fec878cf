"""Routing weighs each candidate unit's open cases on every report: the count reads the
(provider_id, state) index, not every case the unit ever had (issue 9)."""

import sqlalchemy as sa

from linli.extensions import db
from linli.routing.rules import open_loads


def _plan_of_open_loads(world) -> str:
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        open_loads([world.provider.id, world.other_provider.id])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = seen[-1]
    if db.engine.dialect.name == "postgresql":
        # The tables are tiny here: tell the planner that scans and other indexes cost, as
        # they do at scale (the sweep's partial index covers open cases too, unordered).
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        explain = "EXPLAIN "
    else:
        explain = "EXPLAIN QUERY PLAN "
    rows = db.session.connection().exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_a_units_open_cases_are_counted_from_the_provider_state_index(world, new_case):
    new_case()

    assert "ix_cases_provider_id_state" in _plan_of_open_loads(world)
