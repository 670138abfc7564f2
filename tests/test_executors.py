"""The executors: the local pools and a real ``dask.distributed`` cluster (a ``LocalCluster`` of two worker
processes), through the generic ``map`` and through ``refresh --scheduler``.

The same sweep (two good runs of the tiny fixture and a notebook that raises) runs on the local pool and
on the cluster: the committed form of every executed notebook is byte-identical, and the failing run is
reported the same way.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from egovanalysis.errors import UsageError
from egovanalysis.reporting.executors import DaskExecutor, LocalExecutor, make_executor
from egovanalysis.reporting.refresh import RefreshResult, committed_form, refresh

NOTEBOOKS = Path(__file__).parent / "notebooks"


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture and the raising fixture side by side."""
    folder = tmp_path_factory.mktemp("notebooks")
    (folder / "tiny.ipynb").write_bytes((NOTEBOOKS / "good" / "tiny.ipynb").read_bytes())
    (folder / "raises.ipynb").write_bytes((NOTEBOOKS / "failing" / "raises.ipynb").read_bytes())
    return folder


def _refresh(notebooks: Path, out: Path, scheduler: str | None) -> RefreshResult:
    params = out.parent / f"{out.name}-params.yml"
    params.write_text("tiny:\n  - {title: First}\n  - {title: Second, scale: 3}\n", encoding="utf-8")
    return refresh(
        notebooks,
        out,
        params_file=params,
        jobs=2,
        scheduler=scheduler,
        build=False,
        progress=False,
        log=lambda _: None,
    )


@pytest.fixture(scope="module")
def both(notebooks: Path, cluster: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, RefreshResult]:
    return {
        "local": _refresh(notebooks, tmp_path_factory.mktemp("local"), None),
        "dask": _refresh(notebooks, tmp_path_factory.mktemp("dask"), cluster),
    }


def _without_pid(text: str) -> str:
    # The kernel's process id is the one output that differs between any two runs.
    return "\n".join(line for line in text.splitlines() if "pid:" not in line)


def test_dask_gives_the_same_notebooks_as_the_local_pool(both: dict[str, RefreshResult]) -> None:
    local, dask = both["local"], both["dask"]
    assert [o.spec.name for o in local.outcomes] == [o.spec.name for o in dask.outcomes]
    for ours, theirs in zip(local.outcomes, dask.outcomes, strict=True):
        assert ours.output.exists() and theirs.output.exists()
        mine = committed_form(nbformat.read(ours.output, as_version=4))
        other = committed_form(nbformat.read(theirs.output, as_version=4))
        assert _without_pid(mine) == _without_pid(other), ours.spec.name
    assert [o.headlines for o in local.outcomes] == [o.headlines for o in dask.outcomes]
    assert [len(o.figures) for o in local.outcomes] == [len(o.figures) for o in dask.outcomes]


def test_dask_reports_a_failing_run_like_the_local_pool(both: dict[str, RefreshResult]) -> None:
    for result in both.values():
        assert not result.ok
        assert [o.spec.name for o in result.failures] == ["raises"]
        assert result.failures[0].error == "ValueError: boom from the raises fixture (n=1)"
        assert result.latest is None  # nothing was ever good in this folder
        assert (result.run_dir / "tiny--2.html").is_file()  # the other runs are written
    assert both["dask"].backend.startswith("Dask cluster at tcp://")


def test_dask_workers_keep_no_kernel_after_the_refresh(both: dict[str, RefreshResult], cluster: str) -> None:
    from distributed import Client

    from egovanalysis.reporting import kernels

    with Client(cluster, set_as_default=False) as client:
        pools = client.run(lambda: len(kernels._WORKER_POOLS))
    assert set(pools.values()) == {0}
    pid = next(
        int(line.split()[1])
        for o in both["dask"].outcomes
        if o.spec.stem == "tiny"
        for cell in nbformat.read(o.output, as_version=4).cells
        for out in cell.get("outputs", [])
        for line in out.get("text", "").splitlines()
        if line.startswith("pid:")
    )
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_map_returns_results_in_order_on_every_backend(cluster: str) -> None:
    items = [9.0, 1.0, 16.0, 4.0]
    seen: list[int] = []
    for executor in (LocalExecutor(2), LocalExecutor(2, threads=True), DaskExecutor(cluster)):
        with executor:
            seen.clear()
            assert executor.map(math.sqrt, items, on_result=lambda i, _r: seen.append(i)) == [
                3.0,
                1.0,
                4.0,
                2.0,
            ]
            assert sorted(seen) == [0, 1, 2, 3]


def test_map_raises_a_task_error_on_every_backend(cluster: str) -> None:
    for executor in (LocalExecutor(2), DaskExecutor(cluster)):
        with executor, pytest.raises(ValueError, match="math domain error"):
            executor.map(math.sqrt, [1.0, -1.0])


def test_make_executor_picks_the_backend(cluster: str) -> None:
    with make_executor(2) as local:
        assert isinstance(local, LocalExecutor) and local.workers == 2
    with make_executor(scheduler=cluster) as remote:
        assert isinstance(remote, DaskExecutor) and remote.workers == 2
    with pytest.raises(UsageError, match="--jobs must be at least 1"):
        make_executor(0)
