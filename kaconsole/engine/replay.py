"""Replay: a recording folded into a monitor at any chosen moment, and where its moments are.

Loading folds every record once (the reducer alone, no panes), keeping the state every
CHECKPOINT records (states are immutable, so a checkpoint is a reference) and the marks a
viewer steps between: transitions, anomalies appearing, audited actions. Seeking restores the
nearest checkpoint before the target and feeds the monitor from there, so seeking anywhere costs
at most CHECKPOINT folds, and the panes refill with the facts just before the target.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kaconsole.core.facts import ProbeResult
from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.inventory.model import VipProbe
from kaconsole.core.state.model import ClusterState
from kaconsole.core.state.reduce import reduce
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.playback import Record, Recording, recorded_cluster
from kaconsole.errors import InputError

CHECKPOINT = 256
#: Anomalies are looked for at most this often (recorded seconds): they need the whole view.
ANOMALY_STEP = 1.0
#: Records fed before a seek's target so that the log and wire panes are not empty.
PANE_HISTORY = 1_000


@dataclass(frozen=True, slots=True)
class Mark:
    """A moment worth stepping to: a transition, an anomaly appearing, an audited action."""

    t: float
    kind: str
    text: str


class Player:
    """The recording at `path`, played into a monitor of its own (no sessions, no recorder)."""

    def __init__(self, path: str) -> None:
        self.file = Recording(path)
        self.cluster = recorded_cluster(self.file.header)
        self.monitor = ClusterMonitor(self.cluster, sessions=_Replayed())
        self.records: list[Record] = []
        self.times: list[float] = []
        self.marks: list[Mark] = []
        self.checkpoints: list[ClusterState] = [self.monitor.state]
        self.position = 0
        self._folded = self.monitor.state
        self._anomalies: frozenset[str] = frozenset()
        self._checked = float("-inf")
        self.load(self.file.records())

    # --- reading ----------------------------------------------------------------------------

    def load(self, records: Any) -> int:
        """Fold new records into the index (marks, checkpoints); returns how many came."""
        count = 0
        for record in records:
            self._index(record)
            count += 1
        return count

    def poll(self) -> int:
        """The blocks written since the last look (following a live recording)."""
        return self.load(self.file.follow())

    def _index(self, record: Record) -> None:
        self.records.append(record)
        self.times.append(record.t)
        fact = record.fact
        if fact is not None:
            before = self._folded.transition_count
            self._folded = reduce(self._folded, fact)
            if self._folded.transition_count > before and self._folded.transitions:
                tr = self._folded.transitions[-1]
                self.marks.append(Mark(record.t, "transition",
                                       f"{tr.node} {tr.instance} {tr.from_state} -> "
                                       f"{tr.to_state} ({tr.cause})"))
            if not isinstance(fact, ProbeResult) and record.t - self._checked >= ANOMALY_STEP:
                self._check_anomalies(record.t)
        elif record.audit is not None and record.audit.get("phase") == "started":
            self.marks.append(Mark(record.t, "action",
                                   f"{record.audit.get('node')}: {record.audit.get('action')}"))
        if len(self.records) % CHECKPOINT == 0:
            self.checkpoints.append(self._folded)

    def _check_anomalies(self, t: float) -> None:
        self._checked = t
        found = {a.kind: a.message for a in find_anomalies(self._folded)}
        for kind in sorted(set(found) - self._anomalies):
            self.marks.append(Mark(t, "anomaly", found[kind]))
        self._anomalies = frozenset(found)

    # --- position ---------------------------------------------------------------------------

    @property
    def start(self) -> float:
        return self.times[0] if self.times else float(self.file.header.get("started", 0.0))

    @property
    def end(self) -> float:
        return self.times[-1] if self.times else self.start

    @property
    def now(self) -> float:
        return self.times[self.position - 1] if self.position else self.start

    def seek(self, t: float) -> bool:
        """Show the state as it was at `t`; True when that went backwards (panes refill)."""
        return self.goto(bisect.bisect_right(self.times, t))

    def goto(self, index: int) -> bool:
        index = max(0, min(index, len(self.records)))
        back = index < self.position
        if back or index - self.position > CHECKPOINT + PANE_HISTORY:
            base = max(0, index - PANE_HISTORY) // CHECKPOINT
            self.monitor.rewind(self.checkpoints[base])
            self.position = base * CHECKPOINT
            back = True
        for record in self.records[self.position : index]:
            if record.fact is not None:
                self.monitor.feed(record.fact)
        self.position = index
        return back

    def step(self, direction: int) -> Mark | None:
        """Go to the next (1) or previous (-1) mark; None when there is none that way."""
        now = self.now
        later = [m for m in self.marks if m.t > now]
        earlier = [m for m in self.marks if m.t < now]
        mark = (later[0] if later else None) if direction > 0 else \
            (earlier[-1] if earlier else None)
        if mark is not None:
            self.seek(mark.t)
        return mark

    def parse_time(self, text: str) -> float:
        """`--at`: `90`, `+1:30` or `+0:01:30` from the start; `14:03:07` that wall-clock time
        on the recording's first day; or a full ISO date and time."""
        text = text.strip()
        try:
            if text.startswith("+") or (":" not in text and "-" not in text):
                seconds = 0.0
                for part in text.lstrip("+").split(":"):
                    seconds = seconds * 60 + float(part)
                return self.start + seconds
            if "-" not in text and "T" not in text:
                day = datetime.fromtimestamp(self.start, tz=UTC).astimezone().date().isoformat()
                return datetime.fromisoformat(f"{day}T{text}").timestamp()
            return datetime.fromisoformat(text).timestamp()
        except ValueError as exc:
            raise InputError("--at", f"{text!r} is not a time (90, +1:30, 14:03:07 or an ISO "
                             "date and time)") from exc

    def audit_until(self, t: float) -> list[dict[str, Any]]:
        return [r.audit for r in self.records if r.audit is not None and r.t <= t]


class RecordedAudit(AuditLog):
    """The recording's audit entries up to the replay's position, read-only."""

    def __init__(self, player: Player) -> None:
        super().__init__(player.file.path)
        self.player = player

    def read(self) -> list[dict[str, Any]]:
        return self.player.audit_until(self.player.now)

    def since(self, at: float) -> list[dict[str, Any]]:
        return [e for e in self.read() if _at(e) >= at]

    def _append(self, entry: dict[str, Any]) -> None:
        raise PermissionError("a replay writes no audit entry")


def _at(entry: dict[str, Any]) -> float:
    try:
        return datetime.fromisoformat(str(entry.get("time"))).timestamp()
    except ValueError:
        return 0.0


class _Replayed:
    """Sessions for a replay: the recording is the only input, and nothing reaches the
    network (a probe through the VIP answers that it was not sent)."""

    def __call__(self, node: object, sink: object) -> _Quiet:
        return _Quiet()

    async def probe(self, spec: VipProbe) -> ProbeResult:
        return ProbeResult(spec.url, False, time.time(), 0.0, error="a replay sends no probe")


class _Quiet:
    """A node's session in a replay: the recording is the only input."""

    runner = None

    async def run(self) -> None:
        return None

    def refresh(self) -> None:
        return None
