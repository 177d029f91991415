"""The drill report (CONTRACTS.md section 9): JSON plus Markdown beside it, rewritten atomically
after every step so that a crash or an abort still leaves a report to read in the review. Once
the drill has finished, the probes are drawn as an SVG beside them, which the Markdown shows.

While a drill runs, `result` is "running" and unfinished steps say "running"; a report left
like that is one whose console died mid-drill. Every free text goes through the redactor.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaconsole.core.redact import redact_text
from kaconsole.drills.chart import probe_chart_svg
from kaconsole.drills.measure import Measurements, ProbeTimeline


def iso(at: float | None) -> str | None:
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds") \
        if at is not None else None


@dataclass(frozen=True, slots=True)
class StepRecord:
    title: str
    kind: str
    section: str = "steps"
    """steps, or rollback."""
    status: str = "pending"
    """pending, running, then passed, failed or skipped."""
    started_at: float | None = None
    duration_s: float | None = None
    evidence: str = ""
    timeout: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "started_at": iso(self.started_at),
            "duration_s": self.duration_s,
            "evidence": redact_text(self.evidence),
        }
        if self.timeout is not None:
            out["timeout_s"] = self.timeout
        return out


@dataclass(frozen=True, slots=True)
class DrillReport:
    drill: str
    cluster: str
    title: str = ""
    result: str = "running"
    started_at: float | None = None
    finished_at: float | None = None
    steps: tuple[StepRecord, ...] = ()
    rollback: tuple[StepRecord, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    instance: str | None = None
    measurements: Measurements = field(default_factory=Measurements)
    expected: dict[str, float] = field(default_factory=dict)
    #: Why the drill did not start, or why it stopped (aborted, a step failed, rollback ran).
    notes: tuple[str, ...] = ()
    #: The session's recording (`kaconsole replay FILE`), when it was recorded.
    recording: str | None = None

    def with_step(self, section: str, index: int, record: StepRecord) -> DrillReport:
        steps = list(self.steps if section == "steps" else self.rollback)
        steps[index] = record
        if section == "steps":
            return replace(self, steps=tuple(steps))
        return replace(self, rollback=tuple(steps))

    def to_json(self) -> dict[str, Any]:
        m = self.measurements
        return {
            "drill": self.drill,
            "cluster": self.cluster,
            "result": self.result,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "steps": [s.to_json() for s in self.steps],
            "failover_seconds": m.failover_seconds,
            "client_outage_seconds": m.client_outage_seconds,
            "expected_master_down_seconds": self.expected.get("master_down"),
            "expected_skew_seconds": self.expected.get("skew"),
            "new_master_first_advert_seconds": m.first_advert_seconds,
            "clients_caught_up_seconds": m.clients_caught_up_seconds,
            "new_master_seconds": m.new_master_at_seconds,
            "failover_basis": m.failover_basis,
            "old_master": m.old_master,
            "new_master": m.new_master,
            "probes": {"sent": m.probes, "failed": m.failed_probes},
            "instance": self.instance,
            "roles": {f"${k}": v for k, v in self.roles.items()},
            "rollback": [s.to_json() for s in self.rollback],
            "notes": [redact_text(n) for n in self.notes],
            "title": self.title,
            "recording": self.recording,
            "probe_timeline": _timeline_json(m.timeline),
        }


def _timeline_json(t: ProbeTimeline | None) -> dict[str, Any] | None:
    """The chart's data: seconds after `origin`; each probe is [seconds, answered, took]."""
    if t is None:
        return None
    return {"origin": t.origin, "probes": [list(p) for p in t.probes],
            "outage": list(t.outage) if t.outage else None,
            "first_advert_s": t.first_advert, "new_master": t.new_master}


def _num(value: float | None, unit: str = " s") -> str:
    return "n/a" if value is None else f"{value:.2f}{unit}"


