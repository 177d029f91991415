"""The command line: routing, help, and errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kaconsole.cli import COMMANDS, main


def test_a_cluster_file_alone_is_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("name: x\nnodes: []\n")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kaconsole: error: ")
    assert "x.yaml" in err
    assert "nodes" in err


def test_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kaconsole", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in COMMANDS:
        assert f"    {name}" in out


def test_a_headless_command_starts_without_textual() -> None:
    code = (
        "import sys\n"
        "from kaconsole.cli import main\n"
        "main(['conf', 'parse', 'tests/data/conf/master.conf', '--json'])\n"
        "assert 'textual' not in sys.modules, 'textual loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
