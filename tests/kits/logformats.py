"""keepalived's format strings quoted from its source, with the event each must give (shared)."""

from __future__ import annotations

from typing import Any

from kaconsole.core.events import LogKind as K

TAGS = ("1.2.24", "1.3.9", "1.4.5", "2.0.20", "2.1.5", "2.2.7", "2.2.8", "2.3.3")

V1 = ("1.2.24", "1.4.5")

V2 = ("2.0.20", "2.3.3")

I = "VI_1"  # noqa: E741 - the instance every row names

P = "10.0.0.2"

# (first tag, last tag), format, arguments, kind, fields
Row = tuple[tuple[str, str], str, tuple[Any, ...], K, dict[str, Any]]

FORMATS: list[Row] = [
    # --- state --------------------------------------------------------------------------------
    (V1, "VRRP_Instance(%s) Entering BACKUP STATE", (I,), K.STATE, {"state": "BACKUP"}),
    (V1, "VRRP_Instance(%s): Entering BACKUP STATE", (I,), K.STATE, {"state": "BACKUP"}),
    (V1, "VRRP_Instance(%s) Entering MASTER STATE", (I,), K.STATE, {"state": "MASTER"}),
    (V1, "VRRP_Instance(%s) Entering FAULT STATE", (I,), K.STATE, {"state": "FAULT"}),
    (V1, "VRRP_Instance(%s) Now in BACKUP state", (I,), K.STATE, {"state": "BACKUP"}),
    (V1, "VRRP_Instance(%s) Now in FAULT state", (I,), K.STATE, {"state": "FAULT"}),
    (V1, "VRRP_Instance(%s) Transition to MASTER STATE", (I,), K.TRANSITION, {"state": "MASTER"}),
    (V1, "VRRP_Instance(%s): Transition to MASTER STATE", (I,), K.TRANSITION, {"state": "MASTER"}),
    (V2, "(%s) Entering BACKUP STATE", (I,), K.STATE, {"state": "BACKUP"}),
    (V2, "(%s) Entering BACKUP STATE (init)", (I,), K.STATE, {"state": "BACKUP"}),
    (V2, "(%s) Entering MASTER STATE", (I,), K.STATE, {"state": "MASTER"}),
    (V2, "(%s) Entering FAULT STATE", (I,), K.STATE, {"state": "FAULT"}),
    (V2, "(%s) Entering FAULT STATE (init)", (I,), K.STATE, {"state": "FAULT"}),
    (V2, "(%s) Entering %s STATE", (I, "BACKUP"), K.STATE, {"state": "BACKUP"}),
    (V2, "(%s) Entering %s STATE", (I, "FAULT"), K.STATE, {"state": "FAULT"}),
    (V2, "(%s) entering FAULT state", (I,), K.STATE, {"state": "FAULT", "startup": True}),
    # --- why an instance starts in FAULT (the next line's `reason`, see test_logparse) ---------
    *[
        (V2, fmt, (I, *args), K.OTHER, {"tag": "fault_reason", "reason": reason})
        for fmt, args, reason in [
            ("(%s): entering FAULT state (interface %s down)", ("eth1",), "interface eth1 down"),
            ("(%s): entering FAULT state due to script %s", ("chk",), "due to script chk"),
            (
                "(%s): entering FAULT state (tracked file %s has status %i)",
                ("flag", 3),
                "tracked file flag has status 3",
            ),
            (
                "(%s) entering FAULT state (tracked process %s quorum not achieved)",
                ("nginx",),
                "tracked process nginx quorum not achieved",
            ),
            (
                "(%s) entering FAULT state (no IPv%d address for interface)",
                (4,),
                "no IPv4 address for interface",
            ),
            (
                "(%s): entering FAULT state (src address not configured)",
                (),
                "src address not configured",
            ),
        ]
    ],
    # --- priority -----------------------------------------------------------------------------
    (("1.2.24", "1.2.24"), "VRRP_Instance(%s) Effective priority = %d", (I, 90), K.PRIORITY,
     {"from": None, "to": 90}),
    (("1.3.9", "1.4.5"), "VRRP_Instance(%s) Changing effective priority from %d to %d",
     (I, 100, 90), K.PRIORITY, {"from": 100, "to": 90}),
    (V2, "(%s) Changing effective priority from %d to %d", (I, 100, 90), K.PRIORITY,
     {"from": 100, "to": 90}),
    (("2.0.20", "2.0.20"), "(%s) Setting effective priority to %d", (I, 90), K.PRIORITY,
     {"from": None, "to": 90}),
    (("2.3.3", "2.3.3"), "(%s) Restoring our priority to %d since other address owner has "
     "disappeared", (I, 255), K.PRIORITY, {"from": None, "to": 255}),
    (("2.3.3", "2.3.3"), "(%s) Restoring our priority to %d since received advert with lower "
     "priority", (I, 255), K.PRIORITY, {"from": None, "to": 255}),
    (("1.2.24", "1.2.24"), "VRRP_Instance(%s) base priority changed from %d to %ld via SNMP.",
     (I, 100, 50), K.OTHER, {"tag": "base_priority", "from": 100, "to": 50}),
    (("1.3.9", "1.4.5"), "VRRP_Instance(%s) base priority changed from %u to %u via SNMP.",
     (I, 100, 50), K.OTHER, {"tag": "base_priority", "from": 100, "to": 50}),
    (V2, "(%s) base priority changed from %u to %u via SNMP.", (I, 100, 50), K.OTHER,
     {"tag": "base_priority", "from": 100, "to": 50}),
    # --- adverts ------------------------------------------------------------------------------
    (("1.2.24", "1.2.24"), "VRRP_Instance(%s) Received higher prio advert %d", (I, 150),
     K.ADVERT_HIGHER, {"peer": None, "priority": 150, "ours": None}),
    (("1.2.24", "1.2.24"), "VRRP_Instance(%s) Received lower prio advert %d, forcing new "
     "election", (I, 50), K.ADVERT_LOWER, {"peer": None, "priority": 50, "ours": None}),
    (("1.3.9", "1.3.9"), "VRRP_Instance(%s) Received advert with higher priority %d, ours %d",
     (I, 150, 100), K.ADVERT_HIGHER, {"peer": None, "priority": 150, "ours": 100}),
    (("1.3.9", "1.4.5"), "VRRP_Instance(%s) Received advert with lower priority %d, ours %d, "
     "forcing new election", (I, 50, 100), K.ADVERT_LOWER,
     {"peer": None, "priority": 50, "ours": 100}),
    (("1.4.5", "1.4.5"), "VRRP_Instance(%s) Master received advert with higher priority %d, "
     "ours %d", (I, 150, 100), K.ADVERT_HIGHER,
     {"peer": None, "priority": 150, "ours": 100}),
    (("1.4.5", "1.4.5"), "VRRP_Instance(%s) Master received advert with same priority %d but "
     "higher IP address than ours (%s)", (I, 100, P), K.ADVERT_HIGHER,
     {"peer": P, "priority": 100, "ours": 100, "tie": True}),
    (V2, "(%s) Master received advert from %s with higher priority %d, ours %d",
     (I, P, 150, 100), K.ADVERT_HIGHER, {"peer": P, "priority": 150, "ours": 100}),
    (V2, "(%s) Master received advert from %s with same priority %d but higher IP address "
     "than ours", (I, P, 100), K.ADVERT_HIGHER,
     {"peer": P, "priority": 100, "ours": 100, "tie": True}),
    (V2, "(%s) Received advert from %s with lower priority %d, ours %d%s",
     (I, P, 50, 100, ", forcing new election"), K.ADVERT_LOWER,
     {"peer": P, "priority": 50, "ours": 100}),
    (V2, "(%s) Received advert from %s with lower priority %d, ours %d%s", (I, P, 50, 100, ""),
     K.ADVERT_LOWER, {"peer": P, "priority": 50, "ours": 100}),
    (V2, "(%s) received lower priority (%d) advert from %s - discarding", (I, 50, P),
     K.ADVERT_LOWER, {"peer": P, "priority": 50}),
    (V2, "(%s) Backup received priority 0 advertisement", (I,), K.ADVERT_ZERO, {"peer": None}),
    (("2.1.5", "2.3.3"), "(%s) Master received priority 0 message", (I,), K.ADVERT_ZERO,
     {"peer": None}),
    (("1.3.9", "1.4.5"), "VRRP_Instance(%s) sent 0 priority", (I,), K.SENT_ZERO, {}),
    (V2, "(%s) sent 0 priority", (I,), K.SENT_ZERO, {}),
    (V2, "(%s) Receive advertisement timeout", (I,), K.ADVERT_TIMEOUT, {}),
    (("2.3.3", "2.3.3"), "(%s) master changed from %s to %s", (I, "10.0.0.1", P), K.OTHER,
     {"tag": "master_seen", "peer": P, "before": "10.0.0.1"}),
    (("2.3.3", "2.3.3"), "(%s) master set to %s", (I, P), K.OTHER,
     {"tag": "master_seen", "peer": P, "before": None}),
    (("2.3.3", "2.3.3"), "(%s) %s is still advertising as address owner, please resolve - "
     "reducing our priority", (I, P), K.OTHER, {"tag": "owner_conflict", "peer": P}),
    (("2.3.3", "2.3.3"), "(%s): rogue address owner appears to have stopped advertising", (I,),
     K.OTHER, {"tag": "owner_conflict", "peer": None, "gone": True}),
    (V1, "(%s): WARNING - equal priority advert received from remote host with our IP "
     "address.", (I,), K.OTHER, {"tag": "owner_conflict", "peer": None}),
    (V2, "(%s) WARNING - equal priority advert received from remote host with our IP address.",
     (I,), K.OTHER, {"tag": "owner_conflict", "peer": None}),
    # --- what is wrong with a received advert -------------------------------------------------
    (V1, "(%s): received an invalid passwd!", (I,), K.AUTH_ERROR, {"peer": None}),
    (("2.0.20", "2.2.8"), "(%s) received an invalid passwd!", (I,), K.AUTH_ERROR, {"peer": None}),
    (("2.3.3", "2.3.3"), "(%s) received an invalid passwd from %s!", (I, P), K.AUTH_ERROR,
     {"peer": P}),
    (V1, "(%s): received a %d auth, expecting %d!", (I, 0, 1), K.AUTH_ERROR, {"peer": None}),
    (("2.0.20", "2.2.8"), "(%s) received a %d auth, expecting %d!", (I, 0, 1), K.AUTH_ERROR,
     {"peer": None}),
    (("2.3.3", "2.3.3"), "(%s) received a %d auth from %s, expecting %d!", (I, 0, P, 1),
     K.AUTH_ERROR, {"peer": P}),
    (V1, "(%s): Invalid auth type: %d", (I, 7), K.AUTH_ERROR, {"peer": None}),
    (("2.0.20", "2.2.8"), "(%s) Invalid auth type: %d", (I, 7), K.AUTH_ERROR, {"peer": None}),
    (("2.3.3", "2.3.3"), "(%s) Invalid auth type from %s: %d", (I, P, 7), K.AUTH_ERROR,
     {"peer": P}),
    (("2.3.3", "2.3.3"), "(%s) No AH header but auth type is AH from %s", (I, P),
     K.AUTH_ERROR, {"peer": P}),
    (("2.3.3", "2.3.3"), "(%s) Received AH header but auth type not AH from %s", (I, P),
     K.AUTH_ERROR, {"peer": P}),
    (V1, "(%s): ip address associated with VRID %d not present in MASTER advert : %s",
     (I, 51, "10.0.0.9"), K.OTHER, {"tag": "vip_mismatch", "peer": None}),
    (("2.0.20", "2.1.5"), "(%s) ip address associated with VRID %d not present in MASTER "
     "advert : %s", (I, 51, "10.0.0.9"), K.OTHER,
     {"tag": "vip_mismatch", "peer": None}),
    (("2.2.7", "2.2.8"), "(%s) ip address associated with VRID %d not present in MASTER "
     "advert: %s", (I, 51, "10.0.0.9"), K.OTHER,
     {"tag": "vip_mismatch", "peer": None}),
    (("2.3.3", "2.3.3"), "(%s) ip address associated with VRID %d not present in advert from "
     "%s: %s", (I, 51, P, "10.0.0.9"), K.OTHER, {"tag": "vip_mismatch", "peer": P}),
    (V1, "(%s): received an invalid ip number count %d, expected %d!", (I, 2, 1), K.OTHER,
     {"tag": "vip_mismatch", "peer": None}),
    (("2.0.20", "2.2.8"), "(%s) received an unexpected ip number count %u, expected %u!",
     (I, 2, 1), K.OTHER, {"tag": "vip_mismatch", "peer": None}),
    (V2, "(%s) expected %u VIPs but received %u", (I, 1, 2), K.OTHER,
     {"tag": "vip_mismatch", "peer": None}),
    (V1, "(%s): advertisement interval mismatch mine=%d sec rcved=%d sec", (I, 1, 2), K.OTHER,
     {"tag": "advert_int_mismatch", "peer": None}),
    (("2.0.20", "2.2.8"), "(%s) advertisement interval mismatch mine=%u sec rcv'd=%d sec",
     (I, 1, 2), K.OTHER, {"tag": "advert_int_mismatch", "peer": None}),
    (("2.3.3", "2.3.3"), "(%s) advertisement interval mismatch with %s mine=%u sec rcv'd=%d "
     "sec", (I, P, 1, 2), K.OTHER, {"tag": "advert_int_mismatch", "peer": P}),
    # --- VIPs ---------------------------------------------------------------------------------
    (("2.2.7", "2.3.3"), "(%s) %sing %sVIPs.", (I, "sett", ""), K.VIPS, {"action": "set"}),
    (("2.2.7", "2.3.3"), "(%s) %sing %sVIPs.", (I, "remov", "E-"), K.VIPS,
     {"action": "remove", "evips": True}),
    (("1.2.24", "2.3.3"), "Sending gratuitous ARP on %s for %s", ("eth0", "10.0.0.5"), K.GARP,
     {"address": "10.0.0.5", "interface": "eth0"}),
    (("1.2.24", "2.3.3"), "Sending unsolicited Neighbour Advert on %s for %s",
     ("eth0", "fe80::5"), K.GARP, {"address": "fe80::5", "interface": "eth0"}),
    # --- scripts ------------------------------------------------------------------------------
    (("1.2.24", "1.3.9"), "VRRP_Script(%s) succeeded", ("chk",), K.SCRIPT,
     {"script": "chk", "ok": True, "status": None}),
    (("1.2.24", "1.3.9"), "VRRP_Script(%s) failed", ("chk",), K.SCRIPT,
     {"script": "chk", "ok": False, "status": None}),
    (("1.2.24", "1.3.9"), "VRRP_Script(%s) timed out", ("chk",), K.SCRIPT,
     {"script": "chk", "ok": False, "status": None, "timed_out": True}),
    (("1.4.5", "2.3.3"), "VRRP_Script(%s) %s", ("chk", "succeeded"), K.SCRIPT,
     {"script": "chk", "ok": True, "status": None}),
    (("1.4.5", "2.3.3"), "VRRP_Script(%s) %s", ("chk", "timed_out"), K.SCRIPT,
     {"script": "chk", "ok": False, "status": None, "timed_out": True}),
    (("1.4.5", "2.3.3"), "VRRP_Script(%s) %s (%s %d)", ("chk", "failed", "exited with status", 2),
     K.SCRIPT, {"script": "chk", "ok": False, "status": 2}),
    (("1.4.5", "2.3.3"), "VRRP_Script(%s) %s (%s %d)", ("chk", "failed", "due to signal", 9),
     K.SCRIPT, {"script": "chk", "ok": False, "status": None, "signal": 9}),
    (("1.2.24", "2.3.3"), "VRRP_Script(%s) considered successful on reload", ("chk",), K.SCRIPT,
     {"script": "chk", "ok": True, "status": None}),
    (V2, "VRRP_Script(%s) considered unsuccessful on reload", ("chk",), K.SCRIPT,
     {"script": "chk", "ok": False, "status": None}),
    (V2, "Script `%s` now returning %d", ("chk", 1), K.SCRIPT,
     {"script": "chk", "ok": False, "status": 1}),
]

def state_lines() -> list[tuple[str, str, str]]:
    """(message, instance, state) of every state format string above, filled."""
    return [
        (fmt % args, I, fields["state"])
        for _, fmt, args, kind, fields in FORMATS
        if kind is K.STATE
    ]
