"""Pure rendering decisions for the drill screens: a drill report -> lines and colour roles.

No Textual here. Each step shows its status by symbol and word (colour only adds to them), the
current step is the one running (or, between steps, the next pending one), and its timer says
how long it has run against its time limit. Times come from an injected clock so a test can
draw the same screen twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kaconsole.core.facts import ProbeResult
from kaconsole.core.state.model import ClusterState
from kaconsole.drills.model import Runbook, resolve, substitute, titled
from kaconsole.drills.preflight import pick_instance, resolve_roles
from kaconsole.drills.report import DrillReport, StepRecord, markdown_path

Seg = tuple[str, str]

STATUS: dict[str, tuple[str, str]] = {
    "pending": ("·", "muted"),
    "running": ("▶", "vrrp-init"),
    "passed": ("✓", "healthy"),
    "failed": ("✗", "down"),
    "skipped": ("–", "muted"),
}
RESULT: dict[str, tuple[str, str]] = {
    "running": ("▶ RUNNING", "vrrp-init"),
    "passed": ("✓ PASSED", "healthy"),
    "failed": ("✗ FAILED", "down"),
    "aborted": ("✗ ABORTED", "down"),
}
#: Longest evidence shown under a step; the report keeps it whole.
EVIDENCE_CHARS = 300


def status_label(status: str) -> str:
    symbol, _ = STATUS.get(status, ("?", ""))
    return f"{symbol} {status}"


def current(report: DrillReport) -> tuple[str, int] | None:
    """The step running now, else the next one to run; None once the drill has finished."""
    if report.result != "running":
        return None
    for section, records in (("steps", report.steps), ("rollback", report.rollback)):
        for index, rec in enumerate(records):
            if rec.status == "running":
                return section, index
    for index, rec in enumerate(report.steps):
        if rec.status == "pending":
            return "steps", index
    return None


def timer(rec: StepRecord, now: float) -> str:
    """Elapsed against the limit for a running step; the duration for a finished one."""
    if rec.status == "running" and rec.started_at is not None:
        elapsed = max(now - rec.started_at, 0.0)
        limit = f" / limit {rec.timeout:g} s" if rec.timeout is not None else ""
        return f"{elapsed:.1f} s{limit}"
    if rec.duration_s is not None:
        return f"{rec.duration_s:.1f} s"
    return f"limit {rec.timeout:g} s" if rec.timeout is not None else ""


def step_row(number: int, rec: StepRecord, now: float, *, is_current: bool) -> list[Seg]:
    """One step: marker, status symbol and word, number and title, then its timer."""
    _, role = STATUS.get(rec.status, ("?", ""))
    clock = timer(rec, now)
    return [
        ("▸ " if is_current else "  ", "vrrp-init" if is_current else ""),
        (f"{status_label(rec.status):<10}", role),
        (f" {number:>2}. {rec.title}", "vrrp-init" if is_current else ""),
        (f"  [{clock}]" if clock else "", "muted"),
    ]


def evidence_text(rec: StepRecord) -> str:
    text = " ".join(rec.evidence.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 3] + "..."


def shows_evidence(rec: StepRecord) -> bool:
    """A `say` step's evidence is its text: worth a line only when the title cut it short."""
    if rec.kind == "say":
        return rec.title.endswith("...") and rec.evidence != rec.title
    return bool(rec.evidence)


def section_rows(report: DrillReport, now: float) -> list[list[Seg]]:
    """Every step (then the rollback's, unless the drill passed), with its evidence."""
    here = current(report)
    rows: list[list[Seg]] = []
    sections = [("steps", report.steps)]
    if report.result != "passed" and any(r.status != "pending" for r in report.rollback):
        sections.append(("rollback", report.rollback))
    for section, records in sections:
        if section == "rollback":
            rows.append([("Rollback", "muted")])
        for index, rec in enumerate(records):
            rows.append(step_row(index + 1, rec, now, is_current=here == (section, index)))
            if shows_evidence(rec):
                rows.append([("               ", ""), (evidence_text(rec), "muted")])
    return rows


def header(report: DrillReport, now: float) -> list[Seg]:
    word, role = RESULT.get(report.result, (report.result.upper(), ""))
    took = ""
    if report.started_at is not None:
        end = report.finished_at if report.finished_at is not None else now
        took = f"  {max(end - report.started_at, 0.0):.1f} s"
    where = f" on {report.cluster}" + (f", {report.instance}" if report.instance else "")
    return [(f"Drill {report.drill}{where}: ", ""), (word, role), (took, "muted")]


@dataclass
class ProbeTally:
    """What the console saw of the VIP probes while the drill runs (sampled: the report's
    figures, from every probe, are the ones that count)."""

    seen: int = 0
    failed: int = 0
    longest: float = 0.0
    failing_since: float | None = None
    last: ProbeResult | None = None

    def feed(self, probe: ProbeResult | None) -> None:
        if probe is None or (self.last is not None and probe.at <= self.last.at):
            return
        self.seen += 1
        self.last = probe
        if not probe.ok:
            self.failed += 1
            if self.failing_since is None:
                self.failing_since = probe.at
        elif self.failing_since is not None:
            self.longest = max(self.longest, probe.at - self.failing_since)
            self.failing_since = None

    def outage(self, now: float) -> float:
        """The longest run of failed answers so far, the one still going included."""
        ongoing = now - self.failing_since if self.failing_since is not None else 0.0
        return max(self.longest, ongoing)


