"""A report costs the same few statements however many units could serve it (issue 9): the
routing rule reads every candidate with its coverage at once."""

from tests.support import CASES


def test_a_report_costs_the_same_statements_with_one_candidate_unit_or_six(
    world, client, auth, statements, auto_routing, make_provider
):
    def report(n):
        headers = {**auth(world.resident_a), "Idempotency-Key": f"cost-{n}"}
        body = {
            "category": "elderly_care",
            "title": "需要上门助浴",
            "description": "独居老人行动不便",
            "org_id": world.grid_a1.id,
        }
        seen = []
        count = statements(lambda: seen.append(client.post(CASES, json=body, headers=headers)))
        assert seen[0].status_code == 201, seen[0].get_json()
        return count

    report(0)  # the first of the year makes its reference counter
    few = report(1)
    for i in range(5):  # candidates too, farther than the street's unit, which still wins
        make_provider(f"区助老服务站{i}", coverage=[world.district, world.city])
    many = report(2)

    assert many == few
    assert few <= 29
