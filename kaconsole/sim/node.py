"""One simulated node: nginx, the reference check script, and keepalived 2.2.7's VRRP instance.

The instance follows keepalived's state machine event by event (vrrp.c, vrrp_scheduler.c):
timers and adverts received or sent, with the numbers from `core.vrrp`. It writes the lines
keepalived writes with `-l -D` (console format, detail on), in the same order as the lab's
real logs, and puts adverts on the world's segment. Nothing here reads a clock or sleeps: the
world (`Host`) says what time it is and calls back when a timer fires.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Callable
from typing import Protocol

from kaconsole.core.vrrp.timers import master_down_interval, skew_time
from kaconsole.sim.files import SimSpec, auth_pass_line, console_line, json_dump
from kaconsole.sim.wire import VRRP_GROUP, SimAdvert

VERSION = "Keepalived v2.2.7 (01/16,2022)"
#: From SIGTERM to `Stopped`: keepalived's children shut down (the lab's logs cross a second).
STOP_SECONDS = 0.8
#: The check script's `systemctl stop keepalived` reaching keepalived.
SCRIPT_STOP_SECONDS = 0.05
#: keepalived's defaults: garp_master_delay 5 s, garp_master_repeat 5.
GARP_DELAY, GARP_REPEAT = 5.0, 5
#: Log lines kept per node for a session's replay.
LOG_KEEP = 2000

Listener = Callable[[str], None]


class Handle(Protocol):
    def cancel(self) -> None: ...


class Host(Protocol):
    """What a node needs of its world: the time, timers, and the VRRP segment."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle: ...

    def transmit(self, sender: str, advert: SimAdvert) -> None: ...


