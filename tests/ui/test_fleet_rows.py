"""The fleet table's in-place updates: only the cells that changed, a moved row rewritten where
its neighbour was, a row turning healthy or broken restyled whole, and a new layout only when
rows come or go."""

from __future__ import annotations

from dataclasses import replace

from kaconsole.ui.present.fleet import HEALTHY, FleetRow, changed_cells


def _row(cluster: str, transition: str = "node1 -> MASTER", rank: int = HEALTHY) -> FleetRow:
    return FleetRow(cluster, "VI_1", "node1", "node1", "2/2", "ok" if rank == HEALTHY else
                    "unreachable", "0", transition, rank)


def test_only_the_changed_cells_are_rewritten() -> None:
    shown = [_row("db-eu"), _row("web-us")]
    assert changed_cells(shown, list(shown)) == []
    aged = [shown[0], replace(shown[1], transition="node1 -> MASTER, 3 s ago")]
    assert changed_cells(shown, aged) == [(1, 7)]


def test_a_row_that_breaks_is_restyled_whole_and_a_move_rewrites_both_places() -> None:
    shown = [_row("db-eu"), _row("web-us")]
    broken = [_row("web-us", rank=3), _row("db-eu")]  # web-us breaks and moves to the top
    cells = changed_cells(shown, broken)
    assert cells is not None
    assert {i for i, _ in cells} == {0, 1}
    assert [j for i, j in cells if i == 0] == list(range(8))  # restyled: every cell
    assert changed_cells([replace(shown[0], worst="split brain")],
                         [replace(shown[0], worst="split brain", rank=0)]) == [
        (0, j) for j in range(8)]


def test_rows_that_come_or_go_lay_the_table_out_again() -> None:
    shown = [_row("db-eu")]
    assert changed_cells(shown, [_row("db-eu"), _row("web-us")]) is None
    assert changed_cells(shown, []) is None
