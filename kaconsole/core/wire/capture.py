"""Capture bytes -> VRRP adverts: the only place a capture becomes adverts.

Every reader of adverts (live tcpdump over SSH, the demo's simulated wire, `kaconsole pcap`,
`timeline`, `check`'s short capture) feeds the bytes it has here, in whatever chunks they come.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kaconsole.core.events import Advert, BadPacket
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream


class AdvertReader:
    """Incremental: feed chunks as they arrive; `stream` keeps the format, damage and leftovers."""

    def __init__(self) -> None:
        self.stream = PcapStream()

    def feed(self, data: bytes) -> list[Advert | BadPacket]:
        """Adverts and undecodable VRRP packets completed by this chunk, in capture order."""
        return [item for record in self.stream.feed(data) if (item := decode(record)) is not None]


def adverts(chunks: Iterable[bytes], reader: AdvertReader | None = None) -> Iterator[Advert]:
    """The well-formed adverts of a whole capture (what does not decode is left out)."""
    reader = reader or AdvertReader()
    for chunk in chunks:
        yield from (item for item in reader.feed(chunk) if isinstance(item, Advert))
