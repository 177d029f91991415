"""Findings from what was seen on the nodes: unreadable configurations, missing scripts and
interfaces, and keepalived's own configuration test (`keepalived -t -f FILE`).

keepalived -t exit statuses, from its source (lib/scheduler.h, keepalived/core/main.c
`config_test_exit`): from 2.2.0 the exit codes became an enum and the config-test statuses moved
up by one: 4 "cannot run" (file missing, bad interface, fatal), 5 "errors, but keepalived runs",
6 "scripts without script security". 2.0.4 to 2.1.5 used 3, 4 and 5, the numbers keepalived(8)
still documents. keepalived 2.2.7 (Debian 12) agrees with the source: the reference config
exits 6 once its script exists, 5 when it does not and only values are wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kaconsole.core.checks.config import where_of
from kaconsole.core.checks.model import (
    Finding,
    InstanceGroup,
    NodeEvidence,
    ScriptStatus,
    Severity,
    names,
)
from kaconsole.core.conf.model import KeepalivedConfig, VrrpScript, Where

#: Versions are compared as tuples of ints; "2.2.7" -> (2, 2, 7).
CONFIG_TEST_SINCE = (2, 0, 4)
ENUM_EXIT_CODES_SINCE = (2, 2, 0)

_MEANING_NEW: dict[int, tuple[Severity, str]] = {
    4: ("error", "keepalived cannot run this configuration"),
    5: ("warning", "there are configuration errors; keepalived runs, ignoring what it rejects"),
    6: ("warning", "scripts are configured without script security"),
}
_MEANING_OLD: dict[int, tuple[Severity, str]] = {
    3: _MEANING_NEW[4], 4: _MEANING_NEW[5], 5: _MEANING_NEW[6]}

#: keepalived messages and what to change for them.
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"vrrp_(garp|gna)_interval '0' is invalid"),
     "remove `vrrp_{0}_interval 0` (0 is already the default; keepalived accepts only "
     "positive values)"),
    (re.compile(r"SECURITY VIOLATION"),
     "enable script security (see script_security)"),
    (re.compile(r"iptables not supported, using nftables"),
     "replace vrrp_iptables with the nftables option"),
    (re.compile(r"Non-existent interface"),
     "fix the interface names (see interface_missing)"),
)


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    match = re.match(r"v?(\d+)\.(\d+)(?:\.(\d+))?", version or "")
    return tuple(int(g or 0) for g in match.groups()) if match else None


def has_config_test(version: str | None) -> bool:
    """Whether this keepalived has `-t` (unknown versions are tried)."""
    parsed = version_tuple(version)
    return parsed is None or parsed >= CONFIG_TEST_SINCE


def config_test_meaning(version: str | None, status: int) -> tuple[Severity, str]:
    """The severity and meaning of a `keepalived -t` exit status for this version."""
    parsed = version_tuple(version)
    table = _MEANING_OLD if parsed is not None and parsed < ENUM_EXIT_CODES_SINCE else _MEANING_NEW
    return table.get(status, ("error", "keepalived reports an unexpected status"))


def script_path(script: VrrpScript) -> str | None:
    """The program a vrrp_script runs: the first word of `script` (the rest are arguments)."""
    words = (script.script or "").split()
    return words[0] if words else None


def config_unreadable(node: str, evidence: NodeEvidence | None) -> Finding:
    reason = evidence.error if evidence and evidence.error else "no configuration was read"
    return Finding("error", "config_unreadable", None, (node,),
                   f"cannot check {node}: {reason}; its configuration is not compared with the "
                   "other nodes")


def keepalived_rejects(node: str, config: KeepalivedConfig,
                       evidence: NodeEvidence) -> Finding | None:
    test = evidence.config_test
    if test is None or test.exit_status == 0:
        return None
    path = config.files[0] if config.files else "the configuration"
    head = f"`keepalived -t -f {path}` on {node}"
    if test.exit_status is None:
        return Finding("warning", "keepalived_rejects", None, (node,),
                       f"{head} did not finish; run it by hand to see keepalived's verdict",
                       where_of(config), test.messages)
    severity, meaning = config_test_meaning(evidence.version, test.exit_status)
    version = f" (keepalived {evidence.version})" if evidence.version else ""
    hints: list[str] = []
    for pattern, hint in _HINTS:
        for line in test.messages:
            found = pattern.search(line)
            if found:
                text = hint.format(*found.groups())
                if text not in hints:
                    hints.append(text)
    todo = "; ".join(hints) if hints else "fix what it reports (details)"
    return Finding(severity, "keepalived_rejects", None, (node,),
                   f"{head}{version} exits {test.exit_status}: {meaning}; {todo}",
                   where_of(config), test.messages)


def _tracked(config: KeepalivedConfig) -> dict[str, str | None]:
    """Tracked script names and the first instance tracking each (None: a sync group)."""
    out: dict[str, str | None] = {}
    for inst in config.instances:
        for track in inst.track_script:
            out.setdefault(track.name, inst.name)
    for group in config.sync_groups:
        for track in group.track_script:
            out.setdefault(track.name, None)
    return out


def script_missing(configs: Mapping[str, KeepalivedConfig],
                   facts: Mapping[str, NodeEvidence]) -> list[Finding]:
    seen: dict[tuple[str, str, ScriptStatus], list[str]] = {}
    first: dict[tuple[str, str, ScriptStatus], tuple[str | None, Where]] = {}
    for node, config in configs.items():
        evidence = facts.get(node)
        for name, instance in _tracked(config).items():
            script = config.script(name)
            path = script_path(script) if script else None
            status = evidence.scripts.get(path) if evidence and path else None
            if script is None or path is None or status in (None, "ok"):
                continue
            key = (name, path, status)
            seen.setdefault(key, []).append(node)
            first.setdefault(key, (instance, script.locations.get("script") or script.where))
    out = []
    for (name, path, status), nodes in seen.items():
        instance, where = first[(name, path, status)]
        state = ("does not exist" if status == "missing" else "is not executable")
        fix = ("install it there" if status == "missing" else "make it executable (chmod +x)")
        out.append(Finding(
            "error", "script_missing", instance, tuple(nodes),
            f"{name} runs {path}, which {state} on {names(nodes)}: keepalived disables the check "
            f"('Disabling track script {name} since not found/accessible'), so what it watches "
            f"never moves the VIP; {fix}", where))
    return out


def interface_missing(group: InstanceGroup,
                      facts: Mapping[str, NodeEvidence]) -> list[Finding]:
    out = []
    for m in group.members:
        known = facts[m.node].interfaces if m.node in facts else None
        if known is None:
            continue
        inst = m.instance
        wanted = [(inst.interface, inst.locations.get("interface") or inst.where)]
        wanted += [(vip.dev, vip.where) for vip in inst.virtual_ipaddress]
        wanted += [(t.name, t.where) for t in inst.track_interface]
        missing: dict[str, Where] = {}
        for name, where in wanted:
            if name is not None and name not in known:
                missing.setdefault(name, where)
        if missing:
            listed = ", ".join(missing)
            out.append(Finding(
                "error", "interface_missing", group.name, (m.node,),
                f"{inst.name} names interface {listed}, which does not exist on {m.node} "
                "(keepalived: 'Non-existent interface specified in configuration'): the "
                f"instance cannot run there; use an interface {m.node} has",
                next(iter(missing.values()))))
    return out
