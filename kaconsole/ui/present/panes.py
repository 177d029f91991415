"""Lines of the scrolling panes: keepalived's log, the adverts on the wire, who advertises."""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.insight.view import ClusterView
from kaconsole.ui.present.common import Seg, clock_text, state_role

_LOG_ROLE = {
    LogKind.PRIORITY: "log-change",
    LogKind.SCRIPT: "log-change",
    LogKind.TRANSITION: "log-change",
    LogKind.ADVERT_HIGHER: "log-advert",
    LogKind.ADVERT_LOWER: "log-advert",
    LogKind.ADVERT_ZERO: "log-change",
    LogKind.SENT_ZERO: "log-change",
    LogKind.ADVERT_TIMEOUT: "log-change",
    LogKind.VIPS: "log-advert",
    LogKind.GARP: "log-advert",
    LogKind.DAEMON: "vrrp-init",
    LogKind.AUTH_ERROR: "anomaly",
    LogKind.CONFIG: "vrrp-fault",
    LogKind.OTHER: "muted",
}




@dataclass(frozen=True, slots=True)
class PaneLine:
    """One line of a scrolling pane; `node` lets the log pane show one node or all."""

    node: str
    segs: tuple[Seg, ...]

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segs)


def log_role(event: LogEvent) -> str:
    if event.kind is LogKind.STATE:
        word = str(event.fields.get("state"))
        return state_role(VrrpState(word)) if word in VrrpState.__members__ else "vrrp-unknown"
    return _LOG_ROLE.get(event.kind, "")


def log_line(node: str, event: LogEvent) -> PaneLine:
    ts = event.ts.strftime("%H:%M:%S") if event.ts else "--:--:--"
    return PaneLine(
        node,
        (
            (f"{ts} ", "muted"),
            (f"{node:<10} ", ""),
            (f"{event.kind.value:<14} ", "muted"),
            (event.text, log_role(event)),
        ),
    )


def advert_line(node: str, adv: Advert, owner: str | None) -> PaneLine:
    """One advert: time, who sent it, VRID, priority, interval, VIPs, and any problems."""
    source = f"{owner} ({adv.src})" if owner else adv.src
    role = "vrrp-stop" if adv.priority == 0 else ("anomaly" if adv.problems else "log-advert")
    segs: list[Seg] = [
        (f"{clock_text(adv.ts)} ", "muted"),
        (f"{source:<24} ", ""),
        (f"VRID {adv.vrid:<3} prio {adv.priority:<3} every {adv.advert_int:g} s  ", role),
        (", ".join(adv.addresses), "muted"),
        (f"  seen by {node}", "muted"),
    ]
    if adv.problems:
        segs.append((f"  ⚠ {'; '.join(adv.problems)}", "anomaly"))
    return PaneLine(node, tuple(segs))


def advert_sources(view: ClusterView) -> list[list[Seg]]:
    """Per VRID, who advertises now: more than one source is split brain."""
    state = view.state
    lines: list[list[Seg]] = []
    for s in view.summaries:
        names = [state.name_of(src) for src in s.advert_sources]
        role = "anomaly" if len(names) > 1 else ("log-advert" if names else "muted")
        lines.append(
            [(f"VRID {s.vrid} ({s.name}): adverts from ", ""), (", ".join(names) or "nobody", role)]
        )
    return lines
