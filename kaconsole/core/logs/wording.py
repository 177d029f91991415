"""keepalived's wording, 1.x and 2.x: one message -> (kind, instance, fields).

A message is classified in two cheap steps: peel the instance prefix (`(VI_1) ` from 2.0.0 on,
`VRRP_Instance(VI_1) ` before), then dispatch on the first word to the one or two anchored
regexes that can match it. No line runs more than a handful of regexes.

Wording checked against keepalived's source (tags v1.2.1 ... v2.2.8 and master of 2026-08):

kind (tag)      wording after the instance prefix                                  versions
state           Entering {BACKUP,MASTER,FAULT} STATE[ (init)]                      all; (init) 2.0+
                Now in FAULT state                                                 1.x
transition      Transition to MASTER STATE                                         1.x only
priority        Changing effective priority from A to B                            1.3.0+
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
advert_zero     Backup received priority 0 advertisement                           2.0.0+, -D only
sent_zero       sent 0 priority                                                    1.2.20+, 2.x -D
advert_timeout  Receive advertisement timeout                                      2.0.3+, -D only
vips            setting|removing protocol [E-]VIPs.                                1.x, -D only
                setting|removing [E-]VIPs.                                         2.0.0+, -D only
garp            Sending gratuitous ARP on IF for A                                 all
                Sending unsolicited Neighbour Advert on IF for A                   1.2.21+
                Sending/queueing gratuitous ARPs|Unsolicited Neighbour Adverts ..  1.3.x+
script          VRRP_Script(S) succeeded|failed|timed out                          1.2.x
                VRRP_Script(S) failed (exited with status N|due to signal N)       1.4.0+
                VRRP_Script(S) timed_out                                           1.4.0+
                VRRP_Script(S) considered [un]successful on reload                 1.2.x+ (un: 2.0+)
                Script `S` now returning N                                         2.0.0+
daemon          Starting Keepalived vX / Stopping / Stopped Keepalived vX          all
                Starting VRRP|Healthcheck|BFD child process, pid=N / Stopped[ - ]  all (BFD 2.0+)
                Reloading / Reloading ... / Got SIGHUP, reloading ...              1.2.x+
auth_error      receive[d] an invalid passwd! / receive[d] a N auth, expecting M!  all
                Invalid auth type: N / [No|Received] AH header ...                 1.2.x+ / 2.1+
config          (FILE: Line N) ... or (Line N) ...: any located config message     1.3.x+
                Strict mode does not support authentication. Ignoring. / VRRP
                version 3 does not support ... / State MASTER must match ... /
                Truncating auth_pass ... / SECURITY VIOLATION ... / Unknown keyword all
other (timer_expired)  VRRP thread timer expired S seconds ago                     2.2.8+
other (unknown_vrid)   Unknown VRID(N) received on interface(IF)[ from P]. ignoring 2.2.5+
other (fault_reason)   entering FAULT state (interface X down) | due to script S   2.0.0+
other (interface)      Kernel is reporting: interface X DOWN|UP / Netlink reports
                       X down|up / (I) interface X is down                         1.x / 2.x
other (vip_mismatch, advert_int_mismatch, sync_group)                              all
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kaconsole.core.events import LogKind

Fields = dict[str, Any]
Result = tuple[LogKind, Fields]

# --- instance and location prefixes --------------------------------------------------------------

_LOCATION = re.compile(r"(?:(.*): )?Line (\d+)")
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
                    where: Fields = {"conf_line": int(loc[2])}
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

_STATE = re.compile(r"[Ee]ntering (INIT|BACKUP|MASTER|FAULT|STOP) (STATE|state)(?: (.*))?")
_NOW_IN = re.compile(r"Now in (INIT|BACKUP|MASTER|FAULT|STOP) state")
_TRANSITION = re.compile(r"Transition to (INIT|BACKUP|MASTER|FAULT|STOP) STATE")
_PRIORITY = re.compile(r"Changing effective priority from (-?\d+) to (-?\d+)")
_HIGHER = re.compile(
    r"(?:Master r|R)eceived (?:advert (?:from (?P<peer>\S+) )?with "
    r"(?:higher priority (?P<prio>\d+), ours (?P<ours>\d+)"
    r"|same priority (?P<same>\d+) but higher IP address than ours(?: \((?P<peer2>[^)]*)\))?)"
    r"|higher prio advert (?P<prio2>\d+))"
)
_LOWER = re.compile(
    r"Received (?:advert (?:from (?P<peer>\S+) )?with lower priority (?P<prio>\d+), "
    r"ours (?P<ours>\d+)|lower prio advert (?P<prio2>\d+))"
)
_DISCARD = re.compile(r"received lower priority \((\d+)\) advert from (\S+) - discarding")
_VIPS = re.compile(r"(setting|removing) (?:protocol )?(E-)?VIPs\.")
_GARP = re.compile(
    r"Sending(?:/queueing)? (?:gratuitous ARPs?|[Uu]nsolicited Neighbour Adverts?) "
    r"on (\S+) for (\S+)"
)
_STARTING = re.compile(
    r"Starting (?:Keepalived v(\S+)|(VRRP|Healthcheck|BFD) child process, pid=(\d+))"
)
_NOW_RETURNING = re.compile(r"Script `(.*)` now returning (-?\d+)")
_VRRP_SCRIPT = re.compile(
    r"VRRP_Script\(([^)]*)\) (succeeded|failed|timed[_ ]out|considered (un)?successful on reload)"
    r"(?: \(([^()]*?) ?(-?\d+)?\))?"
)
_UNKNOWN_VRID = re.compile(
    r"Unknown VRID\((\d+)\) received on interface\(([^)]*)\)(?: from (\S+?))?\. ignoring"
)
_TIMER = re.compile(r"VRRP thread timer expired (\d+(?:\.\d+)?) seconds ago")
_KERNEL_IF = re.compile(r"Kernel is reporting: interface (\S+) (UP|DOWN)")
_NETLINK_IF = re.compile(r"Netlink reports (\S+) (up|down)")
_IF_DOWN = re.compile(r"interface (\S+) is down")


def _state(rest: str) -> Result | None:
    m = _STATE.match(rest)
    if not m:
        return None
    if m[2] == "state":  # 2.x vrrp_track: "entering FAULT state (interface eth0 down)"
        reason = (m[3] or "").strip("() ")
        return LogKind.OTHER, {"tag": "fault_reason", "reason": reason or None}
    return LogKind.STATE, {"state": m[1]}


def _now_in(rest: str) -> Result | None:
    m = _NOW_IN.match(rest)
    return (LogKind.STATE, {"state": m[1]}) if m else None


def _transition(rest: str) -> Result | None:
    m = _TRANSITION.match(rest)
    return (LogKind.TRANSITION, {"state": m[1]}) if m else None


def _priority(rest: str) -> Result | None:
    m = _PRIORITY.match(rest)
    return (LogKind.PRIORITY, {"from": int(m[1]), "to": int(m[2])}) if m else None


def _received(rest: str) -> Result | None:
    m = _HIGHER.match(rest)
    if m:
        same = m["same"]
        prio = int(same or m["prio"] or m["prio2"])
        ours = prio if same else (int(m["ours"]) if m["ours"] else None)
        fields: Fields = {"peer": m["peer"] or m["peer2"], "priority": prio, "ours": ours}
        if same:
            fields["tie"] = True
        return LogKind.ADVERT_HIGHER, fields
    m = _LOWER.match(rest)
    if m:
        prio = int(m["prio"] or m["prio2"])
        ours = int(m["ours"]) if m["ours"] else None
        return LogKind.ADVERT_LOWER, {"peer": m["peer"], "priority": prio, "ours": ours}
    m = _DISCARD.match(rest)
    if m:
        return LogKind.ADVERT_LOWER, {"peer": m[2], "priority": int(m[1])}
    return _auth_or_packet(rest)


def _auth_or_packet(rest: str) -> Result | None:
    """Complaints about a received advert: authentication, VIP list, interval."""
    if "passwd" in rest or " auth" in rest or "AH header" in rest:
        return LogKind.AUTH_ERROR, {"peer": None}
    if "VIPs but received" in rest or "ip number count" in rest or "not present in MASTER" in rest:
        return LogKind.OTHER, {"tag": "vip_mismatch"}
    if "interval mismatch" in rest:
        return LogKind.OTHER, {"tag": "advert_int_mismatch"}
    return None


def _zero(rest: str) -> Result | None:
    if rest.startswith("Backup received priority 0 advert"):
        return LogKind.ADVERT_ZERO, {"peer": None}
    return None


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
    return LogKind.DAEMON, {"action": "start", "process": m[2].lower(), "child_pid": int(m[3])}


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
        status = int(m[2])
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
    status = int(m[5]) if m[5] and m[4] and "status" in m[4] else None
    fields: Fields = {"script": m[1], "ok": ok, "status": status}
    if verdict.startswith("timed"):
        fields["timed_out"] = True
    elif m[4] and "signal" in m[4] and m[5]:
        fields["signal"] = int(m[5])
    return LogKind.SCRIPT, fields


def _unknown(rest: str) -> Result | None:
    m = _UNKNOWN_VRID.match(rest)
    if m:
        return LogKind.OTHER, {
            "tag": "unknown_vrid",
            "vrid": int(m[1]),
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


def _config(rest: str) -> Result | None:
    return LogKind.CONFIG, {}


def _group(rest: str) -> Result:
    """`VRRP_Group(G) ...`: a sync group's own line (its instances log their states too)."""
    return LogKind.OTHER, {"tag": "sync_group", "group": rest[11 : rest.find(")")]}


