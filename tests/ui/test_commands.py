"""The console and demo subcommands: options, and bad input refused before any terminal use."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import pytest

from kaconsole.commands import console, demo
from kaconsole.errors import InputError, KaconsoleError
from kaconsole.sim.cluster import DEMO_RESOURCE, demo_cluster


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    console.register(sub)
    demo.register(sub)
    return parser.parse_args(argv)


def test_console_options() -> None:
    args = parse("console", "clusters/demo.yaml", "--read-only", "--theme", "light")
    assert args.func is console.run
    assert (args.cluster, args.read_only, args.theme, args.pane_lines) == (
        ["clusters/demo.yaml"],
        True,
        "light",
        5_000,
    )


def test_demo_options() -> None:
    args = parse("demo", "--speed", "2", "--pane-lines", "100")
    assert args.func is demo.run
    assert (args.speed, args.pane_lines, args.read_only, args.theme) == (2.0, 100, False, None)


def test_unknown_theme_is_refused_before_the_console_starts() -> None:
    with pytest.raises(InputError, match="--theme: no theme 'neon'"):
        demo.run(parse("demo", "--theme", "neon"))


def test_missing_cluster_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KaconsoleError, match=r"nope\.yaml"):
        console.run(parse("console", str(tmp_path / "nope.yaml")))


def test_demo_cluster_is_the_shipped_file() -> None:
    """The packaged demo cluster is clusters/demo.yaml of the repository, byte for byte."""
    cluster, where = demo_cluster()
    shipped = (resources.files(DEMO_RESOURCE[0]) / DEMO_RESOURCE[1]).read_text("utf-8")
    assert shipped == (Path(__file__).parents[2] / "clusters" / "demo.yaml").read_text("utf-8")
    assert cluster.name
    assert where == "built-in demo.yaml"
