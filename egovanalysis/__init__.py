"""egovanalysis: a clean, cited dataset and reproducible analyses of Vietnam's e-government.

The public entry points most users need::

    from egovanalysis import parse_figure, load_observations
    parse_figure("more than2,800")          # Figure(value=2800.0, qualifier='more_than', ...)
    parse_figure("26,7 tỷ đồng", lang="vi")  # Figure(value=26700000000.0, unit='VND', ...)
"""

from egovanalysis.errors import DataIssue, DataValidationError, EgovError
from egovanalysis.ingest.figure_parser import Figure, FigureParseError, parse_figure, parse_figures

__all__ = [
    "DataIssue",
    "DataValidationError",
    "EgovError",
    "Figure",
    "FigureParseError",
    "parse_figure",
    "parse_figures",
]
__version__ = "0.1.0"
