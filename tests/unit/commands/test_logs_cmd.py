"""`kaconsole logs parse`: JSON lines on stdout only, file keys, exit 2 on unreadable input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from kaconsole import cli

LOGS = Path(__file__).parents[2] / "data" / "logs"


@pytest.fixture(autouse=True)
def _only_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    # the real dispatch and error handling, without importing the other subcommands
    monkeypatch.setattr(cli, "COMMANDS", ("logs",))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(["logs", "parse", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_lines_of_a_syslog_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(LOGS / "syslog-reference.log"), "--json", "--year", "2026")
    assert (status, err) == (0, "")
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == 190  # the four other programs' lines are skipped
    assert all("file" not in o for o in objs)
    first = objs[0]
    assert first == {
        "line": 1,
        "ts": "2026-11-25T15:26:10",
        "host": "lvs-master",
        "pid": 7174,
        "kind": "daemon",
        "instance": None,
        "action": "start",
        "process": "keepalived",
        "version": "2.2.7",
        "text": "Starting Keepalived v2.2.7 (01/16,2022)",
    }
    states = [(o["host"], o["state"]) for o in objs if o["kind"] == "state"]
    assert ("lvs-backup", "MASTER") in states
    assert "cluster_pass" not in out


def test_several_files_get_a_file_key_and_their_own_line_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = str(LOGS / "console-tie-a.log"), str(LOGS / "journal-reference.json")
    status, out, _ = run(capsys, a, b, "--json")
    objs = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert {o["file"] for o in objs} == {a, b}
    for name in (a, b):
        lines = [o["line"] for o in objs if o["file"] == name]
        assert lines[0] == 1
        assert lines == sorted(lines)


def test_stdin_and_undecodable_bytes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # NUL padding first, as logrotate's copytruncate leaves it, then a line with a bad byte
    data = b"\0" * 100 + b"Tue Nov 24 16:13:10 2026: (VI_1) Entering MASTER STATE \xff\nStopping\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    status, out, err = run(capsys, "-", "--json")
    objs = [json.loads(line) for line in out.splitlines()]
    assert (status, err) == (0, "")
    assert objs[0]["state"] == "MASTER"
    assert objs[0]["text"].endswith("\ufffd")
    assert objs[1]["line"] == 2
    assert objs[1]["kind"] == "daemon"


def test_gzipped_rotated_log(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plain = LOGS / "console-weight-a.log"
    packed = tmp_path / "keepalived.log.1.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert run(capsys, str(packed), "--json")[1] == run(capsys, str(plain), "--json")[1]


@pytest.mark.parametrize("make", ["missing", "directory", "binary", "broken_gzip"])
def test_unreadable_input_is_exit_2_with_one_line_and_no_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: str
) -> None:
    bad = tmp_path / "bad.log"
    if make == "directory":
        bad.mkdir()
    elif make == "binary":
        bad.write_bytes(b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\x00" * 64)  # a pcap header
    elif make == "broken_gzip":
        bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    status, out, err = run(capsys, str(LOGS / "console-tie-a.log"), str(bad), "--json")
    assert status == 2
    assert out == ""  # every file is opened before anything is printed
    assert err.startswith(f"kaconsole: error: {bad}: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_truncated_gzip_stops_with_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    whole = gzip.compress((LOGS / "console-weight-a.log").read_bytes())
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    status, _, err = run(capsys, str(cut), "--json")
    assert status == 2
    assert err.startswith(f"kaconsole: error: {cut}: read failed")


def test_readable_text_form(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(LOGS / "console-weight-a.log"))
    rows = out.splitlines()
    assert status == 0
    row = next(r for r in rows if "Changing effective priority" in r)
    assert row.split()[:5] == ["40", "2026-11-25", "15:26:40", "-", "priority"]
    assert row.endswith("[from=120 to=90]")
    # columns line up: the text starts at the same place on every row
    starts = {r.index("(VI_CLUSTER)") for r in rows if r.split()[5:6] == ["VI_CLUSTER"]}
    assert len(starts) == 1


def test_text_output_carries_no_terminal_control_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "evil.log"
    log.write_bytes(
        b"Tue Nov 24 16:13:10 2026: (VI_1\x1b[31m) Entering MASTER STATE \x1b]0;x\x07\n"
    )
    status, out, _ = run(capsys, str(log))
    assert status == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Entering MASTER STATE" in out
    status, out, _ = run(capsys, str(log), "--json")
    assert "\x1b" not in out  # JSON escapes it
    assert json.loads(out)["instance"] == "VI_1\x1b[31m"
