"""Web Push and SMS behind the inbox, against a push service served on loopback."""

import base64
import json
import uuid
from datetime import timedelta

import http_ece
import pytest
from click.testing import CliRunner
from py_vapid import Vapid01
from sqlalchemy import select

from linli.db import utcnow
from linli.extensions import db
from linli.notifications.delivery import BACKOFF, MAX_ATTEMPTS, deliver_due, deliver_one
from linli.notifications.models import (
    DeliveryState,
    Notification,
    NotificationKind,
    PushSubscription,
)
from tests.notifications.conftest import Browser
from tests.support import assert_problem, count

API = "/api/v1/push"


@pytest.fixture
def subscribe(client, auth):
    def post(user, browser: Browser, language="zh-CN"):
        response = client.post(
            f"{API}/subscriptions", json=browser.subscription(language), headers=auth(user)
        )
        assert response.status_code == 201, response.get_json()
        return browser

    return post


@pytest.fixture
def accepted(new_case, drive, world):
    """accepted() → a case of resident_a's that world.provider has just accepted (JSON)."""

    def run():
        case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
        return drive(case, world.provider_staff, "accept")

    return run


def notice(case: dict, kind=NotificationKind.ACCEPTED) -> Notification:
    return db.session.scalar(
        select(Notification).where(
            Notification.case_id == uuid.UUID(case["id"]), Notification.kind == kind
        )
    )


def decrypt(browser: Browser, body: bytes) -> dict:
    plain = http_ece.decrypt(
        body,
        private_key=browser.private_key,
        auth_secret=browser.auth_secret,
        version="aes128gcm",
    )
    return json.loads(plain)


def test_a_push_reaches_the_browser_encrypted_in_its_language(
    vapid, push_service, subscribe, accepted, world, sms
):
    browser = subscribe(world.resident_a, Browser(f"{push_service.url}/send/a"), "en")
    case = accepted()

    assert notice(case).delivery_state is DeliveryState.PENDING  # nothing sent in the request
    assert push_service.received == []
    deliver_due(now=utcnow())

    [(path, headers, body)] = push_service.received
    assert path == "/send/a"
    assert headers["Content-Encoding"] == "aes128gcm"
    assert headers["Authorization"].startswith("vapid t=")
    assert f"k={vapid[0]}" in headers["Authorization"]
    payload = decrypt(browser, body)
    assert payload == {
        "title": "Linli",
        "body": f"Your case {case['reference']} was accepted and is in progress",
        "url": f"/cases/{case['id']}",
        "tag": f"case-{case['id']}",
    }
    # Nothing personal: not the resident's words, name or phone.
    text = json.dumps(payload, ensure_ascii=False)
    assert case["title"] not in text and world.resident_a.phone not in text
    row = notice(case)
    assert (row.delivery_state, row.delivery_channel) == (DeliveryState.SENT, "push")
    assert sms == []  # the push reached them


def test_chinese_is_the_default_language(vapid, push_service, subscribe, accepted, world, sms):
    browser = subscribe(world.resident_a, Browser(f"{push_service.url}/send/zh"))
    case = accepted()
    deliver_due(now=utcnow())
    [(_, _, body)] = push_service.received
    assert decrypt(browser, body)["body"] == f"你的诉求 {case['reference']} 已接单，正在办理"


def test_a_subscription_the_push_service_dropped_is_deleted_and_sms_takes_over(
    vapid, push_service, subscribe, accepted, world, sms
):
    push_service.status["/send/gone"] = 410
    subscribe(world.resident_a, Browser(f"{push_service.url}/send/gone"))
    case = accepted()
    deliver_due(now=utcnow())

    assert len(push_service.received) == 1
    assert count(PushSubscription) == 0
    assert sms == [
        (world.resident_a.phone, "accepted", f"你的诉求 {case['reference']} 已接单，正在办理")
    ]
    assert notice(case).delivery_channel == "sms"


def test_without_vapid_keys_nothing_is_pushed_and_residents_get_sms(
    push_service, subscribe, accepted, world, sms, client
):
    assert client.get(f"{API}/vapid-public-key").get_json() == {"public_key": None}
    subscribe(world.resident_a, Browser(f"{push_service.url}/send/a"))
    case = accepted()
    deliver_due(now=utcnow())

    assert push_service.received == []
    assert [kind for _, kind, _ in sms] == ["accepted"]
    assert notice(case).delivery_state is DeliveryState.SENT


def test_staff_hear_by_push_only_and_without_a_channel_the_row_needs_nothing(
    vapid, push_service, subscribe, new_case, drive, world, sms
):
    world.provider_staff.phone = "13900000099"
    db.session.commit()
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    deliver_due(now=utcnow())

    row = notice(case, NotificationKind.ASSIGNED)
    assert (row.delivery_state, row.delivery_channel) == (DeliveryState.NOT_REQUIRED, "")
    assert sms == []  # SMS is for what residents must hear about


