"""Where benchmarks find the real clips: the same rule as the tests' ``shared_data`` fixture."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    root = Path(os.environ.get("FORMCHECK_TEST_DATA", REPO.parent / "shared" / "data")).resolve()
    if not (root / "README.md").is_file():
        sys.exit(f"real data not found at {root}; set FORMCHECK_TEST_DATA")
    return root
