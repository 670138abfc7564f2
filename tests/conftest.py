"""Shared test setup: keep Jupyter, IPython and matplotlib state out of the home directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_STATE = Path(tempfile.mkdtemp(prefix="egovanalysis-test-state-"))
for _name in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
    os.environ.setdefault(_name, str(_STATE / _name.lower()))
# MPLBACKEND is left alone: nbval kernels inherit this environment, and a non-inline backend there
# would turn stored chart outputs into nothing. Headless matplotlib picks Agg by itself.
