"""`kaconsole check`: cross-node keepalived configuration findings (CONTRACTS.md section 7).

`check_cluster` is pure: the configurations (None where one could not be read) and what was
seen on each node go in, findings come out, errors first. The CLI, the console's configuration
pane and tests all call it; `engine.check` gathers its inputs over SSH.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kaconsole.core.checks import compare as compare
from kaconsole.core.checks import config as conf
from kaconsole.core.checks import node as node_checks
from kaconsole.core.checks.model import (
    SEVERITIES,
    ConfigTest,
    Finding,
    InstanceGroup,
    NodeEvidence,
    match_instances,
)
from kaconsole.core.checks.priority import priority_tie, weight_findings
from kaconsole.core.checks.wire import vrid_collisions
from kaconsole.core.conf.model import KeepalivedConfig

__all__ = ["ConfigTest", "Finding", "NodeEvidence", "check_cluster", "exit_status"]

#: Per-instance checks that return at most one finding, in report order.
_GROUP_CHECKS: tuple[Callable[[InstanceGroup], Finding | None], ...] = (
    compare.vrid_mismatch, compare.vip_mismatch, compare.auth_mismatch,
    compare.advert_int_mismatch, compare.version_mismatch, conf.strict_no_accept,
    conf.strict_ignores_auth, conf.auth_pass_truncated, priority_tie,
)


def check_cluster(configs: Mapping[str, KeepalivedConfig | None],
                  facts: Mapping[str, NodeEvidence]) -> list[Finding]:
    """Every finding for these nodes (in inventory order), sorted by severity."""
    readable = {n: c for n, c in configs.items() if c is not None}
    found = [node_checks.config_unreadable(n, facts.get(n))
             for n, c in configs.items() if c is None]
    for name, config in readable.items():
        evidence = facts.get(name)
        found += _present(conf.config_syntax(name, config),
                          node_checks.keepalived_rejects(name, config, evidence)
                          if evidence is not None else None)
        found += conf.config_warnings(name, config)
    groups = match_instances(readable)
    for group in groups:
        found += _present(compare.instance_missing(group, list(readable)),
                          *(check(group) for check in _GROUP_CHECKS))
        found += weight_findings(group)
        found += node_checks.interface_missing(group, facts)
    found += node_checks.script_missing(readable, facts)
    found += _present(conf.script_security(readable))
    found += compare.router_id_duplicate(readable)
    found += compare.server_mismatch(readable)
    found += vrid_collisions(groups, facts)
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))


def _present(*findings: Finding | None) -> list[Finding]:
    return [f for f in findings if f is not None]


def exit_status(findings: list[Finding]) -> int:
    """`kaconsole check`'s exit status: 0 clean, 1 findings (CONTRACTS.md section 2)."""
    return 1 if findings else 0
