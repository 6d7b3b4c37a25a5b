"""Batch scoring: many clips, one summary, resumable, on a local process pool or a Dask cluster.

Nothing here imports Dask at import time; :mod:`formcheck.batch.backends` does so only when a
cluster address is given.
"""

from formcheck.batch.jobs import ClipJob, jobs_from_manifest, jobs_from_sources
from formcheck.batch.runner import BatchReport, run_batch

__all__ = ["BatchReport", "ClipJob", "jobs_from_manifest", "jobs_from_sources", "run_batch"]
