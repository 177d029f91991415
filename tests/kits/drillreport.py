"""A drill report caught mid-run (nginx-failover on the lab pair), for drill view tests."""

from __future__ import annotations

from dataclasses import replace

from kaconsole.drills.model import resolve, titled
from kaconsole.drills.report import DrillReport, StepRecord
from kaconsole.drills.runbook import load_drill

#: A fixed "now" for every screen drawn from `midrun()`.
NOW = 1795620745.0
ROLES = {"master": "node1", "backup": "node2"}
WAITING = "MASTER of VI_CLUSTER: node1 (node1 MASTER, node2 BACKUP); 192.168.10.100 on node1"


def midrun() -> DrillReport:
    """nginx-failover on the lab pair, 1.3 s into the wait for node2 to take over."""
    book = load_drill("nginx-failover")

    def records(steps: object, section: str) -> list[StepRecord]:
        done = titled((resolve(s, ROLES) for s in steps), "VI_CLUSTER")  # type: ignore[attr-defined]
        return [StepRecord(s.title, s.kind, section,
                           timeout=s.timeout if s.kind in ("wait", "probe") else None)
                for s in done]

    steps = records(book.steps, "steps")
    steps[0] = replace(steps[0], status="passed", started_at=NOW - 4.0, duration_s=0.01,
                       evidence="node1 is MASTER and node2 would take over.")
    steps[1] = replace(steps[1], status="passed", started_at=NOW - 3.9, duration_s=2.5,
                       evidence="confirmed by the operator")
    steps[2] = replace(steps[2], status="passed", started_at=NOW - 1.4, duration_s=0.1,
                       evidence="`systemctl stop nginx`: stop nginx on node1: done "
                                "(exit status 0 in 0.10 s)")
    steps[3] = replace(steps[3], status="running", started_at=NOW - 1.3, evidence=WAITING)
    return DrillReport("nginx-failover", "lab-sample", book.title, started_at=NOW - 4.0,
                       steps=tuple(steps), rollback=tuple(records(book.rollback, "rollback")),
                       roles=ROLES, instance="VI_CLUSTER", expected={"master_down": 3.609})
