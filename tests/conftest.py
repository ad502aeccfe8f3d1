"""Shared test set-up: the repo root on sys.path, and hypothesis profiles (CI is thorough)."""

import os
import sys
from pathlib import Path

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
