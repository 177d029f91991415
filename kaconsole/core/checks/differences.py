"""What is not the same on every node: the settings keepalived acts on, compared across nodes the
way the checks compare them (instances matched by name then VRID, VIPs as a set, the password
keepalived really uses, the effective VRRP version). The configuration pane lists these; the
findings say which of them are wrong. Secrets are told apart by label, never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from kaconsole.core.checks.compare import auth_in_use, version_of, vip_set
from kaconsole.core.checks.model import Member, match_instances, names
from kaconsole.core.conf.model import KeepalivedConfig, VrrpScript, Where
from kaconsole.core.redact import Secret

#: Per-instance settings: the key (as written), and the value keepalived acts on.
_INSTANCE: tuple[tuple[str, Callable[[Member], Hashable]], ...] = (
    ("state", lambda m: m.instance.state),
    ("interface", lambda m: m.instance.interface),
    ("virtual_router_id", lambda m: m.instance.virtual_router_id),
    ("priority", lambda m: m.instance.priority),
    ("advert_int", lambda m: m.instance.advert_int),
    ("version", version_of),
    ("nopreempt", lambda m: m.instance.nopreempt),
    ("accept", lambda m: m.instance.accept),
    ("virtual_ipaddress", lambda m: vip_set(m.instance)),
    ("authentication", auth_in_use),
    ("unicast_peer", lambda m: frozenset(m.instance.unicast_peer)),
    ("track_script", lambda m: tuple(t.name if t.weight is None else f"{t.name} weight {t.weight}"
                                     for t in m.instance.track_script)),
)
_GLOBAL = ("router_id", "vrrp_strict", "vrrp_version", "enable_script_security", "script_user")
_SCRIPT = ("script", "interval", "weight", "fall", "rise")


@dataclass(frozen=True, slots=True)
class Difference:
    """One setting with more than one value: each value (as shown) with its nodes, and where
    each node wrote it (None: not written, keepalived's default)."""

    scope: str
    key: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    places: Mapping[str, Where | None]

    def text(self) -> str:
        return "; ".join(f"{value} on {names(nodes)}" for value, nodes in self.values)


def differences(configs: Mapping[str, KeepalivedConfig]) -> list[Difference]:
    """Every difference between these nodes' configurations, global_defs first."""
    if len(configs) < 2:
        return []
    out = [_difference("global_defs", key,
                       {n: (getattr(c.global_defs, key), c.global_defs.locations.get(key))
                        for n, c in configs.items()}) for key in _GLOBAL]
    for group in match_instances(configs):
        absent = [n for n in configs if n not in group.nodes]
        if absent:
            place = {m.node: m.instance.where for m in group.members}
            out.append(Difference(group.name, "vrrp_instance",
                                  (("defined", group.nodes), ("absent", tuple(absent))), place))
        for key, value in _INSTANCE:
            out.append(_difference(group.name, key, {
                m.node: (value(m), m.instance.locations.get(key)) for m in group.members}))
    scripts = dict.fromkeys(s.name for c in configs.values() for s in c.scripts)
    for name in scripts:
        found = {n: c.script(name) for n, c in configs.items()}
        for key in _SCRIPT:
            out.append(_difference(f"vrrp_script {name}", key, {
                n: _script_value(s, key) for n, s in found.items()}))
    return [d for d in out if d is not None]


def _script_value(script: VrrpScript | None, key: str) -> tuple[Any, Where | None]:
    if script is None:
        return "(absent)", None
    return getattr(script, key), script.locations.get(key)


def _difference(scope: str, key: str,
                per_node: Mapping[str, tuple[Any, Where | None]]) -> Difference | None:
    by_value: dict[Hashable, list[str]] = {}
    for node, (value, _) in per_node.items():
        by_value.setdefault(value, []).append(node)
    if len(by_value) < 2:
        return None
    labels = _Labels()
    shown = tuple((labels.show(v), tuple(nodes)) for v, nodes in by_value.items())
    return Difference(scope, key, shown, {n: where for n, (_, where) in per_node.items()})


class _Labels:
    """Values as an operator reads them: keepalived's words, passwords as A, B, ..."""

    def __init__(self) -> None:
        self._secrets: list[Secret] = []

    def show(self, value: Any) -> str:
        if isinstance(value, Secret):
            if value not in self._secrets:
                self._secrets.append(value)
            return f"password {chr(ord('A') + self._secrets.index(value) % 26)}"
        if value is None:
            return "unset"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, frozenset):
            return ", ".join(sorted(map(self.show, value))) or "none"
        if isinstance(value, tuple):
            return ", ".join(self.show(v) for v in value if v is not None) or "none"
        return str(value)
