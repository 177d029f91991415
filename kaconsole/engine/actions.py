"""Service actions on nodes: gated (read-only, confirmed, one at a time), audited, timed.

The order is fixed: refuse, or write the audit entry, then run, then complete the entry. The
command comes from the inventory alone, and the caller (a confirmation dialog, a drill) sees
the exact command before it runs. An action whose first entry cannot be written does not run
(ActionRefused); one whose completion cannot be written did run, and its outcome says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kaconsole.core.inventory.model import Cluster
from kaconsole.engine.audit import AuditError, AuditLog
from kaconsole.errors import ActionRefused
from kaconsole.transport.remote_commands import as_privileged, service_command, track_file_command
from kaconsole.transport.runner import Completed, Runner

Verb = Literal["start", "stop", "restart", "drain", "undrain"]
#: Maintenance mode: a number written to a keepalived track file, not a service command.
MAINTENANCE_VERBS = ("drain", "undrain")

#: Seconds a service action may take before it counts as failed (result unknown).
ACTION_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class ActionRequest:
    node: str
    service: str
    verb: Verb
    #: drain/undrain: the track file keepalived watches, and the number to write in it.
    file: str | None = None
    value: int = 0

    @property
    def label(self) -> str:
        if self.verb in MAINTENANCE_VERBS:
            return f"{self.verb} {self.service} (write {self.value} to {self.file})"
        return f"{self.verb} {self.service}"


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    request: ActionRequest
    command: str
    completed: Completed
    #: Why the completion is missing from the audit log (the action ran all the same).
    audit_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.completed.ok

    def summary(self) -> str:
        r = self.request
        verdict = "done" if self.ok else "FAILED"
        unaudited = f"; NOT AUDITED: {self.audit_error}" if self.audit_error else ""
        return f"{r.label} on {r.node}: {verdict} ({self.completed.describe()}){unaudited}"


class Actions:
    def __init__(
        self,
        cluster: Cluster,
        runners: Callable[[str], Runner | None],
        audit: AuditLog,
        *,
        read_only: bool = False,
        timeout: float = ACTION_TIMEOUT,
        after: Callable[[ActionOutcome], None] | None = None,
    ) -> None:
        self.cluster = cluster
        #: The cluster file's `read_only: true` wins over any command line.
        self.read_only = read_only or cluster.read_only
        self.audit = audit
        self._runners = runners
        self._timeout = timeout
        self._after = after
        self._running: set[str] = set()

    def command(self, request: ActionRequest) -> str:
        """The exact line the action runs, privilege prefix included: what the confirmation
        shows and the audit log records."""
        node = self.cluster.node(request.node)
        if request.verb == "drain" or request.verb == "undrain":
            if request.file is None:
                raise ActionRefused(f"{request.label}: no track file to write")
            return as_privileged(node, track_file_command(request.file, request.value))
        try:
            return as_privileged(node, service_command(node, request.service, request.verb))
        except KeyError:
            raise ActionRefused(f"{request.node} has no service {request.service!r}") from None

    def busy(self, node: str) -> bool:
        return node in self._running

    async def execute(self, request: ActionRequest, *, confirmed: bool) -> ActionOutcome:
        """Run a confirmed action; ActionRefused (and an audit entry) when it must not run."""
        command = self.command(request)
        why = self._refusal(request, confirmed)
        if why is not None:
            try:
                self.audit.refused(
                    cluster=self.cluster.name,
                    node=request.node,
                    action=request.label,
                    command=command,
                    why=why,
                )
            except AuditError as exc:
                raise ActionRefused(f"{why} (and {exc})") from exc
            raise ActionRefused(why)
        self._running.add(request.node)
        try:
            outcome = await self._run(request, command)
        finally:
            self._running.discard(request.node)
        if self._after is not None:
            self._after(outcome)
        return outcome

    def _refusal(self, request: ActionRequest, confirmed: bool) -> str | None:
        if self.read_only:
            return "read-only mode: actions are disabled"
        if not confirmed:
            return f"{request.label} on {request.node} was not confirmed"
        if request.node in self._running:
            return f"an action is already running on {request.node}; wait for it to finish"
        return None

    async def _run(self, request: ActionRequest, command: str) -> ActionOutcome:
        common = {"cluster": self.cluster.name, "node": request.node, "action": request.label}
        try:
            action_id = self.audit.started(command=command, **common)
        except AuditError as exc:
            raise ActionRefused(f"not run: {exc}") from exc
        runner = self._runners(request.node)
        if runner is None:
            done = Completed(command, None, "", "", 0.0, error=f"{request.node} is not connected")
        else:
            done = await runner.run(command, timeout=self._timeout)
        result = "ok" if done.ok else ("unknown" if done.exit_status is None else "failed")
        try:
            self.audit.finished(
                action_id,
                result=result,
                exit_status=done.exit_status,
                duration=done.duration,
                output=done.tail() or (done.error or ""),
                command=command,
                **common,
            )
        except AuditError as exc:
            return ActionOutcome(request, command, done, str(exc))
        return ActionOutcome(request, command, done)
