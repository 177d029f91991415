"""The remote half of `kaconsole check`: read each node's keepalived.conf (with includes) and the
evidence the pure check needs, on every node at once, then run `core.checks.check_cluster`.

Evidence per node: keepalived's version, the interfaces (/sys/class/net), whether each tracked
script exists and is executable, and `keepalived -t -f FILE` on the node's own configuration
(privileged; its output redacted). Paths from the configuration reach the shell only as
shlex-quoted arguments. A node that cannot be reached is evidence too (`config_unreadable`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import shlex
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import cast, get_args

from kaconsole.core.checks.cluster import ConfigTest, Finding, NodeEvidence, check_cluster
from kaconsole.core.checks.model import ScriptStatus
from kaconsole.core.checks.node import has_config_test, script_path
from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.events import Advert
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.core.redact import redact_text
from kaconsole.core.state.model import ClusterState
from kaconsole.core.wire.capture import adverts
from kaconsole.errors import SshError
from kaconsole.transport.configfetch import ConfigUnreadable, fetch_config
from kaconsole.transport.pool import shared_pool
from kaconsole.transport.remote_commands import capture_command
from kaconsole.transport.runner import Completed, Runner
from kaconsole.transport.ssh import SshRunner

#: Seconds for one quick command, and for keepalived's configuration test.
COMMAND_TIMEOUT = 10.0
CONFIG_TEST_TIMEOUT = 30.0
#: keepalived's configuration test prints a few lines; more is kept out of reports.
MAX_TEST_LINES = 60

#: Longest capture for VRID collisions: one master-down interval of the slowest instance.
MAX_CAPTURE = 10.0

VERSION_COMMAND = "keepalived --version 2>&1 | head -n 1"
INTERFACES_COMMAND = "ls -1 /sys/class/net"
ADDRESSES_COMMAND = "ip -o addr show"
_ADDRESS = re.compile(r"\binet6? ([0-9A-Fa-f.:]+)/")
_VERSION = re.compile(r"Keepalived v(\d+\.\d+(?:\.\d+)?)")
_SCRIPT_TEST = (
    'case $p in /*) q=$p;; *) q=$(command -v -- "$p" 2>/dev/null);; esac; '
    'if [ -z "$q" ] || [ ! -e "$q" ]; then echo missing; '
    'elif [ -f "$q" ] && [ -x "$q" ]; then echo ok; else echo not_executable; fi'
)

Opener = Callable[[Node], AbstractAsyncContextManager[Runner]]
Gathered = tuple[KeepalivedConfig | None, NodeEvidence]


def scripts_command(paths: list[str]) -> str:
    """One line per path, in order: ok, missing or not_executable."""
    return f"for p in {' '.join(shlex.quote(p) for p in paths)}; do {_SCRIPT_TEST}; done"


def config_test_command(path: str) -> str:
    return f"keepalived -t -f {shlex.quote(path)} 2>&1"


def capture_seconds(config: KeepalivedConfig) -> float:
    """Long enough to hear every MASTER on the segment advertise a few times."""
    slowest = max((i.advert_int for i in config.instances), default=1.0)
    return min(3 * slowest + 0.5, MAX_CAPTURE)


def capture_for(node: Node, seconds: float) -> str:
    """A short tcpdump on the node's capture interface, as base64 text (runners carry text)."""
    return f"timeout {seconds:g} {capture_command(node)} 2>/dev/null | base64 -w0"


def adverts_in(b64: str) -> tuple[Advert, ...]:
    """The adverts in a base64 capture; whatever does not decode is left out."""
    try:
        data = base64.b64decode(b64, validate=False)
    except ValueError:
        return ()
    return tuple(adverts([data]))


