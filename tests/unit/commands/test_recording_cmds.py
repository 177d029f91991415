"""`kaconsole timeline` and `kaconsole logs parse` read a recording like a log (told by magic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaconsole.cli import main
from kaconsole.core.events import Advert
from kaconsole.core.facts import AdvertSeen, LogSeen
from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.logs.parse import parse_line
from kaconsole.engine.recording import Recorder

CLUSTER = parse_cluster(
    "name: rec\nnodes:\n  - name: n1\n    host: 198.18.0.1\n  - name: n2\n    host: 198.18.0.2\n",
    "rec.yaml",
)
LINE = "Nov 29 10:00:01 lb2 Keepalived_vrrp[811]: (VI_1) Entering MASTER STATE"


def _recording(tmp_path: Path) -> Path:
    recorder = Recorder(CLUSTER, "console", tmp_path)
    event = parse_line(LINE)
    assert event is not None
    recorder.fact(LogSeen("n2", event))
    for at, src, prio in ((99.0, "198.18.0.1", 100), (100.0, "198.18.0.1", 0),
                          (100.8, "198.18.0.2", 90)):
        advert = Advert(at, src, "224.0.0.18", 2, 51, prio, 1.0, "none", ("198.18.0.100",), 255)
        recorder.fact(AdvertSeen("n1", advert))
    recorder.close()
    return recorder.path


def test_logs_parse_prints_a_recordings_log_events_with_their_node(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _recording(tmp_path)
    assert main(["logs", "parse", "--json", str(path)]) == 0
    (obj,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert obj["node"] == "n2"
    assert obj["kind"] == "state"
    assert obj["state"] == "MASTER"


def test_timeline_merges_a_recordings_logs_and_adverts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _recording(tmp_path)
    assert main(["timeline", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert any(e["node"] == "n2" and "MASTER" in e["text"] for e in doc["entries"])
    assert [(f["from"], f["to"]) for f in doc["failovers"]] == [("198.18.0.1", "198.18.0.2")]


def test_timeline_of_a_recording_orders_by_the_console_clock(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """n2's clock is 3 s ahead: its STOP, stamped 10:00:03.4, came before n1's MASTER (10:00:01.0
    on n1's clock, in step with the console's); the recording's arrival times say so."""
    from datetime import datetime

    from kaconsole.core.events import LogEvent, LogKind

    recorder = Recorder(CLUSTER, "console", tmp_path)

    def seen(node: str, stamp: datetime, received: float, state: str) -> LogSeen:
        event = LogEvent(LogKind.STATE, f"(VI_1) Entering {state} STATE", stamp, node, 1, "VI_1",
                         None, {"state": state})
        return LogSeen(node, event, received)

    base = datetime(2026, 11, 29, 10, 0, 0, 0).timestamp()
    for k in range(3):  # lines that measure each clock: 0.02 s on the way
        recorder.fact(seen("n2", datetime(2026, 11, 29, 9, 59, 53 + k, 500_000),
                           base - 10 + k + 0.52, "BACKUP"))
        recorder.fact(seen("n1", datetime(2026, 11, 29, 9, 59, 50 + k, 500_000),
                           base - 10 + k + 0.52, "BACKUP"))
    recorder.fact(seen("n2", datetime(2026, 11, 29, 10, 0, 3, 400_000), base + 0.42, "STOP"))
    recorder.fact(seen("n1", datetime(2026, 11, 29, 10, 0, 1, 0), base + 1.02, "MASTER"))
    recorder.close()
    assert main(["timeline", "--json", str(recorder.path)]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    last = [(e["node"], e["state"]) for e in entries][-2:]
    assert last == [("n2", "STOP"), ("n1", "MASTER")]
    stop = entries[-2]
    assert stop["node_ts"].startswith("2026-11-29T10:00:03.4")
    assert stop["ts"] < entries[-1]["ts"]
