"""`kaconsole serve` in a real browser (issue 20): headless Chromium from the distribution
follows a live console session on the lab through the reference failover, and finds no key
that acts and no secret on the page."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from kaconsole.core.facts import ServiceState
from kaconsole.core.inventory.load import load_cluster
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.engine.status import all_ready
from kaconsole.lab import nodes
from kaconsole.lab.configs import KEEPALIVED_CONF
from tests.kits.browser import Page, chromium, processes_naming, served
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab
INSTANCE = "VI_CLUSTER"
#: What an operator would press to act: the actions menu, nginx stop and its confirmation on
#: node2, nginx start on node1, drills, maintenance, the command palette.
ACTION_KEYS = ("down", "a", "1", "y", "up", "a", "2", "y", "d", "M", "ctrl+p")


PALETTE = re.compile(r"🔎 Search for commands.*?\n(.*?)\n▁", re.S)


class Watcher:
    """Reads the page's screen for `eventually`, keeping every distinct screen it saw."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.seen: set[str] = set()
        self.last = ""

    def shows(self, predicate: Callable[[str], bool]) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            screen = self.last = await self.page.screen()
            self.seen.add(screen)
            return predicate(screen)

        return check

    def master(self, node: str) -> Callable[[], Awaitable[bool]]:
        """The summary names `node` MASTER holding the VIP, and its own row says MASTER."""
        summary = re.compile(rf"● MASTER {node}\s+VIP \S+ on {node}\b")
        row = re.compile(rf"(?m)^\W*{node}\s.*MASTER")
        return self.shows(lambda s: bool(summary.search(s) and row.search(s)))

    def text(self, wanted: str) -> Callable[[], Awaitable[bool]]:
        return self.shows(lambda s: wanted in s)


def palette(screen: str) -> str:
    """The command palette's lines on `screen`, from its search field to its lower edge (""
    while it is not drawn whole)."""
    found = PALETTE.search(screen)
    return found.group(1) if found else ""


def service_states(lab: Lab) -> dict[tuple[str, str], int]:
    """Each node's nginx and keepalived as the node's own init scripts report them."""
    return {
        (n.name, svc): nodes.service(n.init_pid, svc, "status").returncode
        for n in lab.state.node_states
        for svc in ("nginx", "keepalived")
    }


async def secrets(lab: Lab) -> list[str]:
    """The lab's auth_pass and the body of its SSH private key: never on the page."""
    _, conf = await lab.sh("node1", f"cat {KEEPALIVED_CONF}")
    found = re.findall(r"auth_pass (\S+)", conf)
    key = (lab.dir / "id_ed25519").read_text().splitlines()
    assert found
    assert key[0] == "-----BEGIN OPENSSH PRIVATE KEY-----"
    return found + [line for line in key if len(line) > 20 and "PRIVATE KEY" not in line]


async def refused(page: Page, url: str) -> bool:
    """The server refuses `url` (no token, or a wrong one) to the browser: 403 and no console."""
    await page.open(url)

    async def said() -> bool:
        return "access token is needed" in str(await page.evaluate("document.body.innerText"))

    await eventually(f"the refusal of {url.split('?')[0]}", said, 30)
    return (url, 403) in page.responses and await page.screen() == ""


async def test_a_browser_follows_the_failover_and_cannot_act(lab: Lab, tmp_path: Path) -> None:
    cluster = load_cluster(lab.dir / "cluster.yaml")
    hidden = await secrets(lab)
    monitor, audit = ClusterMonitor(cluster), AuditLog(tmp_path / "audit.jsonl")
    monitor.recorder = Recorder(cluster, "console", tmp_path / "recordings")  # as the console
    monitor.recorder.attach(audit)
    recording = monitor.recorder.path
    actions = Actions(cluster, monitor.runner, audit)
    sessions = asyncio.create_task(monitor.run())
    observer_audit = tmp_path / "observer-audit.jsonl"
    try:
        ready = await monitor.wait_for(lambda s: all_ready(s, cluster), 60)
        assert ready is not None, "the console's sessions did not come up"
        await eventually("the recording's first block", lambda: asyncio.to_thread(recording.exists))
        async with (
            served(recording, {"KACONSOLE_AUDIT_LOG": str(observer_audit)}) as url,
            chromium(tmp_path / "chromium") as page,
        ):
            base = url.split("?")[0]
            assert await refused(page, base)
            assert await refused(page, f"{base}?token=not-{url.split('token=')[1]}")
            async with aiohttp.ClientSession() as bare, bare.get(f"{base}ws") as ws:
                assert ws.status == 403  # the websocket itself, without the cookie

            await page.open(url)
            watch = Watcher(page)
            await eventually("node1 MASTER in the browser", watch.master("node1"), 90)
            stop = await actions.execute(ActionRequest("node1", "nginx", "stop"), confirmed=True)
            assert stop.ok, stop.summary()
            await eventually("node2 MASTER in the browser", watch.master("node2"), 90)
            # the track script stops node1's keepalived: let it finish before taking stock
            stopped = await monitor.wait_for(
                lambda s: (
                    (n := s.node("node1")) is not None
                    and n.service("keepalived") is ServiceState.STOPPED
                ),
                60,
            )
            assert stopped is not None
            before = service_states(lab)
            assert before[("node2", "nginx")] == 0, "node2's nginx should be running"

            for key in ACTION_KEYS:
                await page.press(key)
            await eventually("Textual's palette", watch.shows(lambda s: "Theme" in palette(s)), 30)
            offered = palette(watch.last)  # Textual's own commands, none that acts
            acting = re.compile(r"(?i)nginx|keepalived|drill|maintenance|node")
            assert [line for line in offered.splitlines() if acting.search(line)] == []
            await page.press("escape")
            await eventually("the palette closed", watch.shows(lambda s: "🔎" not in s), 30)
            await page.press("e")  # keys reach the follower: the events pane comes up
            await eventually("the events pane", watch.text("[e events]"), 30)
            assert service_states(lab) == before
            assert await lab.vip_holders() == ["node2"]
            assert not observer_audit.exists()
            # the configuration pane, searched for auth_pass: the file's line, masked
            await page.press("c")
            await eventually("the configuration pane", watch.text("[c config]"), 30)
            await page.press("/")
            await eventually("the pane's search", watch.text("search the pane"), 30)
            await page.type("auth_pass")
            await page.press("enter")
            await eventually("the search kept", watch.text("/auth_pass (n/N)"), 30)
            await page.press("n")  # past the findings' mention, to the file's own line
            masked = re.compile(r"\d+\s+auth_pass\s+\*\*\*")
            await eventually("the masked auth_pass", watch.shows(lambda s: bool(masked.search(s))))

            screen = await page.screen()
            assert "READ-ONLY · following" in screen
            assert "[READ-ONLY: actions disabled]" in screen
            page_text = "\n".join(watch.seen) + await page.html()
            assert [s for s in hidden if s in page_text] == []
            assert "PRIVATE KEY" not in page_text
            assert page.outside() == []
        await eventually("no follower left", lambda: asyncio.to_thread(_none_running, recording))
    finally:
        sessions.cancel()
        await asyncio.gather(sessions, return_exceptions=True)
    assert [(e["phase"], e["action"], e["node"]) for e in audit.read()] == [
        ("started", "stop nginx", "node1"),
        ("completed", "stop nginx", "node1"),
    ]


def _none_running(recording: Path) -> bool:
    return not processes_naming(str(recording))