#: First words of keepalived's configuration complaints that carry no `(file: Line N)` prefix.
_CONFIG_WORDS = (  # noqa: SIM905 - a list of words reads better as text
    "Strict State Authentication Cannot Number Initial Truncating SECURITY WARNING WARNING: "
    "Disabling NOTICE: Non-existent use_vmac iptables CONFIGURATION auth_hmac"
).split()

_BY_WORD: dict[str, Callable[[str], Result | None]] = {
    "Entering": _state,
    "entering": _state,
    "Now": _now_in,
    "Transition": _transition,
    "Changing": _priority,
    "Master": _received,
    "Received": _received,
    "received": _received,
    "receive": _auth_or_packet,
    "Invalid": _auth_or_packet,
    "No": _auth_or_packet,
    "advertisement": _auth_or_packet,
    "advertissement": _auth_or_packet,
    "ip": _auth_or_packet,
    "expected": _auth_or_packet,
    "Backup": _zero,
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
        elif "auth" in rest or "AUTH" in rest or "pass" in rest:
            low = rest.lower()
            if any(hint in low for hint in _AUTH_FAILED):
                result = LogKind.AUTH_ERROR, {"peer": None}
    if result is None:
        return LogKind.OTHER, instance, {}
    return result[0], instance, result[1]
