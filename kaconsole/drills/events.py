"""What a drill runner says to its UI, and asks of it: typed, so no UI matches English text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from kaconsole.drills.report import DrillReport
from kaconsole.errors import KaconsoleError

EventKind = Literal[
    "started", "step_started", "evidence", "step_finished", "rollback_offered", "finished"
]


@dataclass(frozen=True, slots=True)
class ConfirmRequest:
    """What the runner asks the operator; a UI decides how to ask by `kind`, never by the text."""

    kind: Literal["step", "rollback"]
    prompt: str


ConfirmFn = Callable[[ConfirmRequest], Awaitable[bool]]


class DrillRefused(KaconsoleError):
    """The drill did not start: the cluster is not fit for it, or a role names no node."""


@dataclass(frozen=True, slots=True)
class DrillEvent:
    kind: EventKind
    report: DrillReport
    section: str = "steps"
    index: int | None = None
    text: str = ""
