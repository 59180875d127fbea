"""pytest for the distlab package. Run by ctest (tests/python/CMakeLists.txt sets PYTHONPATH to
<build>/python and DISTLAB_CLI to the CLI), or by hand:
    PYTHONPATH=build/python DISTLAB_CLI=build/sim/cli/distlab /usr/bin/python3 -m pytest tests/python
"""
import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> str:
    c = os.environ.get("DISTLAB_CLI") or shutil.which("distlab")
    if not c:
        c = str(REPO / "build" / "sim" / "cli" / "distlab")
    assert Path(c).exists(), f"the distlab CLI is not at {c} (set DISTLAB_CLI)"
    return c


@pytest.fixture(autouse=True)
def _cwd_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # scenario paths as the CLI's tests write them


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("DISTLAB_CACHE", str(d))
    return d
