"""Findings from comparing nodes: what must be equal across an instance's nodes (VRID, VIPs,
authentication, advert interval, VRRP version), unique per node (router_id), and equal for LVS
(virtual and real servers). Secrets are compared by `Secret` equality, never shown."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from kaconsole.core.checks.model import Finding, InstanceGroup, Member, names
from kaconsole.core.conf.firewall import strict
from kaconsole.core.conf.model import KeepalivedConfig, VirtualServer, VrrpInstance, Where
from kaconsole.core.redact import Secret

K = TypeVar("K", bound=Hashable)
#: keepalived compares only the first 8 characters of a PASS password.
PASS_LENGTH = 8


def _split(members: tuple[Member, ...], key: Callable[[Member], K]) -> dict[K, list[str]]:
    """Nodes grouped by a value, in node order."""
    out: dict[K, list[str]] = {}
    for m in members:
        out.setdefault(key(m), []).append(m.node)
    return out


def _by_value(values: Mapping[K, list[str]], show: Callable[[K], str]) -> str:
    return "; ".join(f"{show(v)} on {names(nodes)}" for v, nodes in values.items())


def version_of(m: Member) -> int:
    return m.instance.version or m.config.global_defs.vrrp_version


def instance_missing(group: InstanceGroup, readable: list[str]) -> Finding | None:
    absent = [n for n in readable if n not in group.nodes]
    if not absent:
        return None
    return Finding(
        "warning", "instance_missing", group.name, group.nodes,
        f"{group.name} is configured on {names(list(group.nodes))} but not on {names(absent)}: "
        f"no other node takes over its VIPs when {names(list(group.nodes))} fails; add it to "
        f"{names(absent)} with the same virtual_router_id, or remove it",
        group.members[0].instance.where)


def vrid_mismatch(group: InstanceGroup) -> Finding | None:
    values = _split(group.members, lambda m: m.instance.virtual_router_id)
    if len(values) < 2:
        return None
    return Finding(
        "error", "vrid_mismatch", group.name, group.nodes,
        f"{group.name} has virtual_router_id "
        f"{_by_value(values, lambda v: 'unset' if v is None else str(v))}: the nodes do not "
        "hear each other as one router, so each becomes MASTER and holds the VIP (split "
        "brain); set the same virtual_router_id everywhere",
        _loc(group.members[0].instance, "virtual_router_id"))


def vip_set(inst: VrrpInstance) -> frozenset[str]:
    return frozenset(f"{v.address}/{v.prefix}" if v.prefix is not None else v.address
                     for v in inst.virtual_ipaddress)


def vip_mismatch(group: InstanceGroup) -> Finding | None:
    values = _split(group.members, lambda m: vip_set(m.instance))
    if len(values) < 2:
        return None
    return Finding(
        "error", "vip_mismatch", group.name, group.nodes,
        f"{group.name} has virtual_ipaddress "
        f"{_by_value(values, lambda v: ', '.join(sorted(v)) or 'empty')}: a failover moves "
        "other addresses than clients use, and keepalived may reject the peer's adverts (their "
        "address list differs); list the same addresses on every node",
        _loc(group.members[0].instance, "virtual_ipaddress"))


def auth_in_use(m: Member) -> tuple[str | None, Secret | None]:
    """The authentication keepalived really uses: none under vrrp_strict or with VRRPv3."""
    auth = m.instance.authentication
    if auth is None or strict(m.config.global_defs, m.instance) or version_of(m) == 3:
        return (None, None)
    secret = auth.auth_pass.truncated(PASS_LENGTH) if auth.auth_pass is not None else None
    return (auth.auth_type, secret if auth.auth_type == "PASS" else auth.auth_pass)


def auth_mismatch(group: InstanceGroup) -> Finding | None:
    values = _split(group.members, auth_in_use)
    if len(values) < 2:
        return None
    types = {v[0] for v in values}
    if len(types) > 1:
        what = _by_value(values, lambda v: f"auth_type {v[0] or 'none (in effect)'}")
        what = f"{group.name} authenticates with {what}"
    else:
        what = (f"{group.name} has auth_pass values that differ between "
                f"{' and '.join(names(n) for n in values.values())} (compared, not shown)")
    return Finding(
        "error", "auth_mismatch", group.name, group.nodes,
        f"{what}: each node drops the other's adverts (keepalived logs an authentication "
        "error), so both become MASTER; use the same authentication block on every node",
        _loc(group.members[0].instance, "authentication"))


def advert_int_mismatch(group: InstanceGroup) -> Finding | None:
    values = _split(group.members, lambda m: m.instance.advert_int)
    if len(values) < 2:
        return None
    v3 = all(version_of(m) == 3 for m in group.members)
    effect = ("a BACKUP adopts the MASTER's interval, but its master-down timer and the "
              "failover time then depend on who is MASTER" if v3 else
              "with VRRPv2 keepalived drops adverts with another interval ('advertisement "
              "interval mismatch'), so the nodes ignore each other and both become MASTER")
    return Finding(
        "warning" if v3 else "error", "advert_int_mismatch", group.name, group.nodes,
        f"{group.name} has advert_int {_by_value(values, lambda v: f'{v:g} s')}: {effect}; "
        "use the same advert_int everywhere",
        _loc(group.members[0].instance, "advert_int"))


def version_mismatch(group: InstanceGroup) -> Finding | None:
    values = _split(group.members, version_of)
    if len(values) < 2:
        return None
    return Finding(
        "error", "version_mismatch", group.name, group.nodes,
        f"{group.name} speaks VRRP {_by_value(values, lambda v: f'v{v}')}: keepalived drops "
        "adverts of the other version, so both become MASTER; set the same vrrp_version (or "
        "instance `version`) everywhere",
        _loc(group.members[0].instance, "version"))


def router_id_duplicate(configs: Mapping[str, KeepalivedConfig]) -> list[Finding]:
    ids: dict[str, list[str]] = {}
    for node, config in configs.items():
        if config.global_defs.router_id:
            ids.setdefault(config.global_defs.router_id, []).append(node)
    return [Finding(
        "warning", "router_id_duplicate", None, tuple(nodes),
        f"{names(nodes)} share router_id {rid}: their logs, notifications and SNMP data cannot "
        "be told apart; give each node its own router_id",
        configs[nodes[0]].global_defs.locations.get("router_id"))
        for rid, nodes in ids.items() if len(nodes) > 1]


def _vs_key(vs: VirtualServer) -> str:
    port = f":{vs.port}" if vs.port is not None else ""
    return f"{vs.address}{port}/{vs.protocol}"


def _vs_settings(vs: VirtualServer) -> str:
    return (f"lb_algo {vs.lb_algo or '-'}, lb_kind {vs.lb_kind or '-'}, "
            f"persistence_timeout {vs.persistence_timeout if vs.persistence_timeout else '-'}")


def _reals(vs: VirtualServer) -> frozenset[str]:
    return frozenset(f"{r.address}:{r.port if r.port is not None else '-'} weight {r.weight}"
                     for r in vs.real_servers)


def server_mismatch(configs: Mapping[str, KeepalivedConfig]) -> list[Finding]:
    """LVS: every node must define the same virtual servers with the same real servers."""
    servers: dict[str, dict[str, VirtualServer]] = {}
    for node, config in configs.items():
        for vs in config.virtual_servers:
            servers.setdefault(_vs_key(vs), {})[node] = vs
    out = []
    for key, per_node in servers.items():
        first = next(iter(per_node.values()))
        absent = [n for n in configs if n not in per_node]
        if absent:
            out.append(Finding(
                "error", "virtual_server_mismatch", None, tuple(configs),
                f"virtual_server {key} is defined on {names(list(per_node))} but not on "
                f"{names(absent)}: after a failover to {names(absent)} the service is not "
                "balanced; define it on every node", first.where))
        settings = {n: _vs_settings(vs) for n, vs in per_node.items()}
        if len(set(settings.values())) > 1:
            grouped: dict[str, list[str]] = {}
            for n, s in settings.items():
                grouped.setdefault(s, []).append(n)
            out.append(Finding(
                "warning", "virtual_server_mismatch", None, tuple(per_node),
                f"virtual_server {key} differs: {_by_value(grouped, str)}; traffic is balanced "
                "differently after a failover, use the same settings", first.where))
        reals: dict[frozenset[str], list[str]] = {}
        for n, vs in per_node.items():
            reals.setdefault(_reals(vs), []).append(n)
        if len(reals) > 1:
            out.append(Finding(
                "error", "real_server_mismatch", None, tuple(per_node),
                f"virtual_server {key} has real servers "
                f"{_by_value(reals, lambda v: ', '.join(sorted(v)) or 'none')}: after a "
                "failover other servers get the traffic; define the same real_server blocks on "
                "every node", first.where))
    return out


def _loc(inst: VrrpInstance, key: str) -> Where:
    return inst.locations.get(key) or inst.where
