"""A map of the provinces without map files: each unit's centroid, coloured by its rank.

The centroids are those ``vietnamadminunits`` ships (``provinces.csv``'s ``lat``/``lon``), so nothing is
downloaded when a notebook runs. They are points, not boundaries: enough to see where the leaders and
laggards are, not to measure areas. Units without a known rank are drawn as hollow grey circles, so a
partial ranking still looks partial.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable

__all__ = ["RANK_CMAP", "centroid_map"]

#: Colour map of ranks: perceptually uniform and readable by colour-blind readers; rank 1 is darkest.
RANK_CMAP = "viridis"


def centroid_map(
    ax: Axes,
    units: pd.DataFrame,
    rows: pd.DataFrame,
    n_ranked: int | None,
    label_each_end: int = 3,
) -> ScalarMappable | None:
    """Draw every unit of ``units`` (``name_ascii``, ``lat``, ``lon``, indexed by id) at its centroid.

    ``rows`` are the ranking's rows (``province_id``, ``rank``); ranked units are coloured by rank on a
    1..``n_ranked`` scale and the best and worst ``label_each_end`` known ranks are labelled. Returns the
    colour scale (for a colour bar), or ``None`` when no unit is ranked.
    """
    ranks = rows.dropna(subset=["rank"]).set_index("province_id")["rank"].astype(int)
    ranked = units.loc[units.index.isin(ranks.index)].assign(rank=ranks)
    unranked = units.loc[~units.index.isin(ranks.index)]
    ax.scatter(
        unranked["lon"],
        unranked["lat"],
        s=36,
        facecolors="none",
        edgecolors="0.6",
        linewidths=1,
        label=f"no rank known ({len(unranked)})",
    )
    scale = None
    if not ranked.empty and n_ranked:
        norm = mpl.colors.Normalize(vmin=1, vmax=n_ranked)
        ax.scatter(
            ranked["lon"],
            ranked["lat"],
            c=ranked["rank"],
            cmap=RANK_CMAP,
            norm=norm,
            s=60,
            edgecolors="white",
            linewidths=0.6,
            zorder=3,
            label=f"ranked ({len(ranked)})",
        )
        scale = ScalarMappable(norm=norm, cmap=RANK_CMAP)
        ordered = ranked.sort_values(["rank", "name_ascii"])
        ends = pd.concat([ordered.head(label_each_end), ordered.tail(label_each_end)]).drop_duplicates()
        for _, unit in ends.iterrows():
            ax.annotate(
                f"{int(unit['rank'])} {unit['name_ascii']}",
                (unit["lon"], unit["lat"]),
                textcoords="offset points",
                xytext=(6, 2),
                fontsize=7.5,
            )
    mean_lat = float(units["lat"].mean())
    # degrees of longitude shrink with latitude; the data limits adapt so the axes keep their box
    ax.set_aspect(1 / math.cos(math.radians(mean_lat)), adjustable="datalim")
    ax.legend(loc="lower left", fontsize=8)
    return scale
