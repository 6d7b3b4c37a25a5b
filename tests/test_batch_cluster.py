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


@pytest.fixture(scope="module")
def clip_folder(shared_data, tmp_path_factory):
    clips = tmp_path_factory.mktemp("clips")
    for rel in CLIPS:
        (clips / Path(rel).name).symlink_to(shared_data / rel)  # read in place
    (clips / "broken.mp4").write_bytes(b"not a video")
    return clips


@pytest.fixture(scope="module")
def local_run(clip_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return out, run_batch(jobs_from_sources([clip_folder], "forearm_plank"), out, LocalPool(2))


def test_cluster_summary_equals_the_local_pool_summary(clip_folder, local_run, tmp_path, dask_cluster):
    local_out, local = local_run
    cluster = run_batch(jobs_from_sources([clip_folder], "forearm_plank"), tmp_path / "cluster",
                        DaskCluster(dask_cluster))

    assert [r["status"] for r in local.rows] == ["failed", "scored", "scored", "scored"]
    assert _comparable(cluster.rows) == _comparable(local.rows)
    assert (tmp_path / "cluster" / "summary.csv").read_text().count("\n") == 5
    local_lines = (local_out / "summary.jsonl").read_text().splitlines()
    cluster_lines = (tmp_path / "cluster" / "summary.jsonl").read_text().splitlines()
    assert len(local_lines) == len(cluster_lines) == 4


def test_a_cluster_worker_killed_mid_clip_loses_no_clip(shared_data, clip_folder, local_run, tmp_path,
                                                         dask_cluster):
    from tests.killer import WorkerKiller

    with WorkerKiller(shared_data / rel for rel in CLIPS) as killer:
        cluster = run_batch(jobs_from_sources([clip_folder], "forearm_plank"), tmp_path / "cluster",
                            DaskCluster(dask_cluster))
    assert killer.killed is not None, "no worker was caught mid-clip"
    # Dask's nanny restarts the worker and the scheduler runs its clip again elsewhere.
    assert _comparable(cluster.rows) == _comparable(local_run[1].rows)
