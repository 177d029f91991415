"""One derived view per state: the summaries, anomalies, verdicts and causes every reader shows.

The monitor computes it once per update, so the header, the banner, the diagram, the what-if,
the node list and the timeline all read the same answers and cannot disagree (nor recompute
them per widget). The operator's actions are part of it: a transition's cause, wherever shown,
is explained with the same actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kaconsole.core.insight.anomalies import Anomaly, InstanceSummary, find_anomalies, summaries
from kaconsole.core.insight.explain import Explanation, OperatorAction, explain
from kaconsole.core.insight.verdict import Verdict, problems, verdict
from kaconsole.core.state.model import ClusterState, Transition


@dataclass(frozen=True, slots=True)
class ClusterView:
    state: ClusterState
    summaries: tuple[InstanceSummary, ...]
    anomalies: tuple[Anomaly, ...]
    verdicts: tuple[Verdict, ...] = ()
    #: What keeps the cluster from being whole, each said once (empty: whole, or electing).
    problems: tuple[str, ...] = ()
    actions: tuple[OperatorAction, ...] = ()
    _causes: dict[Transition, Explanation] = field(default_factory=dict, compare=False)

    @property
    def instance_names(self) -> list[str]:
        return [s.name for s in self.summaries]

    @property
    def electing(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status == "electing")

    @property
    def whole(self) -> bool:
        """Nothing wrong and no election running: what "Cluster whole: yes" and the banner's
        "no anomalies" both mean."""
        return not self.problems and not self.electing

    def verdict(self, instance: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.instance == instance), None)

    def cause(self, t: Transition) -> Explanation:
        """The transition's cause chain, with this view's actions (computed once, then kept)."""
        found = self._causes.get(t)
        if found is None:
            found = self._causes[t] = explain(self.state, t, self.actions)
        return found


def view_of(state: ClusterState, actions: tuple[OperatorAction, ...] = ()) -> ClusterView:
    sums = tuple(summaries(state))
    anomalies = tuple(find_anomalies(state, sums))
    verdicts = tuple(verdict(state, s, anomalies) for s in sums)
    return ClusterView(state, sums, anomalies, verdicts, problems(state, verdicts, anomalies),
                       actions)
