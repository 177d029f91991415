"""One verdict per instance and one for the cluster, from which every reader speaks.

The banner, the diagram's "should be / is", the what-if's "cluster whole" and the header all
used to decide for themselves, and at 3 a.m. they said different things (an election in
progress as "DISAGREES" beside "no anomalies"). Here each instance gets one status, and the
cluster one list of problems: readers only word them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kaconsole.core.insight.anomalies import Anomaly, InstanceSummary
from kaconsole.core.insight.effects import election
from kaconsole.core.insight.heal import heal_findings
from kaconsole.core.state.model import ClusterState
from kaconsole.core.vrrp.election import elect

Status = Literal["agrees", "electing", "disagrees", "unknown"]


@dataclass(frozen=True, slots=True)
class Verdict:
    instance: str
    should: str | None
    should_reason: str
    actual: tuple[str, ...]
    status: Status
    #: How the status reads: "electing (master-down 3.61 s)", "DISAGREES", ...
    text: str


def _settling(state: ClusterState, s: InstanceSummary) -> bool:
    """A node of the instance changed state within an election's time (3 adverts and a poll):
    what looks wrong then is the election running, not a fault."""
    clock, window = state.clock, 3 * s.advert_int + 1.0
    return clock is not None and any(
        (i := n.instance(s.name)) is not None and i.since is not None and clock - i.since < window
        for n in state.nodes
    )


def verdict(state: ClusterState, s: InstanceSummary, anomalies: Sequence[Anomaly]) -> Verdict:
    """Who should be MASTER, who is, and which of agrees/electing/disagrees/unknown that is."""
    e = election(state, s.name)
    outcome = elect(e) if e is not None else None
    should = outcome.master if outcome else None
    reason = outcome.reason if outcome else "priorities unknown yet"
    mine = [a for a in anomalies if a.instance == s.name]
    if outcome is None and not s.masters:
        return Verdict(s.name, None, reason, s.masters, "unknown", "? no evidence yet")
    if s.masters == ((should,) if should else ()) and not mine:
        return Verdict(s.name, should, reason, s.masters, "agrees", "✔ agrees")
    if not mine and len(s.masters) <= 1 and _settling(state, s):
        down = None
        if e is not None and should is not None:
            try:
                down = e.master_down(e.router(should))
            except ValueError:
                down = None
        timer = f" (master-down {down:.2f} s)" if down is not None else ""
        return Verdict(s.name, should, reason, s.masters, "electing", f"◌ electing{timer}")
    return Verdict(s.name, should, reason, s.masters, "disagrees", "✖ DISAGREES")


def problems(
    state: ClusterState, verdicts: Sequence[Verdict], anomalies: Sequence[Anomaly]
) -> tuple[str, ...]:
    """Everything that keeps the cluster from being whole, each said once: the anomalies, what
    the heal checks find, and an instance whose MASTER is not the one it should be. Empty while
    an election runs only if nothing else is wrong (the election is said by its verdict)."""
    said: set[str | None] = {v.instance for v in verdicts if v.status == "electing"}
    said |= {a.instance for a in anomalies}  # an anomaly already says what is wrong there
    out = [a.message for a in anomalies]
    out += [f.message for f in heal_findings(state) if f.instance not in said]
    for v in verdicts:
        if v.status == "disagrees" and not any(a.instance == v.instance for a in anomalies):
            out.append(f"{v.instance}: should be MASTER {v.should or 'nobody'}, is "
                       f"{', '.join(v.actual) or 'nobody'}: {v.should_reason}")
    return tuple(out)

