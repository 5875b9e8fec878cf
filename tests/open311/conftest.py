"""Open311 fixtures: a key for a client app, its posts, and the official answer schemas."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource

from linli.db import utcnow
from linli.open311 import keys

V2 = "/open311/v2"
# The JSON Schemas of open311/schema-validation (georeport-v2), as shared with the project.
SCHEMAS = Path("/work/shared/open311")


def _schemas() -> dict:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}


@pytest.fixture(scope="session")
def conforms():
    """conforms(body, "services.json"): the answer validates against that official schema
    (formats too: date-time and uri)."""
    schemas = _schemas()
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=_draft()))
        for name, schema in schemas.items()
    )

    def check(body, name: str):
        schema = schemas[name]
        validator = validator_for(schema)(schema, registry=registry, format_checker=FormatChecker())
        errors = [e.message for e in validator.iter_errors(body)]
        assert errors == [], errors
        return body

    return check


def _draft():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


@pytest.fixture
def issued(world):
    """A key for a client app whose reports go to community A: (row, key)."""
    return keys.issue_key(
        "市民服务App", community_id=world.community_a.id, actor=world.admin, now=utcnow()
    )


@pytest.fixture
def api_key(issued) -> str:
    return issued[1]


@pytest.fixture
def post_request(client, api_key):
    """post_request(fmt="json", **form) → the response of a client app's POST."""

    def post(fmt="json", **form):
        body = {
            "api_key": api_key,
            "service_code": "other",
            "address_string": "桃园路1号",
            "description": "路灯坏了，晚上很黑",
            **form,
        }
        return client.post(
            f"{V2}/requests.{fmt}", data={k: v for k, v in body.items() if v is not None}
        )

    return post


def xml_items(response) -> list[dict]:
    """The children of the XML root, each as {tag: text} (nested lists as lists of dicts)."""
    assert response.content_type == "text/xml; charset=utf-8"
    root = ET.fromstring(response.get_data())
    return [_element(item) for item in root]


LIST_TAGS = {"attributes", "values", "endpoints", "formats"}


def _element(element):
    if element.tag in LIST_TAGS:
        return [_element(child) for child in element]
    if len(element) == 0:
        return element.text
    return {child.tag: _element(child) for child in element}


def as_xml_text(value):
    """What the JSON value looks like as XML text (where an empty string is no text)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [as_xml_text(v) for v in value]
    if isinstance(value, dict):
        return {k: as_xml_text(v) for k, v in value.items()}
    return str(value)
