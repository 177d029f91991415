"""The recorder: blocks a reader can index, rotation that carries the latest polls, no secrets."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import LogEvent, LogKind
from kaconsole.core.facts import (
    ConfigObserved,
    LogSeen,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.record.codec import encode
from kaconsole.core.record.frame import pack
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.playback import Recording, RecordingFile, is_recording, recorded_cluster
from kaconsole.engine.recording import Recorder

CLUSTER = parse_cluster(
    "name: rec\nnodes:\n  - name: n1\n    host: 198.18.0.1\n  - name: n2\n    host: 198.18.0.2\n",
    "rec.yaml",
)
CONF = "vrrp_instance A {\n virtual_router_id 1\n authentication {\n  auth_type PASS\n" \
       "  auth_pass hunter22\n }\n}\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_facts_and_audit_entries_come_back_in_order_and_secrets_never_written(
        tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock)
    monitor = ClusterMonitor(CLUSTER)
    monitor.recorder = recorder
    audit = AuditLog(tmp_path / "audit.jsonl")
    recorder.attach(audit)
    monitor.feed(ConfigObserved.of("n1", parse_config(CONF), 1000.0))
    audit.refused(cluster="rec", node="n1", action="stop", command="echo auth_pass hunter22",
                  why="read-only")
    clock.now += 2
    monitor.feed(Reachability("n1", True, 1002.0))
    recorder.close()
    assert is_recording(recorder.path)
    assert b"hunter22" not in gzip.decompress(recorder.path.read_bytes())
    rec = RecordingFile(recorder.path)
    records = list(rec.records())
    assert [type(r.fact).__name__ if r.fact else "audit" for r in records] == [
        "ConfigObserved", "audit", "Reachability"]
    assert [n.name for n in recorded_cluster(rec.header).nodes] == ["n1", "n2"]
    assert [b.first for b in rec.blocks[1:]] == [1000.0, 1002.0]


def test_a_new_file_past_the_time_limit_starts_with_the_latest_polls(tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "watch", tmp_path, clock=clock, max_seconds=10)
    recorder.fact(ServiceObserved("n1", "nginx", ServiceState.RUNNING, 1000.0))
    recorder.fact(ServiceObserved("n1", "nginx", ServiceState.STOPPED, 1000.5))
    first = recorder.path
    clock.now += 11
    recorder.fact(Reachability("n2", False, 1011.0))
    clock.now += 2
    recorder.fact(Reachability("n2", True, 1013.0))
    recorder.close()
    assert recorder.path != first
    assert recorder.part == 1
    facts = [r.fact for r in RecordingFile(recorder.path).records()]
    assert facts[0] == ServiceObserved("n1", "nginx", ServiceState.STOPPED, 1000.5)
    assert facts[-1] == Reachability("n2", True, 1013.0)


def test_a_block_half_written_is_left_for_the_next_scan(tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock)
    recorder.fact(Reachability("n1", True, 1000.0))
    clock.now += 2
    recorder.fact(Reachability("n1", False, 1002.0))
    recorder.close()
    data = recorder.path.read_bytes()
    partial = tmp_path / "partial.karec"
    partial.write_bytes(data[:-5])
    rec = RecordingFile(partial)
    assert [r.fact for r in rec.records()] == [Reachability("n1", True, 1000.0)]
    with partial.open("ab") as handle:
        handle.write(data[-5:])
    new = rec.scan()
    assert [r.fact for r in rec.records(new)] == [Reachability("n1", False, 1002.0)]


def test_old_recordings_go_when_the_directory_is_full(tmp_path: Path) -> None:
    old = tmp_path / "old.karec"
    old.write_bytes(b"x" * 5000)
    recorder = Recorder(CLUSTER, "console", tmp_path, keep_bytes=1000)
    recorder.fact(Reachability("n1", True, 1000.0))
    recorder.close()
    assert not old.exists()
    assert recorder.path.exists()


def test_a_version_1_recording_still_reads(tmp_path: Path) -> None:
    """Version 1 wrote a line a record; version 2 a line a block."""
    header = {"kaconsole_recording": 1, "cluster": "rec", "nodes": [["n1", "198.18.0.1", []]],
              "started": 1000.0, "part": 0}
    facts = [Reachability("n1", True, 1000.0), Reachability("n1", False, 1001.0)]
    lines = [orjson.dumps({"t": f.at, "f": encode(f)}) + b"\n" for f in facts]
    path = tmp_path / "old.karec"
    path.write_bytes(pack([orjson.dumps(header) + b"\n"], 1000.0) + pack(lines, 1000.0))
    assert is_recording(path)
    assert [r.fact for r in Recording(path).records()] == facts


def test_a_fact_that_cannot_be_written_stops_the_recording_not_the_console(
        tmp_path: Path) -> None:
    clock = Clock()
    recorder = Recorder(CLUSTER, "console", tmp_path, clock=clock)
    event = LogEvent(LogKind.OTHER, "odd", fields={"value": object()})
    recorder.fact(LogSeen("n1", event))
    clock.now += 2
    recorder.fact(Reachability("n1", True, 1002.0))
    assert recorder.error is not None
    assert "recording stopped" in recorder.error
    recorder.fact(Reachability("n1", True, 1004.0))
    recorder.close()
    assert not recorder._times  # nothing piles up once stopped
