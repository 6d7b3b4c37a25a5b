"""formcheck batch on a real Dask cluster (two worker processes on loopback) gives exactly the
summary the local process pool gives."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from formcheck.batch import jobs_from_sources, run_batch
from formcheck.batch.backends import DaskCluster, LocalPool
from formcheck.batch.summary import TIMING_COLUMNS

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

CLIPS = ("videos/plank/fitgem-elbow-plank.mp4", "videos/plank/kaiakol-plank_correct_001.mp4",
         "videos/plank/kaiakol-plank_correct_005.mp4")


@pytest.fixture(scope="module")
def dask_cluster():
    if importlib.util.find_spec("distributed") is None:
        message = "Dask distributed is not installed (pip install 'formcheck[cluster]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from distributed import LocalCluster

    # One thread per worker: each clip is estimated on one core, as in the local pool.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _comparable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in TIMING_COLUMNS} for row in rows]


def test_cluster_summary_equals_the_local_pool_summary(shared_data, tmp_path, dask_cluster):
    clips = tmp_path / "clips"
    clips.mkdir()
    for rel in CLIPS:
        (clips / Path(rel).name).symlink_to(shared_data / rel)  # read in place
    (clips / "broken.mp4").write_bytes(b"not a video")
    jobs = jobs_from_sources([clips], "forearm_plank")

    local = run_batch(jobs, tmp_path / "local", LocalPool(2))
    cluster = run_batch(jobs, tmp_path / "cluster", DaskCluster(dask_cluster))

    assert [r["status"] for r in local.rows] == ["failed", "scored", "scored", "scored"]
    assert _comparable(cluster.rows) == _comparable(local.rows)
    assert (tmp_path / "cluster" / "summary.csv").read_text().count("\n") == 5
    local_csv = (tmp_path / "local" / "summary.jsonl").read_text().splitlines()
    cluster_csv = (tmp_path / "cluster" / "summary.jsonl").read_text().splitlines()
    assert len(local_csv) == len(cluster_csv) == 4
