"""One case walked from report to closed through the API, as the README's curl walk does."""


def test_a_case_walks_from_report_to_closed(client, auth, world, new_case, act):
    case = new_case()
    assert case["state"] == "submitted"
    assert case["reference"].startswith("LL-")

    case = act(world.dispatcher_a, case, "assign", provider_id=world.provider.id).get_json()
    assert (case["state"], case["provider_id"]) == ("assigned", world.provider.id)
    case = act(world.provider_staff, case, "accept").get_json()
    assert case["state"] == "in_progress"
    case = act(world.provider_staff, case, "resolve", note="已上门助浴").get_json()
    assert case["state"] == "resolved"

    rated = client.post(
        f"/api/v1/cases/{case['id']}/rating",
        json={"resolved": True, "stars": 5},
        headers=auth(world.resident_a),
    )
    assert rated.status_code == 200, rated.get_json()
    assert rated.get_json()["state"] == "closed"
    assert rated.get_json()["rating"]["stars"] == 5

    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=auth(world.dispatcher_a))
    assert [e["action"] for e in events.get_json()["items"]] == [
        "submit",
        "route",
        "assign",
        "accept",
        "resolve",
        "close",
    ]
