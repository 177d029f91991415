"""`h` shows who hears whom; `M` offers maintenance mode (refused with the config lines the
sample's keepalived.conf lacks)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from kaconsole.ui.widgets.advert_matrix import AdvertMatrixScreen
from tests.kits.ui import console

SIZE = (140, 45)


async def test_h_shows_the_advert_matrix(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        assert isinstance(app.screen, AdvertMatrixScreen)
        text = str(app.screen.query_one("#matrix", Static).render())
        assert "VI_CLUSTER (VRID 51)" in text
        assert "hears ->" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, AdvertMatrixScreen)


async def test_shift_m_without_track_file_shows_the_lines_to_add(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "vrrp_track_file maintenance {" in shown
        assert "track_file {" in shown
