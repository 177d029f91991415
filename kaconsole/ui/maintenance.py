"""Maintenance mode from the console (`M`): drain the selected node through its track file, or
put it back; confirmed (the command and the predicted MASTER shown), run and audited by Actions.
A node whose config has no usable track file gets the lines to add, never an edit."""

from __future__ import annotations

from typing import Any

from textual.app import App

from kaconsole.core.insight.anomalies import instance_names
from kaconsole.core.insight.maintenance import predict_undrain
from kaconsole.engine.actions import ActionRequest
from kaconsole.engine.maintenance import maintenance_request
from kaconsole.errors import ActionRefused
from kaconsole.ui.context import Console
from kaconsole.ui.screens.confirm import Confirm


def ask_maintenance(app: App[Any], console: Console, node: str) -> None:
    state = console.monitor.state
    names = [n for n in instance_names(state) if (s := state.node(node)) and s.instance(n)]
    if not names:
        app.notify(f"{node} runs no known instance yet", severity="warning")
        return
    instance = names[0]
    back = predict_undrain(state, node, instance)
    verb = "undrain" if back is not None else "drain"
    try:
        request, lines = maintenance_request(state, node, instance, verb)
        command = console.actions.command(request)
    except ActionRefused as exc:
        app.notify(str(exc), title="Maintenance mode", severity="error", timeout=20)
        return
    if back is not None:
        lines = (*lines, f"{instance}: {back.reason}")
    app.push_screen(
        Confirm(f"{verb.capitalize()} {node} ({instance})?", lines, command=command),
        lambda ok: _run(app, console, request) if ok else None,
    )


def _run(app: App[Any], console: Console, request: ActionRequest) -> None:
    async def go() -> None:
        try:
            done = await console.actions.execute(request, confirmed=True)
        except ActionRefused as exc:
            app.notify(str(exc), severity="error")
            return
        console.monitor.refresh(request.node)
        app.notify(done.summary(), severity="information" if done.ok else "error")

    app.run_worker(go(), group="maintenance", exit_on_error=False)
