"""egovanalysis: a clean, cited dataset and reproducible analyses of Vietnam's e-government.

The public entry points most users need::

    from egovanalysis import parse_figure, extract_figures
    from egovanalysis.data import load_observations   # and load_egdi, load_sources, ...
    parse_figure("more than2,800")          # Figure(value=2800.0, qualifier='more_than', ...)
    parse_figure("26,7 tỷ đồng", lang="vi")  # Figure(value=26700000000.0, unit='VND', ...)
    extract_figures(report_text, lang="en")  # DataFrame: one row per figure, with spans, kind, as_of ...
"""

from typing import TYPE_CHECKING, Any

from egovanalysis.errors import DataIssue, DataValidationError, EgovError
from egovanalysis.ingest.figures.parser import Figure, FigureParseError, parse_figure, parse_figures

if TYPE_CHECKING:
    from egovanalysis.ingest.figures.extract import extract_figures

__all__ = [
    "DataIssue",
    "DataValidationError",
    "EgovError",
    "Figure",
    "FigureParseError",
    "extract_figures",
    "parse_figure",
    "parse_figures",
]


def __getattr__(name: str) -> Any:
    # extract_figures needs pandas; importing it lazily keeps "import egovanalysis" (and the CLI) quick.
    if name == "extract_figures":
        from egovanalysis.ingest.figures.extract import extract_figures

        return extract_figures
    raise AttributeError(f"module 'egovanalysis' has no attribute {name!r}")
__version__ = "0.1.0"
