"""Providers in the console: an admin edits those of their area and sees each one's open
cases against its capacity."""

from tests.support import API, assert_problem


def test_an_admin_edits_a_provider_and_sees_its_load(client, auth, world, streets, new_case, drive):
    headers = auth(streets.admin1)
    case = new_case()
    drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)

    edited = client.patch(
        f"{API}/providers/{world.provider.id}",
        headers=headers,
        json={
            "type": "state_enterprise",
            "categories": ["elderly_care", "health"],
            "coverage": [world.community_a.id, world.community_b.id],
            "capacity": 4,
            "contact": "021-12345678",
            "active": False,
        },
    )

    assert edited.status_code == 200, edited.get_json()
    body = edited.get_json()
    assert {k: body[k] for k in ("type", "categories", "capacity", "active", "open_cases")} == {
        "type": "state_enterprise",
        "categories": ["elderly_care", "health"],
        "capacity": 4,
        "active": False,
        "open_cases": 1,
    }
    assert sorted(body["coverage"]) == sorted([world.community_a.id, world.community_b.id])
    assert body["load"] == 0.25
    assert_problem(
        client.patch(f"{API}/providers/{world.provider.id}", headers=headers, json={"capacity": 0}),
        422,
        "capacity",
    )


def test_the_providers_an_admin_administers(client, auth, world, streets):
    def names(user, query=""):
        answer = client.get(f"{API}/providers/administered{query}", headers=auth(user))
        return {p["name"]: p for p in answer.get_json()}

    mine = names(streets.admin1)
    # world.provider covers the street; other_provider community B; the district's unit and
    # the second street's are someone else's.
    assert set(mine) == {world.provider.name, world.other_provider.name}
    assert mine[world.provider.name]["open_cases"] == 0
    assert set(names(streets.admin2)) == {streets.provider2.name}
    assert streets.provider2.name in names(world.admin)
    assert set(names(streets.admin1, f"?q={world.other_provider.name[:2]}")) <= set(mine)
    assert_problem(
        client.get(f"{API}/providers/administered", headers=auth(world.dispatcher_a)), 403
    )


def test_a_providers_staff_are_listed(client, auth, world):
    answer = client.get(
        f"{API}/users?provider_id={world.provider.id}", headers=auth(world.admin)
    ).get_json()

    assert [u["username"] for u in answer["items"]] == ["staff"]
