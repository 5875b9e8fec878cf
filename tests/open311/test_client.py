"""A third-party GeoReport v2 client against a real HTTP server of the app.

`georeport` (PyPI) reads services, definitions and requests; it has no call for posting, so
the post is made with `requests` as such a client makes it: a form-encoded body with the key.
Real commits: the server answers from its own thread and connections.
"""

import threading

import pytest
import requests
from georeport import GeoReport
from werkzeug.serving import make_server

from linli.db import utcnow
from linli.extensions import db
from linli.open311 import keys

pytestmark = pytest.mark.commits


@pytest.fixture
def key(world) -> str:
    return keys.issue_key("第三方App", community_id=world.community_a.id, actor=None, now=utcnow())[
        1
    ]


@pytest.fixture
def server(app, world, key):
    http = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    db.session.remove()  # the server's requests take their own sessions
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}/open311/v2"
    finally:
        http.shutdown()
        thread.join(timeout=10)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_georeport_client_lists_services_posts_with_a_key_and_reads_it_back(
    key, server, output_format
):
    client = GeoReport(server, api_key=key, output_format=output_format)

    services = client.get_service_list()
    assert "facility" in [s["service_code"] for s in services]
    definition = client.get_service_definition("facility")
    assert definition["service_code"] == "facility"

    posted = requests.post(
        f"{server}/requests.json",
        data={
            "api_key": client.api_key,
            "service_code": "facility",
            "attribute[facility_kind]": "lift",
            "lat": "39.9",
            "long": "116.4",
            "address_string": "甲社区3号楼",
            "description": "电梯停了",
            "first_name": "芳",
            "last_name": "王",
            "phone": "13911112222",
        },
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    reference = posted.json()[0]["service_request_id"]

    read = client.get_service_request(reference)
    assert (read["service_request_id"], read["service_code"], read["status"]) == (
        reference,
        "facility",
        "open",
    )
    assert read["description"] == "电梯停了"
    listed = client.get_service_requests(service_code="facility", status="open")
    # xmltodict gives one element as a dict, several as a list
    listed = listed if isinstance(listed, list) else [listed]
    assert reference in [r["service_request_id"] for r in listed]
    assert "13911112222" not in str(read) + str(listed)


def test_the_client_sees_a_wrong_key_as_403(server):
    response = requests.post(
        f"{server}/requests.json",
        data={"api_key": "wrong", "service_code": "other", "address_string": "x"},
        timeout=10,
    )

    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
