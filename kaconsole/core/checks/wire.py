"""VRID collisions: other routers on our segment advertising one of our VRIDs, from a short
capture on each node. keepalived tells routers of one VRID apart by nothing else (with
vrrp_skip_check_adv_addr it does not even compare the addresses), so a stranger with our VRID
can make our MASTER step down, or both claim the VRID and its virtual MAC."""

from __future__ import annotations

from collections.abc import Mapping

from kaconsole.core.checks.model import Finding, InstanceGroup, NodeEvidence, names
from kaconsole.core.events import Advert


def _family(address: str) -> int:
    return 6 if ":" in address else 4


def vrid_collisions(groups: list[InstanceGroup],
                    facts: Mapping[str, NodeEvidence]) -> list[Finding]:
    evidence = [facts[n] for g in groups for n in g.nodes if n in facts]
    if not evidence or any(e.addresses is None for e in evidence):
        return []  # without every node's addresses ours cannot be told from theirs
    ours = frozenset().union(*(e.addresses or () for e in evidence))
    heard: dict[tuple[int, int, str], tuple[Advert, list[str]]] = {}
    for node, e in facts.items():
        for advert in e.adverts or ():
            if advert.src not in ours:
                key = (_family(advert.src), advert.vrid, advert.src)
                heard.setdefault(key, (advert, []))[1].append(node)
    out = []
    for group in groups:
        inst = group.members[0].instance
        family = _family(inst.vips[0]) if inst.vips else 4
        vrids = {m.instance.virtual_router_id for m in group.members}
        for (fam, vrid, src), (advert, seen_on) in heard.items():
            if fam != family or vrid not in vrids:
                continue
            nodes = tuple(dict.fromkeys(seen_on))
            addresses = ", ".join(advert.addresses) or "none"
            out.append(Finding(
                "error", "vrid_collision", group.name, nodes,
                f"another router, {src}, advertises VRID {vrid} (priority {advert.priority}, "
                f"addresses {addresses}) where {names(list(nodes))} listen"
                f"{'s' if len(nodes) == 1 else ''}: that is {group.name}'s VRID; each may "
                "take the other's adverts for its peer's, so the wrong router becomes MASTER or "
                f"both claim the VRID; give {group.name} (or the other router) a VRID no one "
                "else uses there",
                inst.locations.get("virtual_router_id") or inst.where))
    return out
