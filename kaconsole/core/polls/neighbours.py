"""What a neighbour on the service segment resolves the VIP to: the clients' view of a failover.

Clients reach the MAC their ARP cache holds, not the node keepalived calls MASTER; a new MASTER's
gratuitous ARPs are what move them. A node (or the console's host) reports its cache entry for
the VIP (`ip -j neigh`) and, when it has none, who answers an `arping` for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from kaconsole.core.polls.addresses import PollError, mac_of

#: Section markers the neighbour command prints before each tool's output.
NEIGH_MARK = "@@neigh"
ARPING_MARK = "@@arping"

#: iputils arping: `Unicast reply from 198.18.2.100 [02:AA:...:01]  0.61ms`.
_ARPING_REPLY = re.compile(r"reply from (\S+) \[([0-9A-Fa-f:]{17})\]")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """One answer for the VIP: `mac` None when nothing answered; `state` the cache's NUD state
    (REACHABLE, STALE, PERMANENT, ...), `ARPING` for a fresh answer, `NONE` for no answer."""

    mac: str | None
    state: str


def _neigh_entry(text: str, vip: str) -> Neighbour | None:
    try:
        doc = json.loads(text) if text.strip() else []
    except (ValueError, RecursionError) as exc:
        raise PollError(f"ip -j neigh printed no JSON: {exc}") from None
    if not isinstance(doc, list):
        raise PollError("ip -j neigh printed JSON that is not a list of entries")
    for entry in doc:
        if not isinstance(entry, dict) or entry.get("dst") != vip:
            continue
        states = entry.get("state")
        words = [s for s in states if isinstance(s, str)] if isinstance(states, list) else []
        return Neighbour(mac_of(entry.get("lladdr")), words[0] if words else "UNKNOWN")
    return None


def parse_neighbour(text: str, vip: str) -> Neighbour:
    """The neighbour command's output (see `remote_commands.neighbour_command`) for `vip`.

    A cache entry with a MAC wins (what clients use); the last one printed is the newest. An
    arping reply stands in when the cache has none (the kernel does not learn from arping)."""
    sections: list[tuple[str, list[str]]] = [(NEIGH_MARK, [])]
    for line in text.splitlines():
        if line.strip() in (NEIGH_MARK, ARPING_MARK):
            sections.append((line.strip(), []))
        else:
            sections[-1][1].append(line)
    cached: Neighbour | None = None
    answered: str | None = None
    for mark, lines in sections:
        body = "\n".join(lines)
        if mark == NEIGH_MARK:
            entry = _neigh_entry(body, vip)
            if entry is not None and (entry.mac is not None or cached is None):
                cached = entry
        else:
            reply = next((m for m in _ARPING_REPLY.finditer(body) if m[1] == vip), None)
            answered = mac_of(reply[2]) if reply else answered
    if cached is not None and cached.mac is not None:
        return cached
    if answered is not None:
        return Neighbour(answered, "ARPING")
    return cached or Neighbour(None, "NONE")