class SimNode:
    """A node of the demo. `script_status` forces the check script's exit status (a drill knob);
    None runs the reference script: exit 0, and stop keepalived when nginx is gone."""

    def __init__(self, spec: SimSpec, host: Host, first_pid: int = 1000) -> None:
        self.spec = spec
        self._host = host
        self.nginx = False
        self.pid: int | None = None
        self.stopping = False
        self.state = "STOP"
        self.priority = spec.priority
        self.vip_set = False
        self.script_status: int | None = None
        self.last_transition = 0.0
        #: When this node last announced the VIP's MAC (gratuitous ARP): clients go there.
        self.garp_at = float("-inf")
        self.stats = dict.fromkeys(
            ("advert_rcvd", "advert_sent", "become_master", "release_master", "pri_zero_rcvd",
             "pri_zero_sent"), 0)
        self.lines: deque[str] = deque(maxlen=LOG_KEEP)
        self.listeners: list[Listener] = []
        self._next_pid = first_pid
        self._script_ok: bool | None = None
        self._timers: dict[str, Handle] = {}

    # --- observation ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A keepalived process exists (it does while stopping, as `pgrep` would say)."""
        return self.pid is not None

    def dump(self) -> str:
        return json_dump(self.spec, self.state, self.priority, self.vip_set,
                         self.last_transition, dict(self.stats))

    def log(self, message: str) -> None:
        line = console_line(self._host.now() + self.spec.clock_skew, message)
        self.lines.append(line)
        for listener in list(self.listeners):
            listener(line)

    def _ilog(self, message: str) -> None:
        self.log(f"({self.spec.instance}) {message}")

    # --- services ------------------------------------------------------------------------------

    def start_nginx(self) -> None:
        self.nginx = True

    def stop_nginx(self) -> None:
        self.nginx = False

    def start_keepalived(self) -> None:
        """keepalived starts: its startup lines, BACKUP (init), the master-down timer, scripts."""
        if self.running:
            return
        s = self.spec
        self.pid, self._next_pid = self._next_pid, self._next_pid + 2
        self.priority, self._script_ok, self.vip_set = s.priority, None, False
        for message in (
            f"Starting {VERSION}",
            "Running on Linux 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 "
            "(2024-11-22) (built for Linux 6.1.76)",
            "Command line: '/usr/sbin/keepalived' '--dont-fork' '-l' '-D'",
            f"Opening file '{s.conf_path}'.",
            f"Configuration file {s.conf_path}",
            "NOTICE: setting config option max_auto_priority should result in better "
            "keepalived performance",
            f"Starting VRRP child process, pid={self.pid + 1}",
            "Registering Kernel netlink reflector",
            "Registering Kernel netlink command channel",
        ):
            self.log(message)
        if len(s.password) > 8:
            self.log(f"({s.conf_path}: Line {auth_pass_line(s)}) Truncating auth_pass to 8 "
                     "characters")
        self.log(f"Assigned address {s.address} for interface {s.interface}")
        self.log(f"Assigned address {s.link_local} for interface {s.interface}")
        self.log("Registering gratuitous ARP shared channel")
        self.log("Startup complete")
        self._ilog("removing VIPs.")
        self._enter("BACKUP", " (init)")
        self.log("VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(11,12) multicast, "
                 f"address({VRRP_GROUP})]")
        self._run_script()
        self._arm_down(master_down_interval(self.priority, s.advert_int, 2))

    def stop_keepalived(self) -> None:
        """SIGTERM: a MASTER sends priority 0 and drops the VIP; the process ends a bit later."""
        if not self.running or self.stopping:
            return
        self.stopping = True
        self.log("Stopping")
        self._cancel_all()
        if self.state == "MASTER":
            self._ilog("sent 0 priority")
            self._send(0)
            self.stats["pri_zero_sent"] += 1
        if self.vip_set:
            self._ilog("removing VIPs.")
            self.vip_set = False
        self.state = "STOP"
        self._timers["stop"] = self._host.call_later(STOP_SECONDS, self._stopped)

    def kill_keepalived(self) -> None:
        """SIGKILL: no priority 0, no log line, and the VIP stays where it was."""
        self._cancel_all()
        self.pid, self.stopping, self.state = None, False, "STOP"

    def _stopped(self) -> None:
        self.log("Stopped - used (self/children) 0.004241/0.025365 user time, "
                 "0.012725/0.006323 system time")
        self.log("CPU usage (self/children) user: 0.004569/0.029607 system: 0.009135/0.022666")
        self.log(f"Stopped {VERSION}")
        self.pid, self.stopping = None, False
        self._timers.pop("stop", None)

    # --- the track script ------------------------------------------------------------------------

    def _run_script(self) -> None:
        s = self.spec
        status = self.script_status
        if status is None:
            status = 0
            if not self.nginx:  # the reference script: `systemctl stop keepalived`
                self._host.call_later(SCRIPT_STOP_SECONDS, self.stop_keepalived)
        ok = status == 0
        if ok != self._script_ok:
            if self._script_ok is not None:
                self.log(f"Script `{s.script}` now returning {status}")
            self.log(f"VRRP_Script({s.script}) "
                     + ("succeeded" if ok else f"failed (exited with status {status})"))
            self._script_ok = ok
            self._set_priority(s.priority if ok else _clamp(s.priority + s.script_weight))
        self._timers["script"] = self._host.call_later(s.script_interval, self._run_script)

    def _set_priority(self, priority: int) -> None:
        if priority != self.priority:
            self._ilog(f"Changing effective priority from {self.priority} to {priority}")
            self.priority = priority

    # --- VRRP ------------------------------------------------------------------------------------

    def receive(self, advert: SimAdvert) -> None:
        """An advert for our VRID arrived (the world does not deliver a node's own)."""
        if not self.running or self.stopping or advert.vrid != self.spec.vrid:
            return
        self.stats["advert_rcvd"] += 1
        if self.state == "BACKUP":
            self._backup_rx(advert)
        elif self.state == "MASTER":
            self._master_rx(advert)

    def _backup_rx(self, advert: SimAdvert) -> None:
        s = self.spec
        if advert.priority == 0:
            self._ilog("Backup received priority 0 advertisement")
            self.stats["pri_zero_rcvd"] += 1
            self._arm_down(skew_time(self.priority, s.advert_int, 2))
        elif advert.priority >= self.priority:
            self._arm_down(master_down_interval(self.priority, s.advert_int, 2))
        else:
            self._ilog(f"received lower priority ({advert.priority}) advert from {advert.src}"
                       " - discarding")

    def _master_rx(self, advert: SimAdvert) -> None:
        ours = self.priority
        if advert.priority == 0:
            self._advertise()
            return
        higher_ip = _ip(advert.src) > _ip(self.spec.address)
        if advert.priority > ours or (advert.priority == ours and higher_ip):
            if advert.priority == ours:
                self._ilog(f"Master received advert from {advert.src} with same priority "
                           f"{ours} but higher IP address than ours")
            else:
                self._ilog(f"Master received advert from {advert.src} with higher priority "
                           f"{advert.priority}, ours {ours}")
            self._cancel("advert", "garp")
            self.stats["release_master"] += 1
            self._enter("BACKUP")
            self._ilog("removing VIPs.")
            self.vip_set = False
            self._arm_down(master_down_interval(ours, self.spec.advert_int, 2))
            return
        self._ilog(f"Received advert from {advert.src} with lower priority {advert.priority}, "
                   f"ours {ours}, forcing new election")
        self._advertise()
        self._garp()

    def _down_timer(self) -> None:
        """No advert within the master-down interval (or the skew after priority 0)."""
        self._timers.pop("down", None)
        self._ilog("Receive advertisement timeout")
        self._enter("MASTER")
        self.stats["become_master"] += 1
        self._ilog("setting VIPs.")
        self.vip_set = True
        self._garp()
        self._advertise()
        self._timers["garp"] = self._host.call_later(GARP_DELAY, self._garp_refresh)

    def _advertise(self) -> None:
        """Send an advert now and the next one advert_int later."""
        self._send(self.priority)
        self._timers["advert"] = self._host.call_later(self.spec.advert_int, self._advertise)

    def _send(self, priority: int) -> None:
        s = self.spec
        self.stats["advert_sent"] += 1
        self._host.transmit(s.name, SimAdvert(s.address, s.mac, s.vrid, priority, s.advert_int,
                                              (s.vip,), s.used_password))

    def _garp(self) -> None:
        s = self.spec
        self.garp_at = self._host.now()
        self._ilog(f"Sending/queueing gratuitous ARPs on {s.interface} for {s.vip}")
        for _ in range(GARP_REPEAT):
            self.log(f"Sending gratuitous ARP on {s.interface} for {s.vip}")

    def _garp_refresh(self) -> None:
        self._timers.pop("garp", None)
        self._garp()

    def _enter(self, state: str, note: str = "") -> None:
        self.state = state
        self.last_transition = self._host.now()
        self._ilog(f"Entering {state} STATE{note}")

    def _arm_down(self, seconds: float) -> None:
        self._cancel("down")
        self._timers["down"] = self._host.call_later(seconds, self._down_timer)

    def _cancel(self, *names: str) -> None:
        for name in names:
            handle = self._timers.pop(name, None)
            if handle is not None:
                handle.cancel()

    def _cancel_all(self) -> None:
        self._cancel(*list(self._timers))


def _clamp(priority: int) -> int:
    return min(max(priority, 1), 254)


def _ip(address: str) -> int:
    return int(ipaddress.ip_address(address))
