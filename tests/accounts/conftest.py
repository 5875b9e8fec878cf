"""Registration codes, read where the test app's SMS sender keeps them (MemorySender)."""

import pytest

from linli.accounts.service import normalize_mainland_mobile
from linli.accounts.sms import MemorySender
from tests.support import API


def sent_code(phone: str) -> str | None:
    """The newest code texted to `phone` (any spelling), if any."""
    number = normalize_mainland_mobile(phone)
    codes = [code for to, kind, code in MemorySender.outbox if to == number and kind == "code"]
    return codes[-1] if codes else None


def ask_for_code(client, phone, **kwargs):
    return client.post(f"{API}/auth/verification-codes", json={"phone": phone}, **kwargs)


@pytest.fixture(autouse=True)
def sms():
    """The messages texted during the test: (phone, kind, code)."""
    MemorySender.outbox.clear()
    yield MemorySender.outbox
    MemorySender.outbox.clear()