def trigger_started(report: DrillReport, runbook: Runbook) -> float | None:
    """When the drill's trigger action (the one the failover is measured from) started."""
    for step, rec in zip(runbook.steps, report.steps, strict=False):
        if step.trigger:
            return rec.started_at
    return None


def live_lines(tally: ProbeTally, masters: Sequence[str], holders: Sequence[str],
               now: float, trigger_at: float | None = None) -> list[Seg]:
    """The live measurements: who is MASTER and holds the VIP, what the VIP probes answer."""
    segs: list[Seg] = [
        ("MASTER ", "muted"), (", ".join(masters) or "none", "vrrp-master" if masters else "down"),
        ("   VIP on ", "muted"), (", ".join(holders) or "no node", "" if holders else "down"),
    ]
    if trigger_at is not None:
        segs.append((f"   trigger +{max(now - trigger_at, 0.0):.1f} s", "muted"))
    last = tally.last
    if last is None:
        return segs
    if last.ok:
        answer, role = f"HTTP {last.status} {last.body[:30]!r}", "healthy"
    else:
        answer, role = (f"HTTP {last.status}" if last.status else last.error or "no answer"), "down"
    segs += [("   VIP probe ", "muted"), (answer, role),
             (f"   outage so far {tally.outage(now):.1f} s ({tally.failed}/{tally.seen} failed)",
              "muted")]
    return segs


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def result_lines(report: DrillReport, report_path: Path | None) -> list[str]:
    """After the drill: its measurements, notes and where the report is."""
    m = report.measurements
    lines = [
        f"failover {_num(m.failover_seconds)}"
        + (f" ({m.old_master} -> {m.new_master}, by {m.failover_basis})" if m.new_master else ""),
        f"client outage {_num(m.client_outage_seconds)} ({m.failed_probes}/{m.probes} probes "
        f"failed); expected master-down {_num(report.expected.get('master_down'))}",
    ]
    lines += [f"note: {n}" for n in report.notes]
    if report_path is not None:
        lines.append(f"report: {report_path} (and {markdown_path(report_path).name})")
    return lines


def confirm_effect(report: DrillReport, *, rollback: bool) -> tuple[str, ...]:
    """What a confirmation inside a drill leads to: the next steps, or the rollback's."""
    if rollback:
        return (*(f"{i}. {r.title}" for i, r in enumerate(report.rollback, 1)),
                "cancel (the default) leaves the cluster as it is now")
    here = current(report)
    after = [r.title for r in report.steps[here[1] + 1:]] if here else []
    nxt = (f"next: {after[0]}",) if after else ()
    return (*nxt, "cancel (the default) stops the drill here; if it changed anything, "
                  "the rollback is offered")


def changes_nodes(runbook: Runbook) -> bool:
    """Whether the drill acts on a node (a read-only console offers only those that do not)."""
    return any(s.kind == "action" for s in (*runbook.steps, *runbook.rollback))


def preview(runbook: Runbook, state: ClusterState | None = None) -> tuple[str, ...]:
    """What the start confirmation lists: in one line what it does to which node (roles resolved
    on `state`, as the runner will resolve them if nothing changes), the description, then each
    step and the rollback."""
    instance = pick_instance(state, runbook.instance) if state is not None else None
    roles = resolve_roles(state, instance) if state is not None and instance else {}
    trigger = next((s for s in runbook.steps if s.kind == "action"), None)
    if trigger is not None:
        what = substitute(titled([trigger], instance)[0].title, roles)
        head = f"{runbook.name}: {what[:1].lower()}{what[1:]}"
        if "backup" in runbook.roles() and "backup" in roles:
            head += f", {roles['backup']} takes over"
        unresolved = sorted(r for r in runbook.roles() if r not in roles)
        if unresolved:
            head += (f" (not known yet: {', '.join('$' + r for r in unresolved)}; resolved from "
                     "the cluster when the drill starts)")
        lines = [head]
    else:
        lines = [f"{runbook.name}: looks only, changes no node"]
    if runbook.description:
        lines.append(substitute(" ".join(runbook.description.split()), roles))
    steps = titled((resolve(s, roles) for s in runbook.steps), instance or runbook.instance)
    lines += [f"{i}. {s.title}" for i, s in enumerate(steps, 1)]
    if runbook.rollback:
        lines.append(f"on abort or failure, a rollback of {len(runbook.rollback)} steps is offered")
    return tuple(lines)


def report_path(folder: Path, cluster: str, drill: str, at: float | None = None) -> Path:
    """Where the console writes a drill's report: beside the ctrl+s files."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(at))
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in drill)
    return folder / f"kaconsole-{cluster}-drill-{safe}-{stamp}.json"
