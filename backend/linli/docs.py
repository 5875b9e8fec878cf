"""Swagger UI's files, served locally (no CDN: offices and CI may have no outside network)."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("api_docs_static", __name__)


@blp.route("/api/docs/static/<path:filename>")
def swagger_ui_static(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
