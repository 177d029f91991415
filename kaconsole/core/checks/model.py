"""What `kaconsole check` works on and produces: node evidence in, findings out (CONTRACTS §7).

Evidence is plain data gathered on each node (by `engine.check`, or written by hand in tests):
which script files exist and are executable, which interfaces exist, what keepalived's own
configuration test said. Instances are matched across nodes first by name, then by VRID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kaconsole.core.conf.model import KeepalivedConfig, VrrpInstance, Where
from kaconsole.core.events import Advert

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
ScriptStatus = Literal["ok", "missing", "not_executable"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what happens and what to change, on which nodes; `details` holds lines a
    tool printed (keepalived -t), already redacted."""

    severity: Severity
    code: str
    instance: str | None
    nodes: tuple[str, ...]
    message: str
    where: Where | None = None
    details: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": self.severity, "code": self.code,
                               "instance": self.instance, "nodes": list(self.nodes),
                               "message": self.message,
                               "file": self.where.file if self.where else None,
                               "line": self.where.line if self.where else None}
        if self.details:
            out["details"] = list(self.details)
        return out


@dataclass(frozen=True, slots=True)
class ConfigTest:
    """`keepalived -t -f FILE` on the node: its exit status (None: unknown) and its messages."""

    exit_status: int | None
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeEvidence:
    """What was seen on one node. None / empty means "not looked at": no finding is made."""

    error: str | None = None
    """Why the node or its configuration could not be read (unreachable, no file)."""
    version: str | None = None
    """keepalived's version, "2.2.7"."""
    scripts: Mapping[str, ScriptStatus] = field(default_factory=dict)
    """Script paths (the first word of `script`) and whether they can run."""
    interfaces: frozenset[str] | None = None
    config_test: ConfigTest | None = None
    addresses: frozenset[str] | None = None
    """The node's own IP addresses: adverts from anywhere else come from other routers."""
    adverts: tuple[Advert, ...] | None = None
    """VRRP adverts captured on the node's capture interface during the check."""


@dataclass(frozen=True, slots=True)
class Member:
    """One node's definition of an instance."""

    node: str
    config: KeepalivedConfig
    instance: VrrpInstance


@dataclass(frozen=True, slots=True)
class InstanceGroup:
    """The same VRRP instance on every node that defines it (matched by name, then VRID)."""

    name: str
    members: tuple[Member, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(m.node for m in self.members)


def match_instances(configs: Mapping[str, KeepalivedConfig]) -> list[InstanceGroup]:
    """Instances grouped across nodes, in node then file order. keepalived peers recognise each
    other by VRID only, so an instance named differently on one node joins by its VRID."""
    groups: list[tuple[str, list[Member]]] = []
    for node, config in configs.items():
        for inst in config.instances:
            if any(m.node == node and m.instance.name == inst.name
                   for _, ms in groups for m in ms):
                continue  # defined twice on one node: the parser warns, keepalived uses one
            target = _by_name(groups, node, inst.name) or _by_vrid(groups, node, inst)
            if target is None:
                groups.append((inst.name, target := []))
            target.append(Member(node, config, inst))
    return [InstanceGroup(name, tuple(members)) for name, members in groups]


def _by_name(groups: list[tuple[str, list[Member]]], node: str,
             name: str) -> list[Member] | None:
    return next((ms for _, ms in groups if any(m.instance.name == name for m in ms)
                 and all(m.node != node for m in ms)), None)


def _by_vrid(groups: list[tuple[str, list[Member]]], node: str,
             inst: VrrpInstance) -> list[Member] | None:
    if inst.virtual_router_id is None:
        return None
    for _, members in groups:
        if (all(m.node != node for m in members)
                and all(m.instance.virtual_router_id == inst.virtual_router_id
                        for m in members)):
            return members
    return None


def names(nodes: tuple[str, ...] | list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(nodes)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
