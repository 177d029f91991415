"""Segments, roles and times every presenter shares. No Textual here.

A segment is (text, role); a role names a theme variable ("vrrp-master", "anomaly", ...) or is ""
for plain text. Widgets turn segments into styled content; tests read them directly. States are
told apart by symbol and word as well as by colour. Times shown are relative to the state's own
clock (the latest time a fact carried), so the same facts always render the same screen.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kaconsole.core.events import VrrpState
from kaconsole.core.state.model import ClusterState

Seg = tuple[str, str]

SYMBOL = {
    VrrpState.MASTER: "●",
    VrrpState.BACKUP: "○",
    VrrpState.FAULT: "✖",
    VrrpState.STOP: "■",
    VrrpState.INIT: "◌",
    VrrpState.UNKNOWN: "?",
}

#: The VRRP state machine's states, in the diagram's order (UNKNOWN is "no evidence", not a state).
MACHINE = (VrrpState.INIT, VrrpState.BACKUP, VrrpState.MASTER, VrrpState.FAULT, VrrpState.STOP)

#: Anomaly kinds that turn the banner into an alarm.
LOUD = frozenset({"split_brain", "no_master", "vip_on_non_master", "unreachable"})


def state_role(state: VrrpState) -> str:
    return f"vrrp-{state.value.lower()}"


def state_label(state: VrrpState) -> str:
    return f"{SYMBOL[state]} {state.value}"


def clock_text(at: float | None) -> str:
    """Wall-clock time of a fact, in the console host's zone."""
    if at is None:
        return "--:--:--"
    return datetime.fromtimestamp(at, tz=UTC).astimezone().strftime("%H:%M:%S")


def ago(state: ClusterState, at: float | None) -> str:
    if at is None or state.clock is None:
        return ""
    return f"{max(state.clock - at, 0.0):.0f} s ago"


