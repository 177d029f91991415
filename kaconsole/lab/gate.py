"""A cluster file written by `lab up` names its lab; while that lab is down the file is refused
at once (CONTRACTS.md section 10), before any connection: its addresses then belong to nobody
we know, and waiting for SSH timeouts on each node tells the user nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kaconsole.errors import LabError
from kaconsole.lab import nodes
from kaconsole.lab.names import LabNames
from kaconsole.lab.registry import LabState, load


def down_reason(state: LabState | None, is_up: Callable[[int], bool]) -> str | None:
    """Why the lab of `state` is not up (None: it is); `is_up` tells a node's init is alive."""
    if state is None:
        return "is down"
    stopped = [n.name for n in state.node_states if not is_up(n.init_pid)]
    if stopped or not state.node_states:
        return f"is down ({', '.join(stopped) or 'no node'} not running)"
    return None


def require_up(cluster_file: str, lab_dir: str, name: str | None = None) -> None:
    """LabError (one line, exit 2) unless the lab in `lab_dir` (called `name`, None: the default
    lab) is up; reads local state only."""
    try:
        reason = down_reason(load(Path(lab_dir)), nodes.is_node_init)
    except LabError as exc:
        reason = f"cannot be checked: {exc}"
    if reason is not None:
        raise LabError(f"{cluster_file}: the lab in {lab_dir} {reason}; nothing was sent "
                       f"(`{LabNames(name).up_command}` brings it back)")
