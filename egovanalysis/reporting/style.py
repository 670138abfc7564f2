"""The project's one chart style, a source line naming the sources of the plotted rows, and date axes.

In a notebook::

    from egovanalysis.reporting import style as plotting
    plotting.use_style()
    fig, ax = plt.subplots()
    sns.lineplot(data=rows, x="date", y="value", ax=ax)
    plotting.finish(fig, title="Online public services", ylabel="services (count)", sources=rows)

The backend is left alone (``matplotlib.use("Agg")`` would turn inline notebook charts into text).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from egovanalysis import data
from egovanalysis.errors import ReportError

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "SOURCE_LINE_GID",
    "filter_known_warnings",
    "finish",
    "format_date_axis",
    "source_line",
    "source_text",
    "use_style",
]

#: Default figure size in inches (width, height).
FIGSIZE: tuple[float, float] = (9.0, 5.0)
#: Seaborn palette: distinguishable for colour-blind readers and in greyscale.
PALETTE: str = "colorblind"
#: ``gid`` of the source-line text, so it can be found (and replaced) on a figure.
SOURCE_LINE_GID: str = "egovanalysis-source-line"

_RC: dict[str, Any] = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "axes.titlesize": "large",
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": "medium",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
    "date.autoformatter.month": "%b %Y",
    "date.autoformatter.day": "%d %b %Y",
}

#: Known harmless warnings: (message regex, category, module regex of the code that triggers them).
KNOWN_WARNINGS: list[tuple[str, type[Warning], str]] = [
    # seaborn 0.13.2 passes ``vert=`` to Axes.bxp, deprecated in matplotlib 3.11 (boxplot, boxenplot).
    (r"vert: bool was deprecated", mpl.MatplotlibDeprecationWarning, r"seaborn(\.|$)"),
    # seaborn 0.13.2 still calls groupby with observed=False on categorical data (pandas deprecation).
    (r".*observed=False is deprecated", FutureWarning, r"seaborn(\.|$)"),
    # seaborn 0.13.2 checks `is_categorical_dtype`, deprecated in pandas.
    (r"is_categorical_dtype is deprecated", DeprecationWarning, r"seaborn(\.|$)"),
    (r"use_inf_as_na option is deprecated", FutureWarning, r"seaborn(\.|$)"),
]


def filter_known_warnings() -> None:
    """Ignore the known harmless warnings raised from inside seaborn (each by message and category).

    Only these exact warnings, and only when triggered from seaborn's own code, are ignored; any other
    warning still shows.
    """
    for message, category, module in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category, module=module)


def use_style(font_scale: float = 1.1) -> None:
    """Apply the project chart style: seaborn whitegrid theme, colour-blind palette, size, fonts.

    Also filters the known harmless warnings (:func:`filter_known_warnings`). Call once per notebook.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=font_scale, rc=_RC)
    filter_known_warnings()


def _figure_of(target: Axes | Figure) -> Figure:
    if isinstance(target, Axes):
        figure = target.get_figure(root=True)
        if not isinstance(figure, Figure):
            raise ReportError("the axes are not in a figure")
        return figure
    return target


def _short_publisher(publisher: str) -> str:
    """``"Viet Nam News (VNS)"`` -> ``"VNS"``; ``"VietNamNet (reprint of VNS)"`` -> ``"VietNamNet"``.

    A trailing parenthesis is taken as the short name only when it looks like one (an abbreviation or
    a domain, one word); otherwise it is a remark and the name before it is used.
    """
    publisher = publisher.strip()
    if publisher.endswith(")") and "(" in publisher:
        head = publisher[: publisher.rindex("(")].strip()
        short = publisher[publisher.rindex("(") + 1 : -1].strip()
        if short and " " not in short and any(char.isupper() or char == "." for char in short):
            return short
        return head or publisher
    return publisher


