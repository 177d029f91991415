"""The dump command watches every place the node's configuration may put the dump."""

from __future__ import annotations

import subprocess

from kaconsole.transport import remote_commands as commands


def test_dump_command_is_valid_shell_watching_each_candidate_in_order() -> None:
    script = commands.dump_command("JSON", ["/run/my dump.json", "/tmp/keepalived.json"])
    subprocess.run(["sh", "-n", "-c", script], check=True)
    assert "keepalived --signum=JSON" in script
    assert script.count("kill -s") == 1  # one signal, whichever file keepalived writes
    first = script.index("f='/run/my dump.json'")
    assert first < script.index("f=/tmp/keepalived.json")


def test_default_dump_commands_are_the_tmp_ones() -> None:
    assert commands.dump_command("JSON", ["/tmp/keepalived.json"]) == commands.DUMP_JSON
    assert "--signum=DATA" in commands.DUMP_DATA
    assert "/tmp/keepalived.data" in commands.DUMP_DATA
