"""One derived view per state: the summaries and anomalies every reader shows.

The monitor computes it once per update, so the header, the banner, the diagram, the node list
and the timeline all read the same answers and cannot disagree (nor recompute them per widget).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.insight.anomalies import Anomaly, InstanceSummary, find_anomalies, summaries
from kaconsole.core.state.model import ClusterState


@dataclass(frozen=True, slots=True)
class ClusterView:
    state: ClusterState
    summaries: tuple[InstanceSummary, ...]
    anomalies: tuple[Anomaly, ...]

    @property
    def instance_names(self) -> list[str]:
        return [s.name for s in self.summaries]


def view_of(state: ClusterState) -> ClusterView:
    return ClusterView(state, tuple(summaries(state)), tuple(find_anomalies(state)))
