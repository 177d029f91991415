"""Snapshots of the main screen in every theme, of the confirmation dialog and of an alarm.

Deterministic: the state comes from fixed lab samples, times shown are the samples' own, the
zone is pinned (uikit), and no input cursor is on screen. No snapshot may contain a secret.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from kaconsole.ui.themes import ORDER
from tests.kits.ui import SECRET, console, lab_facts, until

SIZE = (130, 42)
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"


def _ready(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: pilot.app.main.state is not None)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("theme", ORDER)
def test_main_screen(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    app = console(tmp_path, theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready())


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen_at(
    snap_compare: Any, tmp_path: Path, theme: str, size: tuple[int, int]
) -> None:
    """The small terminal (top area shrunk, every pane's key in the footer) and a big one."""
    app = console(tmp_path, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=_ready())


def test_confirmation_dialog(snap_compare: Any, tmp_path: Path) -> None:
    app = console(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready("a", "1"))


def test_split_brain_alarm(snap_compare: Any, tmp_path: Path) -> None:
    facts = lab_facts(until="2026-11-25T15:32:28", phase="split")
    app = console(tmp_path, facts, theme="high-contrast")
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready())


def test_config_pane(snap_compare: Any, tmp_path: Path) -> None:
    app = console(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready("c"))


def test_presentation_mode(snap_compare: Any, tmp_path: Path) -> None:
    app = console(tmp_path, theme="high-contrast")
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready("p"))


def test_no_secret_in_any_snapshot() -> None:
    files = list(SNAPSHOTS.glob("*.svg"))
    assert len(files) >= len(ORDER) + 6
    for path in files:
        assert SECRET not in path.read_text(), path.name


def test_adverts_pane_in_split_brain(snap_compare: Any, tmp_path: Path) -> None:
    facts = lab_facts(until="2026-11-25T15:32:28", phase="split")
    app = console(tmp_path, facts, theme="colour-blind")
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready("w"))


def test_timeline_pane(snap_compare: Any, tmp_path: Path) -> None:
    facts = lab_facts(until="2026-11-25T15:32:28", phase="split")
    app = console(tmp_path, facts, theme="light")
    assert snap_compare(app, terminal_size=SIZE, run_before=_ready("e"))
