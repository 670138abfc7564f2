"""Audit, portal and target-tracking helpers, on small frames whose answers are known."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from egovanalysis.analysis import audit, portal
from egovanalysis.analysis import targets as tracking
from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.errors import SelectionError
from egovanalysis.reporting import texts


def _obs(rows: list[tuple]) -> pd.DataFrame:
    """Observations from (indicator, date, value, qualifier, kind, scope, source_id[, period_start])."""
    rows = [row if len(row) == 8 else (*row, None) for row in rows]
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "date", "value", "qualifier", "kind", "scope", "source_id", "period_start"],
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["lower"] = frame["value"].where(frame["qualifier"].isin(["more_than", "at_least"]))
    frame["upper"] = frame["value"].where(frame["qualifier"].isin(["less_than", "at_most", "nearly"]))
    frame["unit"] = "count"
    frame["figure_id"] = [f"f-{n:02d}" for n in range(len(frame))]
    return frame


REGISTRY = pd.DataFrame(
    {
        "unit": ["count", "count", "%", "%", "%", "count", "VND", "count", "VND"],
        "measure": [
            "cumulative",
            "flow",
            "share",
            "share",
            "share",
            "cumulative",
            "cumulative",
            "flow",
            "flow",
        ],
        "concept": [
            "accounts",
            "accounts",
            "level4",
            "level4",
            "level4",
            "payments",
            "payments",
            "payments",
            "payments",
        ],
        "definition": ["d"] * 9,
    },
    index=pd.Index(
        [
            "portal_accounts",
            "portal_accounts_in_period",
            "level4_services_share",
            "level4_eligible_services_share",
            "other_share",
            "portal_payments",
            "portal_payment_value_vnd",
            "portal_payments_in_period",
            "portal_payment_value_vnd_in_period",
        ],
        name="id",
    ),
)


def test_conflicts_flag_disagreeing_reports_but_not_consistent_bounds() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-12-24", 412_000, None, "actual", "national", "vss"),
            ("portal_accounts", "2020-12-31", 412_000, "more_than", "actual", "national", "bd"),  # consistent
            ("portal_accounts", "2021-03-08", 468_000, None, "actual", "national", "vna"),
            ("portal_accounts", "2021-03-10", 500_000, None, "actual", "national", "x"),  # conflict
            ("portal_accounts_in_period", "2020-08-31", 3_000, None, "actual", "national", "a"),
            (
                "portal_accounts_in_period",
                "2020-09-02",
                4_000,
                None,
                "actual",
                "national",
                "b",
            ),  # other period
        ]
    )
    found = audit.conflicts(observations, REGISTRY)
    assert len(found) == 1
    assert (found.loc[0, "source_a"], found.loc[0, "source_b"]) == ("vna", "x")
    assert found.loc[0, "relative_gap_%"] == pytest.approx(6.8, abs=0.05)


def test_definition_changes_list_rival_share_definitions_only() -> None:
    observations = _obs(
        [
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "a"),
            ("level4_eligible_services_share", "2021-12-31", 96, None, "actual", "national", "b"),
        ]
    )
    table = audit.definition_changes(observations, REGISTRY)
    assert set(table["id"]) == {"level4_services_share", "level4_eligible_services_share", "other_share"}
    assert table.set_index("id").loc["other_share", "figures"] == 0


def test_coverage_and_bounds_count_every_figure() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-12-24", 412_000, None, "actual", "national", "vss"),
            ("portal_accounts", "2021-03-08", 468_000, "more_than", "actual", "national", "vna"),
            ("portal_payments", "2021-03-08", 67_000, None, "actual", "national", "vna"),
        ]
    )
    table = audit.coverage(observations)
    assert table.loc["portal_accounts", ["2020", "2021", "total"]].tolist() == [1, 1, 2]
    assert table["total"].sum() == len(observations)
    bounds = audit.bounds_share(observations)
    assert bounds.loc["portal_accounts", "share_qualified_%"] == 50.0


def test_implied_growth_between_snapshots() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-01-01", 1_000, None, "actual", "national", "a"),
            ("portal_accounts", "2020-01-11", 2_000, None, "actual", "national", "b"),
            ("portal_accounts", "2020-01-11", 1_800, "more_than", "actual", "national", "c"),  # same date
        ]
    )
    rows = portal.snapshots(observations, ["portal_accounts"])
    # Reports of the same date become their median (conventions.collapse_reports), as in the forecasts.
    assert rows["value"].tolist() == [1_000, 1_900]
    assert rows["n_reports"].tolist() == [1, 2] and rows.loc[1, "source_ids"] == "b|c"
    growth = portal.implied_growth(rows)
    assert growth.loc[0, "days"] == 10 and growth.loc[0, "per_day"] == 90
    assert (1 + growth.loc[0, "daily_growth_%"] / 100) ** 10 == pytest.approx(1.9)
    multiples = portal.growth_multiples(rows)
    assert multiples.loc["portal_accounts", "multiple"] == pytest.approx(1.9)


def test_a_snapshot_reported_again_days_later_counts_once() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-12-24", 412_000, None, "actual", "national", "vss"),
            ("portal_accounts", "2020-12-31", 412_000, "more_than", "actual", "national", "binhduong"),
            ("portal_accounts", "2021-03-08", 468_000, "more_than", "actual", "national", "vna"),
        ]
    )
    rows = portal.snapshots(observations, ["portal_accounts"])
    assert rows["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-12-24", "2021-03-08"]
    assert rows.loc[0, "repeated_on"] == "2020-12-31" and rows.loc[0, "source_ids"] == "vss|binhduong"


def test_snapshots_reject_unknown_metrics() -> None:
    with pytest.raises(SelectionError, match="portal_hugs"):
        portal.snapshots(_obs([]), ["portal_hugs"])


def test_value_per_payment_never_mixes_cumulative_and_period_figures() -> None:
    observations = _obs(
        [
            ("portal_payments", "2021-03-08", 67_000, None, "actual", "national", "vna"),
            ("portal_payment_value_vnd", "2021-03-08", 26.7e9, None, "actual", "national", "vna"),
            ("portal_payments_in_period", "2020-08-27", 3_000, None, "actual", "national", "vns",
             "2020-08-01"),
            ("portal_payment_value_vnd_in_period", "2020-08-27", 5e9, "about", "actual", "national", "vns",
             "2020-08-01"),
            # same end date, another period: never divided by the August count
            ("portal_payment_value_vnd_in_period", "2020-08-27", 9e9, None, "actual", "national", "x",
             "2020-07-01"),
            ("portal_payment_value_vnd", "2020-08-27", 9e9, None, "actual", "national", "odd"),  # no count
        ]
    )
    table = portal.value_per_payment(observations)
    assert table["basis"].tolist() == ["in period", "cumulative"]
    assert table["vnd_per_payment"].tolist() == pytest.approx([5e9 / 3_000, 26.7e9 / 67_000])


def test_target_table_uses_the_same_definition_and_scope_only() -> None:
    observations = _obs(
        [
            ("level4_services_share", "2019-12-31", 30, None, "target", "national", "vgp"),
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "og"),
            ("level4_eligible_services_share", "2019-12-31", 96, None, "actual", "national", "mic"),
            ("level4_services_share", "2020-12-31", 30, None, "target", "localities", "vns"),
            ("level4_services_share", "2020-12-31", 30, None, "target", "localities", "vnn"),  # reprint
            ("un_egdi_rank", "2025-12-31", 70, "at_most", "target", "national", "mic"),
            ("un_egdi_rank", "2026-01-15", 65, None, "actual", "national", "x"),
        ]
    )
    table = tracking.target_table(observations, ["level4_services_share", "un_egdi_rank"])
    assert len(table) == 3
    first = table.iloc[0]
    assert first["actual"] == 10.76 and first["gap"] == pytest.approx(-19.24) and not first["met"]
    localities = table[table["scope"] == "localities"].iloc[0]
    assert (
        localities["sources"] == "vnn; vns"
        and pd.isna(localities["met"])
        and math.isnan(localities["actual"])
    )
    rank = table[table["indicator"] == "un_egdi_rank"].iloc[0]
    # Reported two weeks after the deadline: shown, but it cannot say where things stood at the deadline.
    assert rank["direction"] == "at most" and rank["gap"] == -5 and pd.isna(rank["met"])
    assert rank["verdict"] is TargetVerdict.NOT_KNOWN_AT_DEADLINE
    assert localities["verdict"] is TargetVerdict.NO_FIGURE and first["verdict"] is TargetVerdict.MISSED
    assert "not known at the deadline" in texts.target_summary(table)


@pytest.mark.parametrize(
    ("value", "qualifier", "target", "lower_is_better", "expected"),
    [
        (31, None, 30, False, True),
        (31, "about", 30, False, None),  # within 5 % of the target: too close to call
        (40, "about", 30, False, True),
        (28, "more_than", 30, False, None),  # at least 28: might be above 30
        (31, "more_than", 30, False, True),
        (29, "nearly", 30, False, False),  # just under 29: below 30
        (31, "nearly", 30, False, None),
        (71, None, 70, True, False),  # rank 71 misses "top 70"
        (72, "less_than", 70, True, None),
        (68, "less_than", 70, True, True),
    ],
)
def test_target_met_respects_bounds(
    value: float, qualifier: str | None, target: float, lower_is_better: bool, expected: bool | None
) -> None:
    direction = "at_most" if lower_is_better else "at_least"
    assert tracking.target_met(value, qualifier or "", target, direction) is expected


def test_trust_table_verdicts() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-12-24", 412_000, None, "actual", "national", "vss"),
            ("portal_accounts", "2020-12-26", 500_000, None, "actual", "national", "bd"),  # conflict
            ("portal_payments", "2020-01-01", 10, "more_than", "actual", "national", "a"),
            ("portal_payments", "2021-01-01", 20, "more_than", "actual", "national", "b"),
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "a"),
            ("level4_services_share", "2020-12-31", 20, None, "actual", "national", "a"),
            ("other_share", "2020-12-31", 20, None, "actual", "national", "a"),  # too few figures
        ]
    )
    registry = REGISTRY.assign(label=REGISTRY.index)
    verdicts = audit.trust_table(observations, registry)["verdict"].to_dict()
    assert verdicts == {
        "portal_accounts": audit.Trust.CONFLICTING,
        "portal_payments": audit.Trust.MOSTLY_BOUNDS,
        "level4_services_share": audit.Trust.SINGLE_SOURCE,
    }


def test_scope_level_groups_scopes() -> None:
    scopes = pd.Series(["national", "localities", "province:ha-nam", "ministries_and_localities"])
    assert audit.scope_level(scopes).tolist() == [
        "national",
        "all ministries or localities",
        "one province or ministry",
        "all ministries or localities",
    ]


def test_share_definitions_orders_by_first_report_and_skips_other_scopes() -> None:
    observations = _obs(
        [
            ("level4_eligible_services_share", "2021-12-31", 96, None, "actual", "national", "mic"),
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "og"),
            ("other_share", "2019-12-31", 10, None, "actual", "localities", "og"),
        ]
    )
    registry = REGISTRY.assign(
        concept=[
            "a",
            "a",
            "online_service_level4",
            "online_service_level4",
            "online_service_level4",
            "b",
            "b",
            "b",
            "b",
        ]
    )
    assert tracking.share_definitions(observations, registry) == [
        "level4_services_share",
        "level4_eligible_services_share",
    ]


def test_portal_summary_text_states_the_multiple() -> None:
    observations = _obs(
        [
            ("portal_accounts", "2020-02-09", 44_200, "more_than", "actual", "national", "a"),
            ("portal_accounts", "2023-07-31", 7_770_000, "about", "actual", "national", "b"),
        ]
    )
    text = texts.portal_summary_text(portal.snapshots(observations, ["portal_accounts"]))
    assert "44,200 (09 Feb 2020)" in text and "7.77 million (31 Jul 2023)" in text and "176 times" in text
    assert "1 of the 2 figures are bounds" in text


def test_trust_table_needs_an_independent_second_report_to_corroborate() -> None:
    observations = _obs(
        [
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "a"),
            ("level4_services_share", "2019-12-31", 10.76, None, "actual", "national", "b"),  # same moment
            ("level4_eligible_services_share", "2021-12-31", 96, None, "actual", "national", "a"),
            ("level4_eligible_services_share", "2022-03-31", 97.3, None, "actual", "national", "b"),  # later
            ("other_share", "2020-12-31", 20, None, "actual", "national", "a"),
            ("other_share", "2020-12-31", 20, None, "actual", "national", "a-reprint"),  # a reprint of a
        ]
    )
    registry = REGISTRY.assign(label=REGISTRY.index)
    sources = pd.DataFrame(
        {"publisher": ["A", "B", "C"], "reprint_of": ["", "", "a"]},
        index=pd.Index(["a", "b", "a-reprint"], name="source_id"),
    )
    table = audit.trust_table(observations, registry, sources=sources)
    assert table["verdict"].to_dict() == {
        "level4_services_share": audit.Trust.CORROBORATED,
        "level4_eligible_services_share": audit.Trust.UNCORROBORATED,
        "other_share": audit.Trust.UNCORROBORATED,
    }
    assert table.loc["level4_services_share", "corroborated"] == 2


def test_flow_rates_make_periods_of_different_lengths_comparable() -> None:
    observations = _obs(
        [
            ("portal_payments_in_period", "2020-08-27", 2_700, None, "actual", "national", "a", "2020-08-01"),
            ("portal_payments_in_period", "2020-08-31", 6_200, None, "actual", "national", "b", "2020-07-01"),
            ("portal_payments", "2020-08-31", 9_000, None, "actual", "national", "c"),  # a stock: not a flow
        ]
    )
    table = portal.flow_rates(observations)
    assert table["days"].tolist() == [27, 62]
    assert table["per_day"].tolist() == pytest.approx([100.0, 100.0])
    with pytest.raises(SelectionError, match="portal_payments"):
        portal.flow_rates(observations, ["portal_payments"])


def test_flows_follow_the_chosen_metrics_and_the_window() -> None:
    assert portal.flows_of(["portal_payments", "portal_accounts"]) == [
        "portal_accounts_in_period",
        "portal_payments_in_period",
    ]
    assert portal.flows_of(["portal_accounts", "no_such_metric"]) == ["portal_accounts_in_period"]
    observations = _obs(
        [
            ("portal_payments_in_period", "2020-08-27", 2_700, None, "actual", "national", "a", "2020-08-01"),
            ("portal_payments_in_period", "2022-06-30", 531000, None, "actual", "national", "b",
             "2022-01-01"),
            ("portal_visits_in_period", "2020-08-27", 5_000, None, "actual", "national", "c", "2020-08-01"),
        ]
    )
    table = portal.flow_rates(observations, portal.flows_of(["portal_payments"]), start="2021-01-01")
    assert table["indicator"].tolist() == ["portal_payments_in_period"]
    assert table["value"].tolist() == [531_000]
    assert portal.flow_rates(observations, ["portal_visits_in_period"], end="2020-08-26").empty