def test_only_rows_a_channel_reaches_wait_for_delivery(
    vapid, push_service, subscribe, new_case, drive, world
):
    # Written as they are: nothing to deliver costs no delivery transactions (SQLite has
    # one writer); a subscribed member of staff's row waits, so does a resident's SMS notice.
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    assert notice(case, NotificationKind.ASSIGNED).delivery_state is DeliveryState.NOT_REQUIRED

    subscribe(world.provider_staff, Browser(f"{push_service.url}/send/staff"))
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    assert notice(case, NotificationKind.ASSIGNED).delivery_state is DeliveryState.PENDING
    case = drive(case, world.provider_staff, "accept")
    assert notice(case).delivery_state is DeliveryState.PENDING  # resident_a has a phone


def test_sms_notices_always_texts_as_well_as_pushing(
    vapid, push_service, subscribe, accepted, world, sms, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_NOTICES", "always")
    subscribe(world.resident_a, Browser(f"{push_service.url}/send/a"))
    case = accepted()
    deliver_due(now=utcnow())
    assert (len(push_service.received), len(sms)) == (1, 1)
    assert notice(case).delivery_channel == "push,sms"


def test_a_failed_push_is_retried_after_a_back_off_and_sent_once(
    vapid, push_service, subscribe, new_case, drive, world
):
    push_service.status["/send/staff"] = 503
    subscribe(world.provider_staff, Browser(f"{push_service.url}/send/staff"))
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    now = utcnow()
    deliver_due(now=now)

    row = notice(case, NotificationKind.ASSIGNED)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.PENDING, 1)
    assert row.delivery_due_at == now + BACKOFF[0]
    deliver_due(now=now + BACKOFF[0] / 2)  # not due yet
    assert len(push_service.received) == 1

    del push_service.status["/send/staff"]
    deliver_due(now=now + BACKOFF[0])
    deliver_due(now=now + timedelta(days=1))  # sent: nothing more goes out
    db.session.refresh(row)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.SENT, 2)
    assert len(push_service.received) == 2


def test_a_row_is_claimed_by_one_deliverer(vapid, push_service, subscribe, accepted, world):
    subscribe(world.resident_a, Browser(f"{push_service.url}/send/a"))
    row = notice(accepted())
    now = utcnow()
    row.delivery_due_at = None
    db.session.commit()

    assert deliver_one(row.id, now=now) is DeliveryState.SENT
    assert deliver_one(row.id, now=now) is None  # already sent
    assert len(push_service.received) == 1


def test_a_push_service_that_keeps_failing_ends_as_failed(
    vapid, push_service, subscribe, new_case, drive, world
):
    push_service.status["/send/staff"] = 500
    subscribe(world.provider_staff, Browser(f"{push_service.url}/send/staff"))
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        deliver_due(now=now + timedelta(days=attempt))
    row = notice(case, NotificationKind.ASSIGNED)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert len(push_service.received) == MAX_ATTEMPTS


def test_an_unreachable_push_service_is_retried(vapid, subscribe, new_case, drive, world):
    subscribe(world.provider_staff, Browser("http://127.0.0.1:9/nobody-listens"))
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    deliver_due(now=utcnow())
    assert notice(case, NotificationKind.ASSIGNED).delivery_state is DeliveryState.PENDING


def test_a_failing_sms_provider_is_retried(accepted, world, monkeypatch):
    from linli.accounts.sms import MemorySender

    def refuse(self, phone, **notice):
        raise ConnectionError("provider down")

    monkeypatch.setattr(MemorySender, "send_case_notice", refuse)
    case = accepted()
    deliver_due(now=utcnow())
    row = notice(case)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.PENDING, 1)


def test_the_log_sender_masks_the_number(app, accepted, world, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_SENDER", "linli.accounts.sms:LogSender")
    case = accepted()
    with caplog.at_level("INFO"):
        deliver_due(now=utcnow())
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to")]
    assert line == f"SMS to 139****0001: 你的诉求 {case['reference']} 已接单，正在办理"


# --- the subscription endpoints ----------------------------------------------------------


def test_the_vapid_public_key_is_served(client, vapid):
    assert client.get(f"{API}/vapid-public-key").get_json() == {"public_key": vapid[0]}


@pytest.mark.parametrize(
    "endpoint",
    ["http://push.example.org/send/1", "ftp://127.0.0.1/x", "not a url", "javascript:alert(1)"],
)
def test_an_endpoint_must_be_https(client, auth, world, endpoint):
    body = Browser(endpoint).subscription()
    response = client.post(f"{API}/subscriptions", json=body, headers=auth(world.resident_a))
    assert_problem(response, 422, "endpoint")
    assert count(PushSubscription) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"keys": None},
        {"keys": {"p256dh": "x"}},
        {"endpoint": ""},
        {"language": "fr"},
    ],
)
def test_a_bad_subscription_is_refused_field_by_field(client, auth, world, change):
    body = {**Browser("https://push.example.org/1").subscription(), **change}
    response = client.post(f"{API}/subscriptions", json=body, headers=auth(world.resident_a))
    assert_problem(response, 422, next(iter(change)))


