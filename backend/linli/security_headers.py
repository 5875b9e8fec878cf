"""Security headers on every answer: the API, its docs page and the app shell (one hook).

A header a view set itself wins (the photo download keeps its private caching).
"""

import base64
import hashlib
import re

from flask import Flask, Response, request

from linli.maps import tile_source

# JSON is never a page: nothing in it may load, run or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The built PWA: its own scripts, styles and images, photos previewed from blob: URLs, and
# the API on the same origin. Nothing inline (vite builds none; Preact styles via the DOM).
APP_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI (flask-smorest's page): local files, one inline script allowed by its hash.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' {script_hashes}",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PAGE = "/api/docs"

BASELINE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _script_hashes(html: str) -> str:
    hashes = (
        base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in _INLINE_SCRIPT.findall(html)
    )
    return " ".join(f"'sha256-{digest}'" for digest in hashes)


def _policy(response: Response) -> str:
    if request.path == DOCS_PAGE and response.mimetype == "text/html":
        # The page embeds the docs' settings in its script: hash what was rendered.
        html = response.get_data(as_text=True)
        return DOCS_CSP.format(script_hashes=_script_hashes(html))
    if request.path.startswith(("/api/", "/open311/")):
        return API_CSP
    if tiles := tile_source():
        # The small maps' tiles: images from that one host, when a tile server is configured.
        return APP_CSP.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {tiles}")
    return APP_CSP


def add_security_headers(response: Response) -> Response:
    for name, value in BASELINE.items():
        response.headers.setdefault(name, value)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = _policy(response)
    # Every API answer may be personal (a case, a token, the caller's own account): no
    # cache keeps it, unless the view chose its own caching.
    if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security_headers(app: Flask) -> None:
    # Registered after flask-compress: after_request hooks run in reverse, so this one sees
    # the docs page before it is compressed.
    app.after_request(add_security_headers)
