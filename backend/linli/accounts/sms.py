"""Text messages to phones, behind one small interface (LINLI_SMS_SENDER=module:Class).

The default writes to the app log, with the number masked (logs never hold phones); a real
provider is a class with the same three methods, named by the setting.
"""

import logging
from typing import ClassVar, Protocol

from flask import current_app
from werkzeug.utils import import_string

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send_code(self, phone: str, code: str) -> None:
        """Send a registration code to a normalised mainland mobile number."""

    def send_registered_notice(self, phone: str) -> None:
        """Tell the owner of an account that someone asked to register their number again."""

    def send_case_notice(self, phone: str, *, kind: str, reference: str, text: str) -> None:
        """Tell a resident what happened to their case (notifications/delivery.py).

        `text` is the whole message in the resident's language (notifications/texts.py);
        a provider that sends only registered templates picks one by `kind` and fills in
        `reference`. Raise to have the delivery retried.
        """


def mask(phone: str) -> str:
    """'13912345678' → '139****5678'."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) > 7 else "****"


class LogSender:
    """Development: the code goes to the app log (masked number), nothing leaves the machine."""

    def send_code(self, phone: str, code: str) -> None:
        current_app.logger.info("SMS to %s: registration code %s", mask(phone), code)

    def send_registered_notice(self, phone: str) -> None:
        current_app.logger.info("SMS to %s: already registered, sign in instead", mask(phone))

    def send_case_notice(self, phone: str, *, kind: str, reference: str, text: str) -> None:
        current_app.logger.info("SMS to %s: %s", mask(phone), text)


class MemorySender:
    """Tests and demos: messages are kept in `outbox` as (phone, kind, code or text) tuples."""

    outbox: ClassVar[list[tuple[str, str, str | None]]] = []

    def send_code(self, phone: str, code: str) -> None:
        self.outbox.append((phone, "code", code))

    def send_registered_notice(self, phone: str) -> None:
        self.outbox.append((phone, "registered", None))

    def send_case_notice(self, phone: str, *, kind: str, reference: str, text: str) -> None:
        self.outbox.append((phone, kind, text))


def get_sender() -> SmsSender:
    """The sender the SMS_SENDER setting names (one instance per app and setting)."""
    name = current_app.config["SMS_SENDER"]
    senders = current_app.extensions.setdefault("linli_sms", {})
    if name not in senders:
        senders[name] = import_string(name)()
    return senders[name]
