# Sourced by ./run and ./test: make (once) the virtualenv with a Python that is new enough.
VENV=${LINLI_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  PYTHON=${PYTHON:-}
  if [ -z "$PYTHON" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
      if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        PYTHON=$candidate; break
      fi
    done
  fi
  if [ -z "$PYTHON" ]; then
    echo "Linli needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2; exit 1
  fi
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
fi