def to_markdown(report: DrillReport, chart: str | None = None) -> str:
    """The report as a reviewer reads it: verdict, timings side by side, the probes' chart
    (`chart`: the SVG's file name beside it), then each step."""
    data = report.to_json()
    lines = [
        f"# Drill `{report.drill}` on `{report.cluster}`: {report.result.upper()}",
        "",
        f"{report.title}",
        "",
        f"- started: {data['started_at']}, finished: {data['finished_at'] or 'not finished'}",
        f"- instance: {report.instance or 'n/a'}; roles: "
        + (", ".join(f"{k} = {v}" for k, v in data["roles"].items()) or "none"),
    ]
    if report.recording:
        lines.append(f"- recording: `{report.recording}` (`kaconsole replay` it)")
    lines += [f"- note: {n}" for n in data["notes"]]
    m = report.measurements
    lines += [
        "",
        "## Timings",
        "",
        "| measure | seconds |",
        "| --- | --- |",
        f"| failover (trigger -> VIP answering on {m.new_master or 'the new MASTER'}) "
        f"| {_num(m.failover_seconds, '')} |",
        f"| client outage (longest run of failed probes, {m.failed_probes}/{m.probes} failed) "
        f"| {_num(m.client_outage_seconds, '')} |",
        f"| new MASTER seen (trigger -> state) | {_num(m.new_master_at_seconds, '')} |",
        f"| new MASTER's first advert (trigger -> wire) | {_num(m.first_advert_seconds, '')} |",
        f"| clients caught up (trigger -> every neighbour resolves the VIP to it) "
        f"| {_num(m.clients_caught_up_seconds, '')} |",
        f"| expected master-down interval (config) "
        f"| {_num(report.expected.get('master_down'), '')} |",
        f"| expected skew (takeover after a priority 0 advert) "
        f"| {_num(report.expected.get('skew'), '')} |",
    ]
    lines += _chart_section(report, chart)
    for heading, records in (("Steps", data["steps"]), ("Rollback", data["rollback"])):
        if not records:
            continue
        lines += ["", f"## {heading}", "", "| # | step | status | took | evidence |",
                  "| --- | --- | --- | --- | --- |"]
        for i, s in enumerate(records, 1):
            took = "" if s["duration_s"] is None else f"{s['duration_s']:.2f} s"
            evidence = s["evidence"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {i} | {s['title']} ({s['kind']}) | {s['status']} | {took} "
                         f"| {evidence} |")
    return "\n".join(lines) + "\n"


def _chart_section(report: DrillReport, chart: str | None) -> list[str]:
    if report.result == "running":
        return []  # drawn once the drill has finished
    head = ["", "## Probe results", ""]
    if chart is None:
        return [*head, "No chart: no probe went through the VIP (the cluster file has no "
                "`vip_probe`, or the drill stopped before probing)."]
    return [*head, f"![probe results]({chart})", "",
            "Each probe through the VIP is a dot at its response time (answered: circle, "
            "failed: cross); the shaded span is the client outage; the lines mark the trigger "
            "and the new MASTER's first advert."]


def beside(path: Path, suffix: str) -> Path:
    """The report's companion file: FILE.json -> FILE.md, FILE.svg."""
    return path.with_suffix(suffix) if path.suffix == ".json" else Path(f"{path}{suffix}")


def markdown_path(path: Path) -> Path:
    return beside(path, ".md")


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ReportWriter:
    """Rewrites FILE.json and FILE.md whole each time; a reader never sees half a file. FILE.svg
    is drawn once the drill has finished with probes (and an older one removed otherwise)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.markdown = markdown_path(path)
        self.chart = beside(path, ".svg")

    def write(self, report: DrillReport) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.path, json.dumps(report.to_json(), indent=2) + "\n")
        chart = None
        timeline = report.measurements.timeline
        if report.result != "running":
            if timeline is not None:
                title = redact_text(f"Drill {report.drill} on {report.cluster}: probes "
                                    "through the VIP")
                _atomic_write(self.chart, probe_chart_svg(timeline, title))
                chart = self.chart.name
            else:
                self.chart.unlink(missing_ok=True)
        _atomic_write(self.markdown, to_markdown(report, chart))
