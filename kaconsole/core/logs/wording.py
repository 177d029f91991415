"""keepalived's wording, 1.x and 2.x: one message -> (kind, instance, fields).

A message is classified in two cheap steps: peel the instance prefix (`(VI_1) ` from 2.0.0 on,
`VRRP_Instance(VI_1) ` before), then dispatch on the first word to the one or two anchored
regexes that can match it. No line runs more than a handful of regexes.

Wording checked against keepalived's source at tags v1.2.24, v1.3.9, v1.4.5, v2.0.20, v2.1.5,
v2.2.7, v2.2.8 and v2.3.3 (the table of format strings is tests/unit/core/test_log_formats.py).
Advert wording is in adverts.py.

kind (tag)      wording after the instance prefix                                  versions
state           Entering {BACKUP,MASTER,FAULT} STATE[ (init)]                      all; (init) 2.0+
                Now in FAULT state                                                 1.x
                entering FAULT state (startup; `startup`, `reason` from the line
                before, see parse.py)                                              2.0.0+
transition      Transition to MASTER STATE                                         1.x only
priority        Effective priority = B                                             1.2.x
                Changing effective priority from A to B                            1.3.0+
                Setting effective priority to B                                    2.0.x
                Restoring our priority to B since ...                              2.3.0+
advert_zero     Backup received priority 0 advertisement                           2.0.0+, -D only
                Master received priority 0 message                                 2.1.0+
sent_zero       sent 0 priority                                                    1.2.20+, 2.x -D
advert_timeout  Receive advertisement timeout                                      2.0.3+, -D only
vips            setting|removing [protocol ][E-]VIPs.                              -D only
garp            Sending gratuitous ARP|unsolicited Neighbour Advert on IF for A    all
                Sending/queueing gratuitous ARPs|Unsolicited Neighbour Adverts ..  1.3.x+
script          VRRP_Script(S) succeeded|failed|timed out                          1.2.x-1.3.x
                VRRP_Script(S) succeeded|failed|timed_out [(exited with status N)] 1.4.0+
                VRRP_Script(S) considered [un]successful on reload                 1.2.x+ (un: 2.0+)
                Script `S` now returning N                                         2.0.0+
daemon          Starting Keepalived vX / Stopping / Stopped Keepalived vX          all
                Starting VRRP|Healthcheck|BFD child process, pid=N / Stopped[ - ]  all (BFD 2.0+)
                Reloading / Reloading ... / Got SIGHUP, reloading ...              1.2.x+
auth_error      receive[d] an invalid passwd[ from P]! / a N auth[ from P], ...    all; P 2.3.0+
config          (FILE: Line N) ... or (Line N) ...: any located config message     1.3.x+
                Strict mode ... / Truncating auth_pass ... / Unknown keyword ...   all
other (tag)     timer_expired: VRRP thread timer expired S seconds ago             2.2.8+
                unknown_vrid: Unknown VRID(N) received on interface(IF)[ from P]   2.2.5+
                fault_reason: entering FAULT state (interface X down) | due to S   2.0.0+
                interface: Kernel is reporting: interface X DOWN / Netlink reports 1.x / 2.x
                master_seen: master changed from A to B | master set to B          2.3.0+
                owner_conflict: P is still advertising as address owner ...        2.3.0+
                base_priority: base priority changed from A to B via SNMP          all
                vip_mismatch, advert_int_mismatch (`peer` from 2.3.0), sync_group  all
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kaconsole.core.events import LogKind
from kaconsole.core.logs.adverts import auth_or_packet, received, zero
from kaconsole.core.logs.bounds import ascii_int

Fields = dict[str, Any]
Result = tuple[LogKind, Fields]

# --- instance and location prefixes --------------------------------------------------------------

_LOCATION = re.compile(r"(?:(.*): )?Line ([0-9]+)")
_DIGITS = tuple("0123456789")


def _split_prefix(message: str) -> tuple[str | None, Fields | None, str]:
    """(instance, config location fields, rest) of a message."""
    if message.startswith("("):
        end = message.find(")")
        if end > 0:
            inside = message[1:end]
            rest = message[end + 1 :].lstrip(": ")
            if inside.endswith(_DIGITS) and "Line " in inside:
                loc = _LOCATION.fullmatch(inside)
                if loc:
                    where: Fields = {"conf_line": ascii_int(loc[2])}
                    if loc[1]:
                        where["conf_file"] = loc[1]
                    return None, where, rest
            return inside, None, rest
    elif message.startswith("VRRP_Instance("):
        end = message.find(")", 14)
        if end > 0:
            return message[14:end], None, message[end + 1 :].lstrip(": ")
    return None, None, message


# --- one handler per first word -------------------------------------------------------------------

_STATE = re.compile(r"[Ee]ntering (INIT|BACKUP|MASTER|FAULT|STOP) (STATE|state)(?: (.*))?", re.S)
_NOW_IN = re.compile(r"Now in (INIT|BACKUP|MASTER|FAULT|STOP) state")
_TRANSITION = re.compile(r"Transition to (INIT|BACKUP|MASTER|FAULT|STOP) STATE")
_PRIORITY = re.compile(
    r"(?:Changing effective priority from (-?[0-9]+) to"  # 1.3.0+
    r"|Effective priority =|Setting effective priority to"  # 1.2.x; 2.0.x
    r"|Restoring our priority to) (-?[0-9]+)"  # 2.3.0+, an address owner back at 255
)
_MASTER_SEEN = re.compile(r"master (?:changed from (\S+) to|set to) (\S+)")  # 2.3.0+
_BASE = re.compile(r"base priority changed from ([0-9]+) to ([0-9]+) via SNMP")
_VIPS = re.compile(r"(setting|removing) (?:protocol )?(E-)?VIPs\.")
_GARP = re.compile(
    r"Sending(?:/queueing)? (?:gratuitous ARPs?|[Uu]nsolicited Neighbour Adverts?) "
    r"on (\S+) for (\S+)"
)
_STARTING = re.compile(
    r"Starting (?:Keepalived v(\S+)|(VRRP|Healthcheck|BFD) child process, pid=([0-9]+))"
)
_NOW_RETURNING = re.compile(r"Script `(.*)` now returning (-?[0-9]+)")
_VRRP_SCRIPT = re.compile(
    r"VRRP_Script\(([^)]*)\) (succeeded|failed|timed[_ ]out|considered (un)?successful on reload)"
    r"(?: \(([^()]*?) ?(-?[0-9]+)?\))?"
)
_UNKNOWN_VRID = re.compile(
    r"Unknown VRID\(([0-9]+)\) received on interface\(([^)]*)\)(?: from (\S+?))?\. ignoring"
)
_TIMER = re.compile(r"VRRP thread timer expired ([0-9]{1,12}(?:\.[0-9]{1,9})?) seconds ago")
_KERNEL_IF = re.compile(r"Kernel is reporting: interface (\S+) (UP|DOWN)")
_NETLINK_IF = re.compile(r"Netlink reports (\S+) (up|down)")
_IF_DOWN = re.compile(r"interface (\S+) is down")


#: The tag of 2.x's line saying why an instance starts in FAULT (parse.py ties it to the state).
FAULT_REASON = "fault_reason"


def _state(rest: str) -> Result | None:
    m = _STATE.match(rest)
    if not m:
        return None
    if m[2] == "STATE":
        return LogKind.STATE, {"state": m[1]}
    # 2.x, lower case: an instance starting in FAULT (vrrp.c), after a line giving the reason
    # (vrrp_track.c: "entering FAULT state (interface eth0 down)" / "... due to script chk")
    reason = (m[3] or "").strip()
    if not reason:
        return LogKind.STATE, {"state": m[1], "startup": True}
    if reason.startswith("(") and reason.endswith(")"):
        reason = reason[1:-1]
    return LogKind.OTHER, {"tag": FAULT_REASON, "reason": reason}


def _now_in(rest: str) -> Result | None:
    m = _NOW_IN.match(rest)
    return (LogKind.STATE, {"state": m[1]}) if m else None


def _transition(rest: str) -> Result | None:
    m = _TRANSITION.match(rest)
    return (LogKind.TRANSITION, {"state": m[1]}) if m else None


def _priority(rest: str) -> Result | None:
    m = _PRIORITY.match(rest)
    if not m:
        return None
    return LogKind.PRIORITY, {"from": ascii_int(m[1]) if m[1] else None, "to": ascii_int(m[2])}


def _master(rest: str) -> Result | None:
    """2.3.0+: which peer this backup now takes for master (`master changed from A to B`)."""
    m = _MASTER_SEEN.match(rest)
    if m:
        return LogKind.OTHER, {"tag": "master_seen", "peer": m[2], "before": m[1]}
    return None


def _base(rest: str) -> Result | None:
    """An SNMP write to the base priority: the effective one follows only without trackers."""
    m = _BASE.match(rest)
    if not m:
        return None
    before, after = ascii_int(m[1]), ascii_int(m[2])
    return LogKind.OTHER, {"tag": "base_priority", "from": before, "to": after}


def _sent(rest: str) -> Result | None:
    return (LogKind.SENT_ZERO, {}) if rest.startswith("sent 0 priority") else None


def _timeout(rest: str) -> Result | None:
    if rest.startswith("Receive advertisement timeout"):
        return LogKind.ADVERT_TIMEOUT, {}
    return None


def _vips(rest: str) -> Result | None:
    m = _VIPS.match(rest)
    if not m:
        return None
    fields: Fields = {"action": "set" if m[1] == "setting" else "remove"}
    if m[2]:
        fields["evips"] = True
    return LogKind.VIPS, fields


def _sending(rest: str) -> Result | None:
    m = _GARP.match(rest)
    if not m:
        return None
    fields: Fields = {"address": m[2], "interface": m[1]}
    if "/queueing" in rest:
        fields["queued"] = True
    return LogKind.GARP, fields


def _starting(rest: str) -> Result | None:
    m = _STARTING.match(rest)
    if not m:
        return None
    if m[1]:
        return LogKind.DAEMON, {"action": "start", "process": "keepalived", "version": m[1]}
    child = ascii_int(m[3])
    return LogKind.DAEMON, {"action": "start", "process": m[2].lower(), "child_pid": child}


def _stopping(rest: str) -> Result | None:
    if rest == "Stopping" or rest.startswith("Stopping "):
        return LogKind.DAEMON, {"action": "stop", "process": "keepalived"}
    if rest.startswith("Stopped Keepalived"):
        return LogKind.DAEMON, {"action": "stop", "process": "keepalived"}
    if rest == "Stopped" or rest.startswith("Stopped -"):  # a child process
        return LogKind.DAEMON, {"action": "stop", "process": "child"}
    return None


def _reloading(rest: str) -> Result | None:
    if rest.startswith("Reloading") or rest.startswith("Got SIGHUP, reloading"):
        return LogKind.DAEMON, {"action": "reload"}
    return None


def _script(rest: str) -> Result | None:
    m = _NOW_RETURNING.match(rest)
    if m:
        status = ascii_int(m[2])
        return LogKind.SCRIPT, {"script": m[1], "ok": status == 0, "status": status}
    if rest.startswith("Script user "):
        return LogKind.CONFIG, {}
    return None


def _vrrp_script(rest: str) -> Result | None:
    m = _VRRP_SCRIPT.match(rest)
    if not m:
        return None
    verdict = m[2]
    ok = verdict == "succeeded" or (verdict.startswith("considered") and not m[3])
    status = ascii_int(m[5]) if m[5] and m[4] and "status" in m[4] else None
    fields: Fields = {"script": m[1], "ok": ok, "status": status}
    if verdict.startswith("timed"):
        fields["timed_out"] = True
    elif m[4] and "signal" in m[4] and m[5]:
        fields["signal"] = ascii_int(m[5])
    return LogKind.SCRIPT, fields


def _unknown(rest: str) -> Result | None:
    m = _UNKNOWN_VRID.match(rest)
    if m:
        return LogKind.OTHER, {
            "tag": "unknown_vrid",
            "vrid": ascii_int(m[1]),
            "interface": m[2],
            "peer": m[3],
        }
    return (LogKind.CONFIG, {}) if rest.startswith("Unknown keyword") else None


def _vrrp(rest: str) -> Result | None:
    m = _TIMER.match(rest)
    if m:
        return LogKind.OTHER, {"tag": "timer_expired", "seconds": float(m[1])}
    if "does not support authentication" in rest:
        return LogKind.CONFIG, {}
    return None


def _interface(rest: str) -> Result | None:
    m = _KERNEL_IF.match(rest) or _NETLINK_IF.match(rest) or _IF_DOWN.match(rest)
    if not m:
        return None
    up = m.re is not _IF_DOWN and m[2].lower() == "up"
    return LogKind.OTHER, {"tag": "interface", "interface": m[1], "up": up}


def _warning(rest: str) -> Result | None:
    """`WARNING - equal priority advert received from remote host with our IP address.`"""
    if "equal priority advert" in rest:
        return LogKind.OTHER, {"tag": "owner_conflict", "peer": None}
    return LogKind.CONFIG, {}


def _owner(rest: str) -> Result | None:
    """2.3.0+: another node advertising as the address owner (priority 255), or stopping."""
    peer, sep, _ = rest.partition(" is still advertising as address owner")
    if sep:
        return LogKind.OTHER, {"tag": "owner_conflict", "peer": peer}
    if rest.startswith("rogue address owner"):
        return LogKind.OTHER, {"tag": "owner_conflict", "peer": None, "gone": True}
    return None


def _config(rest: str) -> Result | None:
    return LogKind.CONFIG, {}


def _group(rest: str) -> Result:
    """`VRRP_Group(G) ...`: a sync group's own line (its instances log their states too)."""
    return LogKind.OTHER, {"tag": "sync_group", "group": rest[11 : rest.find(")")]}


