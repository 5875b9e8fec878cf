"""A co-unit's task list: searched by its cases (the case list's search), sorted, in pages."""

import pytest

from tests.support import API, assert_problem, later

TASKS = f"{API}/tasks"

pytestmark = pytest.mark.usefixtures("other_provider_serves_a")


@pytest.fixture
def joint(drive, world, new_case):
    """joint(days=…, **report fields) → a case with other_provider's co-task due in `days`."""

    def build(days=2, **fields):
        return drive(
            new_case(**fields),
            world.dispatcher_a,
            "coordinate",
            lead_provider_id=world.provider.id,
            co_providers=[{"provider_id": world.other_provider.id, "due_at": later(days)}],
        )

    return build


@pytest.fixture
def tasks(client, auth, world):
    def get(**query):
        response = client.get(TASKS, query_string=query, headers=auth(world.other_provider_staff))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


def case_ids(page):
    return [t["case_id"] for t in page["items"]]


def test_tasks_are_found_by_title_reference_and_address(joint, tasks):
    lift = joint(title="电梯停运", address="3号楼")
    noise = joint(title="路灯不亮", address="小区东门")

    assert case_ids(tasks(q="电梯")) == [lift["id"]]
    assert case_ids(tasks(q=noise["reference"])) == [noise["id"]]
    assert case_ids(tasks(q="3号楼")) == [lift["id"]]
    assert case_ids(tasks(q="没有这件事")) == []


def test_the_search_never_reaches_another_units_tasks(joint, client, auth, world):
    joint(title="电梯停运")
    response = client.get(TASKS, query_string={"q": "电梯"}, headers=auth(world.provider_staff))
    assert response.get_json()["items"] == []  # the lead unit holds the case, not a task


def test_tasks_sort_by_deadline_by_default_and_page(joint, tasks):
    late = joint(days=5, title="晚")
    soon = joint(days=1, title="早")
    middle = joint(days=3, title="中")

    assert case_ids(tasks()) == [soon["id"], middle["id"], late["id"]]
    assert case_ids(tasks(sort="newest")) == [middle["id"], soon["id"], late["id"]]
    assert case_ids(tasks(sort="oldest")) == [late["id"], soon["id"], middle["id"]]

    first = tasks(limit=2)
    assert case_ids(first) == [soon["id"], middle["id"]]
    rest = tasks(limit=2, cursor=first["next_cursor"])
    assert (case_ids(rest), rest["next_cursor"]) == ([late["id"]], None)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"sort": "sideways"}, "sort"), ({"cursor": "not-a-cursor"}, "cursor"), ({"q": ""}, "q")],
)
def test_bad_task_list_queries_are_problems(client, auth, world, query, field):
    response = client.get(TASKS, query_string=query, headers=auth(world.other_provider_staff))
    assert_problem(response, 422, field)


def test_a_case_cursor_is_not_a_task_cursor(joint, tasks, client, auth, world):
    joint()
    joint()
    page = tasks(limit=1, sort="newest")
    # The same order, but made for the tasks' integer ids: a case list refuses it too.
    response = client.get(
        f"{API}/cases",
        query_string={"sort": "newest", "cursor": page["next_cursor"]},
        headers=auth(world.admin),
    )
    assert_problem(response, 422, "cursor")
