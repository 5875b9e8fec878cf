"""The OpenAPI document describes every API route, and the docs page works offline."""

import json
import re

import pytest

from linli.config import REPO_ROOT

API_PREFIX = "/api/v1"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def flask_rule_to_openapi(rule: str) -> str:
    """'/cases/<uuid:case_id>' → '/cases/{case_id}'."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (flask_rule_to_openapi(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/") and rule.endpoint != "api-docs.openapi_json"
        for method in rule.methods & METHODS
    }


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_openapi_document_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Linli API"
    assert spec["paths"]


def test_every_api_route_is_documented(app, spec):
    routes = api_routes(app)
    documented = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in {m.lower() for m in METHODS}
    }

    assert len(routes) > 20  # the rule filter found the API
    assert routes - documented == set()


def test_every_documented_operation_exists(app, spec):
    routes = api_routes(app)

    for path, item in spec["paths"].items():
        for method in item.keys() & {m.lower() for m in METHODS}:
            assert (path, method) in routes, (path, method)


def test_every_reference_in_the_document_resolves(spec):
    refs = re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(spec))

    assert refs
    for ref in refs:
        node = spec
        for part in ref.split("/"):
            node = node[part]


def test_every_operation_has_a_success_response(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {m.lower() for m in METHODS}:
                assert any(code.startswith("2") for code in operation["responses"]), (path, method)


def test_docs_page_uses_local_assets_that_are_served(client):
    page = client.get("/api/docs")

    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(asset.startswith("/api/docs/static/") for asset in assets), assets
    assert "/api/v1/openapi.json" in html
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.data) > 1000, asset
        served.close()


def test_docs_static_does_not_serve_outside_its_folder(client):
    response = client.get("/api/docs/static/../../../etc/passwd")

    assert response.status_code == 404


def test_the_pwa_client_is_typed_from_the_current_document(client):
    """pwa/openapi.json (the PWA's types are generated from it) is the document the API serves.

    After an API change: `linli openapi write pwa/openapi.json && (cd pwa && npm run gen:api)`.
    """
    committed = json.loads((REPO_ROOT / "pwa" / "openapi.json").read_text(encoding="utf-8"))

    assert client.get("/api/v1/openapi.json").get_json() == committed
