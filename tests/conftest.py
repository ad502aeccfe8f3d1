"""Shared test set-up: the repo root on sys.path, and hypothesis profiles (CI is thorough)."""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup`` (``make test``), each browser test file runs in one process, as
    ``--dist loadfile`` would: its tests share that process's server, and some go in order."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(f"browser-{item.path.name}"))