#: First words of keepalived's configuration complaints that carry no `(file: Line N)` prefix.
_CONFIG_WORDS = (  # noqa: SIM905 - a list of words reads better as text
    "Strict State Authentication Cannot Number Initial Truncating SECURITY WARNING: "
    "Disabling NOTICE: Non-existent use_vmac iptables CONFIGURATION auth_hmac"
).split()

_BY_WORD: dict[str, Callable[[str], Result | None]] = {
    "Entering": _state,
    "entering": _state,
    "Now": _now_in,
    "Transition": _transition,
    "Changing": _priority,
    "Effective": _priority,
    "Setting": _priority,
    "Restoring": _priority,
    "base": _base,
    "master": _master,
    "WARNING": _warning,
    "rogue": _owner,
    "Master": received,
    "Received": received,
    "received": received,
    "receive": auth_or_packet,
    "Invalid": auth_or_packet,
    "No": auth_or_packet,
    "advertisement": auth_or_packet,
    "advertissement": auth_or_packet,
    "ip": auth_or_packet,
    "expected": auth_or_packet,
    "Backup": zero,
    "sent": _sent,
    "Receive": _timeout,
    "setting": _vips,
    "removing": _vips,
    "Sending": _sending,
    "Sending/queueing": _sending,
    "Starting": _starting,
    "Stopping": _stopping,
    "Stopped": _stopping,
    "Reloading": _reloading,
    "Got": _reloading,
    "Script": _script,
    "Unknown": _unknown,
    "VRRP": _vrrp,
    "Kernel": _interface,
    "Netlink": _interface,
    "interface": _interface,
    **dict.fromkeys(_CONFIG_WORDS, _config),
}

#: With "auth" in it, words that make an unknown line a failed authentication (any wording).
_AUTH_FAILED = ("bad auth", "mismatch", "fail", "error", "invalid")


def classify(message: str) -> tuple[LogKind, str | None, Fields]:
    """(kind, instance, contract fields) of one keepalived message."""
    instance, where, rest = _split_prefix(message)
    if where is not None:
        return LogKind.CONFIG, None, where
    word, _, _ = rest.partition(" ")
    handler = _BY_WORD.get(word)
    result = handler(rest) if handler is not None else None
    if result is None:
        if word.startswith("VRRP_Script("):
            result = _vrrp_script(rest)
        elif word.startswith("VRRP_Group("):
            result = _group(rest)
        elif " is still advertising" in rest:
            result = _owner(rest)
        elif "auth" in rest or "AUTH" in rest or "pass" in rest:
            low = rest.lower()
            if any(hint in low for hint in _AUTH_FAILED):
                result = LogKind.AUTH_ERROR, {"peer": None}
    if result is None:
        return LogKind.OTHER, instance, {}
    return result[0], instance, result[1]
