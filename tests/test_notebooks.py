"""The project's notebooks under papermill with non-default parameters (nbval checks the defaults).

One refresh runs all five notebooks with other parameters, two kernels at a time, into a temporary
folder; the committed notebooks are not touched. Each test then reads what its notebook printed.
"""

from __future__ import annotations

import nbformat
import pytest

from egovanalysis import config
from egovanalysis.reporting.refresh import RefreshResult, plan_runs, refresh

PARAMS = """
01-data-audit: {min_figures: 5, top_indicators: 5}
02-egdi: {country: THA, peers: [VNM, MYS, IDN], start_year: 2010}
03-online-services: {scope: localities}
04-portal-adoption: {metrics: [portal_accounts, portal_payments], start: "2020-06-01", log_scale: false}
05-forecast: {indicator: portal_accounts, horizon: 2, cutoff: "2021-03-31"}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RefreshResult:
    params = tmp_path_factory.mktemp("params") / "params.yml"
    params.write_text(PARAMS, encoding="utf-8")
    before = {path: path.read_bytes() for path in config.NOTEBOOKS_DIR.glob("*.ipynb")}
    result = refresh(
        config.NOTEBOOKS_DIR,
        tmp_path_factory.mktemp("reports"),
        params_file=params,
        jobs=2,
        build=False,
        progress=False,
        log=lambda _: None,
    )
    assert {path: path.read_bytes() for path in config.NOTEBOOKS_DIR.glob("*.ipynb")} == before
    return result


def _printed(result: RefreshResult, stem: str) -> str:
    """Everything a run printed or displayed as text."""
    outcome = next(outcome for outcome in result.outcomes if outcome.spec.stem == stem)
    assert outcome.ok, outcome.error
    notebook = nbformat.read(outcome.output, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output["text"])
            for mime in ("text/plain", "text/markdown"):
                texts.append(str(output.get("data", {}).get(mime, "")))
    return "\n".join(texts)


def test_every_notebook_runs_with_other_parameters(run: RefreshResult) -> None:
    assert run.ok, [(outcome.spec.name, outcome.error) for outcome in run.failures]
    assert sorted(outcome.spec.stem for outcome in run.outcomes) == sorted(
        path.stem for path in config.NOTEBOOKS_DIR.glob("*.ipynb")
    )


def test_data_audit_with_other_thresholds(run: RefreshResult) -> None:
    text = _printed(run, "01-data-audit")
    assert "Figures in the dataset: 234" in text


def test_egdi_tells_thailands_story_among_chosen_peers(run: RefreshResult) -> None:
    text = _printed(run, "02-egdi")
    assert "Thailand ranked 76 of 183 in 2010 and 52 of 193 in 2024" in text
    assert "Among the 4 countries compared, Thailand was" in text
    assert "No stated EGDI goals are recorded for Thailand." in text
    assert "not Thailand: nothing to check" in text


def test_online_services_for_localities(run: RefreshResult) -> None:
    text = _printed(run, "03-online-services")
    assert "at scope 'localities'" in text
    assert "(localities): at least 30 by 31 Dec 2024: missed, reported 18.54" in text


def test_portal_adoption_with_two_metrics(run: RefreshResult) -> None:
    text = _printed(run, "04-portal-adoption")
    assert "snapshots of 2 metrics" in text
    assert "portal_visits" not in text


def test_forecast_from_march_2021_meets_the_later_actuals(run: RefreshResult) -> None:
    text = _printed(run, "05-forecast")
    assert "from data up to 2021-03-31" in text
    assert "checked against 2 later actual(s): on 2022-07-31" in text and "on 2023-07-31" in text


def test_the_forecast_params_file_is_valid() -> None:
    specs = plan_runs(
        config.NOTEBOOKS_DIR,
        only=["05-forecast"],
        params_file=config.NOTEBOOKS_DIR / "params" / "05-forecast.yml",
    )
    assert len(specs) >= 3
    assert {"level4_services_share", "portal_accounts", "un_egdi_rank"} <= {
        spec.parameters["indicator"] for spec in specs
    }


def test_papermill_reads_every_declared_parameter() -> None:
    # papermill skips lines it cannot parse (``X | None``, a second '=' in a comment) with a mere warning.
    import papermill

    from egovanalysis.reporting.params import read_parameters

    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        assert sorted(papermill.inspect_notebook(str(path))) == sorted(read_parameters(path)), path.name
