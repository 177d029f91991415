"""The cluster header (each instance's MASTER and VIPs) and the anomaly banner."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Static

from kaconsole.core.checks.model import Finding
from kaconsole.core.insight.view import ClusterView
from kaconsole.ui.present.config import config_badge
from kaconsole.ui.present.nodes import banner, header_lines
from kaconsole.ui.widgets.styled import lines_content


class ClusterHeader(Static):
    DEFAULT_CSS = """
    ClusterHeader { height: auto; padding: 0 1; background: $panel; }
    """

    def show(self, view: ClusterView, description: str, *, read_only: bool,
             findings: Sequence[Finding] | None) -> None:
        """`findings`: the configuration findings, None before any configuration is read."""
        badge = config_badge(findings)
        self.update(lines_content(header_lines(view, description, read_only=read_only,
                                               badge=badge)))


class Banner(Static):
    """Quiet when all is well; a full-width alarm for split brain, no master, VIP on a
    non-master or an unreachable node."""

    DEFAULT_CSS = """
    Banner { height: auto; padding: 0 1; color: $healthy; }
    Banner.-warn { color: $anomaly; text-style: bold; }
    Banner.-alarm { background: $anomaly; color: $anomaly-text; text-style: bold; padding: 1 1; }
    """

    def show(self, view: ClusterView, missing: Sequence[str]) -> None:
        text, loud = banner(view, missing)
        self.update(text)
        self.set_class(loud, "-alarm")
        self.set_class(not (view.whole and not missing) and not loud, "-warn")
