"""gunicorn settings (`gunicorn -c deploy/gunicorn.conf.py linli.wsgi:app`)."""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "127.0.0.1:5000")
# The app is stateless: scale with processes here and with machines behind nginx.
workers = int(os.environ.get("LINLI_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("LINLI_THREADS", "2"))
timeout = 60
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("LINLI_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 opens a control socket at one fixed path per machine user; Linli does not use
# it, and two instances (app and tests, or two apps) must not share it.
control_socket_disable = True