def source_text(
    sources: Iterable[str] | pd.DataFrame | pd.Series,
    table: pd.DataFrame | None = None,
    prefix: str = "Source",
) -> str:
    """The text of a source line: ``"Source: VNS 2020-08-27; VGP 2019-07-24"``.

    ``sources`` is source ids, or a frame with a ``source_id`` column (the plotted rows). ``table`` is the
    sources table (``source_id``, ``publisher``, ``published``); by default ``data/raw/sources.csv``.
    Each source appears once, ordered by date then publisher; the same publisher and date appear once.
    Raises :class:`~egovanalysis.errors.ReportError` for a source id missing from the table.
    """
    if isinstance(sources, pd.DataFrame):
        if "source_ids" in sources.columns:  # snapshots collapsed from several reports
            ids = sources["source_ids"].astype(str).str.split("|").explode()
        elif "source_id" in sources.columns:
            ids = sources["source_id"]
        else:
            raise ReportError("the plotted rows have no 'source_id' column; pass source ids instead")
    else:
        ids = pd.Series(list(sources), dtype=object)
    wanted = list(dict.fromkeys(str(value) for value in ids.dropna() if str(value)))
    if not wanted:
        raise ReportError("no sources given: a chart must name the sources of its rows")
    if table is None:
        table = data.load_sources().reset_index()
    by_id = table.astype({"source_id": str}).set_index("source_id")
    missing = [source_id for source_id in wanted if source_id not in by_id.index]
    if missing:
        raise ReportError(f"source ids not in the sources table: {', '.join(missing)}")
    entries: list[tuple[str, str]] = []
    for source_id in wanted:
        row = by_id.loc[source_id]
        if isinstance(row, pd.DataFrame):  # duplicated id: take the first
            row = row.iloc[0]
        publisher = _short_publisher(str(row.get("publisher", "") or source_id)) or source_id
        published = str(row.get("published", "") or "").strip()
        entries.append((published, publisher))
    unique = sorted(set(entries), key=lambda entry: (entry[0], entry[1]))
    shown = "; ".join(f"{publisher} {published}".strip() for published, publisher in unique)
    label = prefix if len(unique) == 1 else f"{prefix}s"
    return f"{label}: {shown}"


def source_line(
    target: Axes | Figure,
    sources: Iterable[str] | pd.DataFrame | pd.Series,
    table: pd.DataFrame | None = None,
    fontsize: float = 8.5,
) -> Text:
    """Put a source line under the chart naming the sources of the plotted rows; return the text artist.

    Uses the figure's bottom label slot (``supxlabel``) aligned left, so constrained layout and
    ``bbox_inches="tight"`` keep it in view. Calling it again replaces the line.
    """
    figure = _figure_of(target)
    text = figure.supxlabel(
        source_text(sources, table),
        x=0.01,
        ha="left",
        fontsize=fontsize,
        color="0.35",
        wrap=True,
    )
    text.set_gid(SOURCE_LINE_GID)
    return text


def format_date_axis(ax: Axes, axis: str = "x") -> None:
    """Label a date axis for people: ``Mar 2021`` for spans up to about four years, ``2021`` beyond."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = (ax.get_xlim() if axis == "x" else ax.get_ylim())
    span_days = abs(high - low)  # matplotlib dates are days
    if span_days > 4 * 366:
        step = max(1, round(span_days / 365.25 / 8))
        target.set_major_locator(mdates.YearLocator(base=step))
        target.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        locator.intervald[mdates.DAILY] = [1, 7, 14]
        target.set_major_locator(locator)
        target.set_major_formatter(mdates.DateFormatter("%b %Y" if span_days > 62 else "%d %b %Y"))


_DATE_FORMATTERS = (mdates.AutoDateFormatter, mdates.ConciseDateFormatter, mdates.DateFormatter)


def _is_date_axis(ax: Axes, axis: str) -> bool:
    target = ax.xaxis if axis == "x" else ax.yaxis
    formatter = target.get_major_formatter()
    return isinstance(formatter, _DATE_FORMATTERS)


def finish(
    target: Axes | Figure,
    title: str | None = None,
    sources: Iterable[str] | pd.DataFrame | pd.Series | None = None,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    table: pd.DataFrame | None = None,
) -> Figure:
    """Finish a chart: title, axis labels, people-friendly date axes and the source line.

    ``target`` is the axes (or a one-axes figure). Date axes of every axes in the figure are formatted.
    Returns the figure.
    """
    figure = _figure_of(target)
    axes = target if isinstance(target, Axes) else (figure.axes[0] if figure.axes else None)
    if axes is not None:
        if title is not None:
            axes.set_title(title)
        if xlabel is not None:
            axes.set_xlabel(xlabel)
        if ylabel is not None:
            axes.set_ylabel(ylabel)
    for each in figure.axes:
        for axis in ("x", "y"):
            if _is_date_axis(each, axis):
                format_date_axis(each, axis)
    if sources is not None:
        source_line(figure, sources, table)
    return figure
