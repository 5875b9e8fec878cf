"""Right after the transaction commits, a thread of the process delivers (real commits)."""

import pytest
from sqlalchemy import select

from linli.extensions import db
from linli.notifications.delivery import _executor
from linli.notifications.models import DeliveryState, Notification, NotificationKind
from tests.support import settle

pytestmark = pytest.mark.commits


def delivered(app) -> None:
    """End the test thread's transaction (a request's teardown would), then wait until the
    deliveries queued so far are done."""
    settle()
    _executor(app).submit(lambda: None).result(timeout=30)


def test_the_request_returns_and_a_thread_delivers_after_commit(
    app, monkeypatch, new_case, drive, world, sms
):
    monkeypatch.setitem(app.config, "DELIVER_AFTER_COMMIT", True)
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    delivered(app)
    drive(case, world.provider_staff, "accept")
    delivered(app)
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.ACCEPTED)
    ).all()
    assert [row.delivery_state for row in rows] == [DeliveryState.SENT]
    assert [kind for _, kind, _ in sms] == ["accepted"]


def test_a_rolled_back_transaction_delivers_nothing(app, monkeypatch, world, sms):
    from linli.db import utcnow
    from linli.notifications.service import notify

    monkeypatch.setitem(app.config, "DELIVER_AFTER_COMMIT", True)
    notify([world.resident_a], NotificationKind.ACCEPTED, now=utcnow(), reference="LL-1")
    db.session.rollback()
    db.session.commit()  # a later commit of nothing does not deliver what was rolled back
    delivered(app)
    assert sms == []
    assert "linli_notifications_written" not in db.session.info
