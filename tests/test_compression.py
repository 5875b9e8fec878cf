"""Answers travel compressed where it pays: a body bigger than one TCP segment, to a client
that accepts it; a small one is sent as it is (config.py says why)."""

from tests.support import API


def test_a_large_answer_is_compressed_for_a_client_that_accepts_it(client):
    plain = client.get(f"{API}/openapi.json")
    packed = client.get(f"{API}/openapi.json", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 3
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_an_answer_that_fits_one_segment_is_sent_as_it_is(client, world, auth):
    headers = {**auth(world.resident_a), "Accept-Encoding": "gzip, br"}
    response = client.get(f"{API}/categories", headers=headers)

    assert 500 < len(response.data) < 1400  # flask-compress would pack it by its default
    assert "Content-Encoding" not in response.headers
