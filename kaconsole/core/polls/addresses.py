"""Readers for what the pollers bring back from a node: `ip -j addr`, service status."""

from __future__ import annotations

import json
import re

from kaconsole.core.facts import ServiceState


class PollError(ValueError):
    """The command's output is not what it prints (another tool, an error page, truncation)."""


_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def mac_of(text: object) -> str | None:
    """A MAC address in lower case, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    mac = text.lower()
    return mac if _MAC.fullmatch(mac) else None


def parse_ip_addr(text: str) -> frozenset[str]:
    """Every address configured on the node, from `ip -j addr`."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise PollError(f"ip -j addr printed no JSON: {exc}") from None
    if not isinstance(doc, list):
        raise PollError("ip -j addr printed JSON that is not a list of interfaces")
    out: set[str] = set()
    for link in doc:
        infos = link.get("addr_info", []) if isinstance(link, dict) else []
        for info in infos if isinstance(infos, list) else []:
            local = info.get("local") if isinstance(info, dict) else None
            if isinstance(local, str):
                out.add(local)
    return frozenset(out)


def service_state(exit_status: int | None) -> ServiceState:
    """A status command's verdict: 0 running, any other status stopped, no status unknown.

    127 and 126 mean the status command itself is missing or not runnable: unknown, not stopped.
    """
    if exit_status is None or exit_status in (126, 127):
        return ServiceState.UNKNOWN
    return ServiceState.RUNNING if exit_status == 0 else ServiceState.STOPPED


def parse_ip_addr_macs(text: str) -> dict[str, str]:
    """Each address's link-layer address (the MAC clients must resolve it to), from `ip -j addr`.

    Interfaces without a MAC (loopback, tunnels) are left out. Raises PollError like
    `parse_ip_addr`."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise PollError(f"ip -j addr printed no JSON: {exc}") from None
    if not isinstance(doc, list):
        raise PollError("ip -j addr printed JSON that is not a list of interfaces")
    out: dict[str, str] = {}
    for link in doc:
        if not isinstance(link, dict) or (mac := mac_of(link.get("address"))) is None:
            continue
        if mac == "00:00:00:00:00:00":
            continue
        infos = link.get("addr_info", [])
        for info in infos if isinstance(infos, list) else []:
            local = info.get("local") if isinstance(info, dict) else None
            if isinstance(local, str):
                out[local] = mac
    return out
