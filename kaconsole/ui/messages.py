"""Messages that cross widgets: state from the monitor (coalesced), results of actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.message import Message

from kaconsole.engine.actions import ActionOutcome, ActionRequest
from kaconsole.engine.monitor import Update


class StateChanged(Message):
    """The monitor's latest state and the log lines and adverts new since the previous one."""

    bubble = False

    def __init__(self, update: Update) -> None:
        super().__init__()
        self.update = update


@dataclass
class ActionDone(Message):
    """An action finished (`outcome`) or was refused or failed to start (`error`)."""

    bubble: ClassVar[bool] = False

    request: ActionRequest
    outcome: ActionOutcome | None
    error: str | None = None
