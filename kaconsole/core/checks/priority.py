"""Priority findings: equal priorities, and track weights that cannot move the VIP.

The rule is core.vrrp's (RFC 3768/5798 6.4.2 as keepalived 2.2.7 behaves): a BACKUP takes over
only from a strictly lower priority or priority 0; the primary IP breaks a tie only between two
MASTERs. For every node that can be a stable MASTER of an instance, each of its trackers is
failed in turn with `vrrp.predict`; when the VIP stays, the tracker's weight is a tie (equal to
the best peer) or ineffective (still above it, or a peer cannot take over), and the finding
carries predict's own reason and the weight that would work.
"""

from __future__ import annotations

from dataclasses import replace

from kaconsole.core.checks.model import Finding, InstanceGroup, Member, names
from kaconsole.core.conf.model import Where
from kaconsole.core.events import VrrpState
from kaconsole.core.vrrp.election import Election, Router, TrackerFails, elect, predict
from kaconsole.core.vrrp.timers import OWNER

#: Routers need an address, but a tie between two MASTERs (the only place the address counts)
#: never arises here: one node is MASTER, the others BACKUP. Documentation addresses stand in.
_STAND_IN = "192.0.2.{}"


def _trackers(m: Member) -> list[tuple[str, int, Where]]:
    """(label, weight, where) of each tracker of an instance. `reverse` trackers are left out:
    their weight applies while the tracked thing is up, which one failure cannot express."""
    out = []
    for t in m.instance.track_script:
        script = m.config.script(t.name)
        if script is not None and not script.weight_reverse and not t.reverse:
            out.append((t.name, t.weight if t.weight is not None else script.weight, t.where))
    out += [(f"interface {t.name}", t.weight or 0, t.where)
            for t in m.instance.track_interface if not t.reverse]
    return out


def _election(group: InstanceGroup) -> Election | None:
    routers = []
    for index, m in enumerate(group.members, start=1):
        weights = tuple(w for _, w, _ in _trackers(m))
        routers.append(Router(m.node, _STAND_IN.format(index), m.instance.priority,
                              VrrpState.BACKUP, m.instance.nopreempt, weights_ok=weights))
    advert = group.members[0].instance.advert_int
    if advert <= 0:
        return None
    return Election(tuple(routers), advert_int=advert)


def priority_tie(group: InstanceGroup) -> Finding | None:
    """Equal priorities, as advertised while every tracker passes."""
    election = _election(group)
    if election is None:
        return None
    by_priority: dict[int, list[Member]] = {}
    for m, r in zip(group.members, election.routers, strict=True):
        by_priority.setdefault(r.priority or 0, []).append(m)
    top = max(by_priority)
    for priority, tied in sorted(by_priority.items(), reverse=True):
        if len(tied) < 2 or priority == OWNER or all(m.instance.nopreempt for m in tied):
            continue
        nodes = [m.node for m in tied]
        if priority == top:
            effect = ("which of them is MASTER depends on the order they start in (a BACKUP "
                      "does not take over on equal priority; started together, the higher "
                      "primary IP wins), so the VIP does not return to a preferred node")
        else:
            effect = ("when the MASTER fails they time out together and both claim MASTER "
                      "until the higher primary IP wins")
        return Finding(
            "warning" if priority == top else "info", "priority_tie", group.name, tuple(nodes),
            f"{names(nodes)} have the same priority {priority} for {group.name}: {effect}; "
            "give the preferred node a higher priority (or nopreempt on all of them)",
            tied[0].instance.locations.get("priority") or tied[0].instance.where)
    return None


def weight_findings(group: InstanceGroup) -> list[Finding]:
    election = _election(group)
    if election is None or len(group.members) < 2:
        return []
    out = []
    for m in group.members:
        as_master = replace(election, routers=tuple(
            replace(r, state=VrrpState.MASTER if r.name == m.node else VrrpState.BACKUP)
            for r in election.routers))
        if elect(as_master).master != m.node:
            continue  # a higher peer preempts it: it never stays MASTER
        for label, weight, where in _trackers(m):
            finding = _weight_finding(group, m, as_master, label, weight, where)
            if finding is not None:
                out.append(finding)
    return out


def _weight_finding(group: InstanceGroup, m: Member, election: Election, label: str,
                    weight: int, where: Where) -> Finding | None:
    prediction = predict(election, TrackerFails(m.node, weight, label))
    if prediction.moved or prediction.master is None:
        return None
    me = election.router(m.node)
    before = me.priority or 0
    after = prediction.after.router(m.node).priority
    peers = [r for r in prediction.after.routers if r.name != m.node and r.eligible]
    best = max(peers, key=lambda r: r.priority or 0)
    target = best.priority or 0
    code = "weight_tie" if after == target else "weight_ineffective"
    if me.base_priority == OWNER:
        fix = "an address owner (priority 255) never changes priority; use a lower priority"
    elif after is not None and after < target:
        blockers = [r.name for r in peers if r.nopreempt and (r.priority or 0) > after]
        fix = f"remove nopreempt from {names(blockers)} if the VIP should follow {label}"
    elif weight < 0:
        fix = f"use a weight below {target - before}"
    else:  # losing a positive weight only brings it back to its base priority
        fix = (f"use a priority below {target} on {m.node}, with a weight that lifts it above "
               f"{target} while {label} passes")
    nodes = (m.node, *(r.name for r in peers if (r.priority or 0) == target))
    return Finding("warning", code, group.name, nodes, f"{prediction.reason}; {fix}", where)
