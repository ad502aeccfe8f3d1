"""The engine's layering: every module under engine/ (the data package's too) imports only NumPy
and the standard library when it is loaded; scikit-learn and pandas wait inside the functions
that use them (the digits loader, two 2-D sets, the CSV parser)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import importlib, json, pkgutil, sys
import engine
names = [info.name for info in pkgutil.walk_packages(engine.__path__, "engine.")]
for name in names:
    importlib.import_module(name)
outside = {m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names) - {"engine", "numpy"}
print(json.dumps({"modules": names, "outside": sorted(m for m in outside if not m.startswith("_"))}))
"""


def test_every_engine_module_loads_nothing_but_numpy_and_the_standard_library():
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True, cwd=ROOT
    )
    found = json.loads(out.stdout)
    assert {"engine.network", "engine.checks", "engine.data.csv_read", "engine.data.toy_sets"} <= set(
        found["modules"]
    )
    assert found["outside"] == []
