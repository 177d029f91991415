"""Themes: the four built-in files load, define every role, and a bad file names itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.errors import InputError
from kaconsole.ui.app import make_app
from kaconsole.ui.themes import DEFAULTS, ORDER, load_theme, load_themes
from tests.kits.ui import console


def test_builtin_themes_in_order_with_every_role() -> None:
    themes = load_themes()
    assert list(themes)[: len(ORDER)] == list(ORDER)
    for theme in themes.values():
        assert set(DEFAULTS) <= set(theme.variables)


def test_builtin_theme_files_set_their_own_state_colours() -> None:
    # a theme that silently fell back to the defaults would look like "dark" on a projector
    masters = {t.variables["vrrp-master"] for t in load_themes().values()}
    assert len(masters) == len(ORDER)


def test_bad_theme_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("name: odd\nprimary: '#000'\ncolour: red\n")
    with pytest.raises(InputError, match=r"odd\.yaml: unknown theme keys: colour"):
        load_theme(path)
    path.write_text("- a list\n")
    with pytest.raises(InputError, match="a theme file is a mapping"):
        load_theme(path)


def test_unknown_theme_name_is_an_input_error(tmp_path: Path) -> None:
    app = console(tmp_path)
    with pytest.raises(InputError, match="no theme 'neon'; available: dark, light"):
        make_app(app.cluster, monitor=app.monitor, theme="neon")
