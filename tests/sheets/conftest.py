"""Sheet fixtures: build a file of a kind, send it to the dry run or the import."""

import csv
import io

import pytest

from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.readers import workbook_bytes
from tests.support import API


def xlsx(kind: str, rows: list[list]) -> bytes:
    return workbook_bytes(LAYOUTS[SheetKind(kind)], rows, explain=False)


def csv_bytes(kind: str, rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LAYOUTS[SheetKind(kind)].headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def send(client, auth, world):
    """send(kind, data, step="plan"|"import", as_=admin, name="sheet.xlsx") → the response."""

    def post(kind, data, step="plan", as_=None, name="sheet.xlsx"):
        return client.post(
            f"{API}/sheets/{kind}/{step}",
            headers=auth(as_ or world.admin),
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    return post


@pytest.fixture
def download(client, auth, world):
    """download(kind, what="export"|"template", as_=admin) → the XLSX bytes (asserting 200)."""

    def get(kind, what="export", as_=None):
        response = client.get(f"{API}/sheets/{kind}/{what}.xlsx", headers=auth(as_ or world.admin))
        assert response.status_code == 200, response.get_json()
        assert response.mimetype.endswith("spreadsheetml.sheet")
        return response.get_data()

    return get
