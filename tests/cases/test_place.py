"""Where a need is: the phone's position (with its accuracy) and the building of the org tree,
shown to the people handling the case and the reporter, never on the board or in Open311."""

import pytest

from linli.config import ConfigError, load_config
from linli.extensions import db
from linli.orgs.service import add_building
from tests.support import API, CASES, assert_problem

HERE = {"lat": 31.2304, "lon": 121.4737, "location_accuracy": 12.5}
PLACE_FIELDS = (
    "lat",
    "lon",
    "location_accuracy",
    "building_id",
    "building_name",
    "household_label",
)


def read(client, auth, case, user):
    response = client.get(f"{CASES}/{case['id']}", headers=auth(user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_resident_reports_the_building_and_the_phones_position(client, auth, world, new_case):
    case = new_case(building_id=world.building_a1.id, **HERE)
    assert (case["lat"], case["lon"], case["location_accuracy"]) == (31.2304, 121.4737, 12.5)
    assert (case["building_id"], case["building_name"]) == (world.building_a1.id, "1号楼")
    assert case["household_label"] is None
    for handler in (world.dispatcher_a, world.admin):
        seen = read(client, auth, case, handler)
        assert (seen["building_name"], seen["lat"]) == ("1号楼", 31.2304)


def test_a_grid_worker_names_the_household_and_its_building_follows(world, new_case):
    flat = world.building_a1.households[1]
    case = new_case(reporter=world.grid_worker_a1, household_id=flat.id, channel="grid_visit")
    assert (case["building_name"], case["household_label"]) == ("1号楼", "1-102")


def test_neighbours_the_board_and_open311_never_learn_the_place(client, auth, world, new_case):
    case = new_case(building_id=world.building_a1.id, **HERE)
    assert (
        client.post(f"{CASES}/{case['id']}/support", headers=auth(world.resident_a2)).status_code
        == 200
    )

    neighbour = read(client, auth, case, world.resident_a2)
    assert all(neighbour[f] is None for f in PLACE_FIELDS)
    board = client.get(f"{CASES}/board", headers=auth(world.resident_a2)).get_data(as_text=True)
    open311 = client.get("/open311/v2/requests.json").get_data(as_text=True)
    for text in (board, open311):
        assert "31.2304" not in text and "121.4737" not in text and "1号楼" not in text
        assert "12.5" not in text


def test_the_figures_export_for_other_units_carries_no_place(client, auth, world, new_case, drive):
    case = new_case(building_id=world.building_a1.id, **HERE)
    drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    response = client.get(
        f"{API}/assessment",
        query_string={"group_by": "provider", "format": "csv"},
        headers=auth(world.officer_district),
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data(as_text=True)
    assert world.provider.name in body
    for private in ("31.2304", "121.4737", "1号楼"):
        assert private not in body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lat": 31.2}, "lon"),
        ({"lon": 121.4}, "lat"),
        ({"lat": 91, "lon": 121.4}, "lat"),
        ({"lat": 31.2, "lon": 181}, "lon"),
        ({"lat": 31.2, "lon": 121.4, "location_accuracy": -1}, "location_accuracy"),
        ({"lat": 31.2, "lon": 121.4, "location_accuracy": 1e9}, "location_accuracy"),
        ({"location_accuracy": 10}, "location_accuracy"),
        ({"building_id": 0}, "building_id"),
        ({"building_id": "一号楼"}, "building_id"),
    ],
)
def test_a_bad_place_is_a_problem(post_report, fields, field):
    assert_problem(post_report(**fields), 422, field)


def test_a_building_elsewhere_is_refused(post_report, world):
    elsewhere = add_building(world.grid_b1, "9号楼", ["9-101"])
    other_grid = add_building(world.grid_a2, "2号楼", [])
    db.session.commit()
    assert_problem(post_report(building_id=elsewhere.id), 422, "building_id")
    assert_problem(post_report(building_id=other_grid.id), 422, "building_id")
    assert_problem(post_report(building_id=999999), 422, "building_id")


def test_a_household_must_be_in_the_building_named(post_report, world):
    second = add_building(world.grid_a1, "2号楼", ["2-101"])
    db.session.commit()
    response = post_report(
        reporter=world.grid_worker_a1,
        channel="grid_visit",
        building_id=second.id,
        household_id=world.building_a1.households[0].id,
    )
    assert_problem(response, 422, "household_id")


def test_residents_list_their_grids_buildings_without_the_flats(client, auth, world):
    url = f"{API}/orgs/{world.grid_a1.id}/buildings"
    [building] = client.get(url, headers=auth(world.resident_a)).get_json()
    assert (building["name"], building["households"]) == ("1号楼", [])
    [staff_view] = client.get(url, headers=auth(world.grid_worker_a1)).get_json()
    assert [h["label"] for h in staff_view["households"]] == ["1-101", "1-102"]
    other = client.get(f"{API}/orgs/{world.grid_b1.id}/buildings", headers=auth(world.resident_a))
    assert_problem(other, 404)


# --- the map's tiles ---------------------------------------------------------------------


def test_no_tile_server_no_map_and_no_foreign_images(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAP_TILE_URL", "")
    assert client.get(f"{API}/map").get_json()["tile_url"] is None
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in policy


def test_a_tile_server_is_offered_and_its_host_allowed(client, app, monkeypatch):
    url = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    monkeypatch.setitem(app.config, "MAP_TILE_URL", url)
    answer = client.get(f"{API}/map").get_json()
    assert answer == {"tile_url": url, "attribution": "© OpenStreetMap contributors"}
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tile.example.org;" in policy
    assert "tile.example.org" not in client.get(f"{API}/map").headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url", ["http://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org/{z}/{x}.png"]
)
def test_a_bad_tile_url_stops_the_app_from_starting(monkeypatch, tmp_path, url):
    monkeypatch.setenv("LINLI_MAP_TILE_URL", url)
    with pytest.raises(ConfigError, match="LINLI_MAP_TILE_URL"):
        load_config({"INSTANCE_PATH": str(tmp_path)})
