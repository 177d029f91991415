"""Findings each node's configuration shows on its own, gathered into one finding per instance
(or per cluster) that names every node where it holds.

These are keepalived 2.2.7 behaviours verified on real nodes (REFERENCE.md): `vrrp_strict`
implies `no_accept` and ignores `authentication`; `auth_pass` is cut to 8 characters; scripts
without `enable_script_security` fail keepalived's own check.

`vrrp_garp_interval 0` (and `vrrp_gna_interval 0`) is deliberately NOT a finding here: it has no
effect at run time (keepalived 2.2.7 rejects the value, ignores the line and keeps its default,
which is also 0) and older versions accept it. It is reported from the node, where keepalived's
own `-t` says so and changes its exit status: `keepalived_rejects` (see checks_node).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kaconsole.core.checks.model import Finding, InstanceGroup, Member, names
from kaconsole.core.conf.firewall import drops_vip_traffic, strict
from kaconsole.core.conf.model import KeepalivedConfig, Where

#: keepalived keeps this many characters of `auth_pass` (VRRPv2 PASS carries 8 bytes).
AUTH_PASS_LENGTH = 8


def _members_where(group: InstanceGroup, test: Callable[[Member], bool]) -> list[Member]:
    return [m for m in group.members if test(m)]


def strict_no_accept(group: InstanceGroup) -> Finding | None:
    hit = _members_where(group, lambda m: drops_vip_traffic(m.config.global_defs, m.instance))
    if not hit:
        return None
    first = hit[0]
    inst, defs = first.instance, first.config.global_defs
    undo = f"add `accept` to {inst.name}"
    if inst.accept is False:
        cause, undo = f"no_accept in {inst.name}", "remove no_accept or write `accept`"
    elif defs.vrrp_strict:
        cause = "vrrp_strict (global_defs) implies no_accept"
    else:
        cause = f"strict_mode in {inst.name} implies no_accept"
    vips = ", ".join(inst.vips) or "the VIP"
    where = inst.locations.get("no_accept") or defs.locations.get("vrrp_strict") or inst.where
    return Finding(
        "error", "strict_no_accept", group.name, tuple(m.node for m in hit),
        f"{cause} on {names([m.node for m in hit])}: keepalived's firewall (nftables) drops "
        f"every packet addressed to {vips} on the MASTER (its priority is not 255), so clients "
        f"cannot reach a service behind the VIP; {undo}, or drop vrrp_strict",
        where)


def strict_ignores_auth(group: InstanceGroup) -> Finding | None:
    hit = _members_where(group, lambda m: strict(m.config.global_defs, m.instance)
                         and m.instance.authentication is not None)
    if not hit:
        return None
    inst = hit[0].instance
    return Finding(
        "warning", "strict_ignores_auth", group.name, tuple(m.node for m in hit),
        f"vrrp_strict on {names([m.node for m in hit])}: keepalived ignores the authentication "
        f"block of {inst.name} (it logs 'Strict mode does not support authentication. "
        "Ignoring.') and sends adverts without it; remove the block, or vrrp_strict if the "
        "password is wanted",
        inst.locations.get("authentication") or inst.where)


def auth_pass_truncated(group: InstanceGroup) -> Finding | None:
    def long(m: Member) -> bool:
        auth = m.instance.authentication
        return auth is not None and auth.auth_pass is not None and \
            len(auth.auth_pass) > AUTH_PASS_LENGTH
    hit = _members_where(group, long)
    if not hit:
        return None
    inst = hit[0].instance
    return Finding(
        "warning", "auth_pass_truncated", group.name, tuple(m.node for m in hit),
        f"auth_pass of {inst.name} on {names([m.node for m in hit])} is longer than "
        f"{AUTH_PASS_LENGTH} characters: keepalived uses only the first {AUTH_PASS_LENGTH} "
        f"(it logs 'Truncating auth_pass to 8 characters'), so passwords that differ after "
        f"them still match; write a password of at most {AUTH_PASS_LENGTH} characters",
        inst.locations.get("auth_pass") or inst.where)


def _runs_scripts(config: KeepalivedConfig) -> bool:
    """keepalived's SECURITY VIOLATION: scripts (checks or notify) run, script security off."""
    if config.global_defs.enable_script_security:
        return False
    return (any(s.script for s in config.scripts)
            or any(i.notify for i in config.instances)
            or any(g.notify for g in config.sync_groups))


def script_security(configs: Mapping[str, KeepalivedConfig]) -> Finding | None:
    hit = [node for node, config in configs.items() if _runs_scripts(config)]
    if not hit:
        return None
    config = configs[hit[0]]
    where = config.scripts[0].where if config.scripts else config.global_defs.where
    return Finding(
        "warning", "script_security", None, tuple(hit),
        f"scripts are configured on {names(hit)} without enable_script_security: keepalived "
        "runs them as root, `keepalived -t` reports a SECURITY VIOLATION and fails; add "
        "`enable_script_security` and a `script_user` to global_defs (the default user, "
        "keepalived_script, must exist or the scripts are disabled), and keep the scripts and "
        "their directories writable by root only",
        where)


def config_syntax(node: str, config: KeepalivedConfig) -> Finding | None:
    if not config.errors:
        return None
    first = config.errors[0]
    more = f" (and {len(config.errors) - 1} more)" if len(config.errors) > 1 else ""
    return Finding(
        "error", "config_syntax", None, (node,),
        f"the configuration on {node} has syntax errors: {first}{more}; keepalived skips or "
        "misreads the blocks around them, fix them first",
        first.where, tuple(str(p) for p in config.errors))


#: Finding codes for the parser's coded warnings: what keepalived itself would complain about.
_WARNING_CODES = {"unknown_keyword": ("config_unknown_keyword", "keywords keepalived does not "
                                      "know (it logs and ignores each line)"),
                  "invalid_value": ("config_invalid_value", "values keepalived refuses (it logs "
                                    "and ignores the line or uses its default)")}


def config_warnings(node: str, config: KeepalivedConfig) -> list[Finding]:
    """One warning finding per kind, listing every place (file:line) it holds."""
    found = []
    for code, (finding_code, what) in _WARNING_CODES.items():
        hits = [p for p in config.warnings if p.code == code]
        if hits:
            found.append(Finding(
                "warning", finding_code, None, (node,),
                f"the configuration on {node} has {len(hits)} {what}: first {hits[0]}",
                hits[0].where, tuple(str(p) for p in hits)))
    return found


def where_of(config: KeepalivedConfig) -> Where | None:
    """The main file of a configuration, for findings about the whole file."""
    return Where(config.files[0], 1) if config.files else None
