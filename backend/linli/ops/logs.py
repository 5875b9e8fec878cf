"""One JSON line per request, and the request's id on every log line and problem body.

The id comes from X-Request-ID when it looks like one (nginx sends its $request_id), or is
made here; it is echoed in the response so a resident's report of an error can be found.
The request line logged is the URL rule (`/api/v1/cases/<int:case_id>`), never the path
or query string, which may hold a phone or a name; the user is their id.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask_jwt_extended import get_jwt

REQUEST_ID_HEADER = "X-Request-ID"
# What nginx ($request_id: 32 hex digits), load balancers and uuids send; anything else
# (too long, spaces, control characters) is replaced rather than written into the logs.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
APP_LOGGER = "linli"
REQUEST_LOGGER = "linli.request"
# Record attributes every LogRecord has: the rest were passed in `extra` and are logged.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime  # UTC in logs as in the database


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.linli_json = True
    return handler


def configure_logging(app: Flask) -> None:
    """The app's logger writes JSON lines to stderr (gunicorn and systemd collect them)."""
    logger = logging.getLogger(APP_LOGGER)
    logger.setLevel(app.config["LOG_LEVEL"])
    # One handler per process, however many apps it creates (tests make several).
    if not any(getattr(handler, "linli_json", False) for handler in logger.handlers):
        logger.addHandler(json_handler())
    app.before_request(_start_request)
    app.after_request(_log_request)


def _start_request() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> str | None:
    try:
        return get_jwt().get("sub")
    except RuntimeError:  # no token was checked on this request
        return None


def _log_request(response: Response) -> Response:
    request_id = current_request_id()
    if request_id is None:  # a before_request hook ahead of ours answered first
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    logging.getLogger(REQUEST_LOGGER).info(
        "request",
        extra={
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": _user_id(),
        },
    )
    return response
