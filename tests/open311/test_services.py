"""Categories as GeoReport v2 services: the list, the definitions, discovery."""

import pytest
from sqlalchemy import select

from linli.categories.models import Category
from linli.extensions import db
from tests.open311.conftest import V2, as_xml_text, xml_items


def test_services_are_the_active_categories_in_chinese_and_validate(client, world, conforms):
    world_categories = client.get("/api/v1/categories").get_json()
    body = conforms(client.get(f"{V2}/services.json").get_json(), "services.json")

    assert [s["service_code"] for s in body] == [c["code"] for c in world_categories]
    facility = next(s for s in body if s["service_code"] == "facility")
    assert facility == {
        "service_code": "facility",
        "service_name": "设施问题",
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": "设施问题,Facility problems",
        "group": "设施问题",
    }
    other = next(s for s in body if s["service_code"] == "other")
    assert other["metadata"] is False


@pytest.mark.parametrize(
    "how", [{"query_string": {"locale": "en"}}, {"headers": {"Accept-Language": "en-US,en"}}]
)
def test_services_are_in_english_when_asked(client, world, how):
    body = client.get(f"{V2}/services.json", **how).get_json()

    elderly = next(s for s in body if s["service_code"] == "elderly_care")
    assert (elderly["service_name"], elderly["group"]) == (
        "Elderly care",
        "Community embedded services",
    )


def test_the_xml_list_carries_what_the_json_does(client, world):
    as_json = client.get(f"{V2}/services.json").get_json()
    response = client.get(f"{V2}/services.xml")

    assert response.get_data().startswith(b"<?xml")
    assert xml_items(response) == [as_xml_text(s) for s in as_json]


def test_a_door_to_door_service_asks_for_the_building_and_home(client, world, conforms):
    body = conforms(
        client.get(f"{V2}/services/elderly_care.json").get_json(), "service-definition.json"
    )

    assert body["service_code"] == "elderly_care"
    assert [(a["code"], a["datatype"], a["required"], a["order"]) for a in body["attributes"]] == [
        ("building", "string", True, 1),
        ("household", "string", False, 2),
    ]


def test_a_list_attribute_names_its_values_and_the_xml_agrees(client, world, conforms):
    as_json = conforms(
        client.get(f"{V2}/services/facility.json").get_json(), "service-definition.json"
    )
    response = client.get(f"{V2}/services/facility.xml")

    kinds = as_json["attributes"][0]["values"]
    assert {"key": "lift", "name": "电梯"} in kinds
    assert xml_items(response) == [
        as_json["service_code"],
        [as_xml_text(a) for a in as_json["attributes"]],
    ]


def test_a_service_without_extra_fields_has_an_empty_definition(client, world, conforms):
    body = conforms(client.get(f"{V2}/services/other.json").get_json(), "service-definition.json")

    assert body == {"service_code": "other", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_or_inactive_service_is_a_404_in_the_specs_shape(client, world, fmt):
    db.session.scalar(select(Category).where(Category.code == "childcare")).active = False
    db.session.commit()
    for code in ("nothing_like_it", "childcare"):
        response = client.get(f"{V2}/services/{code}.{fmt}")

        assert response.status_code == 404
        if fmt == "json":
            [error] = response.get_json()
            assert error["code"] == 404 and error["description"]
        else:
            [error] = xml_items(response)
            assert error["code"] == "404" and error["description"]


def test_discovery_names_this_endpoint_in_both_formats(client, world):
    body = client.get(f"{V2}/discovery.json").get_json()

    [endpoint] = body["endpoints"]
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert xml_items(client.get(f"{V2}/discovery.xml")) == list(as_xml_text(body).values())


def test_an_unknown_format_or_path_is_no_app_shell(client, world):
    assert client.get(f"{V2}/services.csv").status_code == 404
    assert client.get(f"{V2}/nothing.json").status_code == 404


def test_answers_are_data_that_no_browser_runs(client, world):
    response = client.get(f"{V2}/services.xml")

    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
