"""The monitor's configuration findings: `kaconsole check`'s code on the configurations read,
None before any, and computed again only when a node's configuration really changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.core.checks.model import Finding
from kaconsole.core.conf.parse import parse_config
from kaconsole.core.facts import ConfigObserved
from kaconsole.core.state.model import ClusterState
from kaconsole.engine import monitor as monitor_module
from kaconsole.engine.configcheck import config_findings
from tests.kits.ui import LAB, SECRET, monitor_with


def _config(node: str, priority: str | None = None) -> ConfigObserved:
    text = (LAB / f"{node}-keepalived.conf").read_text().replace("***", SECRET)
    if priority is not None:
        text = text.replace("priority 100", f"priority {priority}")
    return ConfigObserved.of(node, parse_config(text, keep_source=True), 1.0)


def test_findings_wait_for_a_configuration_then_follow_each_change(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []
    def counted(state: ClusterState) -> tuple[Finding, ...] | None:
        calls.append(1)
        return config_findings(state)

    monkeypatch.setattr(monitor_module, "config_findings", counted)
    monitor = monitor_with([])
    assert monitor.findings() is None
    monitor.feed(_config("node1"))
    monitor.feed(_config("node2"))
    found = monitor.findings()
    assert found is not None
    assert [f.code for f in found] == ["weight_tie"]
    assert monitor.findings() is found
    before = len(calls)
    first = monitor.state.node("node2").config  # type: ignore[union-attr]
    monitor.feed(_config("node2"))  # the next poll reads the same text: nothing to do
    assert monitor.state.node("node2").config is first  # type: ignore[union-attr]
    assert monitor.findings() is found
    assert len(calls) == before
    monitor.feed(_config("node2", priority="110"))  # changed: 120 - 20 falls below 110
    assert monitor.findings() == ()
    assert len(calls) == before + 1
