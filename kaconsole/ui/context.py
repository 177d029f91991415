"""What a screen may use of the console: its cluster, engine, journal and a few verbs.

Screens are handed this narrow interface instead of the app, so no screen imports the app and
each screen's needs are written down in one place. `KaConsoleApp` provides it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from kaconsole.core.inventory.model import Cluster
from kaconsole.engine.actions import Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor, ProbeFn
from kaconsole.ui.palette import Entry
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.priorities import PriorityHistory


class Console(Protocol):
    cluster: Cluster
    cluster_file: str
    read_only: bool
    pane_lines: int
    save_dir: Path
    audit: AuditLog
    journal: Journal
    priorities: PriorityHistory
    actions: Actions
    monitor: ClusterMonitor
    prober: ProbeFn
    #: Snapshots the screen could not draw in time (coalesced away).
    missed: int
    drill_running: bool

    def next_theme(self) -> None: ...

    def request_quit(self) -> None: ...

    def save(self) -> tuple[str, str]: ...

    def commands(self) -> list[Entry]:
        """The palette's catalogue, which the `:` command line also takes."""
        ...
