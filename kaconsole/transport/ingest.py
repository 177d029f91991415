"""The one place a node's raw output becomes facts: log lines, capture bytes, poll output.

Real sessions (SSH) and the demo's simulated nodes both hand their bytes here, so the demo runs
exactly the ingest a real node does. One bad line or packet never ends a node's stream: it is
counted, the channel says so, and the next line is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.events import Advert
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ChannelStatus,
    ConfigObserved,
    DumpObserved,
    Fact,
    LogSeen,
    NeighbourObserved,
    Reachability,
    ServiceObserved,
)
from kaconsole.core.logs.parse import LogParser
from kaconsole.core.polls.addresses import (
    PollError,
    parse_ip_addr,
    parse_ip_addr_macs,
    service_state,
)
from kaconsole.core.polls.dump import DumpError, parse_data_dump, parse_json_dump
from kaconsole.core.polls.neighbours import parse_neighbour
from kaconsole.core.wire.capture import AdvertReader

Sink = Callable[[Fact], None]

#: `keepalived --signum=JSON` fails with this status on builds without JSON support.
NO_JSON_STATUS = 4
#: The dump command's status when keepalived is not running (the service poll says so).
NOT_RUNNING_STATUS = 3


class Ingest:
    """Facts of one node, in order, to one sink; `clock` stamps what carries no time of its own."""

    def __init__(self, node: str, sink: Sink, clock: Callable[[], float]) -> None:
        self.node = node
        self._sink = sink
        self._clock = clock
        self._reader = AdvertReader()
        self._log = LogParser()  # one per node: a line can need an earlier one (FAULT reasons)
        self.rejected_lines = 0

    def emit(self, fact: Fact) -> None:
        self._sink(fact)

    def channel(self, channel: str, ok: bool, message: str | None = None) -> None:
        self.emit(ChannelStatus(self.node, channel, ok, self._clock(), message))

    def reachable(self, up: bool, reason: str | None = None) -> None:
        self.emit(Reachability(self.node, up, self._clock(), reason))

    # --- streams ---------------------------------------------------------------------------

    def log_lines(self, lines: Iterable[str], *, history: bool = False) -> None:
        """keepalived's log lines as they were written; other programs' lines are skipped. Each
        carries the console's time it arrived (the node's clock is the line's own), except the
        `history` a session replays as it starts: written long before, their arrival says nothing
        of the node's clock."""
        received = None if history else self._clock()
        for line in lines:
            try:
                event = self._log.feed(line)
            except Exception as exc:
                self.rejected_lines += 1
                n = self.rejected_lines
                self.channel("log", True, f"{n} line{'' if n == 1 else 's'} rejected "
                                          f"({type(exc).__name__})")
                continue
            if event is not None:
                self.emit(LogSeen(self.node, event, received))

    def lines_cut(self, count: int, limit: int) -> None:
        """Say that `count` lines were longer than `limit` characters and only their start read."""
        self.channel("log", True, f"{count} line{'' if count == 1 else 's'} cut at {limit} "
                                  "characters")

    def capture_started(self) -> None:
        """A new capture begins with its own file header: forget the last one's leftovers."""
        self._reader = AdvertReader()

    def capture(self, data: bytes) -> None:
        for item in self._reader.feed(data):
            if isinstance(item, Advert):
                self.emit(AdvertSeen(self.node, item))

    # --- poll output -----------------------------------------------------------------------

    def addresses(self, stdout: str) -> None:
        try:
            found = parse_ip_addr(stdout)
            macs = parse_ip_addr_macs(stdout)
        except PollError as exc:
            self.channel("addresses", False, f"ip -j addr: {exc}")
            return
        self.emit(AddressesObserved(self.node, found, self._clock(), macs))
        self.channel("addresses", True)

    def neighbour(self, vip: str, exit_status: int | None, stdout: str) -> None:
        """What this node resolves `vip` to. Nothing is said when it holds the VIP itself, nor when
        the command could not run (a missing `ip` is the addresses poll's to report)."""
        if exit_status != 0:
            return
        try:
            found = parse_neighbour(stdout, vip)
        except PollError as exc:
            self.channel("neighbours", False, f"ip -j neigh: {exc}")
            return
        self.emit(NeighbourObserved(self.node, vip, found.mac, found.state, self._clock()))
        self.channel("neighbours", True)

    def service(self, name: str, exit_status: int | None) -> None:
        self.emit(ServiceObserved(self.node, name, service_state(exit_status), self._clock()))

    def dump(self, exit_status: int | None, stdout: str, *, data_format: bool = False) -> None:
        """A JSON dump, or keepalived's text dump (`data_format`) where JSON is not built in."""
        if exit_status == NOT_RUNNING_STATUS:
            return  # keepalived is not running: the service poll says so
        if exit_status != 0:
            self.channel("dump", False, f"keepalived wrote no dump (exit status {exit_status})")
            return
        try:
            instances = (parse_data_dump if data_format else parse_json_dump)(stdout)
        except DumpError as exc:
            self.channel("dump", False, str(exc))
            return
        self.emit(DumpObserved(self.node, instances, self._clock()))
        self.channel("dump", True)

    def config(self, config: KeepalivedConfig) -> None:
        self.emit(ConfigObserved.of(self.node, config, self._clock()))
        self.channel("config", True)
