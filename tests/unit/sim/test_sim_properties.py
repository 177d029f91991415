"""Whatever is done to the demo's nodes, everything they emit parses, and once healed the
election settles as keepalived's does: node1 (120) is the one MASTER and the only VIP holder."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.events import Advert
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.logs.parse import parse_line
from kaconsole.core.wire.advert import decode
from kaconsole.core.wire.pcap import PcapStream
from kaconsole.sim.cluster import demo_specs
from kaconsole.sim.wire import pcap_header
from kaconsole.sim.world import SimWorld

ROOT = Path(__file__).resolve().parents[3]
SPECS = demo_specs(load_cluster(ROOT / "clusters/demo.yaml"))
NODES = st.sampled_from([s.name for s in SPECS])

actions = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.floats(0.0, 6.0)),
        st.tuples(st.sampled_from(["stop_nginx", "start_nginx", "start_keepalived",
                                   "stop_keepalived", "kill_keepalived", "unblock"]), NODES),
        st.tuples(st.just("block"), NODES, st.booleans(), st.booleans()),
        st.tuples(st.just("script"), NODES, st.sampled_from([None, 0, 1, 2])),
    ),
    max_size=25,
)


def _apply(world: SimWorld, action: tuple[object, ...]) -> None:
    kind = action[0]
    if kind == "advance":
        world.advance(float(action[1]))  # type: ignore[arg-type]
        return
    name = str(action[1])
    node = world.nodes[name]
    if kind == "block":
        world.block_vrrp(name, inbound=bool(action[2]), outbound=bool(action[3]))
    elif kind == "unblock":
        world.unblock_vrrp(name)
    elif kind == "script":
        node.script_status = action[2]  # type: ignore[assignment]
    else:
        getattr(node, str(kind))()


@settings(max_examples=60, deadline=None)
@given(actions)
def test_anything_parses_and_the_healed_election_settles(steps: list[tuple[object, ...]]) -> None:
    world = SimWorld(SPECS, 1795620728.0)
    lines: list[str] = []
    packets = PcapStream()
    bad: list[object] = []
    for node in world.nodes.values():
        node.listeners.append(lines.append)

    def capture(data: bytes) -> None:
        for record in packets.feed(data):
            advert = decode(record)
            if not isinstance(advert, Advert) or advert.problems:
                bad.append(advert)

    capture(pcap_header())
    world.subscribe_capture("node1", capture)
    world.boot()
    for step in steps:
        _apply(world, step)
    for name, node in world.nodes.items():  # heal, as an engineer would
        world.unblock_vrrp(name)
        node.script_status = None
        node.start_nginx()
    world.advance(1.0)  # pending stops finish
    for node in world.nodes.values():
        node.start_keepalived()
    world.advance(12.0)

    assert [line for line in lines if parse_line(line) is None] == []
    assert bad == []
    assert [n for n, node in world.nodes.items() if node.state == "MASTER"] == ["node1"]
    assert [n for n, node in world.nodes.items() if node.vip_set] == ["node1"]
