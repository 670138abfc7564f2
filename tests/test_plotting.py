"""The chart style: theme, source line, date axes, and no warnings from seaborn under the style."""

from __future__ import annotations

import ast
import inspect
import re
import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns

from egovanalysis.reporting import style as plotting

SOURCES = pd.DataFrame(
    {
        "source_id": ["vns-2020", "vgp-2019", "vns-2020b", "undp-2021"],
        "publisher": ["Viet Nam News (VNS)", "VGP", "VNS", "UNDP"],
        "published": ["2020-08-27", "2019-07-24", "2020-08-27", "2021-04"],
    }
)


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2019-06-30", "2020-03-31", "2020-12-31", "2021-06-30"] * 3),
            "value": np.arange(12, dtype=float),
            "group": pd.Categorical(["a", "b", "c"] * 4),
            "source_id": ["vns-2020", "vgp-2019", "vns-2020b"] * 4,
        }
    )


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_use_style_applies_theme_palette_size_and_fonts() -> None:
    with mpl.rc_context():
        plotting.use_style()
        assert tuple(mpl.rcParams["figure.figsize"]) == plotting.FIGSIZE
        assert mpl.rcParams["axes.titleweight"] == "bold"
        assert mpl.rcParams["font.size"] >= 12  # readable: notebook context, scaled up
        colours = [mpl.colors.to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
        assert colours[:3] == sns.color_palette(plotting.PALETTE).as_hex()[:3]
        assert mpl.rcParams["axes.grid"]


def test_package_leaves_the_backend_alone() -> None:
    tree = ast.parse(inspect.getsource(plotting))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert not [call for call in calls if isinstance(call.func, ast.Attribute) and call.func.attr == "use"]


def test_source_text_names_the_sources_of_the_plotted_rows(rows: pd.DataFrame) -> None:
    # Two ids share publisher and date: shown once; ordered by date; short publisher from "(VNS)".
    assert plotting.source_text(rows, SOURCES) == "Sources: VGP 2019-07-24; VNS 2020-08-27"
    only_plotted = rows[rows["source_id"] == "vgp-2019"]
    assert plotting.source_text(only_plotted, SOURCES) == "Source: VGP 2019-07-24"
    assert plotting.source_text(["undp-2021", "vgp-2019"], SOURCES) == "Sources: VGP 2019-07-24; UNDP 2021-04"


def test_source_text_rejects_unknown_or_missing_sources(rows: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not in the sources table: nope"):
        plotting.source_text(["vgp-2019", "nope"], SOURCES)
    with pytest.raises(ValueError, match="no 'source_id' column"):
        plotting.source_text(rows.drop(columns="source_id"), SOURCES)
    with pytest.raises(ValueError, match="no sources given"):
        plotting.source_text([], SOURCES)


def test_source_line_is_on_the_figure_and_replaced_not_stacked(rows: pd.DataFrame) -> None:
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot(rows["date"], rows["value"])
    plotting.source_line(ax, rows, SOURCES)
    text = plotting.source_line(fig, ["undp-2021"], SOURCES)
    lines = [t for t in fig.findobj(mpl.text.Text) if t.get_gid() == plotting.SOURCE_LINE_GID]
    assert len(lines) == 1 and lines[0] is text
    assert text.get_text() == "Source: UNDP 2021-04"
    fig.canvas.draw()
    # Below the axes, inside the figure.
    assert text.get_window_extent().y1 <= ax.get_window_extent().y0
    assert text.get_window_extent().y0 >= 0


def test_finish_titles_labels_and_formats_dates_for_people(rows: pd.DataFrame) -> None:
    plotting.use_style()
    fig, ax = plt.subplots()
    sns.lineplot(data=rows, x="date", y="value", ax=ax)
    returned = plotting.finish(
        ax, title="Services online", sources=rows, table=SOURCES, ylabel="services (count)"
    )
    assert returned is fig
    assert ax.get_title(loc="left") == "Services online"
    assert ax.get_ylabel() == "services (count)"
    fig.canvas.draw()
    labels = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label in labels), labels


def test_long_date_spans_show_years() -> None:
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2003-12-31", "2024-12-31"]), [1, 2])
    plotting.finish(ax)
    fig.canvas.draw()
    labels = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
    assert labels and all(re.fullmatch(r"\d{4}", label) for label in labels), labels


def test_no_warnings_from_seaborn_under_the_style(rows: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plotting.use_style()
        for draw in (
            lambda ax: sns.boxplot(data=rows, x="group", y="value", ax=ax),
            lambda ax: sns.boxplot(data=rows, x="group", y="value", hue="group", ax=ax),
            lambda ax: sns.lineplot(data=rows, x="date", y="value", hue="group", ax=ax),
            lambda ax: sns.barplot(data=rows, x="group", y="value", ax=ax),
        ):
            fig, ax = plt.subplots()
            draw(ax)
            plotting.finish(ax, title="t", sources=rows, table=SOURCES)
            fig.canvas.draw()


def test_only_the_known_warnings_are_filtered() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plotting.filter_known_warnings()
        # The same message raised from elsewhere than seaborn still shows.
        with pytest.raises(mpl.MatplotlibDeprecationWarning):
            warnings.warn("vert: bool was deprecated", mpl.MatplotlibDeprecationWarning, stacklevel=1)
        with pytest.raises(UserWarning):
            warnings.warn("something else", UserWarning, stacklevel=1)