async def gather_node(node: Node, runner: Runner, *, capture: bool = True) -> Gathered:
    """The configuration and evidence of one node; failures become `NodeEvidence.error`.
    With `capture`, VRRP adverts are captured meanwhile (see checks_wire)."""
    try:
        config = await fetch_config(runner, node.keepalived_conf, timeout=COMMAND_TIMEOUT)
    except ConfigUnreadable:
        return None, NodeEvidence(error=f"{node.keepalived_conf} cannot be read")
    paths = sorted({p for s in config.scripts if (p := script_path(s))})
    seconds = capture_seconds(config)
    listening = asyncio.ensure_future(
        runner.run(capture_for(node, seconds), timeout=seconds + COMMAND_TIMEOUT,
                   privileged=True) if capture else _nothing())
    version_run, if_run, addr_run, scripts_run = await asyncio.gather(
        runner.run(VERSION_COMMAND, timeout=COMMAND_TIMEOUT, privileged=True),
        runner.run(INTERFACES_COMMAND, timeout=COMMAND_TIMEOUT),
        runner.run(ADDRESSES_COMMAND, timeout=COMMAND_TIMEOUT),
        runner.run(scripts_command(paths), timeout=COMMAND_TIMEOUT, privileged=True)
        if paths else _nothing(),
    )
    found = _VERSION.search(version_run.stdout)
    version = found.group(1) if found else None
    test = None
    if found and has_config_test(version):
        done = await runner.run(config_test_command(node.keepalived_conf),
                                timeout=CONFIG_TEST_TIMEOUT, privileged=True)
        lines = redact_text(done.stdout + done.stderr).splitlines()
        test = ConfigTest(done.exit_status, tuple(line for line in lines if line)[:MAX_TEST_LINES])
    interfaces = frozenset(if_run.stdout.split()) if if_run.ok else None
    addresses = frozenset(_ADDRESS.findall(addr_run.stdout)) if addr_run.ok else None
    heard = await listening
    return config, NodeEvidence(version=version, scripts=_statuses(paths, scripts_run),
                                interfaces=interfaces, config_test=test, addresses=addresses,
                                adverts=adverts_in(heard.stdout) if heard else None)


async def _nothing() -> None:
    return None


def _statuses(paths: list[str], done: Completed | None) -> dict[str, ScriptStatus]:
    words = done.stdout.split() if done is not None else []
    if len(words) != len(paths) or any(w not in get_args(ScriptStatus) for w in words):
        return {}  # unknown: no finding rather than a wrong one
    return {p: cast(ScriptStatus, w) for p, w in zip(paths, words, strict=True)}


@contextlib.asynccontextmanager
async def ssh_runner(node: Node) -> AsyncIterator[Runner]:
    """A runner over the node's connection (shared with any session on it, else closed after)."""
    async with shared_pool().connection(node) as conn:
        yield SshRunner(node, conn)


async def _gather_one(node: Node, opener: Opener, capture: bool) -> Gathered:
    try:
        async with opener(node) as runner:
            return await gather_node(node, runner, capture=capture)
    except SshError as exc:
        return None, NodeEvidence(error=exc.reason)


async def gather(cluster: Cluster, opener: Opener = ssh_runner, *, capture: bool = True,
                 ) -> tuple[dict[str, KeepalivedConfig | None], dict[str, NodeEvidence]]:
    """Every node's configuration and evidence, gathered in parallel, in inventory order."""
    results = await asyncio.gather(*(_gather_one(n, opener, capture) for n in cluster.nodes))
    configs = {n.name: r[0] for n, r in zip(cluster.nodes, results, strict=True)}
    facts = {n.name: r[1] for n, r in zip(cluster.nodes, results, strict=True)}
    return configs, facts


def config_findings(state: ClusterState) -> tuple[Finding, ...] | None:
    """The findings of the configurations a console has read so far: `kaconsole check` without
    the evidence only it gathers on the nodes (scripts, interfaces, keepalived -t, a capture).
    None before any node's configuration is in; a node not read yet is left out, not blamed."""
    configs = {n.name: n.config for n in state.nodes if n.config is not None}
    return tuple(check_cluster(configs, {})) if configs else None


async def check(cluster: Cluster, opener: Opener = ssh_runner, *,
                capture: bool = True) -> list[Finding]:
    configs, facts = await gather(cluster, opener, capture=capture)
    return check_cluster(configs, facts)
