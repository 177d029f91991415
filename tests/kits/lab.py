"""Helpers for the lab integration tests: reach nodes over real SSH (strict host keys), poll."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import asyncssh
import pytest

from kaconsole.core.insight.matrix import AdvertMatrix
from kaconsole.errors import LabError
from kaconsole.lab import control, faults, netns, nodes
from kaconsole.lab.configs import KEEPALIVED_CONF, SERVICES, LabSpec
from kaconsole.lab.names import DEFAULT_PREFIX, NAMED_PREFIX, LabNames, any_lab
from kaconsole.lab.registry import LabState, load


@dataclass
class Lab:
    """The running lab and how to reach its nodes."""

    dir: Path
    state: LabState
    up_seconds: float

    def spec(self, keepalived: Mapping[str, str] | None = None) -> LabSpec:
        """This lab (its name, subnets, size and peering) as `lab up` builds it afresh."""
        s = self.state
        return LabSpec(name=s.name, nodes=s.nodes, instances=s.instances,
                       vrrp_version=s.vrrp_version, unicast=s.unicast, mgmt_net=s.mgmt_net,
                       svc_net=s.svc_net, keepalived=dict(keepalived or {}))

    def ensure_up(self) -> None:
        """Give each test the lab's normal state, whatever an earlier test left: faults healed,
        every service running, each VIP on node1 only; else a fresh lab with the same keepalived
        builds and peers (a mixed lab stays mixed, a unicast one unicast)."""
        state = load(self.dir)
        if state is None or not all(nodes.is_node_init(n.init_pid) for n in state.node_states):
            self.state = control.up(self.dir, self.spec())
            return
        self.state = state
        fresh = self.spec(state.keepalived)
        try:
            for node in state.node_states:
                if node.faults:
                    faults.heal(self.dir, node.name)
                for service in ("sshd", "nginx", "keepalived"):
                    if nodes.service(node.init_pid, service, "status").returncode != 0:
                        nodes.start_service(node.init_pid, node.name, service)
            deadline = time.monotonic() + 10
            while any(self.local_vip_holders(vip) != ["node1"] for vip in state.vips):
                if time.monotonic() > deadline:
                    raise LabError("the VIPs did not settle on node1")
                time.sleep(0.1)
        except LabError:
            self.state = control.up(self.dir, fresh)

    @property
    def vip(self) -> str:
        return self.state.vips[0]

    def local_vip_holders(self, vip: str | None = None) -> list[str]:
        """The nodes holding `vip` (the first VIP) as their namespaces say: the lab's truth,
        read from the host, no SSH."""
        return control.vip_holders(self.state.node_states, vip or self.vip)

    def host(self, node: str) -> str:
        return self.state.node(node).mgmt_ip

    async def connect(self, node: str, timeout: float = 5.0) -> asyncssh.SSHClientConnection:
        return await asyncssh.connect(
            self.host(node),
            username="root",
            client_keys=[str(self.dir / "id_ed25519")],
            known_hosts=str(self.dir / "known_hosts"),
            connect_timeout=timeout,
            keepalive_interval=2,
        )

    async def sh(self, node: str, command: str, timeout: float = 15.0) -> tuple[int | None, str]:
        """Run a command on a node over SSH; (exit status, stdout)."""
        async with await self.connect(node) as conn:
            result = await conn.run(command, check=False, timeout=timeout)
        return result.exit_status, str(result.stdout)

    async def vip_holders(self) -> list[str]:
        holders = []
        for node in self.state.node_states:
            _, out = await self.sh(node.name, "ip -j addr show dev eth1")
            if any(a.get("local") == self.vip for e in json.loads(out) for a in e["addr_info"]):
                holders.append(node.name)
        return holders

    async def holders_are(self, expected: list[str]) -> bool:
        return await self.vip_holders() == expected

    def http_vip(self) -> str | None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"http://{self.vip}/", timeout=1) as resp:
                return str(resp.read().decode())
        except OSError:
            return None


async def eventually(
    what: str, check: Callable[[], Awaitable[bool]], timeout: float = 30.0
) -> float:
    """Poll `check` until true; returns the seconds it took, fails the test on timeout.

    Deadlines are generous (a loaded machine is slow): a passing run never waits for them.
    """
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def first_times(
    checks: Mapping[str, Callable[[], Awaitable[bool]]], timeout: float = 30.0
) -> dict[str, float]:
    """Poll every check until all have been true once; returns the seconds each took to be
    true first (what `eventually` does, for several events whose order is measured)."""
    started = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < len(checks):
        for what, check in checks.items():
            if what not in seen and await check():
                seen[what] = time.monotonic() - started
        if time.monotonic() - started > timeout:
            missing = ", ".join(w for w in checks if w not in seen)
            pytest.fail(f"timed out after {timeout} s waiting for {missing} (seen: {seen})")
        await asyncio.sleep(0.05)
    return seen


@pytest.fixture
def lab_b(lab: Lab) -> Iterator[Lab]:
    """A second lab, named `b`, beside the session's (which the `lab` fixture holds up), as
    `kaconsole lab up --name b` brings it: its own namespaces, first free subnets, VRIDs, keys
    and cluster file; always taken down after the test, whatever the test did (a test may take
    it down itself)."""
    lab_dir = lab.dir.parent / "lab-b"
    started = time.monotonic()
    try:
        up = subprocess.run(
            [sys.executable, "-m", "kaconsole", "lab", "up", "--name", "b", "--dir", str(lab_dir)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert up.returncode == 0, up.stderr
        assert up.stdout.startswith("lab b up in "), up.stdout
        state = load(lab_dir)
        assert state is not None
        yield Lab(lab_dir, state, time.monotonic() - started)
    finally:
        control.down(lab_dir, "b")


def drill(lab: Lab, tmp: Path, name: str) -> tuple[int, dict[str, Any], str]:
    """`kaconsole drill --yes --report`: exit status, the JSON report, the Markdown beside it."""
    report = tmp / f"{Path(name).stem}.json"
    env = {**os.environ, "KACONSOLE_AUDIT_LOG": str(tmp / "audit.jsonl")}
    done = subprocess.run(
        [sys.executable, "-m", "kaconsole", "drill", str(lab.dir / "cluster.yaml"), name,
         "--yes", "--report", str(report)],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(report.read_text()), report.with_suffix(".md").read_text()


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("KACONSOLE_LAB_REQUIRED") == "1":
        pytest.fail(f"the lab is required (KACONSOLE_LAB_REQUIRED=1) but cannot start: {reason}")
    pytest.skip(f"lab unavailable: {reason}")


def leftovers(names: LabNames | None = None) -> list[str]:
    """Namespaces, links and host mounts of a lab (`names`; None: of every lab, default and
    named) that still exist."""
    owns = any_lab if names is None else names.owns
    marks = (DEFAULT_PREFIX, NAMED_PREFIX) if names is None else (names.prefix,)
    found = [f"namespace {n}" for n in netns.lab_namespaces(owns)]
    found += [f"link {link}" for link in netns.lab_links(owns)]
    mounts = Path("/proc/self/mountinfo").read_text()
    found += [f"mount {line.split()[4]}" for line in mounts.splitlines()
              if any(mark in line for mark in marks)]
    return found


def assert_node2_deaf(m: AdvertMatrix) -> None:
    """The matrix of node2 dropping VRRP from node1 in its input: node2's capture carries
    node1's 120 that node2's keepalived never logs; node1 hears and logs node2's 100. The rate
    is only required to be alive: a loaded machine may stretch a gap past the tolerance."""
    c12, c21 = m.cell("node1", "node2"), m.cell("node2", "node1")
    assert c12 is not None
    assert c21 is not None
    assert (c12.priority, c12.received) == (100, True)
    assert (c21.priority, c21.received) == (120, False)
    assert "silent" not in (c12.rate, c21.rate)
    assert (
        "node1 hears node2; node2 does not hear node1: look at node2's input filter for "
        "protocol 112"
    ) in m.losses


async def write_conf(lab: Lab, node: str, text: str) -> None:
    """Replace node's keepalived.conf (keepalived is not told: restart it to apply)."""
    async with await lab.connect(node) as conn:
        done = await conn.run(f"cat > {KEEPALIVED_CONF}", input=text, check=False, timeout=10)
    assert done.exit_status == 0


@asynccontextmanager
async def node_conf(lab: Lab, node: str, edit: Any, restart: bool = False,
                    ) -> AsyncIterator[None]:
    """node's keepalived.conf changed by `edit(text)`; the original restored afterwards."""
    _, original = await lab.sh(node, f"cat {KEEPALIVED_CONF}")
    changed = edit(original)
    assert changed != original
    await write_conf(lab, node, changed)
    try:
        if restart:
            await lab.sh(node, SERVICES["keepalived"]["restart"])
        yield
    finally:
        await write_conf(lab, node, original)
        if restart:
            await lab.sh(node, SERVICES["keepalived"]["restart"])
