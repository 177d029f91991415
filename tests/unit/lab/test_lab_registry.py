"""The lab state file: round trip, and any damaged file gives a LabError, never a traceback."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.errors import LabError
from kaconsole.lab import registry as labstate
from kaconsole.lab.registry import LabState, NodeState, exclusive


def _state(tmp: Path) -> LabState:
    return LabState(
        dir=str(tmp), nodes=1, instances=1, vrrp_version=2, unicast=False,
        vips=["198.18.2.100"], cluster_file=str(tmp / "cluster.yaml"), created_at="now",
        node_states=[NodeState("node1", "kclab-node1", "198.18.1.11", "198.18.2.11", 11, 10)],
    )  # fmt: skip


def test_round_trip(tmp_path: Path) -> None:
    state = _state(tmp_path)
    state.node_states[0].faults.append("vrrp-block")
    labstate.save(state)
    assert labstate.load(tmp_path) == state
    assert labstate.load(tmp_path / "elsewhere") is None


def test_unknown_node_is_named(tmp_path: Path) -> None:
    with pytest.raises(LabError, match=r"no lab node 'node9' \(nodes: node1\)"):
        _state(tmp_path).node("node9")


@given(st.text())
def test_damaged_state_file_is_a_lab_error(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / labstate.STATE_FILE).write_text(text)
        try:
            labstate.load(Path(tmp))
        except LabError as exc:
            message = str(exc)
        else:
            message = "lab down"  # text that happens to be a whole valid state
        assert "lab down" in message


def test_lab_lock_queues_other_runs_but_not_our_own_caller(tmp_path: Path) -> None:
    lock = tmp_path / "lab.lock"
    child = (
        "import sys; from pathlib import Path; from kaconsole.lab.registry import exclusive\n"
        "with exclusive(timeout=0.5, lock_file=Path(sys.argv[1])): print('inside')\n"
    )
    # `flock FILE python ...`: the lock is held by our parent, so we go ahead
    nested = subprocess.run(
        ["flock", str(lock), sys.executable, "-c", child, str(lock)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert nested.stdout == "inside\n", nested.stderr
    # held by an unrelated process: we wait, then give up with a LabError naming the file
    holder = subprocess.Popen(["flock", "--no-fork", str(lock), "sleep", "30"])
    try:
        _until_held(lock)
        with pytest.raises(LabError, match="another lab run holds"), exclusive(0.5, lock):
            pass
    finally:
        holder.kill()
        holder.wait()
    with exclusive(0.5, lock):
        pass


def _until_held(lock: Path, deadline: float = 30.0) -> None:
    """Wait until another process holds `lock` (evidence, not a guess at how long it takes)."""
    give_up = time.monotonic() + deadline
    with lock.open("a") as f:
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            fcntl.flock(f, fcntl.LOCK_UN)
            assert time.monotonic() < give_up, "the holder never took the lock"
            time.sleep(0.05)
