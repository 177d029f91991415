"""Running one command on a node: the result every caller gets, and the protocol runners follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Completed:
    """What a command did. `exit_status` None means unknown (timed out, connection lost)."""

    command: str
    exit_status: int | None
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def tail(self, lines: int = 10) -> str:
        """The last lines of stdout and stderr, for a result line or the audit log."""
        text = "\n".join(t for t in (self.stdout.rstrip(), self.stderr.rstrip()) if t)
        return "\n".join(text.splitlines()[-lines:])

    def describe(self) -> str:
        if self.timed_out:
            return f"timed out after {self.duration:.1f} s"
        if self.exit_status is None:
            return f"result unknown: {self.error or 'connection lost'}"
        return f"exit status {self.exit_status} in {self.duration:.2f} s"


class Runner(Protocol):
    """Runs one shell command on one node and waits for it, within a time limit."""

    node: str

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        """Run `command` (a shell command line); `privileged` adds `sudo -n` where configured."""
        ...
