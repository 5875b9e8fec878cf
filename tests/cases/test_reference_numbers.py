"""Reference numbers: one per report, in order; on PostgreSQL the year's counter is not held
by a report's transaction, so reports do not queue behind each other (issue 9)."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from linli.cases.service import next_reference
from linli.extensions import db

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


def test_numbers_follow_each_other_within_a_year_and_start_again_the_next():
    first, second = next_reference(NOW), next_reference(NOW)
    next_year = next_reference(datetime(2027, 1, 1, tzinfo=UTC))

    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert first.startswith("LL-2026-") and next_year == "LL-2027-000001"


@pytest.mark.commits
def test_a_report_still_open_does_not_hold_the_counter_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the report's transaction holds it")
    taken = next_reference(NOW)  # the report's transaction stays open from here …
    db.session.execute(sa.text("SELECT 1"))
    with db.engine.connect() as other:  # … while another report takes the next number
        other.execute(sa.text("SET lock_timeout = '2s'"))
        number = other.scalar(
            sa.text(
                "UPDATE reference_counters SET last = last + 1 WHERE year = 2026 RETURNING last"
            )
        )
        other.commit()
    db.session.rollback()

    assert number == int(taken.rsplit("-", 1)[1]) + 1
