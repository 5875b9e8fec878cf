"""The map under a case's position: which tile server, if any (LINLI_MAP_TILE_URL).

Unset, the PWA draws no map and nothing is fetched from anywhere; set, the app's CSP lets
images come from that one host (security_headers.py).
"""

from urllib.parse import urlsplit

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from linli.common_schemas import output

blp = Blueprint("map", __name__, url_prefix="/map", description="The map tiles' source")

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def tile_url_problem(url: str) -> str | None:
    """What is wrong with a tile URL template, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "must be an https:// URL"
    if any(p not in url for p in PLACEHOLDERS):
        return "must hold {z}, {x} and {y}"
    return None


def tile_source() -> str | None:
    """The CSP source of the configured tile host ({s} subdomains: any subdomain), or None."""
    url = current_app.config.get("MAP_TILE_URL")
    if not url:
        return None
    host = urlsplit(url).netloc.replace("{s}", "*")
    return f"https://{host}"


@output
class MapOut(Schema):
    tile_url = fields.String(
        allow_none=True,
        metadata={
            "description": "An XYZ tile URL template ({z}/{x}/{y}, {s} a subdomain); null: "
            "no map is shown and no tile is fetched"
        },
    )
    attribution = fields.String(
        metadata={"description": "The tiles' credit line, shown on the map"}
    )


@blp.route("")
@blp.response(200, MapOut)
def map_settings():
    """Where the PWA's small maps come from (public; the same for everyone)."""
    return {
        "tile_url": current_app.config.get("MAP_TILE_URL") or None,
        "attribution": current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
    }
