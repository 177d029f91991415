"""Themes from themes/*.yaml as Textual themes; colours are named by meaning (vrrp-master, ...).

Every widget colours through these variables only, so a theme file changes the whole console.
`DEFAULTS` fills any variable a theme file leaves out.
"""

from __future__ import annotations

from dataclasses import fields
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from textual.theme import Theme

from kaconsole.errors import InputError

#: themes/ at the repository root, carried in the wheel as the `kaconsole.themes` package.
THEMES = "kaconsole.themes"

#: The order `t` cycles through; the first is the default.
ORDER = ("dark", "light", "high-contrast", "colour-blind")

DEFAULTS: dict[str, str] = {
    "vrrp-master": "#3fb950",
    "vrrp-backup": "#58a6ff",
    "vrrp-fault": "#f85149",
    "vrrp-stop": "#db61a2",
    "vrrp-init": "#e3b341",
    "vrrp-unknown": "#8b949e",
    "anomaly": "#da3633",
    "anomaly-text": "#ffffff",
    "healthy": "#3fb950",
    "down": "#f85149",
    "muted": "#8b949e",
    "log-change": "#e3b341",
    "log-advert": "#79c0ff",
}

_THEME_KEYS = {f.name for f in fields(Theme)}


def theme_from_mapping(data: dict[str, Any], where: str) -> Theme:
    """A Theme from a theme file's mapping; unknown keys are an error that names the file."""
    unknown = sorted(set(data) - _THEME_KEYS)
    if unknown:
        raise InputError(where, f"unknown theme keys: {', '.join(unknown)}")
    if "name" not in data or "primary" not in data:
        raise InputError(where, "a theme needs `name` and `primary`")
    variables = {**DEFAULTS, **{str(k): str(v) for k, v in (data.get("variables") or {}).items()}}
    return Theme(**{**data, "variables": variables})


def load_theme(path: Traversable) -> Theme:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(str(path), f"cannot read theme: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "a theme file is a mapping")
    return theme_from_mapping(data, str(path))


def load_themes(directory: Traversable | None = None) -> dict[str, Theme]:
    """Every theme in the directory (the bundled themes by default), the built-in order first."""
    folder = directory or resources.files(THEMES)
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    found = {t.name: t for t in map(load_theme, files)}
    ordered = {name: found.pop(name) for name in ORDER if name in found}
    return {**ordered, **found}
