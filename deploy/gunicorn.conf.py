"""gunicorn settings (`gunicorn -c deploy/gunicorn.conf.py linli.wsgi:app`)."""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "127.0.0.1:5000")
# The app is stateless: scale with processes here and with machines behind nginx.
# Measured with tests/bench/city_bench.py on a 2-core machine (PostgreSQL on the same
# machine, 1,000,000 cases, 32 connections; requests/s of opening a case / listing a
# dispatcher's queue): 4 workers × 2 threads 239 / 78, 4 × 1 131 / 58, 2 × 4 144 / 70
# (and reports timing out), 2 × 1 98 / 37. A request spends most of its time in Python
# (serialising, the ORM), so threads help only while another waits on the database; two
# processes per core, each with two threads, kept both cores busy.
workers = int(os.environ.get("LINLI_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("LINLI_THREADS", "2"))
timeout = 60
graceful_timeout = 30
# No access log of gunicorn's own: the app writes one JSON line per request (linli/ops/logs.py)
# with the route, never the query string, which gunicorn's line would carry in full.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("LINLI_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket at one fixed path per machine user; Linli does not use
# it, and two instances (app and tests, or two apps) must not share it.
control_socket_disable = True
# Request limits, kept above the app's own so that the app answers (as a problem) first:
# the app refuses a URL over 8000 bytes with a 414 problem (linli.errors.MAX_URL_BYTES);
# gunicorn's request line (method, URL, protocol) may be up to 8190 bytes, its largest
# setting, so only a line the app could never take gets gunicorn's own plain error page.
# Headers: an access token is under 1 kB, so gunicorn's defaults (100 fields of up to
# 8190 bytes each), stated here, are plenty. A proxy in front should allow at least as much
# (nginx: large_client_header_buffers 4 8k, its default).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
