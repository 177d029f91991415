"""What is up, kept in `<lab dir>/state.json` so `down`, `status`, `fault` work from anywhere."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kaconsole.errors import LabError
from kaconsole.lab.configs import DEFAULT_MGMT_NET, DEFAULT_SVC_NET

DEFAULT_DIR = Path("/var/lib/kaconsole/lab")
STATE_FILE = "state.json"
#: One lock per machine, however many labs (default and named) run: long runs that bring labs
#: up and down (tests, benchmarks, sample capture) hold it for their whole session, so they
#: queue instead of tearing down each other's labs. `lab up` itself never takes it. It is not
#: lab.lock, which people take around whole commands (`flock /var/lib/kaconsole/lab.lock pytest
#: ...`): a run inside such a command must not wait for its own parent.
LOCK_FILE = Path("/var/lib/kaconsole/lab-run.lock")


@contextmanager
def exclusive(timeout: float = 600.0, lock_file: Path = LOCK_FILE) -> Iterator[None]:
    """Hold the machine's lab lock; LabError if another run holds it longer than `timeout`."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _held_by_ancestor(os.fstat(handle.fileno()).st_ino):
                    yield  # e.g. `flock lab.lock pytest ...`: our caller already holds it
                    return
                if time.monotonic() > deadline:
                    raise LabError(f"another lab run holds {lock_file}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(slots=True)
class NodeState:
    """One running node: the host pids of its init (pid 1 inside) and of the `unshare` above it."""

    name: str
    netns: str
    mgmt_ip: str
    svc_ip: str
    init_pid: int
    unshare_pid: int
    faults: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LabState:
    dir: str
    nodes: int
    instances: int
    vrrp_version: int
    unicast: bool
    vips: list[str]
    cluster_file: str
    created_at: str
    node_states: list[NodeState] = field(default_factory=list)
    mgmt_net: str = DEFAULT_MGMT_NET
    svc_net: str = DEFAULT_SVC_NET
    keepalived: dict[str, str] = field(default_factory=dict)
    """Node name -> the keepalived version it runs instead of the distribution's."""
    name: str | None = None
    """A named lab's name (`lab up --name`); None: the default lab."""

    def node(self, name: str) -> NodeState:
        for node in self.node_states:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.node_states)
        raise LabError(f"no lab node {name!r} (nodes: {known})")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _held_by_ancestor(inode: int) -> bool:
    """True when a process above us holds the flock on `inode` (per /proc/locks)."""
    holders = set()
    try:
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            flock = "->" not in fields and len(fields) >= 6 and fields[1] == "FLOCK"
            if flock and fields[5].rsplit(":", 1)[-1] == str(inode):
                holders.add(int(fields[4]))
        pid = os.getppid()
        while pid > 1:
            if pid in holders:
                return True
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return False
    return False


def state_path(lab_dir: Path) -> Path:
    return lab_dir / STATE_FILE


def save(state: LabState) -> None:
    """Write atomically (rename), so a concurrent `status` never reads half a file."""
    path = state_path(Path(state.dir))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state.to_json(), indent=2) + "\n")
    os.replace(tmp, path)


def load(lab_dir: Path) -> LabState | None:
    """The lab's state, or None when no lab was brought up in this directory."""
    path = state_path(lab_dir)
    try:
        raw = json.loads(path.read_text())
        nodes = [NodeState(**n) for n in raw.pop("node_states")]
        return LabState(**raw, node_states=nodes)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise LabError(f"{path}: unreadable lab state ({exc}); run `kaconsole lab down`") from exc
