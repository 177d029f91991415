"""ctrl+s: an SVG screenshot and the timeline as Markdown, side by side, for one cluster."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.app import App

from kaconsole.ui.present.journal import Journal


def save_console(app: App[Any], cluster: str, journal: Journal, folder: Path) -> tuple[str, str]:
    """Both files named after the cluster and the time; the paths, for the toast to name."""
    base = f"kaconsole-{cluster}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder.mkdir(parents=True, exist_ok=True)
    app.clear_notifications()  # the screenshot shows the console, not an earlier toast
    svg = app.save_screenshot(f"{base}.svg", path=str(folder))
    md = folder / f"{base}-timeline.md"
    md.write_text(journal.to_markdown(cluster))
    return svg, str(md)
