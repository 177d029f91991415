"""The what-if pane and the command log pane: pure, lines of (text, role) segments.

The what-if pane is `core.whatif` per instance, then whether the cluster is whole: the view's
problems, the same the banner shows. The command log pane lists the audit log's
entries of this console session (started, completed, refused), so an engineer can repeat any
command by hand; it reads the same entries as `AuditLog.since()`, with those the log could not
take flagged (`audit_error`), and shows nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from kaconsole.core.insight.view import ClusterView
from kaconsole.core.insight.whatif import whatif
from kaconsole.ui.present.common import Seg


def whatif_view(view: ClusterView | None) -> list[list[Seg]]:
    if view is None:
        return [[("no VRRP instance yet", "muted")]]
    state = view.state
    lines: list[list[Seg]] = []
    for name in view.instance_names:
        w = whatif(state, name)
        if w is None:
            lines.append([(f"{name}: priorities unknown yet, no prediction", "muted")])
            continue
        lines.append([(f"{name}", "vrrp-backup"), (f"  MASTER now: {w.master or 'none'}", "")])
        for n in w.nodes:
            lines.append([(f"  {n.node}", ""), (
                f"  base {n.base_priority} · effective now {n.effective_priority}", "muted")])
            for t in n.trackers:
                now = " (failing now)" if t.failing_now else ""
                lines.append([
                    (f"    if {t.script} ({t.weight:+d}){now} fails on {n.node}: ", ""),
                    (f"MASTER {t.master_after or 'none'}", "vrrp-master"),
                    (f" · {t.reason}", "muted"),
                ])
                if t.stays_on_broken:
                    lines.append([(
                        f"      the VIP stays on {n.node} while {t.script} fails there: "
                        "clients keep reaching the broken node", "anomaly")])
            if n.stop:
                lines.append([("    stop keepalived: ", ""), (n.stop, "muted")])
            if n.dies:
                lines.append([("    node dies: ", ""), (n.dies, "muted")])
    if not lines:
        return [[("no VRRP instance yet", "muted")]]
    return lines + whole_lines(view)


def whole_lines(view: ClusterView) -> list[list[Seg]]:
    """Is the cluster whole (after a heal or a drill)? The view's problems (anomalies, heal
    checks, a MASTER that should not be) and elections running: the banner words the same."""
    if view.whole:
        word: Seg = ("yes", "healthy")
    elif view.problems:
        word = ("no", "anomaly")
    else:
        word = ("not yet: " + ", ".join(f"{v.instance} {v.text.lstrip('◌ ')}"
                                        for v in view.electing), "log-change")
    lines: list[list[Seg]] = [[("", "")], [("Cluster whole: ", ""), word]]
    return lines + [[(f"  {p}", "anomaly")] for p in view.problems]


def session_entries(
    entries: Iterable[Mapping[str, Any]], cluster: str, since: float
) -> list[Mapping[str, Any]]:
    """This console session's entries for this cluster (the audit file keeps every session)."""
    out = []
    for e in entries:
        try:
            at = datetime.fromisoformat(str(e.get("time"))).timestamp()
        except (ValueError, OverflowError):
            continue
        if e.get("cluster") == cluster and at >= since:
            out.append(e)
    return out


def command_lines(entries: Iterable[Mapping[str, Any]]) -> list[list[Seg]]:
    """One line per command: when, where, what ran, and its exit status and duration."""
    started: dict[str, Mapping[str, Any]] = {}
    ended: dict[str, Mapping[str, Any]] = {}
    order: list[str] = []
    for e in entries:
        key = str(e.get("id"))
        if e.get("phase") == "started" or e.get("phase") == "refused":
            started[key] = e
            order.append(key)
        elif e.get("phase") == "completed":
            ended[key] = e
    lines: list[list[Seg]] = []
    for key in order:
        s = started[key]
        lines.append([
            (f"{_clock(s.get('time'))} ", "muted"),
            (f"{s.get('node', '-')!s:<10} ", ""),
            (f"$ {s.get('command', '')}", ""),
            _result(s, ended.get(key)),
        ])
    return lines or [[("no command has run in this session", "muted")]]


def _result(start: Mapping[str, Any], end: Mapping[str, Any] | None) -> Seg:
    if start.get("phase") == "refused":
        return f"  refused: {start.get('reason', '')}", "anomaly"
    if start.get("audit_error"):
        return f"  not run: {start['audit_error']}", "anomaly"
    if end is None:
        return "  running…", "log-change"
    status = end.get("exit_status")
    ok = end.get("result") == "ok" and not end.get("audit_error")
    exit_text = "exit ?" if status is None else f"exit {status}"
    unaudited = f" · not audited: {end['audit_error']}" if end.get("audit_error") else ""
    return (f"  {exit_text} · {end.get('duration_s', '?')} s{unaudited}",
            "healthy" if ok else "anomaly")


def _clock(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%H:%M:%S")
    except (ValueError, OverflowError):
        return "--:--:--"
