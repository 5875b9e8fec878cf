"""Fixtures shared by the issue 3 tests (see tests/issue3_support.py)."""

from tests.issue3_support import (  # noqa: F401 - fixtures
    assigned_case,
    auto_routing,
    drive,
    fetch,
    make_provider,
    sweep,
    world,
)
