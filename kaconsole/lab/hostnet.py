"""Whether a lab subnet is free on this host: the lab's bridges must never shadow a real network.

A subnet the host already uses is refused: one it routes (or has an address in) other than
through this lab's own bridges (another lab's count: two labs never share a subnet), one holding
a gateway, a resolver of /etc/resolv.conf, an address of /etc/hosts, or the peer of an open TCP
connection. `conflicts` decides from `HostFacts` alone (unit-tested); the readers below gather
the facts with `ip`, `ss` and two files.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from pathlib import Path

from kaconsole.errors import LabError


@dataclass(frozen=True, slots=True)
class Route:
    """One IPv4 route of any table: destination (`default` or a prefix), device, gateway."""

    dst: str
    dev: str = ""
    gateway: str | None = None


@dataclass(frozen=True, slots=True)
class TcpConnection:
    local: str
    peer: str


@dataclass(frozen=True, slots=True)
class HostFacts:
    routes: Sequence[Route] = ()
    resolvers: Sequence[str] = ()
    hosts: Sequence[str] = ()
    """Addresses named in /etc/hosts."""
    tcp: Sequence[TcpConnection] = field(default_factory=tuple)


def _v4(text: str) -> IPv4Address | None:
    try:
        address = ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, IPv4Address):
        return address
    return address.ipv4_mapped


def conflicts(nets: Iterable[str], facts: HostFacts, owns: Callable[[str], bool]) -> list[str]:
    """Why each lab subnet in `nets` is not free, one message per finding (none: all free);
    `owns` tells the lab's own links, whose routes are no conflict."""
    found: list[str] = []
    for text in nets:
        net = IPv4Network(text)

        def inside(address: str, net: IPv4Network = net) -> bool:
            v4 = _v4(address)
            return v4 is not None and v4 in net

        for route in facts.routes:
            if route.gateway and inside(route.gateway):
                found.append(f"{net} holds the gateway {route.gateway} ({route.dst} route)")
            if route.dst == "default" or owns(route.dev):
                continue
            try:
                dst = ip_network(route.dst, strict=False)
            except ValueError:
                continue
            if isinstance(dst, IPv4Network) and dst.overlaps(net):
                found.append(f"the host already routes {route.dst} via {route.dev or '?'}, "
                             f"inside {net}")
        found += [f"{net} holds the resolver {r} (/etc/resolv.conf)"
                  for r in facts.resolvers if inside(r)]
        found += [f"{net} holds {h}, named in /etc/hosts" for h in facts.hosts if inside(h)]
        # a connection from a lab address is the lab's own (one that outlived its bridge)
        found += [f"{net} holds {c.peer}, the peer of an open TCP connection"
                  for c in facts.tcp if inside(c.peer) and not inside(c.local)]
    return list(dict.fromkeys(found))


# -- readers ----------------------------------------------------------------------------------

def _output(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LabError(f"cannot tell whether the lab's subnets are free: `{' '.join(argv)}`: "
                       f"{exc}") from exc
    if proc.returncode != 0:
        raise LabError(f"cannot tell whether the lab's subnets are free: `{' '.join(argv)}` "
                       f"failed: {proc.stderr.strip()}")
    return proc.stdout


def parse_routes(text: str) -> list[Route]:
    """`ip -j -4 route show table all`."""
    entries = json.loads(text) if text.strip() else []
    return [Route(str(e.get("dst", "")), str(e.get("dev", "")), e.get("gateway"))
            for e in entries if isinstance(e, dict)]


def parse_resolvers(text: str) -> list[str]:
    """The `nameserver` addresses of a resolv.conf."""
    return [words[1] for line in text.splitlines()
            if len(words := line.split()) >= 2 and words[0] == "nameserver"]


def parse_hosts(text: str) -> list[str]:
    """The addresses of an /etc/hosts (the first word of each line, comments skipped)."""
    return [words[0] for line in text.splitlines()
            if (words := line.split("#", 1)[0].split())]


def _address(endpoint: str) -> str:
    """`1.2.3.4:22`, `[::ffff:1.2.3.4]:22` or `[fe80::1%eth0]:22` to the address."""
    host = endpoint.rsplit(":", 1)[0]
    return host[1:-1] if host.startswith("[") else host


def parse_ss(text: str) -> list[TcpConnection]:
    """`ss -tnH`: state, recv-q, send-q, local, peer on each line."""
    return [TcpConnection(_address(words[3]), _address(words[4]))
            for line in text.splitlines() if len(words := line.split()) >= 5]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise LabError(f"cannot tell whether the lab's subnets are free: {path}: {exc}") from exc


def read_facts() -> HostFacts:
    return HostFacts(
        routes=parse_routes(_output(["ip", "-j", "-4", "route", "show", "table", "all"])),
        resolvers=parse_resolvers(_read("/etc/resolv.conf")),
        hosts=parse_hosts(_read("/etc/hosts")),
        tcp=parse_ss(_output(["ss", "-tnH"])),
    )


def first_free(candidates: Iterable[tuple[str, str]], facts: HostFacts,
               owns: Callable[[str], bool]) -> tuple[str, str] | None:
    """The first pair of subnets of which the host uses neither (None: all are taken)."""
    return next((pair for pair in candidates if not conflicts(pair, facts, owns)), None)


def check_free(nets: Iterable[str], owns: Callable[[str], bool]) -> None:
    """LabError naming every way the host already uses one of `nets`."""
    found = conflicts(nets, read_facts(), owns)
    if found:
        raise LabError("the lab needs subnets this host does not use: " + "; ".join(found))
