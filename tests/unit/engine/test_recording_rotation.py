"""A rotated recording replays as one: its parts in order (by number, not by name), each fact
once, seeking into a later part, following across a rotation; `logs parse` and `timeline` too."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.core.facts import Fact, LogSeen, Reachability, ServiceObserved, ServiceState
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.logs.parse import parse_line
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.playback import Recording, rotated_set
from kaconsole.engine.recording import Recorder
from kaconsole.engine.replay import Player

CLUSTER = parse_cluster(
    "name: rot\nnodes:\n  - name: n1\n    host: 198.18.0.1\n  - name: n2\n    host: 198.18.0.2\n",
    "rot.yaml",
)
START = 1000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def nginx(second: int) -> ServiceState:
    return ServiceState.STOPPED if 15 <= second < 25 else ServiceState.RUNNING


def session(recorder: Recorder, clock: Clock, seconds: range) -> list[Fact]:
    """One poll a second, nginx stopped on n1 from second 15 to 25, folded and recorded."""
    monitor = ClusterMonitor(CLUSTER)
    monitor.recorder = recorder
    fed: list[Fact] = []
    for second in seconds:
        clock.now = START + second
        for fact in (Reachability("n2", True, clock.now),
                     ServiceObserved("n1", "nginx", nginx(second), clock.now)):
            monitor.feed(fact)
            fed.append(fact)
    return fed


def test_parts_replay_in_order_each_fact_once_and_seek_into_a_later_part(
        tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock, max_seconds=2)
    fed = session(recorder, clock, range(40))
    recorder.close()
    names = rotated_set(recorder.path)
    assert len(names) >= 12  # NAME.10.karec sorts before NAME.2.karec by name
    assert [p.name for p in names][:3] == [
        f"{recorder.base}.karec", f"{recorder.base}.1.karec", f"{recorder.base}.2.karec"]
    # each later part starts with the latest polls (it replays on its own) ...
    assert b'"carried":2' in gzip.decompress(names[5].read_bytes())
    # ... which the set, read as one, leaves out: every fact once, in order, from any part
    for named in (names[0], names[7], names[-1]):
        recording = Recording(named)
        assert [r.fact for r in recording.records()] == fed
        recording.close()

    player = Player(str(names[0]))
    assert player.start == START
    assert player.end == START + 39
    inside = int(player.file.parts[9].blocks[-1].first - START)  # a second in the tenth file
    assert nginx(inside) is ServiceState.STOPPED
    for second in (inside, 3, 30, 16, 24, 25):
        player.seek(START + second)
        n1 = player.monitor.state.node("n1")
        assert n1 is not None
        assert n1.service("nginx") is nginx(second), second


def test_a_follower_reads_on_into_the_part_that_rotation_starts(tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock, max_seconds=5)
    fed = session(recorder, clock, range(3))
    recorder.flush()
    player = Player(str(recorder.path))
    assert [r.fact for r in player.records] == fed
    fed += session(recorder, clock, range(3, 14))
    recorder.flush()
    assert recorder.part >= 2
    assert player.poll() > 0
    assert [r.fact for r in player.records] == fed
    assert player.poll() == 0
    recorder.close()


def test_logs_parse_and_timeline_read_the_whole_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock, max_seconds=2)
    for second, state in enumerate(("BACKUP", "MASTER", "BACKUP", "MASTER")):
        clock.now = START + 3 * second
        event = parse_line(f"Nov 29 10:00:0{second} lb1 Keepalived_vrrp[811]: (VI_1) "
                           f"Entering {state} STATE")
        assert event is not None
        recorder.fact(LogSeen("n1", event))
    recorder.close()
    assert recorder.part == 3
    assert main(["logs", "parse", "--json", str(recorder.path)]) == 0
    states = [json.loads(line)["state"] for line in capsys.readouterr().out.splitlines()]
    assert states == ["BACKUP", "MASTER", "BACKUP", "MASTER"]
    assert main(["timeline", "--json", str(rotated_set(recorder.path)[0])]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [e["text"].split()[-2] for e in entries] == states
