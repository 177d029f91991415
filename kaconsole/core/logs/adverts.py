"""keepalived's words about received adverts: higher, lower, zero, and what is wrong with one.

Split from wording.py by idea: these handlers read a peer's advert as keepalived reports it.
From 2.3.0 the complaints name the sender (`received an invalid passwd from 10.0.0.2!`), which
becomes the event's `peer`.

kind            wording after the instance prefix                                  versions
advert_higher   Received higher prio advert N                                      1.2.x
                Received advert with higher priority N, ours M                     1.3.0-1.4.0
                Master received advert with higher priority N, ours M              1.4.1-1.4.5
                Master received advert with same priority N but higher IP ... (P)  1.4.1-1.4.5
                Master received advert from P with higher priority N, ours M       2.0.0+
                Master received advert from P with same priority N but higher IP
                address than ours                                                  2.0.0+
advert_lower    Received lower prio advert N, forcing new election                 1.2.x
                Received advert with lower priority N, ours M, forcing new ...     1.3.0-1.4.5
                Received advert from P with lower priority N, ours M[, forcing..]  2.0.0+
                received lower priority (N) advert from P - discarding             2.0.0+
"""

from __future__ import annotations

import re
from typing import Any

from kaconsole.core.events import LogKind
from kaconsole.core.logs.bounds import ascii_int

Fields = dict[str, Any]
Result = tuple[LogKind, Fields]

_HIGHER = re.compile(
    r"(?:Master r|R)eceived (?:advert (?:from (?P<peer>\S+) )?with "
    r"(?:higher priority (?P<prio>[0-9]+), ours (?P<ours>[0-9]+)"
    r"|same priority (?P<same>[0-9]+) but higher IP address than ours(?: \((?P<peer2>[^)]*)\))?)"
    r"|higher prio advert (?P<prio2>[0-9]+))"
)
_LOWER = re.compile(
    r"Received (?:advert (?:from (?P<peer>\S+) )?with lower priority (?P<prio>[0-9]+), "
    r"ours (?P<ours>[0-9]+)|lower prio advert (?P<prio2>[0-9]+))"
)
_DISCARD = re.compile(r"received lower priority \(([0-9]+)\) advert from (\S+) - discarding")
# 2.3.0+: "... from 10.0.0.2!", "... from 10.0.0.2: 3", "... from 10.0.0.2. 1 and expect 2"
_FROM = re.compile(r"(?:from|mismatch with) (\S+?)[!:.,]?(?: |$)")


def _number(text: str | None) -> int | None:
    return None if text is None else ascii_int(text)


def received(rest: str) -> Result | None:
    """`Received advert ...`, `Master received advert ...`, `received lower priority ...`."""
    m = _HIGHER.match(rest)
    if m:
        same = m["same"]
        prio = _number(same or m["prio"] or m["prio2"])
        ours = prio if same else _number(m["ours"])
        fields: Fields = {"peer": m["peer"] or m["peer2"], "priority": prio, "ours": ours}
        if same:
            fields["tie"] = True
        return LogKind.ADVERT_HIGHER, fields
    m = _LOWER.match(rest)
    if m:
        prio = _number(m["prio"] or m["prio2"])
        ours = _number(m["ours"])
        return LogKind.ADVERT_LOWER, {"peer": m["peer"], "priority": prio, "ours": ours}
    m = _DISCARD.match(rest)
    if m:
        return LogKind.ADVERT_LOWER, {"peer": m[2], "priority": _number(m[1])}
    if rest.startswith("Master received priority 0 message"):  # 2.1+: the other master resigns
        return LogKind.ADVERT_ZERO, {"peer": None}
    return auth_or_packet(rest)


def _peer(rest: str) -> str | None:
    m = _FROM.search(rest)
    return m[1] if m else None


def auth_or_packet(rest: str) -> Result | None:
    """Complaints about a received advert: authentication, VIP list, interval."""
    if "passwd" in rest or " auth" in rest or "AH header" in rest:
        return LogKind.AUTH_ERROR, {"peer": _peer(rest)}
    if "VIPs but received" in rest or "ip number count" in rest or "not present in " in rest:
        return LogKind.OTHER, {"tag": "vip_mismatch", "peer": _peer(rest)}
    if "interval mismatch" in rest:
        return LogKind.OTHER, {"tag": "advert_int_mismatch", "peer": _peer(rest)}
    return None


def zero(rest: str) -> Result | None:
    if rest.startswith("Backup received priority 0 advert"):
        return LogKind.ADVERT_ZERO, {"peer": None}
    return None
