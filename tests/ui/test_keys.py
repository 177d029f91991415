"""Pilot tests: every key of CONTRACTS.md section 8 (and the console's extra keys), asserting on
the intents, messages and state they produce, not only on pixels."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, OptionList, Static

from kaconsole.core.facts import ServiceObserved, ServiceState
from kaconsole.ui.keymap import MAIN
from kaconsole.ui.messages import ActionDone, StateChanged
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drills import BUILTIN, Drills
from kaconsole.ui.screens.help import Help
from kaconsole.ui.screens.node_actions import NodeActions
from kaconsole.ui.widgets.node_table import NodeList
from kaconsole.ui.widgets.ring_pane import RingPane
from tests.kits.ui import SECRET, console, doc_text, lab_facts, runner, until

SIZE = (140, 45)


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_state_changed_fills_the_node_list(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = console(tmp_path)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.pause()
        assert any(isinstance(m, StateChanged) for m in messages)
        rows = app.main.query_one(NodeList).rows
        assert [r.name for r in rows] == ["node1", "node2"]
        assert "MASTER" in rows[0].cells[4][0]
        assert "VIP" in rows[0].cells[4][0]
        assert "BACKUP" in rows[1].cells[4][0]


async def test_question_mark_opens_help_with_cluster_file_and_audit_log(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, Help)
        text = " ".join(_text(s) for s in app.screen.query(Static))
        assert "tests/ui/lab-sample.yaml" in text
        assert str(tmp_path / "audit.jsonl") in text
        for command in MAIN:
            assert command.description in text
        for name, _ in BUILTIN:
            assert name in text
        await pilot.press("escape")
        assert app.screen is app.main


async def test_q_quits_with_status_0(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    assert app.return_value == 0


async def test_q_asks_first_while_a_drill_runs(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.drill_running = True
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        assert app.screen is app.main
        assert app.is_running
        await pilot.press("q", "y")
    assert app.return_value == 0


@pytest.mark.parametrize(
    ("keys", "selected"),
    [(("down",), 1), (("j",), 1), (("j", "j", "j"), 1), (("j", "k"), 0), (("j", "up"), 0)],
)
async def test_up_down_j_k_select_a_node(
    tmp_path: Path, keys: tuple[str, ...], selected: int
) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.query_one(NodeList).selected == 0  # the first node at start
        await pilot.press(*keys)
        assert app.main.selected == selected
        assert app.main.query_one(NodeList).selected == selected


@pytest.mark.parametrize(
    ("key", "title", "command"),
    [
        ("1", "Stop nginx on node1?", "systemctl stop nginx"),
        ("2", "Start nginx on node1?", "systemctl start nginx"),
        ("3", "Stop keepalived on node1?", "systemctl stop keepalived"),
        ("4", "Start keepalived on node1?", "systemctl start keepalived"),
        ("5", "Restart nginx on node1?", "systemctl restart nginx"),
        ("6", "Restart keepalived on node1?", "systemctl restart keepalived"),
    ],
)
async def test_a_then_digit_asks_with_the_exact_command(
    tmp_path: Path, key: str, title: str, command: str
) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, NodeActions)
        await pilot.press(key)
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert dialog.title_text == title
        assert dialog.command == command
        assert dialog.effect  # the expected effect is always said
        assert dialog.focused is not None
        assert dialog.focused.id == "cancel"
        await pilot.press("escape")
        assert app.screen is app.main
    assert runner(app, "node1").commands == []


async def test_the_confirmation_shows_sudo_when_the_inventory_uses_it(tmp_path: Path) -> None:
    app = console(tmp_path, sudo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1")
        assert isinstance(app.screen, Confirm)
        assert app.screen.command == "sudo -n sh -c 'systemctl stop nginx'"


async def test_stop_nginx_on_master_says_who_takes_over(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1")
        assert isinstance(app.screen, Confirm)
        effect = " ".join(app.screen.effect)
        assert "node2 (100) takes over" in effect
        assert "0.61 s" in effect


async def test_enter_on_the_default_button_cancels(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1", "enter")
        await pilot.pause()
        assert app.screen is app.main
    assert runner(app, "node1").commands == []
    assert any("cancelled" in e.text for e in app.journal.entries)


async def test_n_cancels_and_runs_nothing(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1", "n")
        await pilot.pause()
    assert runner(app, "node1").commands == []
    assert app.audit.read() == []


async def test_y_runs_the_action_audits_it_and_reports_in_the_timeline(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = console(tmp_path)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("j", "a", "5", "y")
        await until(pilot, lambda: any(isinstance(m, ActionDone) for m in messages))
        # the hook sees a message at each pump it passes through: count each message once
        done = list({id(m): m for m in messages if isinstance(m, ActionDone)}.values())
        assert len(done) == 1
        assert done[0].outcome is not None
        assert done[0].outcome.ok
        assert done[0].request.node == "node2"
        timeline = app.main.query_one("#timeline", RingPane)
        texts = [e.text for e in timeline.visible_items]
        assert "restart nginx on node2: done (exit status 0 in 0.01 s)" in texts
    assert runner(app, "node2").commands == ["systemctl restart nginx"]
    phases = [e["phase"] for e in app.audit.read()]
    assert phases == ["started", "completed"]
    assert app.monitor.sessions["node2"].refreshed == 1  # type: ignore[attr-defined]


async def test_a_failed_action_shows_in_the_timeline_and_the_audit_log(tmp_path: Path) -> None:
    app = console(tmp_path)
    runner(app, "node1").exit_status = 5
    runner(app, "node1").stderr = "Failed to stop nginx.service: Unit nginx.service not loaded."
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1", "y")
        timeline = app.main.query_one("#timeline", RingPane)
        await until(pilot, lambda: any("FAILED" in e.text for e in timeline.visible_items))
    entry = app.audit.read()[-1]
    assert entry["result"] == "failed"
    assert entry["exit_status"] == 5
    assert "not loaded" in entry["output_tail"]


async def test_an_unwritable_audit_log_is_shown_at_once_and_nothing_runs(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")  # the log's directory is a file: unwritable, even as root
    app = console(tmp_path)
    app.audit.path = blocker / "audit.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "1", "y")
        timeline = app.main.query_one("#timeline", RingPane)
        await until(pilot, lambda: any("refused" in e.text for e in timeline.visible_items))
        shown = [n.message for n in app._notifications]
        assert any("not run: the audit log" in m and "cannot be written" in m for m in shown)
        app.main.action_pane("commands")
        await pilot.pause()
        text = doc_text(app, "commands")
        assert "$ systemctl stop nginx" in text
        assert "not run: the audit log" in text
    assert runner(app, "node1").commands == []


async def test_leaving_no_master_needs_the_node_name_typed(tmp_path: Path) -> None:
    facts = [*lab_facts(), ServiceObserved("node2", "keepalived", ServiceState.STOPPED, 2e9)]
    app = console(tmp_path, facts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "3")
        dialog = app.screen
        assert isinstance(dialog, Confirm)
        assert dialog.require == "node1"
        dialog.action_confirm()  # `y` alone (the input holds the keyboard) is not enough
        await pilot.pause()
        assert app.screen is dialog
        field = dialog.query_one("#typed", Input)
        assert field.has_focus
        await pilot.press("n", "o", "d", "e", "2", "enter")
        assert app.screen is dialog  # the wrong name
        field.value = ""
        await pilot.press(*"node1", "enter")
        await until(pilot, lambda: bool(runner(app, "node1").commands))
        await pilot.pause()
        assert app.screen is app.main
    assert runner(app, "node1").commands == ["systemctl stop keepalived"]


async def test_read_only_hides_and_refuses_actions(tmp_path: Path) -> None:
    app = console(tmp_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert app.screen is app.main
        assert "actions" not in {b.binding.action for b in app.active_bindings.values()}
        await pilot.press("question_mark")
        text = " ".join(_text(s) for s in app.screen.query(Static))
        assert "read-only" in text
        assert "actions for the selected node" not in text
    assert app.audit.read() == []


async def test_d_lists_the_builtin_drills(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, Drills)
        options = app.screen.query_one(OptionList)
        text = " ".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        for name, _ in BUILTIN:
            assert name in text
        await pilot.press("escape")
        assert app.screen is app.main


async def test_slash_filters_the_log_and_escape_clears(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        logs = app.main.query_one("#logs", RingPane)
        everything = len(logs.visible_items)
        await pilot.press("slash", *"gratuitous")
        shown = logs.visible_items
        assert 0 < len(shown) < everything
        assert all("gratuitous" in f.event.text.lower() for f in shown)
        await pilot.press("escape")
        assert len(logs.visible_items) == everything
        assert not app.main.query_one("#filter", Input).display


async def test_f_pauses_and_m_shows_one_node(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        logs = app.main.query_one("#logs", RingPane)
        await pilot.press("f")
        assert not logs.follow
        await pilot.press("f", "j", "m")
        assert logs.follow
        assert {f.node for f in logs.visible_items} == {"node2"}
        await pilot.press("m")
        assert {f.node for f in logs.visible_items} == {"node1", "node2"}


async def test_t_cycles_the_themes(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        seen = [app.theme]
        for _ in range(4):
            await pilot.press("t")
            seen.append(app.theme)
    assert seen == ["dark", "light", "high-contrast", "colour-blind", "dark"]


async def test_ctrl_s_saves_a_screenshot_and_the_timeline(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = sorted(p.suffix for p in (tmp_path / "saved").iterdir())
    assert saved == [".md", ".svg"]
    md = next((tmp_path / "saved").glob("*.md")).read_text()
    assert "BACKUP → MASTER" in md
    svg = next((tmp_path / "saved").glob("*.svg")).read_text()
    assert "<svg" in svg
    assert SECRET not in svg


async def test_p_toggles_presentation_mode_with_a_big_timer(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timer = app.main.query_one("#timer")
        assert not timer.display or timer.region.height == 0
        await pilot.press("p")
        await pilot.pause()
        assert app.main.has_class("-presentation")
        assert timer.region.height >= 3
        assert not app.main.query_one("#panes").region.height
        await pilot.press("p")
        assert not app.main.has_class("-presentation")


@pytest.mark.parametrize(("key", "pane"), [("w", "adverts"), ("e", "timeline"), ("c", "config")])
async def test_pane_keys_switch_panes(tmp_path: Path, key: str, pane: str) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        assert app.main.query_one(ContentSwitcher).current == pane
        await pilot.press("l")
        assert app.main.query_one(ContentSwitcher).current == "logs"


async def test_config_pane_is_redacted(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        text = doc_text(app, "config")
        assert "   23          auth_pass ***" in text
        assert "VI_CLUSTER priority: 120 on node1; 100 on node2" in text
        assert SECRET not in text
        assert SECRET not in app.export_screenshot()


async def test_palette_lists_every_action_and_drill(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.main)}
    assert {c.label for c in MAIN} <= titles
    assert {f"Drill: {name}" for name, _ in BUILTIN} <= titles


async def test_palette_runs_the_same_action_as_the_key(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        command = next(c for c in app.get_system_commands(app.main) if c.title == "Events")
        command.callback()
        await pilot.pause()
        assert app.main.query_one(ContentSwitcher).current == "timeline"
