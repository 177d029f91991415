"""The report: contract keys, Markdown beside it, atomic rewrites, no secret."""

from __future__ import annotations

import json
from pathlib import Path

from kaconsole.drills.measure import Measurements
from kaconsole.drills.report import DrillReport, ReportWriter, StepRecord, markdown_path

CONTRACT_KEYS = {"drill", "cluster", "result", "started_at", "finished_at", "steps",
                 "failover_seconds", "client_outage_seconds", "expected_master_down_seconds"}
STEP_KEYS = {"title", "kind", "status", "started_at", "duration_s", "evidence"}


def report() -> DrillReport:
    return DrillReport(
        "nginx-failover", "seed", "title", result="passed", started_at=1e9, finished_at=1e9 + 9,
        steps=(StepRecord("Stop nginx on a", "action", status="passed", started_at=1e9 + 1,
                          duration_s=0.21, evidence="done | auth_pass hunter2"),),
        measurements=Measurements(failover_seconds=1.4, client_outage_seconds=1.2, probes=90,
                                  failed_probes=12, new_master="b"),
        expected={"master_down": 3.61, "skew": 0.61},
    )


def test_the_json_has_the_contract_keys_and_values() -> None:
    data = report().to_json()
    assert set(data) >= CONTRACT_KEYS
    assert set(data["steps"][0]) >= STEP_KEYS
    assert (data["failover_seconds"], data["client_outage_seconds"]) == (1.4, 1.2)
    assert data["expected_master_down_seconds"] == 3.61
    assert data["started_at"] == "2001-09-09T01:46:40.000+00:00"
    assert data["steps"][0]["duration_s"] == 0.21


def test_secrets_never_reach_either_file(tmp_path: Path) -> None:
    writer = ReportWriter(tmp_path / "r.json")
    writer.write(report())
    text = (tmp_path / "r.json").read_text() + (tmp_path / "r.md").read_text()
    assert "hunter2" not in text
    assert "***" in text


def test_markdown_puts_the_timings_side_by_side(tmp_path: Path) -> None:
    writer = ReportWriter(tmp_path / "r.json")
    writer.write(report())
    md = (tmp_path / "r.md").read_text()
    assert md.startswith("# Drill `nginx-failover` on `seed`: PASSED")
    assert "| failover (trigger -> VIP answering on b) | 1.40 |" in md
    assert "| expected master-down interval (config) | 3.61 |" in md
    assert "12/90 failed" in md
    assert "done \\| auth_pass ***" in md  # a pipe in evidence does not break the table


def test_each_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    writer = ReportWriter(tmp_path / "sub" / "r.json")
    writer.write(DrillReport("d", "c"))
    assert json.loads((tmp_path / "sub" / "r.json").read_text())["result"] == "running"
    writer.write(report())
    assert json.loads((tmp_path / "sub" / "r.json").read_text())["result"] == "passed"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["r.json", "r.md"]


def test_markdown_path() -> None:
    assert markdown_path(Path("a/r.json")) == Path("a/r.md")
    assert markdown_path(Path("a/report")) == Path("a/report.md")
