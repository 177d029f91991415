"""The console's own host as a client: what its ARP cache holds for each VIP.

On a host on the service segment (the lab's, or a jump host beside the clients), its cache is
what a client would use. It is only read, never refreshed: an arping would fix what we want to
see. A host that reaches the VIP through a router has no entry, and says nothing.
"""

from __future__ import annotations

import ipaddress
import shlex
import time
from collections.abc import Iterable

from kaconsole.core.facts import CONSOLE_HOST, NeighbourObserved
from kaconsole.core.polls.addresses import PollError
from kaconsole.core.polls.neighbours import parse_neighbour
from kaconsole.transport.local import LocalRunner


async def host_neighbours(vips: Iterable[str]) -> list[NeighbourObserved]:
    """This host's cache entry of each IPv4 VIP that has one with a MAC."""
    runner = LocalRunner(CONSOLE_HOST)
    out = []
    for vip in vips:
        try:
            if ipaddress.ip_address(vip).version != 4:
                continue
        except ValueError:
            continue
        done = await runner.run(f"ip -j neigh show to {shlex.quote(vip)}", timeout=5.0)
        if done.exit_status != 0:
            continue
        try:
            found = parse_neighbour(done.stdout, vip)
        except PollError:
            continue
        if found.mac is not None:
            out.append(NeighbourObserved(CONSOLE_HOST, vip, found.mac, found.state, time.time()))
    return out
