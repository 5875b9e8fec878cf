"""A category's extra questions (set in the console) are its Open311 service's attributes:
listed in the service definition, checked on a client app's request, kept as the case's
answers like those of a report in the app."""

import pytest
from sqlalchemy import select

from linli.cases.models import Case
from linli.categories.models import Category
from linli.extensions import db
from tests.open311.conftest import V2

QUESTIONS = [
    {"key": "age", "label_zh": "老人年龄", "label_en": "Age", "type": "number", "required": True},
    {"key": "alone", "label_zh": "是否独居", "label_en": "Lives alone", "type": "boolean"},
]


@pytest.fixture
def asking(world):
    category = db.session.scalar(select(Category).where(Category.code == "other"))
    category.fields = QUESTIONS
    db.session.commit()


def test_the_questions_follow_the_built_in_attributes_in_the_definition(client, asking, conforms):
    body = conforms(client.get(f"{V2}/services/other.json").get_json(), "service-definition.json")
    assert [(a["code"], a["datatype"], a["required"]) for a in body["attributes"]] == [
        ("age", "number", True),
        ("alone", "singlevaluelist", False),
    ]
    assert body["attributes"][1]["values"] == [
        {"key": "true", "name": "是"},
        {"key": "false", "name": "否"},
    ]
    listed = client.get(f"{V2}/services.json").get_json()
    assert next(s for s in listed if s["service_code"] == "other")["metadata"] is True


def test_answers_sent_as_attributes_are_the_cases(asking, post_request):
    response = post_request(**{"attribute[age]": "82", "attribute[alone]": "true"})
    assert response.status_code == 201, response.get_json()
    reference = response.get_json()[0]["service_request_id"]
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    assert case.extra == {"age": 82, "alone": True}


@pytest.mark.parametrize(
    "form, attribute",
    [
        ({}, "attribute[age]"),
        ({"attribute[age]": "old"}, "attribute[age]"),
        ({"attribute[age]": "82", "attribute[alone]": "maybe"}, "attribute[alone]"),
    ],
)
def test_wrong_answers_are_a_400_naming_the_attribute(asking, post_request, form, attribute):
    response = post_request(**form)
    assert response.status_code == 400
    [error] = response.get_json()
    assert attribute in error["description"]
