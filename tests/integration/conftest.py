"""The lab for integration tests: one per session, driven over real SSH with strict host keys.

If the lab cannot start the tests skip, unless KACONSOLE_LAB_REQUIRED=1 (CI): then they fail.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from kaconsole.errors import LabError
from kaconsole.lab import control
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.registry import exclusive
from tests.kits.lab import Lab, unavailable
from tests.kits.lab import lab_b as lab_b  # a second lab beside the session's, for any test


@pytest.fixture(scope="session")
def lab_session() -> Iterator[Lab]:
    # Outside /tmp (nodes mount their own /tmp over it) and not world-writable (0700).
    base = Path("/var/lib/kaconsole")
    try:
        base.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="test-lab-", dir=base))
    except OSError as exc:
        unavailable(f"cannot create a lab directory under {base}: {exc}")
    with ExitStack() as stack:
        try:
            control.preflight()
            # queue behind other lab runs on this machine: a shared CI box may hold it a while
            stack.enter_context(exclusive(timeout=1800))
            started = time.monotonic()
            state = control.up(root / "lab", LabSpec())
            seconds = time.monotonic() - started
        except LabError as exc:
            unavailable(str(exc))
        yield Lab(root / "lab", state, seconds)
        control.down(root / "lab")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def lab(lab_session: Lab) -> Lab:
    """The session's lab, healed or brought up again if an earlier test left it otherwise."""
    lab_session.ensure_up()
    return lab_session
