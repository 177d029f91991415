"""What a simulated node's files and commands print: keepalived.conf, `ip -j addr`, the JSON dump,
and keepalived's console log framing. Shapes follow the lab's real samples (tests/data/lab/).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

#: keepalived's numeric states in its JSON dump (vrrp.h).
DUMP_STATES = {"INIT": 0, "BACKUP": 1, "MASTER": 2, "FAULT": 3, "STOP": 98}


@dataclass(frozen=True, slots=True)
class SimSpec:
    """One simulated node and its keepalived.conf: the reference deployment, made to work.

    As the lab's: no `vrrp_strict` (its no_accept firewall would drop HTTP to the VIP), no garp
    intervals of 0 (2.2.7 rejects them), script security on. `password` is the PASS secret as
    written (keepalived uses its first 8 characters).
    """

    name: str
    address: str
    mac: bytes
    link_local: str
    priority: int
    state: str
    router_id: str
    interface: str = "ens33"
    instance: str = "VI_CLUSTER"
    vrid: int = 51
    advert_int: int = 1
    vip: str = "192.168.10.100"
    prefix: int = 24
    password: str = "cluster_pass"
    script: str = "check_nginx"
    script_path: str = "/healthcheck/check_nginx.sh"
    script_interval: int = 2
    script_weight: int = -20
    conf_path: str = "/etc/keepalived/keepalived.conf"
    #: How far this node's clock reads ahead of the world's (the console's): its log times.
    clock_skew: float = 0.0

    @property
    def used_password(self) -> str:
        """The secret keepalived puts in adverts: truncated to 8 characters."""
        return self.password[:8]


def keepalived_conf(spec: SimSpec) -> str:
    return "\n".join(
        [
            "# the reference deployment (REFERENCE.md), simulated by `kaconsole demo`",
            "global_defs {",
            f"   router_id {spec.router_id}",
            "   vrrp_skip_check_adv_addr",
            "   enable_script_security",
            "   script_user root",
            "}",
            "",
            f"vrrp_script {spec.script} {{",
            f'   script "{spec.script_path}"',
            f"   interval {spec.script_interval}",
            f"   weight {spec.script_weight}",
            "}",
            "",
            f"vrrp_instance {spec.instance} {{",
            f"    state {spec.state}",
            f"    interface {spec.interface}",
            f"    virtual_router_id {spec.vrid}",
            f"    priority {spec.priority}",
            f"    advert_int {spec.advert_int}",
            "    authentication {",
            "        auth_type PASS",
            f"        auth_pass {spec.password}",
            "    }",
            "    virtual_ipaddress {",
            f"        {spec.vip}/{spec.prefix} dev {spec.interface}",
            "    }",
            "    track_script {",
            f"        {spec.script}",
            "    }",
            "}",
            "",
        ]
    )


def auth_pass_line(spec: SimSpec) -> int:
    """The line of `auth_pass` in keepalived.conf (keepalived names it when truncating)."""
    lines = keepalived_conf(spec).splitlines()
    return next(i for i, text in enumerate(lines, 1) if "auth_pass" in text)


def _addr(family: str, local: str, prefix: int, scope: str, label: str | None,
          secondary: bool = False) -> dict[str, Any]:
    info: dict[str, Any] = {"family": family, "local": local, "prefixlen": prefix, "scope": scope}
    if secondary:
        info["secondary"] = True
    if label is not None:
        info["label"] = label
    info.update({"valid_life_time": 4294967295, "preferred_life_time": 4294967295})
    return info


def ip_addr_json(spec: SimSpec, vip_set: bool) -> str:
    """`ip -j addr` on the node: loopback, and the VRRP interface with the VIP while it is set."""
    iface = spec.interface
    infos = [_addr("inet", spec.address, spec.prefix, "global", iface)]
    if vip_set:
        infos.append(_addr("inet", spec.vip, spec.prefix, "global", iface, secondary=True))
    infos.append(_addr("inet6", spec.link_local, 64, "link", None))
    links = [
        {
            "ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"],
            "mtu": 65536, "qdisc": "noqueue", "operstate": "UNKNOWN", "group": "default",
            "txqlen": 1000, "link_type": "loopback", "address": "00:00:00:00:00:00",
            "broadcast": "00:00:00:00:00:00",
            "addr_info": [_addr("inet", "127.0.0.1", 8, "host", "lo"),
                          _addr("inet6", "::1", 128, "host", None)],
        },
        {
            "ifindex": 2, "ifname": iface, "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
            "mtu": 1500, "qdisc": "fq_codel", "operstate": "UP", "group": "default",
            "txqlen": 1000, "link_type": "ether", "address": spec.mac.hex(":"),
            "broadcast": "ff:ff:ff:ff:ff:ff", "addr_info": infos,
        },
    ]
    return json.dumps(links, separators=(",", ":")) + "\n"


def json_dump(spec: SimSpec, state: str, effective: int, vip_set: bool,
              last_transition: float, stats: dict[str, int]) -> str:
    """keepalived's JSON dump (`--signum=JSON`, 2.2.7: the PASS secret in clear, as it does)."""
    data = {
        "iname": spec.instance, "dont_track_primary": 0, "skip_check_adv_addr": 1,
        "strict_mode": 0, "vmac_ifname": "", "ifp_ifname": spec.interface,
        "master_priority": 0, "last_transition": last_transition, "garp_delay": 5,
        "garp_refresh": 0, "garp_rep": 5, "garp_refresh_rep": 1, "garp_lower_prio_delay": 5,
        "garp_lower_prio_rep": 5, "lower_prio_no_advert": 0, "higher_prio_send_advert": 0,
        "vrid": spec.vrid, "base_priority": spec.priority, "effective_priority": effective,
        "vipset": vip_set, "promote_secondaries": False, "adver_int": spec.advert_int,
        "master_adver_int": spec.advert_int, "accept": 1, "nopreempt": False,
        "preempt_delay": 0, "state": DUMP_STATES[state], "wantstate": DUMP_STATES[state],
        "version": 2, "smtp_alert": False, "notify_deleted": False,
        "vips": [f"{spec.vip}/{spec.prefix} dev {spec.interface} scope global"
                 + (" set" if vip_set else "")],
        "track_script": [f"'{spec.script_path}'"],
        "auth_type": 1, "auth_data": spec.used_password,
    }
    return json.dumps([{"data": data, "stats": stats}], separators=(",", ":")) + "\n"


def console_line(at: float, message: str) -> str:
    """keepalived's console framing (`-l`): `%c` local time, day space-padded, then the text."""
    lt = time.localtime(at)
    stamp = f"{time.strftime('%a %b', lt)} {lt.tm_mday:2d} {time.strftime('%H:%M:%S %Y', lt)}"
    return f"{stamp}: {message}"
