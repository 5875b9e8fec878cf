"""The PWA's production build, served at / (nginx serves the same files in deployments)."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from werkzeug.routing import PathConverter


class NotApiPath(PathConverter):
    """Any path outside /api/ and /open311/: unknown API URLs get an honest 404 (or 405),
    never the app shell."""

    regex = r"(?!(?:api|open311)(?:/|$))[^/].*?"


blp = Blueprint("web", __name__)
blp.record_once(lambda state: state.app.url_map.converters.setdefault("not_api", NotApiPath))

# Never cache what decides which version runs; hashed assets are cached forever.
NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}


def _dist() -> Path:
    return Path(current_app.config["PWA_DIST"])


def _send(filename: str):
    cache = 0 if filename in NO_CACHE else 31536000 if filename.startswith("assets/") else 3600
    response = send_from_directory(_dist(), filename, max_age=cache)
    if filename in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route("/", defaults={"path": ""})
@blp.route("/<not_api:path>")
def pwa(path: str):
    if not (_dist() / "index.html").exists():
        return (
            "<!doctype html><meta charset=utf-8><title>Linli</title>"
            "<p>Linli API is running. The app is not built: run <code>./run</code> "
            "(or <code>npm run build</code> in pwa/). API docs: <a href=/api/docs>/api/docs</a>.</p>"
        ), 200
    if path and (_dist() / path).is_file():
        return _send(path)
    return _send("index.html")  # client-side routes fall back to the app shell
