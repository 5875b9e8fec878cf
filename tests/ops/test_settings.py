"""deploy/linli.env.example documents every setting the app and gunicorn read."""

import re

import pytest

from linli.config import load_config
from tests.ops.conftest import ROOT

READERS = [ROOT / "backend" / "linli" / "config.py", ROOT / "deploy" / "gunicorn.conf.py"]
EXAMPLE = ROOT / "deploy" / "linli.env.example"
SETTING = re.compile(r"[\"'](LINLI_[A-Z0-9_]+)[\"']")


@pytest.fixture
def _transaction():
    """Nothing here touches the database."""
    yield


def test_every_setting_is_in_the_example_env_file():
    read = {name for path in READERS for name in SETTING.findall(path.read_text())}
    documented = set(re.findall(r"^#?(LINLI_[A-Z0-9_]+)=", EXAMPLE.read_text(), re.MULTILINE))

    assert len(read) > 20
    assert read - documented == set(), "settings missing from deploy/linli.env.example"
    assert documented - read == set(), "settings in the example that nothing reads"


def test_the_example_defaults_are_the_defaults(tmp_path):
    defaults = load_config({"SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path)})
    example = {
        name: value.strip('"')
        for name, value in re.findall(r"^#(LINLI_[A-Z_]+)=(.*)$", EXAMPLE.read_text(), re.M)
    }

    assert int(example["LINLI_MAX_REQUEST_BYTES"]) == defaults["MAX_CONTENT_LENGTH"]
    assert int(example["LINLI_MAX_UPLOAD_BYTES"]) == defaults["MAX_UPLOAD_BYTES"]
    assert example["LINLI_RATELIMIT_STORAGE_URI"] == defaults["RATELIMIT_STORAGE_URI"]
    assert example["LINLI_LOGIN_LIMIT_PER_ACCOUNT"] == defaults["LOGIN_LIMIT_PER_ACCOUNT"]
    assert example["LINLI_REPORT_LIMIT_PER_RESIDENT"] == defaults["REPORT_LIMIT_PER_RESIDENT"]
    assert example["LINLI_SMS_SENDER"] == defaults["SMS_SENDER"]
