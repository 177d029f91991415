"""Shared test fixtures, and the hypothesis profiles of the suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

# Property tests must not fail because the machine is busy: no per-example deadline, and the
# health checks that only measure speed or generated size are off (the others stay on).
settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI: the same, derandomized so a failure reproduces on the next run, and always reported
# with the blob that replays it.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI")
                                     else "default"))


@pytest.fixture
def data_dir() -> Path:
    """tests/data: real samples captured from the lab and keepalived's own wording."""
    return DATA


@pytest.fixture(autouse=True)
def _recordings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions the tests run record into a temporary directory, never the user's."""
    monkeypatch.setenv("KACONSOLE_RECORDINGS", str(tmp_path_factory.mktemp("recordings")))
