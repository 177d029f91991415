"""The clients' view on the main screen (issue 18): a neighbour that still resolves the VIP to
the old MASTER's MAC raises the banner, naming both nodes and the observer; the same answer
with the MASTER's own MAC leaves the banner quiet."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kaconsole.core.facts import CONSOLE_HOST, AddressesObserved, Fact, NeighbourObserved
from kaconsole.core.polls.addresses import parse_ip_addr, parse_ip_addr_macs
from kaconsole.ui.app import KaConsoleApp
from kaconsole.ui.widgets.header import Banner
from tests.kits.ui import LAB, console, lab_facts, until

#: The recorded lab's VIP, on node1 (MASTER) since 15:32:11; when its addresses were polled.
VIP = "203.0.113.100"
POLLED = "2026-11-25T15:32:13"


def _facts(answer_mac_of: str) -> list[Fact]:
    """The recorded steady lab, each node's MACs, and the console host's cache for the VIP."""
    facts = lab_facts()
    at = datetime.fromisoformat(POLLED).timestamp()
    macs: dict[str, str] = {}
    for node, sample in (("node1", "ip-addr-node1-master"), ("node2", "ip-addr-node2-backup")):
        text = (LAB / f"{sample}.json").read_text()
        found = parse_ip_addr_macs(text)
        macs[node] = found[f"203.0.113.{10 + int(node[-1])}"]
        facts.append(AddressesObserved(node, parse_ip_addr(text), at, found))
    facts.append(NeighbourObserved(CONSOLE_HOST, VIP, macs[answer_mac_of], "REACHABLE", at))
    return facts


def _banner(app: KaConsoleApp) -> str:
    return str(app.main.query_one("#banner", Banner).render())


async def test_a_client_on_the_old_masters_mac_is_on_the_banner(tmp_path: Path) -> None:
    app = console(tmp_path, _facts("node2"))
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: "STALE NEIGHBOUR" in _banner(app))
        text = _banner(app)
        assert f"console resolves {VIP} to" in text
        assert "(node2)" in text
        assert "node1" in text


async def test_the_masters_own_mac_keeps_the_banner_quiet(tmp_path: Path) -> None:
    app = console(tmp_path, _facts("node1"))
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: "no anomalies" in _banner(app))
        assert "STALE" not in _banner(app)
