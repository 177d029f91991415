"""The drill screens' pure presentation: status words, the current step, timers, live figures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kaconsole.core.facts import ProbeResult
from kaconsole.drills.measure import Measurements
from kaconsole.drills.runbook import load_drill
from kaconsole.ui.present.drill import (
    ProbeTally,
    confirm_effect,
    current,
    header,
    live_lines,
    preview,
    report_path,
    result_lines,
    section_rows,
    status_label,
    timer,
    trigger_started,
)
from tests.kits.drillreport import NOW, WAITING, midrun


def text(segs: list[tuple[str, str]]) -> str:
    return "".join(t for t, _ in segs)


def test_status_is_told_by_symbol_and_word() -> None:
    assert [status_label(s) for s in ("pending", "running", "passed", "failed", "skipped")] == [
        "· pending", "▶ running", "✓ passed", "✗ failed", "– skipped"]


def test_the_current_step_is_the_running_one_then_the_next_pending() -> None:
    report = midrun()
    assert current(report) == ("steps", 3)
    between = report.with_step("steps", 3, replace(report.steps[3], status="passed"))
    assert current(between) == ("steps", 4)
    rolling = between.with_step("rollback", 1, replace(report.rollback[1], status="running"))
    assert current(rolling) == ("rollback", 1)
    assert current(replace(report, result="aborted")) is None


def test_timer_shows_elapsed_against_the_limit_while_running() -> None:
    report = midrun()
    assert timer(report.steps[3], NOW) == "1.3 s / limit 15 s"
    assert timer(report.steps[1], NOW) == "2.5 s"
    assert timer(report.steps[4], NOW) == "limit 5 s"
    assert timer(report.steps[6], NOW) == ""


def test_rows_mark_the_current_step_and_show_its_evidence() -> None:
    rows = [text(r) for r in section_rows(midrun(), NOW)]
    running = [r for r in rows if r.startswith("▸ ")]
    assert running == ["▸ ▶ running   4. Wait until node2 is MASTER of VI_CLUSTER and the VIP "
                       "of VI_CLUSTER is on node2 only  [1.3 s / limit 15 s]"]
    assert rows[rows.index(running[0]) + 1].strip() == WAITING
    assert rows[2].startswith("  ✓ passed    2. Stop nginx on node1 now?")
    assert not any("Rollback" in r for r in rows)  # not offered yet


def test_the_rollback_shows_once_it_is_offered_or_run() -> None:
    report = midrun()
    report = report.with_step("steps", 3, replace(report.steps[3], status="failed"))
    report = report.with_step("rollback", 0, replace(report.rollback[0], status="running"))
    rows = [text(r) for r in section_rows(report, NOW)]
    assert "Rollback" in rows
    assert any(r.startswith("▸ ▶ running   1. Restoring the starting state") for r in rows)


def test_a_passed_drill_shows_no_rollback_and_a_say_step_its_text_only_when_cut() -> None:
    report = midrun()
    said = replace(report.steps[0], title="short instruction", evidence="short instruction")
    report = replace(report.with_step("steps", 0, said), result="passed")
    report = report.with_step("rollback", 0, replace(report.rollback[0], status="skipped",
                                                      evidence="not run"))
    rows = [text(r) for r in section_rows(report, NOW)]
    assert "Rollback" not in rows
    assert rows[1].startswith("  ✓ passed    2.")  # no line repeating step 1's text
    cut = midrun().steps[0]
    assert cut.title.endswith("...")
    assert [text(r) for r in section_rows(midrun(), NOW)][1].strip() == cut.evidence
    assert "Rollback" in [text(r) for r in section_rows(replace(report, result="failed"), NOW)]


def test_header_carries_the_result_and_the_drill_time() -> None:
    assert text(header(midrun(), NOW)) == (
        "Drill nginx-failover on lab-sample, VI_CLUSTER: ▶ RUNNING  4.0 s")
    done = replace(midrun(), result="passed", finished_at=NOW - 1.0)
    assert text(header(done, NOW)) == (
        "Drill nginx-failover on lab-sample, VI_CLUSTER: ✓ PASSED  3.0 s")


def test_probe_tally_measures_the_outage_so_far_from_sampled_probes() -> None:
    tally = ProbeTally()

    def probe(at: float, ok: bool) -> ProbeResult:
        return ProbeResult("http://vip/", ok, at, 0.01, 200 if ok else None,
                           "node2" if ok else "", None if ok else "timed out")

    for p in (probe(10.0, True), probe(10.1, False), probe(10.1, False), probe(10.4, False)):
        tally.feed(p)
    assert (tally.seen, tally.failed) == (3, 2)  # the same probe seen twice counts once
    assert tally.outage(10.6) == 0.5  # still failing: the outage runs on
    tally.feed(probe(10.7, True))
    tally.feed(None)
    assert round(tally.outage(99.0), 3) == 0.6  # over: the longest run stays
    line = text(live_lines(tally, ["node2"], ["node2"], 11.0))
    assert line == ("MASTER node2   VIP on node2   VIP probe HTTP 200 'node2'   "
                    "outage so far 0.6 s (2/4 failed)")


def test_live_line_says_when_no_node_is_master() -> None:
    assert text(live_lines(ProbeTally(), [], [], NOW)) == "MASTER none   VIP on no node"


def test_live_line_counts_from_the_trigger_action() -> None:
    report, book = midrun(), load_drill("nginx-failover")
    assert trigger_started(report, book) == NOW - 1.4  # step 3 stops nginx: trigger: true
    line = text(live_lines(ProbeTally(), ["node1"], ["node1"], NOW, NOW - 1.4))
    assert line.endswith("VIP on node1   trigger +1.4 s")
    assert trigger_started(report, load_drill("split-brain-check")) is None


def test_result_lines_give_the_measurements_and_the_report_path(tmp_path: Path) -> None:
    m = Measurements(failover_seconds=1.1, failover_basis="http", client_outage_seconds=0.807,
                     probes=42, failed_probes=8, old_master="node1", new_master="node2")
    done = replace(midrun(), result="passed", measurements=m, notes=("rollback declined",))
    path = tmp_path / "r.json"
    assert result_lines(done, path) == [
        "failover 1.10 s (node1 -> node2, by http)",
        "client outage 0.81 s (8/42 probes failed); expected master-down 3.61 s",
        "note: rollback declined",
        f"report: {path} (and r.md)",
    ]
    assert result_lines(midrun(), None)[0] == "failover n/a"


def test_confirmations_say_what_follows() -> None:
    report = midrun()
    asking = report.with_step("steps", 1, replace(report.steps[1], status="running"))
    asking = asking.with_step("steps", 3, replace(report.steps[3], status="pending"))
    assert confirm_effect(asking, rollback=False)[0] == "next: Stop nginx on node1"
    effect = confirm_effect(report, rollback=True)
    assert effect[1:5] == ("2. Start nginx on node1", "3. Wait until nginx is running on node1",
                           "4. Restart keepalived on node1",
                           "5. Wait until node1 is MASTER of VI_CLUSTER and the VIP of "
                           "VI_CLUSTER is on node1 only")


def test_preview_lists_the_description_steps_and_rollback() -> None:
    lines = preview(load_drill("nginx-failover"))
    assert lines[1].startswith("Stop nginx on the MASTER. The track script")
    assert "3. Stop nginx on $master" in lines
    assert lines[-1] == "on abort or failure, a rollback of 5 steps is offered"
    assert preview(load_drill("split-brain-check"))[-1] != lines[-1]


def test_report_path_sits_in_the_folder_with_a_safe_name(tmp_path: Path) -> None:
    path = report_path(tmp_path, "lab", "../my drill.yaml", NOW)
    assert path.parent == tmp_path
    assert path.name.startswith("kaconsole-lab-drill-.._my_drill.yaml-")
    assert path.suffix == ".json"
