"""WSGI entry point for gunicorn: `gunicorn linli.wsgi:app`."""

from linli import create_app

app = create_app()
