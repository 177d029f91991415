"""The drill runner: one step at a time, on evidence from the monitor, probing the VIP meanwhile.

A UI drives it through three things: `on_event` (a typed `DrillEvent` at every step start,
evidence change, finish, with the whole report as it stands), the injected
`confirm(ConfirmRequest) -> bool` (a confirm step's question, or the rollback offer) and
`abort()` (the current step stops; an action already running completes; then the rollback is
offered). Actions go through `engine.actions.Actions`, so they are gated
and audited like the console's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kaconsole.core.facts import ProbeResult, ServiceState
from kaconsole.core.insight.anomalies import instance_names, summarize
from kaconsole.core.redact import printable
from kaconsole.core.state.model import ClusterState
from kaconsole.drills.conditions import check
from kaconsole.drills.events import (
    ConfirmFn,
    ConfirmRequest,
    DrillEvent,
    DrillRefused,
    EventKind,
)
from kaconsole.drills.measure import measure
from kaconsole.drills.model import ROLES, Runbook, Step, resolve, titled
from kaconsole.drills.observe import Observer
from kaconsole.drills.preflight import (
    config_findings,
    expected_timers,
    pick_instance,
    preflight,
    resolve_roles,
    settled,
)
from kaconsole.drills.report import DrillReport, ReportWriter, StepRecord
from kaconsole.drills.runbook import RunbookError, check_instances, check_inventory
from kaconsole.engine.actions import MAINTENANCE_VERBS, ActionRequest, Actions
from kaconsole.engine.maintenance import maintenance_request
from kaconsole.engine.monitor import ClusterMonitor, ProbeFn
from kaconsole.engine.status import DEFAULT_LISTEN, all_ready, listen_seconds
from kaconsole.errors import ActionRefused


class DrillRunner:
    def __init__(
        self,
        runbook: Runbook,
        monitor: ClusterMonitor,
        actions: Actions,
        *,
        confirm: ConfirmFn,
        on_event: Callable[[DrillEvent], None] | None = None,
        report_path: Path | None = None,
        prober: ProbeFn | None = None,
        probe_interval: float = 0.1,
        probe_timeout: float = 0.5,
        settle_timeout: float = 20.0,
    ) -> None:
        self.runbook = runbook
        self.monitor = monitor
        self.actions = actions
        self._confirm = confirm
        self._on_event = on_event
        self._writer = ReportWriter(report_path) if report_path is not None else None
        self._observer = Observer(
            monitor, prober or monitor.probe, interval=probe_interval, timeout=probe_timeout
        )
        self._settle_timeout = settle_timeout
        self._abort = asyncio.Event()
        self._instance: str | None = None
        self._trigger: tuple[float, str | None] | None = None
        #: Nodes this drill acted on: their last service poll may predate the action.
        self._touched: set[str] = set()
        self._rollback_offered = False
        #: What the running step saw last, kept for the report when an abort cuts it short.
        self._evidence = ""
        self.report = DrillReport(
            runbook.name, monitor.cluster.name, runbook.title,
            steps=_records(titled(runbook.steps, runbook.instance), "steps"),
            rollback=_records(titled(runbook.rollback, runbook.instance), "rollback"),
            recording=str(monitor.recorder.path) if monitor.recorder is not None else None,
        )

    # --- control ----------------------------------------------------------------------------

    def abort(self) -> None:
        """Stop at the current step (a running action completes first); rollback is offered."""
        self._abort.set()

    async def run(self) -> DrillReport:
        """Run the drill to its end; DrillRefused (report written) when it cannot start."""
        self.report = replace(self.report, started_at=time.time())
        self._emit("started")
        self._observer.watch()
        result, notes = "failed", []
        rollback: tuple[Step, ...] = ()
        try:
            steps, rollback = await self._start()
            self._observer.probe()
            result = await self._section("steps", steps)
            if result != "passed":
                notes.append(f"the drill {result}: later steps did not run")
                notes += await self._offer_rollback(rollback)
        except DrillRefused as exc:
            notes.append(f"refused before any action: {exc}")
            raise
        except asyncio.CancelledError:
            result = "aborted"
            notes.append("the drill was stopped (its console quit)")
            raise
        except Exception as exc:
            notes.append(f"the drill stopped on an error: {type(exc).__name__}: {exc}")
            # An action may have run before the error: the way back is offered all the same.
            notes += await self._offer_rollback(rollback)
            raise
        finally:
            await self._observer.stop()
            await self._finish(result, notes)
        return self.report

    # --- start --------------------------------------------------------------------------------

    async def _start(self) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
        cluster, wanted = self.monitor.cluster, self.runbook.instance
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settle_timeout
        try:
            check_inventory(self.runbook, cluster)
            answered = await self.monitor.wait_for(
                lambda s: all_ready(s, cluster), self._settle_timeout)
            if answered is not None and (known := instance_names(answered)):
                check_instances(self.runbook, known)
        except RunbookError as exc:
            raise DrillRefused(str(exc)) from None
        ready = answered and await self.monitor.wait_for(
            lambda s: all_ready(s, cluster) and settled(s, wanted), deadline - loop.time())
        state = self.monitor.state
        if ready is None:
            missing = [n.name for n in state.nodes if n.reachable is not True]
            raise DrillRefused(f"the cluster did not answer within {self._settle_timeout:g} s"
                               + (f" (no answer from {', '.join(missing)})" if missing else ""))
        # A cluster just starting (or failing over) settles within a master-down interval.
        await self.monitor.wait_for(lambda s: not self._unfit(s), listen_seconds(state))
        state = self.monitor.state
        why = self._unfit(state)
        if why:
            raise DrillRefused(why)
        instance = pick_instance(state, wanted)
        assert instance is not None
        self._instance = self._observer.instance = instance
        roles = resolve_roles(state, instance)
        steps = titled((resolve(s, roles) for s in self.runbook.steps), instance)
        rollback = titled((resolve(s, roles) for s in self.runbook.rollback), instance)
        taker = roles.get("backup") or roles.get("preferred")
        self.report = replace(
            self.report, roles={r: roles[r] for r in sorted(self.runbook.roles())},
            instance=instance,
            expected=expected_timers(state, instance, taker),
            steps=_records(steps, "steps"), rollback=_records(rollback, "rollback"),
            notes=tuple(config_findings(state)),
        )
        self._observer.sample(state)
        self._write()
        return steps, rollback

    def _unfit(self, state: ClusterState) -> str:
        """Why the drill cannot start on this state (empty: it can)."""
        wanted = self.runbook.instance
        instance = pick_instance(state, wanted)
        if instance is None:
            return f"no node runs the instance {wanted}" if wanted else "no VRRP instance runs"
        if self.runbook.preflight == "failover" and (problems := preflight(state, instance)):
            return "; ".join(problems)
        roles = resolve_roles(state, instance)
        missing = sorted(self.runbook.roles() - roles.keys())
        return "; ".join(f"${r} names no node now ({ROLES[r]})" for r in missing)

    # --- sections and steps ---------------------------------------------------------------

    async def _section(self, section: str, steps: tuple[Step, ...]) -> str:
        """passed, failed or aborted; steps after a failure or an abort are skipped."""
        outcome = "passed"
        for index, step in enumerate(steps):
            if outcome == "passed" and self._abort.is_set():
                outcome = "aborted"
            if outcome != "passed":
                self._set(section, index, status="skipped", evidence=f"not run: drill {outcome}")
                continue
            self._set(section, index, status="running", started_at=time.time())
            self._emit("step_started", section, index)
            started = time.monotonic()
            status, evidence = await self._guarded(step)
            self._set(section, index, status=status, evidence=evidence,
                      duration_s=round(time.monotonic() - started, 3))
            self._emit("step_finished", section, index, evidence)
            if status == "failed":
                outcome = "aborted" if self._abort.is_set() else "failed"
        return outcome

    async def _guarded(self, step: Step) -> tuple[str, str]:
        """The step's outcome; an abort stops it, except an action, which is let finish."""
        self._evidence = ""
        work = asyncio.create_task(self._do(step))
        stop = asyncio.create_task(self._abort.wait())
        try:
            await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            work.cancel()
            raise
        finally:
            stop.cancel()
        if work.done() or step.kind == "action":
            return await work
        work.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await work
        seen = f"; last seen: {self._evidence}" if self._evidence else ""
        return "failed", f"aborted by the operator{seen}"

    async def _do(self, step: Step) -> tuple[str, str]:
        if step.kind == "say":
            return "passed", step.text
        if step.kind == "confirm":
            if await self._confirm(ConfirmRequest("step", step.text)):
                return "passed", "confirmed by the operator"
            self._abort.set()
            return "failed", "declined by the operator"
        if step.kind == "action":
            return await self._action(step)
        if step.kind == "wait":
            return await self._wait(step)
        return await self._probe_step(step)

    async def _action(self, step: Step) -> tuple[str, str]:
        assert step.node is not None
        assert step.service is not None
        assert step.verb is not None
        if step.verb in MAINTENANCE_VERBS:
            try:
                request, _ = maintenance_request(
                    self.monitor.state, step.node, self._instance or "", step.verb
                )
            except ActionRefused as exc:
                return "failed", f"refused: {exc}"
        else:
            request = ActionRequest(step.node, step.service, step.verb)
        node = self.monitor.state.node(step.node)
        seen = node.service(step.service) if node else ServiceState.UNKNOWN
        wanted = {"start": ServiceState.RUNNING, "stop": ServiceState.STOPPED}.get(step.verb)
        if seen is wanted and step.node not in self._touched:  # (start and stop are idempotent)
            return "skipped", f"{step.service} is already {seen.value} on {step.node}: left alone"
        if step.trigger:
            masters = summarize(self.monitor.state, self._instance or "").masters
            self._trigger = (time.time(), masters[0] if len(masters) == 1 else None)
        try:
            outcome = await self.actions.execute(request, confirmed=True)
        except ActionRefused as exc:
            return "failed", f"refused: {exc}"
        except BaseException:
            self._touched.add(step.node)  # it may have run: the rollback must be offered
            raise
        self._touched.add(step.node)
        self.monitor.refresh(step.node)
        passed = outcome.ok and outcome.audit_error is None
        return ("passed" if passed else "failed"), f"`{outcome.command}`: {outcome.summary()}"

    async def _wait(self, step: Step) -> tuple[str, str]:
        instance = step.instance or self._instance or ""
        hold = step.hold
        if hold == "master_down":
            hold = self.report.expected.get("master_down", DEFAULT_LISTEN)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + step.timeout
        held_since: float | None = None
        last = ""
        while True:
            self._observer.seen()
            verdict = check(step.conditions, self.monitor.state, instance)
            if verdict.evidence != last:
                last = verdict.evidence
                self._evidence = last
                self._emit("evidence", text=last)
            now = loop.time()
            held_since = (held_since if held_since is not None else now) if verdict.ok else None
            if held_since is not None and now - held_since >= hold:
                kept = f" (held {now - held_since:.1f} s)" if hold else ""
                return "passed", last + kept
            if now >= deadline:
                return "failed", f"not within {step.timeout:g} s: {last}"
            wake = deadline - now
            if held_since is not None:
                wake = min(wake, held_since + hold - now)
            await self._observer.changed(wake)

    async def _probe_step(self, step: Step) -> tuple[str, str]:
        if self.monitor.cluster.vip_probe is None:
            return "skipped", "the cluster file has no vip_probe: nothing to probe"
        since, loop = time.time(), asyncio.get_running_loop()
        deadline = loop.time() + step.timeout

        def good(p: ProbeResult) -> bool:
            return p.status == step.status and (
                step.body_contains is None or step.body_contains in p.body)

        while True:
            self._observer.seen()
            recent = [p for p in self._observer.probes if p.at >= since]
            match = next((p for p in recent if good(p)), None)
            if match is not None:
                return "passed", _describe(match)
            if loop.time() >= deadline:
                last = _describe(max(recent, key=lambda p: p.at)) if recent else "no answer yet"
                return "failed", f"no matching answer within {step.timeout:g} s; last: {last}"
            await self._observer.changed(deadline - loop.time())

    async def _offer_rollback(self, rollback: tuple[Step, ...]) -> list[str]:
        """Once per drill, and only if an action may have run."""
        if not rollback or not self._touched or self._rollback_offered:
            return []
        self._rollback_offered = True
        self._emit("rollback_offered", "rollback")
        question = (f"Run the rollback ({len(rollback)} steps) to restore the starting state?")
        if not await self._confirm(ConfirmRequest("rollback", question)):
            for index in range(len(rollback)):
                self._set("rollback", index, status="skipped", evidence="rollback declined")
            return ["rollback declined by the operator"]
        self._abort = asyncio.Event()  # a new abort stops the rollback itself
        return [f"rollback {await self._section('rollback', rollback)}"]

    # --- the report -------------------------------------------------------------------------

    async def _finish(self, result: str, notes: list[str]) -> None:
        trigger_at, old = self._trigger or (None, None)
        nodes = self.monitor.state.nodes
        measured = measure(
            trigger_at=trigger_at,
            old_master=old,
            samples=self._observer.samples,
            probes=self._observer.probes if self.monitor.cluster.vip_probe is not None else None,
            adverts=self.monitor.adverts(),
            addresses={n.name: n.addresses or frozenset() for n in nodes},
            nodes=[n.name for n in nodes],
        )
        for section in ("steps", "rollback"):
            records = self.report.steps if section == "steps" else self.report.rollback
            for index, rec in enumerate(records):
                if rec.status in ("pending", "running"):
                    why = "interrupted" if rec.status == "running" else "not run"
                    self._set(section, index, status="skipped" if why == "not run" else "failed",
                              evidence=rec.evidence or why)
        self.report = replace(self.report, result=result, finished_at=time.time(),
                              measurements=measured, notes=(*self.report.notes, *notes))
        if self._writer is not None:  # in a thread: drawing the chart would pause a console
            await asyncio.to_thread(self._writer.write, self.report)
        self._emit("finished")

    def _set(self, section: str, index: int, **changes: Any) -> None:
        records = self.report.steps if section == "steps" else self.report.rollback
        self.report = self.report.with_step(section, index, replace(records[index], **changes))
        self._write()

    def _write(self) -> None:
        if self._writer is not None:
            self._writer.write(self.report)

    def _emit(self, kind: EventKind, section: str = "steps", index: int | None = None,
              text: str = "") -> None:
        if self._on_event is not None:
            self._on_event(DrillEvent(kind, self.report, section, index, text))


def _records(steps: tuple[Step, ...], section: str) -> tuple[StepRecord, ...]:
    return tuple(
        StepRecord(s.title, s.kind, section,
                   timeout=s.timeout if s.kind in ("wait", "probe") else None)
        for s in steps
    )


def _describe(p: ProbeResult) -> str:
    answer = f"HTTP {p.status}" if p.status is not None else (p.error or "no answer")
    said = printable(" ".join(p.body.split()))[:60] if p.body else ""  # `node2`, not 'node2\n'
    body = f" {said}" if said else ""
    return f"{p.url}: {answer}{body} in {p.duration * 1000:.0f} ms"
