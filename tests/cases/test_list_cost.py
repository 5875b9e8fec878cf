"""A page of cases costs the same few statements however many rows it has (issue 9): what
each row shows (photos, co-tasks, this cycle's rating) is loaded for the page at once."""

from tests.support import CASES


def test_a_page_costs_the_same_statements_with_2_rows_or_12(
    new_case, drive, world, client, auth, statements, other_provider_serves_a
):
    def page(user, **query):
        headers = auth(user)
        return statements(
            lambda: client.get(CASES, query_string={"limit": 20, **query}, headers=headers)
        )

    def varied(n):
        for i in range(n):
            reporter = (world.resident_a, world.resident_a2)[i % 2]  # within the report limit
            case = new_case(reporter=reporter)
            case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
            if i % 3 == 1:
                case = drive(case, world.provider_staff, "accept")
                case = drive(case, world.provider_staff, "resolve", note="好了")
                client.post(
                    f"{CASES}/{case['id']}/rating",
                    json={"resolved": True, "stars": 5},
                    headers=auth(reporter),
                )
            elif i % 3 == 2:
                drive(
                    case,
                    world.dispatcher_a,
                    "coordinate",
                    lead_provider_id=world.provider.id,
                    co_providers=[
                        {"provider_id": world.other_provider.id, "due_at": "2030-01-01T00:00:00Z"}
                    ],
                )

    varied(2)
    few = {name: page(user, **q) for name, (user, q) in _pages(world).items()}
    varied(10)
    many = {name: page(user, **q) for name, (user, q) in _pages(world).items()}

    assert many == few
    assert max(many.values()) <= 3  # the token check, the page, and nothing per row


def _pages(world):
    return {
        "dispatcher's queue": (world.dispatcher_a, {}),
        "resident's own": (world.resident_a, {"mine": "true"}),
        "provider's": (world.provider_staff, {}),
    }


def test_a_searched_sorted_page_of_5_costs_what_a_page_of_50_costs(
    client, auth, world, statements, drive
):
    def filed(i):
        body = {
            "category": "elderly_care",
            "title": f"楼道漏水 {i}",
            "description": "三楼天花板滴水",
            "org_id": world.grid_a1.id,
            "on_behalf_of": {"resident_id": world.resident_a.id},
        }
        case = client.post(CASES, json=body, headers=auth(world.grid_worker_a1)).get_json()
        if i % 2:
            drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)

    for i in range(55):
        filed(i)
    headers = auth(world.dispatcher_a)

    def cost(limit, sort):
        def get():
            query = {"limit": limit, "q": "漏水", "sort": sort}
            body = client.get(CASES, query_string=query, headers=headers).get_json()
            assert len(body["items"]) == limit and body["next_cursor"]
            second = client.get(
                CASES, query_string={**query, "cursor": body["next_cursor"]}, headers=headers
            )
            assert len(second.get_json()["items"]) == 5 if limit == 50 else limit

        return statements(get)

    for sort in ("newest", "oldest", "due"):
        assert cost(5, sort) == cost(50, sort), sort