def test_subscriptions_need_a_signed_in_user(client):
    body = Browser("https://push.example.org/1").subscription()
    assert client.post(f"{API}/subscriptions", json=body).status_code == 401


def test_one_deletes_only_ones_own_subscription(client, auth, world, subscribe):
    browser = subscribe(world.resident_a, Browser("https://push.example.org/send/a"))
    endpoint = {"endpoint": browser.endpoint}

    response = client.delete(f"{API}/subscriptions", json=endpoint, headers=auth(world.resident_b))
    assert_problem(response, 404)
    assert count(PushSubscription) == 1
    response = client.delete(f"{API}/subscriptions", json=endpoint, headers=auth(world.resident_a))
    assert response.status_code == 204
    assert count(PushSubscription) == 0


def test_a_browser_that_signs_in_as_someone_else_hands_its_endpoint_over(world, subscribe):
    browser = Browser("https://push.example.org/send/shared")
    subscribe(world.resident_a, browser)
    subscribe(world.resident_a2, browser, "en")
    [subscription] = db.session.scalars(select(PushSubscription)).all()
    assert (subscription.user_id, subscription.language) == (world.resident_a2.id, "en")


# --- the commands ------------------------------------------------------------------------


def test_vapid_keys_prints_a_pair_that_signs(app):
    output = CliRunner().invoke(app.cli, ["notifications", "vapid-keys"]).output
    lines = dict(line.split("=", 1) for line in output.split())
    public = base64.urlsafe_b64decode(lines["LINLI_VAPID_PUBLIC_KEY"] + "==")
    assert len(public) == 65 and public[0] == 4  # an uncompressed P-256 point
    signer = Vapid01.from_string(lines["LINLI_VAPID_PRIVATE_KEY"])
    headers = signer.sign({"sub": "mailto:a@example.org", "aud": "https://push.example.org"})
    assert Vapid01.verify(lines["LINLI_VAPID_PUBLIC_KEY"], headers["Authorization"])


def test_deliver_command_sends_what_is_pending(app, accepted, sms):
    accepted()
    result = CliRunner().invoke(app.cli, ["notifications", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sent 1, retrying 0, failed 0, no channel ")
    assert len(sms) == 1


def test_a_wrong_sms_notices_setting_refuses_to_start(monkeypatch, tmp_path):
    from linli.config import ConfigError, load_config

    monkeypatch.setenv("LINLI_SMS_NOTICES", "sometimes")
    with pytest.raises(ConfigError, match="LINLI_SMS_NOTICES must be one of fallback"):
        load_config({"SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path)})


def test_a_broken_vapid_key_fails_the_push_and_is_retried(
    app, monkeypatch, push_service, subscribe, new_case, drive, world
):
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", "BAAA")
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "not-a-key")
    subscribe(world.provider_staff, Browser(f"{push_service.url}/send/staff"))
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    deliver_due(now=utcnow())
    row = notice(case, NotificationKind.ASSIGNED)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.PENDING, 1)
    assert push_service.received == []


def test_a_deactivated_resident_is_not_texted(accepted, world, sms):
    case = accepted()
    world.resident_a.active = False
    db.session.commit()
    deliver_due(now=utcnow())
    assert notice(case).delivery_state is DeliveryState.NOT_REQUIRED
    assert sms == []


def test_a_row_whose_deliverer_died_is_sent_when_its_lease_runs_out(accepted, sms):
    from linli.notifications.delivery import LEASE, _claim

    row = notice(accepted())
    now = utcnow()
    assert _claim(row.id, now)  # a deliverer claimed it, then its process died
    deliver_due(now=now + LEASE / 2)
    assert sms == []
    deliver_due(now=now + LEASE)
    assert len(sms) == 1
    db.session.refresh(row)
    assert (row.delivery_state, row.delivery_attempts) == (DeliveryState.SENT, 2)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_kind_has_a_short_text_in_both_languages(kind):
    from linli.notifications.texts import notice_text

    data = {"reference": "LL-2026-000001", "level": "street", "title": "张三家的电梯"}
    zh, en = notice_text(kind, data, "zh-CN"), notice_text(kind, data, "en")
    assert "LL-2026-000001" in zh and "LL-2026-000001" in en
    assert "张三" not in zh + en  # the resident's own words stay out
    if kind is NotificationKind.ESCALATED:
        assert ("街道" in zh, "street" in en) == (True, True)
