"""Every path the project uses, resolved from this file's location.

Notebooks, papermill, nbval and the CLI all run with different working directories; resolving from
``__file__`` makes them read and write the same files. ``EGOVANALYSIS_SHARED_DIR`` points the tests and
the loader at the shared material when it is not beside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
PROJECT_ROOT: Path = PACKAGE_DIR.parent

DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
PROCESSED_DIR: Path = DATA_DIR / "processed"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
BENCHMARKS_DIR: Path = PROJECT_ROOT / "benchmarks"

# Raw inputs (immutable, cited).
SOURCES_CSV: Path = RAW_DIR / "sources.csv"
REPORTED_FIGURES_CSV: Path = RAW_DIR / "reported_figures.csv"
INDICATORS_CSV: Path = RAW_DIR / "indicators.csv"

# Processed outputs (rebuilt by ``egovanalysis build``).
OBSERVATIONS_CSV: Path = PROCESSED_DIR / "observations.csv"
EGDI_CSV: Path = PROCESSED_DIR / "egdi.csv"

# Provinces (issue 13): the 63 -> 34 units and the provincial indices, rebuilt by ``egovanalysis build``.
PROVINCES_CSV: Path = PROCESSED_DIR / "provinces.csv"
PROVINCIAL_INDICES_CSV: Path = PROCESSED_DIR / "provincial_indices.csv"

# Material shared between sessions; not part of the repository.
SHARED_DIR: Path = Path(os.environ.get("EGOVANALYSIS_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
UN_EGDI_EXPORTS_DIR: Path = SHARED_DIR / "data" / "un-egdi"
EXTERNAL_FIGURES_CSV: Path = SHARED_DIR / "benchmarks" / "external_figures.csv"
