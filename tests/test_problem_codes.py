"""Field errors carry stable codes beside their English text, for clients to translate
(issue 7, item 19: the PWA shows them in the user's language)."""

import pytest

from linli.errors import FIELD_ERROR_CODES, field_error_codes
from tests.support import API, assert_problem


def test_each_field_error_comes_with_its_code(world, post_report):
    answers = {
        "required": post_report(title=None),
        "too_long": post_report(title="长" * 201),
        "control": post_report(title="a\x00b"),
        "outside": post_report(org_id=world.grid_b1.id),
        "resident": post_report(
            world.grid_worker_a1, on_behalf_of={"resident_id": world.resident_b.id}
        ),
        "unknown": post_report(colour="red"),
    }
    codes = {name: assert_problem(r, 422)["codes"] for name, r in answers.items()}

    assert codes["required"]["title"] == [{"code": "required"}]
    assert codes["too_long"]["title"] == [{"code": "length", "min": 1, "max": 200}]
    assert codes["control"]["title"] == [{"code": "control_characters"}]
    assert codes["outside"] == {"org_id": [{"code": "outside_area"}]}
    # A resident outside the worker's area is coded like an id that does not exist.
    assert codes["resident"] == {"on_behalf_of": {"resident_id": [{"code": "not_found"}]}}
    assert codes["unknown"] == {"colour": [{"code": "unknown_field"}]}


def test_the_document_describes_the_codes(client):
    problem = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]["Problem"]

    description = problem["properties"]["codes"]["description"]
    assert all(code in description for _, code in FIELD_ERROR_CODES)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Missing data for required field.", {"code": "required"}),
        (
            "Must be greater than or equal to 1 and less than or equal to 5.",
            {"code": "out_of_range", "min": 1, "max": 5},
        ),
        ("Longer than maximum length 2000.", {"code": "too_long", "max": 2000}),
        ("Something new.", {"code": "invalid"}),
    ],
)
def test_messages_map_to_codes_in_the_same_nesting(message, code):
    assert field_error_codes({"a": {"0": [message]}}) == {"a": {"0": [code]}}
