"""The ceiling of the city benchmark: a bare Flask JSON endpoint under the same gunicorn
settings as Linli, so that Linli's figures can be given as ratios on a shared machine."""

from flask import Flask, jsonify, request

app = Flask(__name__)

# About the size of one case in a queue page: what a bare endpoint costs to serialise.
ROW = {
    "id": "0b6f1d1e-8f0a-4c1e-9a57-1f9c7b2a1d3e",
    "reference": "LL-2026-000001",
    "title": "楼道灯不亮",
    "state": "assigned",
    "category": {"code": "facility", "name": "设施问题"},
    "created_at": "2026-12-04T02:00:00+00:00",
}


@app.route("/ceiling", methods=["GET", "POST"])
def ceiling():
    request.get_data()  # a POST's body is read, as Linli reads it
    return jsonify({"items": [ROW] * 4, "next_cursor": None})
