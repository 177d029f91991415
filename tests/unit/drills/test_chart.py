"""The report's chart of the probes, drawn from a real drill: `nginx-failover` on the lab, its
JSON report as `kaconsole drill --report` wrote it (see tests/data/drills/README.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

from kaconsole.drills.chart import FAILED_GID, OK_GID, probe_chart_svg
from kaconsole.drills.measure import Measurements, ProbeTimeline
from kaconsole.drills.report import DrillReport, ReportWriter

SAMPLE = Path(__file__).parents[2] / "data" / "drills" / "nginx-failover-lab.json"
SVG = "{http://www.w3.org/2000/svg}"


def lab_report() -> tuple[dict[str, Any], DrillReport]:
    """The sample, and a finished report with its measurements and probes."""
    data = json.loads(SAMPLE.read_text())
    t = data["probe_timeline"]
    timeline = ProbeTimeline(
        t["origin"], tuple((at, ok, took) for at, ok, took in t["probes"]),
        tuple(t["outage"]) if t["outage"] else None, t["first_advert_s"], t["new_master"])
    m = Measurements(failover_seconds=data["failover_seconds"],
                     client_outage_seconds=data["client_outage_seconds"],
                     probes=data["probes"]["sent"], failed_probes=data["probes"]["failed"],
                     new_master=data["new_master"],
                     first_advert_seconds=data["new_master_first_advert_seconds"],
                     timeline=timeline)
    return data, DrillReport(data["drill"], data["cluster"], data["title"],
                             result=data["result"], measurements=m)


def markers(svg: str, gid: str) -> int:
    group = ET.fromstring(svg).find(f".//{SVG}g[@id='{gid}']")
    return 0 if group is None else len(group.findall(f".//{SVG}use"))


def test_the_lab_drill_draws_each_probe_and_the_report_shows_it(tmp_path: Path) -> None:
    data, report = lab_report()
    ReportWriter(tmp_path / "failover.json").write(report)
    svg = (tmp_path / "failover.svg").read_text()
    sent, failed = data["probes"]["sent"], data["probes"]["failed"]
    assert failed > 0
    assert (markers(svg, OK_GID), markers(svg, FAILED_GID)) == (sent - failed, failed)
    words = {t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")}
    # numbers on the axes, and only these words: no answer's text, nor any secret, gets in
    assert {w for w in words if not re.fullmatch(r"[−-]?[\d.]+", w)} == {
        f"Drill nginx-failover on {data['cluster']}: probes through the VIP",
        "seconds after the trigger", "response time (ms)", "answered", "failed", "trigger",
        f"client outage {data['client_outage_seconds']:.2f} s",
        f"first advert from {data['new_master']} "
        f"({data['new_master_first_advert_seconds']:.2f} s)",
    }
    md = (tmp_path / "failover.md").read_text()
    assert "## Probe results" in md
    assert "![probe results](failover.svg)" in md
    again = json.loads((tmp_path / "failover.json").read_text())["probe_timeline"]
    assert again == data["probe_timeline"]  # the report carries what the chart draws


def test_the_chart_is_the_same_bytes_each_time_and_has_no_date() -> None:
    _, report = lab_report()
    timeline = report.measurements.timeline
    assert timeline is not None
    first, second = probe_chart_svg(timeline, "t"), probe_chart_svg(timeline, "t")
    assert first == second
    assert "<dc:date>" not in first


def test_no_probe_no_chart_and_the_markdown_says_so(tmp_path: Path) -> None:
    _, report = lab_report()
    bare = replace(report, measurements=replace(report.measurements, probes=0, failed_probes=0,
                                                timeline=None))
    (tmp_path / "r.svg").write_text("<svg/>")  # an earlier run's chart at the same path
    ReportWriter(tmp_path / "r.json").write(bare)
    assert not (tmp_path / "r.svg").exists()
    md = (tmp_path / "r.md").read_text()
    assert "No chart: no probe went through the VIP" in md
    assert "![" not in md


def test_a_running_drill_has_no_chart_yet(tmp_path: Path) -> None:
    _, report = lab_report()
    ReportWriter(tmp_path / "r.json").write(replace(report, result="running"))
    assert not (tmp_path / "r.svg").exists()
    assert "Probe results" not in (tmp_path / "r.md").read_text()


def test_the_plotting_libraries_load_only_when_a_chart_is_drawn() -> None:
    """Starting the console or a drill does not pay for matplotlib or plotext."""
    code = ("import sys, kaconsole.cli, kaconsole.ui.app, kaconsole.drills.runner\n"
            "print(','.join(m for m in ('matplotlib', 'plotext') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
