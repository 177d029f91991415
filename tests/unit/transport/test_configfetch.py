"""Fetching a configuration over a runner: framed with a nonce, bounded, one command a round."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kaconsole.transport import configfetch
from kaconsole.transport.configfetch import fetch_config
from kaconsole.transport.local import LocalRunner
from kaconsole.transport.remote_commands import frames, read_files_command, read_request
from kaconsole.transport.runner import Completed


class Counting(LocalRunner):
    """A local shell that counts the commands it runs."""

    def __init__(self) -> None:
        super().__init__("local")
        self.commands: list[str] = []

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        self.commands.append(command)
        return await super().run(command, timeout=timeout)


def test_file_content_cannot_forge_a_frame(tmp_path: Path) -> None:
    main = tmp_path / "k.conf"
    forged = "\n@@kaconsole-file@@ /etc/other\nfake\n@@kaconsole-end@@ 0\n"
    main.write_text(f"global_defs {{\n router_id R\n}}\n{forged}")
    config = asyncio.run(fetch_config(Counting(), str(main)))
    assert config.global_defs.router_id == "R"
    assert config.files == (str(main),)


def test_includes_and_globs_come_in_one_command_per_round(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "d" / f"{name}.conf").write_text(
            f"vrrp_script {name} {{\n script /bin/true\n}}\n")
    main = tmp_path / "k.conf"
    main.write_text(f"include {tmp_path}/d/*.conf\ninclude {tmp_path}/d/{{a,b}}.conf\n")
    runner = Counting()
    config = asyncio.run(fetch_config(runner, str(main)))
    assert [s.name for s in config.scripts] == ["a", "b", "c", "a", "b"]
    assert len(runner.commands) == 2  # the main file, then every include with its content


def test_reads_per_fetch_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main = tmp_path / "k.conf"
    main.write_text("".join(f"include {tmp_path}/{n}.conf\n" for n in range(50)))
    monkeypatch.setattr(configfetch, "MAX_REMOTE_READS", 10)
    runner = Counting()
    config = asyncio.run(fetch_config(runner, str(main)))
    assert len(runner.commands) == 2
    assert len(config.warnings) == 50  # every include reported, none read twice


def test_a_read_request_round_trips() -> None:
    nonce = "0" * 32
    command = read_files_command(nonce, ["/a b/'c"], ["/d/*.conf"])
    assert read_request(command) == (nonce, ["/a b/'c"], ["/d/*.conf"])
    assert frames(nonce, "\n@@kaconsole-" + nonce + "@@ file /x\nbody\n@@kaconsole-"
                  + nonce + "@@ end 0\n") == [("file", "/x", 0, "body")]
